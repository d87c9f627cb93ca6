import { InputError } from "../core/errors.ts";
import { rankDescending } from "../stats/rank.ts";
import type { Dataset, Framework } from "./types.ts";

/** Options of {@link strengthsWeaknesses}, named after COINr's `get_str_weak` arguments. */
export interface StrengthsOptions {
  /** How many strengths (COINr topN, default 5) and weaknesses (bottomN, default 5; at most the indicators). */
  topN?: number;
  bottomN?: number;
  /**
   * Multiply each indicator by its iMeta Direction before ranking (COINr adjust_direction;
   * default true, as COINr's default for the Raw data set; pass false for normalised data).
   */
  adjustDirection?: boolean;
  /**
   * Keep only indicators whose fraction of unique values (over all units, a missing value counting
   * as one value, as R's `unique`) is above this (COINr unq_discard; default none).
   */
  unqDiscard?: number | null;
  /** Drop indicators in which the unit has the worst rank (COINr min_discard, default true). */
  minDiscard?: boolean;
  /** Level whose ancestor is reported beside each indicator (COINr report_level, default 2). */
  reportLevel?: number;
  /** Rank within the unit's group of this iData group column (COINr use_group). */
  groups?: readonly (string | null)[];
  /** Significant figures of the reported values (COINr sig_figs, default 3; null: as they are). */
  sigFigs?: number | null;
}

/** One strength or weakness of a unit. */
export interface StrengthRow {
  code: string;
  name: string;
  /** The indicator's ancestor at reportLevel (e.g. its pillar). */
  pillar: string | null;
  unit: string | null;
  rank: number;
  /** The unit's value (not direction-adjusted). */
  value: number;
}

/**
 * A unit's strengths and weaknesses (COINr `get_str_weak`): the unit's rank in every indicator
 * of the data set (values multiplied by Direction when adjustDirection; rank(−x, ties "min"),
 * within its group when `groups` is given); indicators where the unit has no value are
 * ignored; optionally those with a fraction of unique values ≤ unqDiscard, and (minDiscard)
 * those where the unit holds the indicator's worst rank (the largest rank present, e.g. a value
 * of zero shared by many units); the rest are sorted by rank (ties in iMeta order): the first
 * topN are the strengths, the last bottomN the weaknesses (best of them first), each with its
 * name, ancestor at reportLevel, unit, rank and value.
 *
 * @example strengthsWeaknesses(raw, fw, "ESP").strengths[0] // { code, name, pillar, rank, value }
 * @throws InputError for a unit not in the data set, or topN/bottomN/unqDiscard/reportLevel out of range
 */
export function strengthsWeaknesses(
  ds: Dataset,
  fw: Framework,
  unit: string,
  opts: StrengthsOptions = {},
): { strengths: StrengthRow[]; weaknesses: StrengthRow[] } {
  const codes = fw.indicators.filter((c) => ds.codes.includes(c));
  // Left out, topN and bottomN are 5, or the number of indicators when there are fewer.
  const topN = opts.topN ?? Math.min(5, codes.length);
  const bottomN = opts.bottomN ?? Math.min(5, codes.length);
  const { adjustDirection = true, minDiscard = true } = opts;
  const reportLevel = opts.reportLevel ?? 2;
  const sigFigs = opts.sigFigs === undefined ? 3 : opts.sigFigs;
  for (const [k, v] of [
    ["topN", topN],
    ["bottomN", bottomN],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 1 && v <= codes.length)) {
      throw new InputError(
        `strengthsWeaknesses: ${k} must be an integer from 1 to ${codes.length} (the indicators), got ${v}`,
      );
    }
  }
  if (opts.unqDiscard != null && !(opts.unqDiscard >= 0 && opts.unqDiscard <= 1)) {
    throw new InputError(
      `strengthsWeaknesses: unqDiscard must be between 0 and 1, got ${opts.unqDiscard}`,
    );
  }
  if (!(Number.isInteger(reportLevel) && reportLevel >= 2 && reportLevel <= fw.maxLevel)) {
    throw new InputError(
      `strengthsWeaknesses: reportLevel must be an integer from 2 to ${fw.maxLevel}, got ${reportLevel}`,
    );
  }
  const u = ds.units.indexOf(unit);
  if (u < 0) {
    throw new InputError(
      `strengthsWeaknesses: unit "${unit}" is not in the data set (${ds.units.length} units, e.g. ${ds.units.slice(0, 3).join(", ")})`,
    );
  }
  if (opts.groups && opts.groups.length !== ds.units.length) {
    throw new Error("strengthsWeaknesses: groups must have one entry per unit of the data set");
  }
  const rows = opts.groups
    ? ds.units.flatMap((_, i) => (opts.groups![i] === opts.groups![u] ? [i] : []))
    : ds.units.map((_, i) => i);
  const pos = rows.indexOf(u);
  const cand: { code: string; rank: number; order: number }[] = [];
  codes.forEach((code, order) => {
    const x = ds.values[ds.codes.indexOf(code)]!;
    if (opts.unqDiscard != null) {
      const uniq = new Set<number | string>();
      for (const v of x) uniq.add(Number.isNaN(v) ? "NA" : v);
      if (!(uniq.size / x.length > opts.unqDiscard)) return;
    }
    const dir = adjustDirection ? (fw.direction.get(code) ?? 1) : 1;
    const r = rankDescending(Float64Array.from(rows, (i) => dir * x[i]!));
    const mine = r[pos]!;
    if (Number.isNaN(mine)) return;
    if (minDiscard) {
      let worst = Number.NEGATIVE_INFINITY;
      for (const v of r) if (v > worst) worst = v;
      if (mine === worst) return;
    }
    cand.push({ code, rank: mine, order });
  });
  cand.sort((a, b) => a.rank - b.rank || a.order - b.order);
  const row = (c: (typeof cand)[number]): StrengthRow => {
    const v = ds.values[ds.codes.indexOf(c.code)]![u]!;
    return {
      code: c.code,
      name: fw.name.get(c.code) ?? c.code,
      pillar: ancestorAt(fw, c.code, reportLevel),
      unit: fw.meta.find((m) => m.iCode === c.code)?.unit ?? null,
      rank: c.rank,
      value: sigFigs === null ? v : signif(v, sigFigs),
    };
  };
  return {
    strengths: cand.slice(0, topN).map(row),
    weaknesses: cand.slice(Math.max(0, cand.length - bottomN)).map(row),
  };
}

/**
 * The ancestor of `code` at `level` (the code itself at its own level; null when the tree has no
 * such level above it).
 *
 * @example ancestorAt(fw, "LPI", 2) // "Physical" for ASEM
 */
export function ancestorAt(fw: Framework, code: string, level: number): string | null {
  let c: string | undefined = code;
  while (c !== undefined && fw.level.get(c) !== level) c = fw.parent.get(c);
  return c ?? null;
}

/**
 * R's `signif(x, digits)`: x rounded to `digits` significant figures (at least 1).
 *
 * @example signif(1234.5, 3) // 1230
 */
export function signif(x: number, digits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const d = Math.max(1, digits);
  return Number(x.toPrecision(d));
}
