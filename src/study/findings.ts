import type { TableData } from "../composite/tables.ts";
import type { Cell } from "../io/write.ts";
import { COUNTRIES } from "../media/gazetteer/build.ts";

/**
 * Findings: short statements derived from a run's result tables, each carrying its number, its
 * uncertainty where the run has one, and the table (and rows) it comes from. No statement is
 * made without a number behind it; statements about leads say whether they are significant.
 *
 * @example deriveFindings(run.tables, { level: 0.95, top: 5, targets: ["USA", "CHN"], synthetic: false, techAttribution: [] })
 * // rows such as ["h2h_science", "survey", "China is rated above the United States on science in 6 of
 * //   10 audiences; in 4 the lead is significant at 95%.", 6, ...]
 */
export function deriveFindings(
  tables: Record<string, TableData>,
  o: {
    level: number;
    top: number;
    targets: string[];
    synthetic: boolean;
    techAttribution: { drivers: string; group: string }[];
  },
): TableData {
  const out: Cell[][] = [];
  const pct = `${Math.round(o.level * 100)}%`;
  const add = (f: {
    id: string;
    section: string;
    statement: string;
    value: number;
    low?: number | null;
    high?: number | null;
    n?: number | null;
    table: string;
    rows: string;
  }) =>
    out.push([
      f.id,
      f.section,
      (o.synthetic ? "[synthetic data] " : "") + f.statement,
      f.value,
      f.low ?? null,
      f.high ?? null,
      f.n ?? null,
      f.table,
      f.rows,
    ]);

  // Index: the leaders, each target's rank with its interval, comparisons, sensitivity.
  const scores = rowsOf(tables.index_scores);
  if (scores.length) {
    const ranked = scores.filter((r) => num(r.rank) > 0).sort((a, b) => num(a.rank) - num(b.rank));
    const n = ranked.length;
    const hasUa = ranked.some((r) => Number.isFinite(num(r.rank_q05)));
    const named = new Set<string>();
    const rankStatement = (r: Row) => {
      const u = String(r.uCode);
      named.add(u);
      const interval = !hasUa
        ? ""
        : num(r.rank_q05) === num(r.rank_q95)
          ? `; its rank is ${fmtInt(r.rank_q05)} in at least 90% of simulations`
          : `; in 90% of simulations its rank lies between ${fmtInt(r.rank_q05)} and ${fmtInt(r.rank_q95)}`;
      add({
        id: `index_rank_${u}`,
        section: "index",
        statement: `${cap(countryName(u, String(r.uName ?? u)))} ranks ${ordinal(num(r.rank))} of ${n} on the index (score ${fmt(r.score, 1)})${interval}.`,
        value: num(r.rank),
        low: hasUa ? num(r.rank_q05) : null,
        high: hasUa ? num(r.rank_q95) : null,
        n,
        table: "index_scores",
        rows: `uCode=${u}`,
      });
    };
    for (const r of ranked.slice(0, o.top)) rankStatement(r);
    for (const t of o.targets) {
      const r = ranked.find((x) => x.uCode === t);
      if (r && !named.has(t)) rankStatement(r);
    }
    if (hasUa) {
      const widths = ranked
        .filter((r) => Number.isFinite(num(r.rank_q05)))
        .map((r) => num(r.rank_q95) - num(r.rank_q05));
      const stable = widths.filter((w) => w === 0).length;
      add({
        id: "index_rank_stability",
        section: "index",
        statement: `Across the uncertainty analysis, the median width of the 5–95% rank interval is ${fmt(median(widths), 1)} places; ${stable} of ${widths.length} units ${stable === 1 ? "keeps" : "keep"} one rank in 90% of simulations.`,
        value: median(widths),
        n: widths.length,
        table: "index_scores",
        rows: "rank_q05, rank_q95",
      });
    }
  }
  const sens = rowsOf(tables.index_sensitivity)
    .filter((r) => Number.isFinite(num(r.STi)))
    .sort((a, b) => num(b.STi) - num(a.STi));
  if (sens.length) {
    const s = sens[0]!;
    add({
      id: "index_sensitivity_top",
      section: "index",
      statement: `The assumption that moves ranks most is ${s.factor}: total-order Sobol index ${fmt(s.STi, 2)} (interval ${fmt(s.STi_lo, 2)} to ${fmt(s.STi_hi, 2)}).`,
      value: num(s.STi),
      low: num(s.STi_lo),
      high: num(s.STi_hi),
      table: "index_sensitivity",
      rows: `factor=${s.factor}`,
    });
  }
  for (const c of rowsOf(tables.index_compare)) {
    add({
      id: `index_compare_${slug(String(c.name))}`,
      section: "index",
      statement: `Ranks agree with ${c.name} at Spearman ρ = ${fmt(c.spearman, 2)} over the ${fmtInt(c.n_overlap)} units both rank.`,
      value: num(c.spearman),
      n: num(c.n_overlap),
      table: "index_compare",
      rows: `name=${c.name}`,
    });
  }

  // Survey: head-to-head leads per attribute (overall segment, latest wave).
  const h2h = latestWave(rowsOf(tables.survey_head_to_head)).filter((r) => r.segment === "all");
  const pairs = new Map<string, Row[]>();
  for (const r of h2h) {
    const key = `${r.target_a}|${r.target_b}|${r.attribute}`;
    pairs.set(key, [...(pairs.get(key) ?? []), r]);
  }
  for (const [key, rows] of pairs) {
    const [a, b, attr] = key.split("|") as [string, string, string];
    if (o.targets.length && !(o.targets.includes(a) && o.targets.includes(b))) continue;
    const valid = rows.filter((r) => Number.isFinite(num(r.diff)));
    if (!valid.length) continue;
    for (const [lead, trail, sign] of [
      [a, b, 1],
      [b, a, -1],
    ] as const) {
      const leads = valid.filter((r) => sign * num(r.diff) > 0);
      if (leads.length === 0) continue;
      const sig = leads.filter((r) => r.significant === true || r.significant === "true").length;
      add({
        id: `h2h_${slug(attr)}_${lead}_over_${trail}`,
        section: "survey",
        statement: `${cap(countryName(lead))} is rated above ${countryName(trail)} on ${attr} in ${leads.length} of ${valid.length} audiences; in ${sig} the lead is significant at ${pct}.`,
        value: leads.length,
        low: sig,
        n: valid.length,
        table: "survey_head_to_head",
        rows: `attribute=${attr}, target_a=${a}, target_b=${b}, segment=all`,
      });
    }
  }
  // Survey: average rating of each target per attribute across audiences (overall segment).
  const ratings = latestWave(rowsOf(tables.survey_ratings)).filter((r) => r.segment === "all");
  const byTA = new Map<string, Row[]>();
  for (const r of ratings) {
    if (o.targets.length && !o.targets.includes(String(r.target))) continue;
    const key = `${r.target}|${r.attribute}`;
    byTA.set(key, [...(byTA.get(key) ?? []), r]);
  }
  for (const [key, rows] of byTA) {
    const [t, attr] = key.split("|") as [string, string];
    const v = rows.map((r) => num(r.estimate)).filter(Number.isFinite);
    if (v.length < 2 || attr !== "favourability") continue;
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    const measure = String(rows[0]!.measure);
    const f =
      measure === "share" ? (x: number) => `${Math.round(x * 100)}%` : (x: number) => fmt(x, 2);
    add({
      id: `rating_${slug(attr)}_${t}`,
      section: "survey",
      statement: `${possessive(cap(countryName(t)))} ${attr} ${measure === "share" ? "share" : "mean rating"} averages ${f(mean(v))} across ${v.length} audiences, from ${f(lo)} (${audienceOf(rows, lo)}) to ${f(hi)} (${audienceOf(rows, hi)}).`,
      value: mean(v),
      low: lo,
      high: hi,
      n: v.length,
      table: "survey_ratings",
      rows: `target=${t}, attribute=${attr}, segment=all`,
    });
  }

  // Drivers: the strongest driver per analysis and group; significant changes between groups.
  const imp = rowsOf(tables.drivers_importance).filter(
    (r) => r.method === "lmg" || r.method === "dominance" || r.method === "rw",
  );
  const byAnalysis = new Map<string, Row[]>();
  for (const r of imp) {
    const key = `${r.analysis}|${r.group}|${r.method}`;
    byAnalysis.set(key, [...(byAnalysis.get(key) ?? []), r]);
  }
  const firstMethod = new Map<string, string>();
  for (const [key, rows] of byAnalysis) {
    const [analysis, group, method] = key.split("|") as [string, string, string];
    const m0 = firstMethod.get(`${analysis}|${group}`) ?? method;
    firstMethod.set(`${analysis}|${group}`, m0);
    if (m0 !== method) continue;
    const best = rows
      .filter((r) => r.predictor !== "(covariates)" && Number.isFinite(num(r.share)))
      .sort((a, b) => num(b.share) - num(a.share))[0];
    if (!best) continue;
    const r2 = num(best.r2);
    const ci = Number.isFinite(num(best.ci_low))
      ? ` (${pct} interval ${pctOf(num(best.ci_low) / r2)}–${pctOf(num(best.ci_high) / r2)})`
      : "";
    const target = best.target ? ` toward ${countryName(String(best.target))}` : "";
    add({
      id: `drivers_top_${analysis}${group ? `_${slug(group)}` : ""}`,
      section: "drivers",
      statement: `In "${analysis}"${group ? ` (${best.by} ${group})` : ""}${target}, the strongest driver is ${best.predictor}: ${pctOf(num(best.share))} of the explained variance${ci}; R² = ${fmt(r2, 3)}.`,
      value: num(best.share),
      low: Number.isFinite(num(best.ci_low)) ? num(best.ci_low) / r2 : null,
      high: Number.isFinite(num(best.ci_high)) ? num(best.ci_high) / r2 : null,
      table: "drivers_importance",
      rows: `analysis=${analysis}, group=${group}, method=${method}`,
    });
  }
  for (const r of rowsOf(tables.drivers_diff)) {
    // The table holds a − b; the statement speaks of the change from a to b.
    const change = -num(r.diff);
    const lo = -num(r.ci_high);
    const hi = -num(r.ci_low);
    if (!(lo > 0 || hi < 0)) continue;
    if (r.method !== "lmg" && r.method !== "dominance" && r.method !== "rw") continue;
    add({
      id: `drivers_shift_${r.analysis}_${slug(String(r.predictor))}_${slug(`${r.by_a}_${r.by_b}`)}`,
      section: "drivers",
      statement: `In "${r.analysis}", the importance of ${r.predictor} ${change > 0 ? "rose" : "fell"} from ${r.by} ${r.by_a} to ${r.by_b} by ${fmt(Math.abs(change), 3)} R² points (${pct} interval of the change ${fmt(lo, 3)} to ${fmt(hi, 3)}).`,
      value: change,
      low: lo,
      high: hi,
      table: "drivers_diff",
      rows: `analysis=${r.analysis}, predictor=${r.predictor}`,
    });
  }
  // Tech attribution: the share of explained favourability carried by the company group.
  for (const a of o.techAttribution) {
    const rows = imp.filter((r) => r.analysis === a.drivers && r.predictor === a.group);
    for (const r of rows) {
      if (r.method !== rows[0]!.method) continue;
      const r2 = num(r.r2);
      const ci = Number.isFinite(num(r.ci_low))
        ? ` (${pct} interval ${pctOf(num(r.ci_low) / r2)}–${pctOf(num(r.ci_high) / r2)})`
        : "";
      add({
        id: `tech_attribution_${a.drivers}${r.group ? `_${slug(String(r.group))}` : ""}`,
        section: "tech",
        statement: `${a.group} account for ${pctOf(num(r.share))} of the explained variance in "${a.drivers}"${r.target ? ` (${countryName(String(r.target))})` : ""}${r.group ? ` in ${r.by} ${r.group}` : ""}${ci}.`,
        value: num(r.share),
        low: Number.isFinite(num(r.ci_low)) ? num(r.ci_low) / r2 : null,
        high: Number.isFinite(num(r.ci_high)) ? num(r.ci_high) / r2 : null,
        table: "drivers_importance",
        rows: `analysis=${a.drivers}, predictor=${a.group}`,
      });
    }
  }

  // Media: tone toward each target by outlet country; bias estimates.
  for (const r of rowsOf(tables.media_tone_overall)) {
    if (num(r.mentions) < 10) continue;
    const lo = num(r.mean_tone_lo);
    const hi = num(r.mean_tone_hi);
    const ci = Number.isFinite(lo) ? ` (${pct} interval ${fmt(lo, 3)} to ${fmt(hi, 3)})` : "";
    add({
      id: `media_tone_${r.outlet_country}_${r.target}`,
      section: "media",
      statement: `In ${possessive(countryName(String(r.outlet_country)))} outlets, tone toward ${countryName(String(r.target))} averages ${fmt(r.mean_tone, 3)}${ci} over ${fmtInt(r.mentions)} mentions in ${fmtInt(r.articles)} articles; ${pctOf(num(r.share_negative))} of mentions are negative.`,
      value: num(r.mean_tone),
      low: Number.isFinite(lo) ? lo : null,
      high: Number.isFinite(hi) ? hi : null,
      n: num(r.mentions),
      table: "media_tone_overall",
      rows: `outlet_country=${r.outlet_country}, target=${r.target}`,
    });
  }
  for (const r of rowsOf(tables.media_bias)) {
    const lo = num(r.ci_low);
    const hi = num(r.ci_high);
    const sig = lo > 0 || hi < 0;
    const group = String(r.group).replace(/^outlet_country=/, "");
    const who = String(r.group).startsWith("outlet_country=")
      ? `${possessive(countryName(group))} outlets`
      : group;
    add({
      id: `media_bias_${slug(String(r.group))}_${r.target}`,
      section: "media",
      statement: `With frame and period held fixed, ${who} write about ${countryName(String(r.target))} ${fmt(Math.abs(num(r.estimate)), 3)} ${num(r.estimate) < 0 ? "more negatively" : "more positively"} than about ${andList(
        String(r.compare)
          .split(";")
          .map((c) => countryName(c)),
      )} (${pct} interval ${fmt(lo, 3)} to ${fmt(hi, 3)}; ${sig ? "significant" : "not significant"}; ${fmtInt(r.n_mentions)} mentions).`,
      value: num(r.estimate),
      low: lo,
      high: hi,
      n: num(r.n_mentions),
      table: "media_bias",
      rows: `group=${r.group}, target=${r.target}`,
    });
  }
  return {
    columns: [
      "id",
      "section",
      "statement",
      "value",
      "low",
      "high",
      "n",
      "source_table",
      "source_rows",
    ],
    rows: out,
  };
}

type Row = Record<string, Cell>;

function rowsOf(t: TableData | undefined): Row[] {
  if (!t) return [];
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j]])));
}

/** Rows of the last wave (waves sort as numbers when they are, else as text). */
function latestWave(rows: Row[]): Row[] {
  const waves = [...new Set(rows.map((r) => String(r.wave ?? "")))];
  if (waves.length <= 1) return rows;
  waves.sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  const last = waves.at(-1);
  return rows.filter((r) => String(r.wave ?? "") === last);
}

const NAMES = new Map(COUNTRIES.map((c) => [c.cca3, c.name.common]));
const WITH_THE =
  /^(United |Netherlands$|Philippines$|Bahamas$|Gambia$|Czechia$|Central African|Dominican Republic|Maldives$|Comoros$|Marshall Islands|Solomon Islands)/;

/** "the United States", "China"; unknown codes as given. */
export function countryName(code: string, fallback = code): string {
  const n = NAMES.get(code) ?? fallback;
  return WITH_THE.test(n) ? `the ${n}` : n;
}

/** "A", "A and B", "A, B and C". */
const andList = (xs: string[]) =>
  xs.length <= 1 ? (xs[0] ?? "") : `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)}`;
/** "China's", "the United States'". */
const possessive = (s: string) => (s.endsWith("s") ? `${s}'` : `${s}'s`);
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const num = (v: Cell): number =>
  typeof v === "number" ? v : v === null || v === undefined || v === "" ? Number.NaN : Number(v);
const fmt = (v: Cell, d: number) => {
  const x = num(v);
  return Number.isFinite(x) ? x.toFixed(d) : "NA";
};
const fmtInt = (v: Cell) => {
  const x = num(v);
  return Number.isFinite(x) ? String(Math.round(x)) : "NA";
};
const pctOf = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : "NA");
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
function ordinal(n: number): string {
  const k = Math.round(n);
  const t = k % 100;
  const suffix = t >= 11 && t <= 13 ? "th" : (["th", "st", "nd", "rd"][k % 10] ?? "th");
  return `${k}${suffix}`;
}
function audienceOf(rows: Row[], v: number): string {
  const r = rows.find((x) => num(x.estimate) === v);
  return r ? countryName(String(r.audience_iso3 || r.audience), String(r.audience)) : "";
}
