import { InputError } from "../core/errors.ts";
import type { CorMethod } from "../stats/correlation.ts";
import { compareIndices, compareIndicesMulti, type ScoreColumn } from "./compare.ts";
import { correlationFlags, denominatorCorrelations } from "./corr-flags.ts";
import { outrankingMatrix } from "./outrank.ts";
import { buildPanelIndex, isPanel } from "./panel.ts";
import { panelYears } from "./panel-uncertainty.ts";
import {
  buildIndex,
  type CoinInput,
  type IndexResult,
  type Pipeline,
  type StageName,
} from "./pipeline.ts";
import { removeElements } from "./remove-elements.ts";
import { strengthsWeaknesses } from "./strengths.ts";
import type { TableData } from "./tables.ts";
import { trends } from "./trends.ts";
import type { Dataset } from "./types.ts";
import { effectiveWeights } from "./weights.ts";

/** Options of {@link analyseIndex}: one group per tool, named after COINr's arguments. */
export interface AnalyseOptions {
  /** remove_elements: level (default 1) and the code compared (default the index). */
  level?: number;
  iCode?: string;
  /** get_str_weak: unit (default the index's rank-1 unit), topN/bottomN, data set (Raw). */
  unit?: string;
  top?: number;
  bottom?: number;
  swDset?: StageName;
  unqDiscard?: number | null;
  minDiscard?: boolean;
  reportLevel?: number;
  /** get_corr_flags: threshold (0.9), high/low, method, group level (2), data set (Normalised). */
  corThresh?: number;
  threshType?: "high" | "low";
  cortype?: CorMethod;
  groupLevel?: number;
  corrDset?: StageName;
  /** get_denom_corr: threshold (0.6) and data set (Raw). */
  denomThresh?: number;
  denomDset?: StageName;
  /** outrankMatrix: columns (default the indicators, with their effective weights) and data set (Normalised). */
  outrankCodes?: string[];
  outrankDset?: StageName;
  /** get_trends: latest N points (default all) and data set (Raw). */
  useLatest?: number;
  trendDset?: StageName;
  /** Add p_value (and n) columns to corr_flags and denom_corr. */
  pvals?: boolean;
}

/** A named second (third, …) build to compare with the nominal one. */
export interface CompareBuild {
  name: string;
  pipeline: Pipeline;
}

/**
 * Runs every analysis tool on a build and returns COINr-shaped tables by file name:
 * remove_elements, remove_elements_scores, strengths, weaknesses, corr_flags, denom_corr
 * (when iData has denominators), outrank, compare (with a second build; with more,
 * compare_multi, compare_multi_diffs, compare_multi_absdiffs) and trends (panel data only).
 * A panel is analysed in its latest year, except trends, which use every year.
 *
 * @example analyseIndex(input, pipeline, [], { level: 2 }).remove_elements.rows[0] // ["Nominal", 0]
 * @throws InputError for an option a tool rejects (a unit not in the data, a level out of range…)
 */
export function analyseIndex(
  input: CoinInput,
  pipeline: Pipeline,
  compare: CompareBuild[] = [],
  o: AnalyseOptions = {},
): Record<string, TableData> {
  const panel = isPanel(input.data);
  let cross = input;
  let result: IndexResult;
  let panelBuild: ReturnType<typeof buildPanelIndex> | null = null;
  const build = (inp: CoinInput, p: Pipeline): { input: CoinInput; result: IndexResult } => {
    if (!isPanel(inp.data)) return { input: inp, result: buildIndex(inp, p) };
    const pb = buildPanelIndex(inp, p);
    const last = pb.years.length - 1;
    return { input: panelYears(inp).inputs[last]!, result: pb.byYear.get(pb.years[last]!)! };
  };
  if (panel) {
    panelBuild = buildPanelIndex(input, pipeline);
    const last = panelBuild.years.length - 1;
    cross = panelYears(input).inputs[last]!;
    result = panelBuild.byYear.get(panelBuild.years[last]!)!;
  } else result = buildIndex(input, pipeline);
  const fw = input.framework;
  const stage = (name: StageName | undefined, dflt: StageName): Dataset => {
    const s = name ?? dflt;
    const ds = result.stages[s];
    if (!ds) {
      throw new InputError(
        `the build has no ${s} data set (its stages: ${Object.keys(result.stages).join(", ")})`,
      );
    }
    return ds;
  };
  const tables: Record<string, TableData> = {};

  const rem = removeElements(cross, pipeline, result, { level: o.level ?? 1, iCode: o.iCode });
  tables.remove_elements = {
    columns: ["element", "mean_abs_rank_change"],
    rows: rem.elements.map((e, k) => [e, rem.meanAbsRankChange[k]!]),
  };
  tables.remove_elements_scores = {
    columns: ["uCode", ...rem.elements],
    rows: rem.units.map((u, i) => [u, ...rem.scores.map((s) => s[i]!)]),
  };

  const res = result.results;
  const unit = o.unit ?? res.units[res.rank.indexOf(1)] ?? res.units[0]!;
  const swDs = stage(o.swDset, "Raw");
  const sw = strengthsWeaknesses(swDs, fw, unit, {
    topN: o.top,
    bottomN: o.bottom,
    adjustDirection: (o.swDset ?? "Raw") === "Raw",
    unqDiscard: o.unqDiscard,
    minDiscard: o.minDiscard,
    reportLevel: o.reportLevel,
  });
  const swCols = ["code", "name", "pillar", "rank", "value"];
  tables.strengths = {
    columns: swCols,
    rows: sw.strengths.map((r) => [r.code, r.name, r.pillar, r.rank, r.value]),
  };
  tables.weaknesses = {
    columns: swCols,
    rows: sw.weaknesses.map((r) => [r.code, r.name, r.pillar, r.rank, r.value]),
  };

  const flags = correlationFlags(stage(o.corrDset, "Normalised"), fw, {
    corThresh: o.corThresh,
    threshType: o.threshType,
    method: o.cortype,
    groupLevel: o.groupLevel,
  });
  tables.corr_flags = {
    columns: ["group", "ind1", "ind2", "corr", ...(o.pvals ? ["p_value", "n"] : [])],
    rows: flags.map((f) => [f.group, f.ind1, f.ind2, f.corr, ...(o.pvals ? [f.p, f.n] : [])]),
  };

  const den = cross.data.denominators;
  if (Object.keys(den).length > 0) {
    const dc = denominatorCorrelations(
      stage(o.denomDset, "Raw"),
      fw,
      { units: cross.data.uCode, columns: den },
      { corThresh: o.denomThresh, method: o.cortype },
    );
    tables.denom_corr = {
      columns: ["denominator", "indicator", "corr", ...(o.pvals ? ["p_value", "n"] : [])],
      rows: dc.map((d) => [d.denominator, d.indicator, d.corr, ...(o.pvals ? [d.p, d.n] : [])]),
    };
  }

  const orDs = stage(o.outrankDset, "Normalised");
  const eff = effectiveWeights(fw);
  const orCodes = o.outrankCodes ?? fw.indicators.filter((c) => orDs.codes.includes(c));
  const orW = o.outrankCodes
    ? orCodes.map((c) => fw.weight.get(c) ?? 1)
    : orCodes.map((c) => eff[c] ?? 1);
  const om = outrankingMatrix(orDs, orCodes, orW);
  const n = om.units.length;
  tables.outrank = {
    columns: ["uCode", ...om.units],
    rows: om.units.map((u, i) => [u, ...Array.from(om.matrix.subarray(i * n, (i + 1) * n))]),
  };

  if (compare.length > 0) {
    const iCode = o.iCode ?? fw.top;
    const col = (r: IndexResult): ScoreColumn => {
      const agg = r.stages.Aggregated!;
      return { units: agg.units, scores: agg.values[agg.codes.indexOf(iCode)]! };
    };
    const others = compare.map((c) => ({ name: c.name, result: build(input, c.pipeline).result }));
    const cmp = compareIndices(col(result), col(others[0]!.result));
    tables.compare = {
      columns: ["uCode", "rank_1", "rank_2", "diff", "abs_diff"],
      rows: cmp.rows.map((r) => [r.uCode, r.v1, r.v2, r.diff, r.absDiff]),
    };
    tables.compare_agreement = {
      columns: ["build_1", "build_2", "n", "spearman", "spearman_p", "kendall", "kendall_p"],
      rows: [
        [
          "nominal",
          others[0]!.name,
          cmp.agreement.n,
          cmp.agreement.spearman,
          cmp.agreement.spearmanP,
          cmp.agreement.kendall,
          cmp.agreement.kendallP,
        ],
      ],
    };
    if (others.length > 1) {
      const builds: Record<string, ScoreColumn> = { nominal: col(result) };
      for (const x of others) builds[x.name] = col(x.result);
      const m = compareIndicesMulti(builds);
      for (const [file, vals] of [
        ["compare_multi", m.values],
        ["compare_multi_diffs", m.diffs],
        ["compare_multi_absdiffs", m.absDiffs],
      ] as const) {
        tables[file] = {
          columns: ["uCode", ...m.names],
          rows: m.units.map((u, i) => [u, ...vals.map((v) => v[i]!)]),
        };
      }
    }
  }

  if (panelBuild) {
    const st = panelBuild.stages[o.trendDset ?? "Raw"];
    if (!st) throw new InputError(`the panel build has no ${o.trendDset} data set`);
    const tr = trends(st.data, st.time, fw, { useLatest: o.useLatest });
    tables.trends = {
      columns: ["uCode", "iCode", "cagr", "avail", "t_first", "t_latest"],
      rows: tr.map((r) => [r.uCode, r.iCode, r.cagr, r.avail, r.t_first, r.t_latest]),
    };
  }
  return tables;
}

/**
 * The analysis tables a study build stores beside its index (dashboard and report read them):
 * `strengths` (every unit's top and bottom 5 indicators by rank, as {@link strengthsWeaknesses}
 * on the Raw data set, direction-adjusted: uCode, kind, code, name, pillar, rank, value),
 * `remove_elements` (mean absolute rank change of the index when each element of every level
 * below the top is removed: level, element, mean_abs_rank_change), `corr_flags` (pairs of
 * indicators within a pillar correlating above 0.9 on the Normalised data set, with p-values)
 * and, for a panel, `trends` (CAGR of every unit × indicator on the Raw data). `input` and
 * `result` are the cross-section (for a panel, its latest year).
 *
 * @example studyAnalysisTables(input, pipeline, buildIndex(input, pipeline)).strengths
 */
export function studyAnalysisTables(
  input: CoinInput,
  pipeline: Pipeline,
  result: IndexResult,
  panel?: { data: Dataset; time: number[] },
): Record<string, TableData> {
  const fw = input.framework;
  const out: Record<string, TableData> = {};
  const raw = result.stages.Raw!;
  // The units the build kept (screened-out units have no index rank).
  const units = result.results.units;
  const sRows: TableData["rows"] = [];
  for (const u of units) {
    const sw = strengthsWeaknesses(raw, fw, u);
    for (const [kind, list] of [
      ["strength", sw.strengths],
      ["weakness", sw.weaknesses],
    ] as const) {
      for (const r of list) sRows.push([u, kind, r.code, r.name, r.pillar, r.rank, r.value]);
    }
  }
  out.strengths = {
    columns: ["uCode", "kind", "code", "name", "pillar", "rank", "value"],
    rows: sRows,
  };
  const rem: TableData["rows"] = [];
  for (let level = 1; level < fw.maxLevel; level++) {
    const r = removeElements(input, pipeline, result, { level });
    r.elements.forEach((e, k) => {
      if (k > 0) rem.push([level, e, r.meanAbsRankChange[k]!]);
    });
  }
  out.remove_elements = { columns: ["level", "element", "mean_abs_rank_change"], rows: rem };
  const norm = result.stages.Normalised;
  if (norm && fw.maxLevel >= 2) {
    out.corr_flags = {
      columns: ["group", "ind1", "ind2", "corr", "p_value"],
      rows: correlationFlags(norm, fw).map((f) => [f.group, f.ind1, f.ind2, f.corr, f.p]),
    };
  }
  if (panel) {
    out.trends = {
      columns: ["uCode", "iCode", "cagr", "avail", "t_first", "t_latest"],
      rows: trends(panel.data, panel.time, fw).map((r) => [
        r.uCode,
        r.iCode,
        r.cagr,
        r.avail,
        r.t_first,
        r.t_latest,
      ]),
    };
  }
  return out;
}
