/**
 * Comparing an index with an external ranking (the Soft Power 30, Elcano's soft presence...):
 * rank agreement over the units both cover. Pure. Reading a comparison source is
 * `readComparison` in io/indicator-sources.ts; its schema is re-exported here.
 */
import { correlation } from "../stats/correlation.ts";

export {
  type CompareSource,
  CompareSourceListSchema,
  CompareSourceSchema,
} from "../io/indicator-sources.ts";

/** Rank agreement of an index with one reference. */
export interface RankComparison {
  name: string;
  /** Units with a finite score in both. */
  n_overlap: number;
  /** Spearman's rho over the overlap (NaN below 2 units or with a constant vector). */
  spearman: number;
  /** Kendall's tau-b over the overlap (NaN as spearman). */
  kendall: number;
  /** The overlapping units, sorted. */
  units: string[];
}

/**
 * Spearman's rho and Kendall's tau-b between index scores and a reference (higher = better in
 * both; a reference given as ranks, 1 = best, gives a negative rho), over the units with a finite
 * value in both (R's `cor(x, y, method, use = "complete.obs")` on the overlap). Missing-data
 * policy: units absent from either map or NaN in either are left out. Cost O(n²) (Kendall).
 *
 * @example
 * compareRanks(new Map([["USA", 80], ["CHN", 40], ["DEU", 70]]),
 *              new Map([["USA", 77.4], ["CHN", 51.3], ["DEU", 78.6], ["FRA", 80.3]]), "SP30")
 * // { name: "SP30", n_overlap: 3, spearman: 0.5, kendall: 0.333…, units: ["CHN", "DEU", "USA"] }
 */
export function compareRanks(
  scores: ReadonlyMap<string, number>,
  reference: ReadonlyMap<string, number>,
  name: string,
): RankComparison {
  const units = [...scores.keys()]
    .filter((u) => Number.isFinite(scores.get(u)) && Number.isFinite(reference.get(u)))
    .sort();
  const x = Float64Array.from(units, (u) => scores.get(u)!);
  const y = Float64Array.from(units, (u) => reference.get(u)!);
  const enough = units.length >= 2;
  return {
    name,
    n_overlap: units.length,
    spearman: enough ? correlation(x, y, "spearman") : Number.NaN,
    kendall: enough ? correlation(x, y, "kendall") : Number.NaN,
    units,
  };
}
