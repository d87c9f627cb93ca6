/** The index tables of a run as the pages use them. */
import { type Row, rowsOf, type Table } from "./api.ts";
import { countryName } from "./countries.ts";
import { num } from "./format.ts";

export interface UnitScore {
  uCode: string;
  uName: string;
  score: number;
  rank: number;
  rankMedian: number;
  rankLow: number;
  rankHigh: number;
}

export interface IndexData {
  units: UnitScore[];
  byCode: Map<string, UnitScore>;
  /** Level-2 aggregates (pillars) under the top, in framework order, with names. */
  pillars: { code: string; name: string }[];
  /** Aggregate score and rank by unit, then code. */
  aggregate: Map<string, Map<string, { score: number; rank: number }>>;
  /** Name of every code in the framework. */
  names: Map<string, string>;
  framework: Row[];
  top: string;
}

/** Reads index_scores, index_aggregates and index_framework. */
export function indexData(scores: Table, aggregates: Table, framework: Table): IndexData {
  const units = rowsOf(scores).map((r) => ({
    uCode: String(r.uCode),
    uName: r.uName ? String(r.uName) : countryName(String(r.uCode)),
    score: num(r.score),
    rank: num(r.rank),
    rankMedian: num(r.rank_median),
    rankLow: num(r.rank_q05),
    rankHigh: num(r.rank_q95),
  }));
  units.sort((a, b) => (a.rank || 1e9) - (b.rank || 1e9) || a.uCode.localeCompare(b.uCode));
  const fw = rowsOf(framework);
  const names = new Map(fw.map((r) => [String(r.iCode), String(r.iName ?? r.iCode)]));
  const top = fw.find(
    (r) => r.Type === "Aggregate" && (r.Parent === null || r.Parent === "NA" || r.Parent === ""),
  );
  const topCode = top ? String(top.iCode) : "Index";
  const pillars = fw
    .filter((r) => r.Type === "Aggregate" && r.Parent === topCode)
    .map((r) => ({ code: String(r.iCode), name: String(r.iName ?? r.iCode) }));
  const aggregate = new Map<string, Map<string, { score: number; rank: number }>>();
  for (const r of rowsOf(aggregates)) {
    const u = String(r.uCode);
    let m = aggregate.get(u);
    if (!m) {
      m = new Map();
      aggregate.set(u, m);
    }
    m.set(String(r.iCode), { score: num(r.score), rank: num(r.rank) });
  }
  return {
    units,
    byCode: new Map(units.map((u) => [u.uCode, u])),
    pillars,
    aggregate,
    names,
    framework: fw,
    top: topCode,
  };
}

/** The median of the finite values. */
export function median(xs: readonly number[]): number {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}
