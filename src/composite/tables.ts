import type { Cell } from "../io/write.ts";
import type { IndexResult } from "./pipeline.ts";
import type { IndicatorStats } from "./stats.ts";
import type { TreatDetail } from "./treat.ts";
import type { Dataset } from "./types.ts";
import type { RankStats } from "./uncertainty.ts";

/** A result table: a header and rows of cells. */
export interface TableData {
  columns: string[];
  rows: Cell[][];
}

/** A data set as COINr's get_dset: uCode (then Time for panel data), one column per code. */
export function datasetTable(ds: Dataset, time?: number[]): TableData {
  if (time) {
    return {
      columns: ["uCode", "Time", ...ds.codes],
      rows: ds.units.map((u, i) => [u, time[i]!, ...ds.values.map((c) => c[i]!)]),
    };
  }
  return {
    columns: ["uCode", ...ds.codes],
    rows: ds.units.map((u, i) => [u, ...ds.values.map((c) => c[i]!)]),
  };
}

/** Panel results: uCode, uName, Time, aggregates, Rank (within the year); by year, then rank. */
export function panelResultsTableData(byYear: Map<number, IndexResult>): TableData {
  let columns: string[] = [];
  const rows: Cell[][] = [];
  for (const [year, r] of [...byYear].sort((a, b) => a[0] - b[0])) {
    const t = resultsTableData(r);
    columns = [...t.columns.slice(0, 2), "Time", ...t.columns.slice(2)];
    for (const row of t.rows) rows.push([...row.slice(0, 2), year, ...row.slice(2)]);
  }
  return { columns, rows };
}

/** uCode, uName, every aggregate from the top level down, Rank; sorted by rank (ties by input order). */
export function resultsTableData(r: IndexResult): TableData {
  const res = r.results;
  const order = res.units.map((_, i) => i);
  const rk = (i: number) => (Number.isNaN(res.rank[i]!) ? Number.POSITIVE_INFINITY : res.rank[i]!);
  order.sort((a, b) => rk(a) - rk(b) || a - b);
  return {
    columns: ["uCode", "uName", ...res.codes, "Rank"],
    rows: order.map((i) => [
      res.units[i]!,
      res.names[i]!,
      ...res.scores.map((s) => s[i]!),
      res.rank[i]!,
    ]),
  };
}

/** The treatment table, COINr's Dets_Table column names plus the transform applied. */
export function treatTableData(details: TreatDetail[]): TableData {
  return {
    columns: [
      "iCode",
      "check_SkewKurt0.Pass",
      "check_SkewKurt0.Skew",
      "check_SkewKurt0.Kurt",
      "winsorise.nwin",
      "check_SkewKurt1.Pass",
      "check_SkewKurt1.Skew",
      "check_SkewKurt1.Kurt",
      "transform",
      "check_SkewKurt2.Pass",
      "check_SkewKurt2.Skew",
      "check_SkewKurt2.Kurt",
    ],
    rows: details.map((d) => [
      d.iCode,
      d.pass0,
      d.skew0,
      d.kurt0,
      d.nwin,
      d.pass1,
      d.skew1,
      d.kurt1,
      d.transform,
      d.pass2,
      d.skew2,
      d.kurt2,
    ]),
  };
}

/** The indicator statistics table (COINr get_stats columns). */
export function statsTableData(stats: IndicatorStats[]): TableData {
  const columns = Object.keys(stats[0] ?? { iCode: "" });
  return { columns, rows: stats.map((s) => columns.map((c) => s[c as keyof IndicatorStats])) };
}

/** uCode, nominal_rank, median_rank, mean_rank, q05_rank, q95_rank. */
export function uncertaintyTableData(stats: RankStats[]): TableData {
  const columns = ["uCode", "nominal_rank", "median_rank", "mean_rank", "q05_rank", "q95_rank"];
  return { columns, rows: stats.map((s) => columns.map((c) => s[c as keyof RankStats])) };
}
