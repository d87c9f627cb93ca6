import { InputError } from "../core/errors.ts";
import { rankDescending } from "../stats/rank.ts";
import { applyStep, type CoinInput, type IndexResult, type Pipeline, STAGES } from "./pipeline.ts";
import type { Dataset } from "./types.ts";

/** Options of {@link removeElements}, named after COINr's `remove_elements` arguments. */
export interface RemoveElementsOptions {
  /** Framework level whose elements are removed one at a time (1 = indicators, 2 = pillars…). */
  level: number;
  /** The code whose scores and ranks are compared (default: the top of the framework, the index). */
  iCode?: string;
}

/** What {@link removeElements} returns (COINr's `Scores`, `Ranks`, `RankDiffs`, `RankAbsDiffs`, `MeanAbsDiffs`). */
export interface RemoveElementsResult {
  units: string[];
  /** "Nominal", then the removed elements in iMeta order. */
  elements: string[];
  /** scores[e][u]: the iCode's score of unit u with element e removed (e = 0: nominal). */
  scores: Float64Array[];
  /** ranks[e][u]: the rank of that score, rank(−x, ties "min") over the units with a score. */
  ranks: Float64Array[];
  /** rankDiffs[e][u] = nominal rank − rank with e removed (COINr's RankDiffs). */
  rankDiffs: Float64Array[];
  /** meanAbsRankChange[e]: mean over units of |rankDiffs[e][u]| (missing skipped); 0 for Nominal. */
  meanAbsRankChange: number[];
}

/**
 * The effect of removing each element of one level (COINr `remove_elements`): for each indicator
 * (level 1) or aggregate (level ≥ 2) in turn, its weight is set to zero with every other weight
 * kept, the index is regenerated, and its scores and ranks are compared with the nominal ones.
 * Weights act only in aggregation, so regenerating is re-aggregating the data set the build's
 * aggregation took (Normalised in COINr's default build; the last stage before Aggregated),
 * with the pipeline's aggregation method, weights and data thresholds. The summary is the mean
 * absolute rank change over units, MAD_e = (1/n) Σ_u |r_u − r_u^(−e)|.
 *
 * As COINr notes, "removing" means weight zero: it removes an element only for aggregations
 * that use weights (not a_copeland's ties, for instance). A pillar whose only child is removed
 * gets no value and its parent averages the rest (missing children are skipped).
 *
 * Cost: one aggregation per element, O(elements × units × nodes).
 *
 * @example removeElements(input, pipeline, result, { level: 2 }).meanAbsRankChange
 *   // [0, …] one per pillar of ASEM, after "Nominal"
 * @throws InputError for a level outside 1..top − 1 or an iCode not in the aggregated data set
 */
export function removeElements(
  input: CoinInput,
  pipeline: Pipeline,
  result: IndexResult,
  opts: RemoveElementsOptions,
): RemoveElementsResult {
  const fw = input.framework;
  const { level } = opts;
  if (!(Number.isInteger(level) && level >= 1 && level < fw.maxLevel)) {
    throw new InputError(
      `removeElements: level must be an integer from 1 to ${fw.maxLevel - 1} (below the top), got ${level}`,
    );
  }
  const base = aggregationInput(result);
  const iCode = opts.iCode ?? fw.top;
  const nominalAgg = result.stages.Aggregated!;
  const col = nominalAgg.codes.indexOf(iCode);
  if (col < 0) {
    throw new InputError(
      `removeElements: iCode "${iCode}" is not in the Aggregated data set (have indicators and aggregates such as ${fw.top})`,
    );
  }
  const elements = (level === 1 ? fw.indicators : fw.aggregateLevels[level - 2]!).filter(
    (c) => level > 1 || base.codes.includes(c),
  );
  const nominal = nominalAgg.values[col]!;
  const nominalRank = rankDescending(nominal);
  const scores: Float64Array[] = [nominal];
  const ranks: Float64Array[] = [nominalRank];
  for (const e of elements) {
    const agg = applyStep("aggregate", base, pipeline, input, { [e]: 0 }).data;
    const s = agg.values[agg.codes.indexOf(iCode)]!;
    scores.push(s);
    ranks.push(rankDescending(s));
  }
  const rankDiffs = ranks.map((r) => nominalRank.map((v, u) => v - r[u]!));
  const meanAbsRankChange = rankDiffs.map((d) => {
    let s = 0;
    let n = 0;
    for (const v of d) {
      if (!Number.isNaN(v)) {
        s += Math.abs(v);
        n++;
      }
    }
    return n ? s / n : Number.NaN;
  });
  return {
    units: [...nominalAgg.units],
    elements: ["Nominal", ...elements],
    scores,
    ranks,
    rankDiffs,
    meanAbsRankChange,
  };
}

/** The data set a build aggregated: its last stage before Aggregated. */
function aggregationInput(result: IndexResult): Dataset {
  for (let i = STAGES.length - 2; i >= 0; i--) {
    const ds = result.stages[STAGES[i]!];
    if (ds) return ds;
  }
  throw new Error("removeElements: the build has no stage before Aggregated");
}
