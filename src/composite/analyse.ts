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
import { type TrendMetric, type TrendRow, trends } from "./trends.ts";
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
  /** get_str_weak use_group: rank within the unit's group of this iData group column. */
  useGroup?: string;
  /** get_str_weak sig_figs (default 3; null: unrounded). */
  sigFigs?: number | null;
  /** get_corr_flags: threshold (0.9), high/low, method, group level (2), data set (Normalised). */
  corThresh?: number;
  threshType?: "high" | "low";
  cortype?: CorMethod;
  groupLevel?: number;
  corrDset?: StageName;
  /** get_corr_flags roundto (default 3; null: unrounded). */
  roundTo?: number | null;
  /** get_denom_corr: threshold (0.6), data set (Raw) and nround (default 2; null: unrounded). */
  denomThresh?: number;
  denomDset?: StageName;
  nround?: number | null;
  /** outrankMatrix: columns (default the indicators, with their effective weights) and data set (Normalised). */
  outrankCodes?: string[];
  outrankDset?: StageName;
  /**
   * get_trends: latest N points (default all), data set (Raw), f_trend (CAGR), per
   * (prc_change), interp_at, Time and adjust_directions.
   */
  useLatest?: number;
  trendDset?: StageName;
  fTrend?: TrendMetric;
  per?: number;
  interpAt?: number[] | "all";
  trendTime?: number[];
  adjustDirections?: boolean;
  /** compare_coins: compare_by (ranks), dset (Aggregated), sort_by and decreasing; compare_coins_multi ibase (0). */
  compareBy?: "ranks" | "scores";
  compareDset?: StageName;
  sortBy?: "rank_1" | "rank_2" | "diff" | "abs_diff";
  decreasing?: boolean;
  ibase?: number;
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
  let groups: (string | null)[] | undefined;
  if (o.useGroup !== undefined) {
    const g = cross.data.groups[o.useGroup];
    if (!g) {
      throw new InputError(
        `use_group "${o.useGroup}" is not a group column of iData (its groups: ${Object.keys(cross.data.groups).join(", ") || "none"})`,
      );
    }
    const at = new Map(cross.data.uCode.map((u, i) => [u, i]));
    groups = swDs.units.map((u) => g[at.get(u) ?? -1] ?? null);
  }
  const sw = strengthsWeaknesses(swDs, fw, unit, {
    topN: o.top,
    bottomN: o.bottom,
    adjustDirection: (o.swDset ?? "Raw") === "Raw",
    unqDiscard: o.unqDiscard,
    minDiscard: o.minDiscard,
    reportLevel: o.reportLevel,
    groups,
    sigFigs: o.sigFigs,
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
    roundTo: o.roundTo,
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
      { corThresh: o.denomThresh, method: o.cortype, roundTo: o.nround },
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
    const dset = o.compareDset ?? "Aggregated";
    const col = (r: IndexResult, name: string): ScoreColumn => {
      const d = r.stages[dset];
      const j = d ? d.codes.indexOf(iCode) : -1;
      if (!d || j < 0) {
        throw new InputError(
          `compare: build "${name}" has no ${iCode} in its ${dset} data set (--icode and --compare-dset)`,
        );
      }
      return { units: d.units, scores: d.values[j]! };
    };
    const others = compare.map((c) => ({ name: c.name, result: build(input, c.pipeline).result }));
    const cmp = compareIndices(col(result, "nominal"), col(others[0]!.result, others[0]!.name), {
      compareBy: o.compareBy,
    });
    const key = { rank_1: "v1", rank_2: "v2", diff: "diff", abs_diff: "absDiff" } as const;
    const rowsCmp = [...cmp.rows];
    if (o.sortBy) {
      const k = key[o.sortBy];
      const sign = o.decreasing ? -1 : 1;
      // R's order(): stable, NA last whichever the direction.
      rowsCmp.sort((a, b) => {
        const x = a[k];
        const y = b[k];
        if (Number.isNaN(x) || Number.isNaN(y))
          return Number(Number.isNaN(x)) - Number(Number.isNaN(y));
        return sign * (x - y);
      });
    }
    tables.compare = {
      columns: ["uCode", "rank_1", "rank_2", "diff", "abs_diff"],
      rows: rowsCmp.map((r) => [r.uCode, r.v1, r.v2, r.diff, r.absDiff]),
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
      const builds: Record<string, ScoreColumn> = { nominal: col(result, "nominal") };
      for (const x of others) builds[x.name] = col(x.result, x.name);
      const m = compareIndicesMulti(builds, { compareBy: o.compareBy, ibase: o.ibase });
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
    const tr = trends(st.data, st.time, fw, {
      useLatest: o.useLatest,
      fTrend: o.fTrend,
      per: o.per,
      interpAt: o.interpAt,
      time: o.trendTime,
      adjustDirections: o.adjustDirections,
    });
    tables.trends = trendTable(tr, o.fTrend ?? "CAGR", o.useLatest !== undefined);
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
    out.trends = trendTable(trends(panel.data, panel.time, fw), "CAGR", false);
  }
  return out;
}

/**
 * trends.csv: uCode, iCode, the metric (column `cagr` or `prc_change`), avail, t_first,
 * t_latest, and with use_latest avail_use_latest and t_first_use_latest (COINr's columns).
 */
function trendTable(tr: TrendRow[], metric: TrendMetric, latest: boolean): TableData {
  return {
    columns: [
      "uCode",
      "iCode",
      metric === "CAGR" ? "cagr" : "prc_change",
      "avail",
      "t_first",
      "t_latest",
      ...(latest ? ["avail_use_latest", "t_first_use_latest"] : []),
    ],
    rows: tr.map((r) => [
      r.uCode,
      r.iCode,
      r.trend,
      r.avail,
      r.t_first,
      r.t_latest,
      ...(latest ? [r.avail_use_latest, r.t_first_use_latest] : []),
    ]),
  };
}
