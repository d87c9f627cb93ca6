import { covariance } from "../stats/correlation.ts";
import type { Dataset, Framework } from "./types.ts";

/**
 * Cronbach's alpha of a set of columns (COINr `get_cronbach`): with C the pairwise-complete
 * covariance matrix (n − 1), α = k/(k − 1) · (1 − Σ C_ii / Σ_ij C_ij).
 *
 * @example cronbachAlpha(ds, ["LPI", "Flights", "Ship"])
 */
export function cronbachAlpha(ds: Dataset, codes: string[]): number {
  const k = codes.length;
  if (k < 2) return Number.NaN;
  const cols = codes.map((c) => {
    const j = ds.codes.indexOf(c);
    if (j < 0) throw new Error(`cronbachAlpha: "${c}" is not in the data set`);
    return ds.values[j]!;
  });
  let total = 0;
  let diag = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const c = covariance(cols[i]!, cols[j]!);
      if (i === j) {
        diag += c;
        total += c;
      } else total += 2 * c;
    }
  }
  return (k / (k - 1)) * (1 - diag / total);
}

/** Cronbach's alpha of the children of every aggregate, on a data set holding them. */
export function cronbachByAggregate(
  ds: Dataset,
  fw: Framework,
): { iCode: string; alpha: number; k: number }[] {
  return fw.aggregateLevels.flat().map((agg) => {
    const kids = fw.children.get(agg)!.filter((c) => ds.codes.includes(c));
    return { iCode: agg, alpha: cronbachAlpha(ds, kids), k: kids.length };
  });
}
