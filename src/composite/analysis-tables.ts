import { correlation } from "../stats/correlation.ts";
import { cronbachByAggregate } from "./cronbach.ts";
import type { IndexResult } from "./pipeline.ts";
import type { TableData } from "./tables.ts";
import type { Framework } from "./types.ts";
import { effectiveWeights, pcaWeights } from "./weights.ts";

/**
 * The analysis tables of a build, on its Aggregated data set (normalised indicators and the
 * aggregates): effective weights; Cronbach's alpha of each aggregate's children; Pearson
 * correlations of every code with its parent and with the index (pairwise complete); PCA weights
 * of the indicators within each pillar (on the Normalised data set, complete rows).
 */
export function analysisTables(r: IndexResult, fw: Framework): Record<string, TableData> {
  const agg = r.stages.Aggregated!;
  const col = (c: string) => agg.values[agg.codes.indexOf(c)]!;
  const eff = effectiveWeights(fw);
  const tree = fw.meta.filter((m) => m.type === "Indicator" || m.type === "Aggregate");
  const out: Record<string, TableData> = {
    effective_weights: {
      columns: ["iCode", "Level", "Parent", "Weight", "EffWeight"],
      rows: tree.map((m) => [m.iCode, m.level, m.parent, fw.weight.get(m.iCode)!, eff[m.iCode]!]),
    },
    cronbach: {
      columns: ["iCode", "k", "alpha"],
      rows: cronbachByAggregate(agg, fw).map((c) => [c.iCode, c.k, c.alpha]),
    },
    correlations: {
      columns: ["iCode", "Level", "Parent", "corr_parent", "corr_index"],
      rows: tree
        .filter((m) => m.iCode !== fw.top && agg.codes.includes(m.iCode))
        .map((m) => [
          m.iCode,
          m.level,
          m.parent,
          correlation(col(m.iCode), col(m.parent!)),
          correlation(col(m.iCode), col(fw.top)),
        ]),
    },
  };
  if (r.stages.Normalised) {
    const pca = pcaWeights(r.stages.Normalised, fw, 1, true);
    out.pca_weights = {
      columns: ["iCode", "Parent", "pca_weight", "pc1_variance_share", "units_used"],
      rows: pca.groups.flatMap((g) =>
        g.codes.map((c, i) => [c, g.parent, g.weights[i]!, g.varianceExplained[0]!, g.nUnits]),
      ),
    };
  }
  return out;
}
