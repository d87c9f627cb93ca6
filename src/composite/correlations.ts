import { type CorMethod, correlation, pairCount, pearsonPValue } from "../stats/correlation.ts";
import type { Dataset, Framework } from "./types.ts";

/** One pair of a correlation table. */
export interface CorrelationPair {
  var1: string;
  var2: string;
  correlation: number;
  n: number;
}

export interface CorrelationOptions {
  method?: CorMethod;
  /**
   * Pearson only: correlations whose two-sided p-value exceeds pval become NaN, as COINr's
   * get_corr (default 0 = keep all; COINr's own default is 0.05).
   */
  pval?: number;
  /** Keep only pairs of a code and its ancestor (COINr `withparent`). */
  withparent?: boolean;
}

/**
 * Correlations between the codes of two framework levels (Levels equal: within one level), on a
 * data set that has those columns (e.g. Aggregated), pairwise complete (COINr `get_corr`).
 * The first level is the higher one, as in COINr; pairs are listed var1 from the first level.
 *
 * @example levelCorrelations(agg, fw, [1, 2], { withparent: true }) // each indicator with its pillar
 */
export function levelCorrelations(
  ds: Dataset,
  fw: Framework,
  levels: [number, number],
  opts: CorrelationOptions = {},
): CorrelationPair[] {
  const [hi, lo] = levels[0] >= levels[1] ? levels : [levels[1], levels[0]];
  const codesAt = (l: number) => (l === 1 ? fw.indicators : (fw.aggregateLevels[l - 2] ?? []));
  const a = codesAt(hi).filter((c) => ds.codes.includes(c));
  const b = codesAt(lo).filter((c) => ds.codes.includes(c));
  const col = (c: string) => ds.values[ds.codes.indexOf(c)]!;
  const out: CorrelationPair[] = [];
  for (const x of a) {
    for (const y of b) {
      if (opts.withparent && !isAncestor(fw, x, y)) continue;
      out.push(pair(x, y, col(x), col(y), opts));
    }
  }
  return out;
}

/** Square correlation matrix of the given codes (row-major, length k²). */
export function correlationMatrix(
  ds: Dataset,
  codes: string[],
  opts: CorrelationOptions = {},
): Float64Array {
  const k = codes.length;
  const m = new Float64Array(k * k);
  const cols = codes.map((c) => {
    const j = ds.codes.indexOf(c);
    if (j < 0) throw new Error(`correlationMatrix: "${c}" is not in the data set`);
    return ds.values[j]!;
  });
  for (let i = 0; i < k; i++) {
    m[i * k + i] = 1;
    for (let j = i + 1; j < k; j++) {
      const r = pair(codes[i]!, codes[j]!, cols[i]!, cols[j]!, opts).correlation;
      m[i * k + j] = r;
      m[j * k + i] = r;
    }
  }
  return m;
}

function pair(
  v1: string,
  v2: string,
  x: Float64Array,
  y: Float64Array,
  o: CorrelationOptions,
): CorrelationPair {
  const method = o.method ?? "pearson";
  let r = correlation(x, y, method);
  const n = pairCount(x, y);
  if (o.pval && o.pval > 0 && method === "pearson" && pearsonPValue(r, n) > o.pval) r = Number.NaN;
  return { var1: v1, var2: v2, correlation: r, n };
}

function isAncestor(fw: Framework, anc: string, code: string): boolean {
  let p = fw.parent.get(code);
  while (p !== undefined) {
    if (p === anc) return true;
    p = fw.parent.get(p);
  }
  return false;
}
