import { InputError } from "../core/errors.ts";
import type { CorMethod } from "../stats/correlation.ts";
import { corTest } from "./cor-test.ts";
import { ancestorAt } from "./strengths.ts";
import type { Dataset, Framework } from "./types.ts";

/** Options of {@link correlationFlags}, named after COINr's `get_corr_flags` arguments. */
export interface CorrFlagOptions {
  /** Threshold (COINr cor_thresh, default 0.9). */
  corThresh?: number;
  /** "high" flags corr > corThresh (default), "low" flags corr < corThresh (signed, as COINr). */
  threshType?: "high" | "low";
  /** pearson (default), spearman or kendall (COINr cortype). */
  method?: CorMethod;
  /** Pairs are of indicators in the same group at this level (COINr grouplev, default 2). */
  groupLevel?: number;
  /** Decimal places of the reported correlation (COINr roundto, default 3; null: none). */
  roundTo?: number | null;
  /** Multiply each indicator by its Direction first (COINr use_directions, default false). */
  useDirections?: boolean;
}

/** A flagged pair. `corr` is rounded as asked; `p` is the two-sided p-value of the unrounded value. */
export interface CorrFlag {
  group: string;
  ind1: string;
  ind2: string;
  corr: number;
  p: number;
  n: number;
}

/**
 * Collinear (or contrary) indicators within groups (COINr `get_corr_flags`): the correlations
 * of every pair of indicators of the data set that share an ancestor at `groupLevel`
 * (pairwise complete observations, each pair once, iMeta order), flagged when
 * corr > corThresh ("high") or corr < corThresh ("low"); with the p-value of R's `cor.test`
 * for the method (see {@link corTest}). Pairs with no correlation (NA) are not flagged.
 *
 * Cost O(pairs × units) (Kendall O(pairs × units²)).
 *
 * @example correlationFlags(normalised, fw, { corThresh: 0.75 }) // [{ group: "Physical", ind1, ind2, corr }, ...]
 * @throws InputError for a groupLevel outside 2..top
 */
export function correlationFlags(
  ds: Dataset,
  fw: Framework,
  opts: CorrFlagOptions = {},
): CorrFlag[] {
  const { corThresh = 0.9, threshType = "high", method = "pearson" } = opts;
  const groupLevel = opts.groupLevel ?? 2;
  const roundTo = opts.roundTo === undefined ? 3 : opts.roundTo;
  if (!(Number.isInteger(groupLevel) && groupLevel >= 2 && groupLevel <= fw.maxLevel)) {
    throw new InputError(
      `correlationFlags: groupLevel must be an integer from 2 to ${fw.maxLevel}, got ${groupLevel}`,
    );
  }
  if (!Number.isFinite(corThresh))
    throw new InputError(`correlationFlags: corThresh must be a number, got ${corThresh}`);
  const codes = fw.indicators.filter((c) => ds.codes.includes(c));
  const col = (c: string) => directed(ds, fw, c, opts.useDirections ?? false);
  const out: CorrFlag[] = [];
  for (let i = 0; i < codes.length; i++) {
    const gi = ancestorAt(fw, codes[i]!, groupLevel);
    for (let j = i + 1; j < codes.length; j++) {
      if (ancestorAt(fw, codes[j]!, groupLevel) !== gi || gi === null) continue;
      const t = corTest(col(codes[i]!), col(codes[j]!), method);
      if (Number.isNaN(t.estimate)) continue;
      const hit = threshType === "high" ? t.estimate > corThresh : t.estimate < corThresh;
      if (!hit) continue;
      out.push({
        group: gi,
        ind1: codes[i]!,
        ind2: codes[j]!,
        corr: round(t.estimate, roundTo),
        p: t.p,
        n: t.n,
      });
    }
  }
  return out;
}

/** Options of {@link denominatorCorrelations} (COINr `get_denom_corr` arguments). */
export interface DenomCorrOptions {
  /** |corr| above this is flagged (COINr cor_thresh, default 0.6). */
  corThresh?: number;
  method?: CorMethod;
  /** Decimal places of the reported correlation (COINr nround, default 2; null: none). */
  roundTo?: number | null;
  useDirections?: boolean;
  /** Return every pair, flagged or not (default false: only |corr| > corThresh, as COINr). */
  all?: boolean;
}

/** One indicator–denominator pair. */
export interface DenomCorr {
  denominator: string;
  indicator: string;
  corr: number;
  p: number;
  n: number;
  flagged: boolean;
}

/**
 * Which indicators mostly measure size (COINr `get_denom_corr`): the correlation of every
 * indicator of the data set with every denominator column (e.g. GDP, population; values per
 * unit, matched by uCode), pairwise complete, flagged when |corr| > corThresh, with the p-value
 * of R's `cor.test`. A strong correlation with a denominator suggests dividing by it.
 * Denominators in iMeta order, then indicators in iMeta order.
 *
 * @example denominatorCorrelations(raw, fw, den, { corThresh: 0.7 }) // [{ denominator: "Population", indicator: "Flights", corr: 0.8 }]
 * @throws InputError when the unit data have no denominator columns
 */
export function denominatorCorrelations(
  ds: Dataset,
  fw: Framework,
  denominators: { units: readonly string[]; columns: Record<string, ArrayLike<number>> },
  opts: DenomCorrOptions = {},
): DenomCorr[] {
  const { corThresh = 0.6, method = "pearson" } = opts;
  const roundTo = opts.roundTo === undefined ? 2 : opts.roundTo;
  const names = [
    ...fw.denominators.filter((d) => d in denominators.columns),
    ...Object.keys(denominators.columns).filter((d) => !fw.denominators.includes(d)),
  ];
  if (names.length === 0) {
    throw new InputError(
      "denominatorCorrelations: the data have no denominator columns (iMeta rows of Type Denominator)",
    );
  }
  const idx = new Map(denominators.units.map((u, i) => [u, i]));
  const codes = fw.indicators.filter((c) => ds.codes.includes(c));
  const out: DenomCorr[] = [];
  for (const d of names) {
    const src = denominators.columns[d]!;
    const den = Float64Array.from(ds.units, (u) => {
      const i = idx.get(u);
      return i === undefined ? Number.NaN : src[i]!;
    });
    for (const c of codes) {
      const t = corTest(den, directed(ds, fw, c, opts.useDirections ?? false), method);
      const flagged = Math.abs(t.estimate) > corThresh;
      if (!flagged && !opts.all) continue;
      out.push({
        denominator: d,
        indicator: c,
        corr: round(t.estimate, roundTo),
        p: t.p,
        n: t.n,
        flagged,
      });
    }
  }
  return out;
}

function directed(ds: Dataset, fw: Framework, code: string, use: boolean): Float64Array {
  const x = ds.values[ds.codes.indexOf(code)]!;
  if (!use) return x;
  const d = fw.direction.get(code) ?? 1;
  return d === 1 ? x : x.map((v) => v * d);
}

/** R's round(x, digits) (half to even at exact binary halves aside, as R 4). */
function round(x: number, digits: number | null): number {
  if (digits === null || !Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
