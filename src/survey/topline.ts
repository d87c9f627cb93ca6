import { InputError } from "../core/errors.ts";
import { qt } from "../stats/distributions.ts";
import { designDf, type SurveyDesign } from "./design.ts";
import { domainDf, domainMeans } from "./domain-means.ts";
import type { RatingsMap } from "./perceptions.ts";
import { type ColumnVariable, columnVariables, questions, totalPartition } from "./table-spec.ts";

/** Options of {@link topline}; defaults from the ratings map where it has them. */
export interface ToplineOptions {
  /** Audience variables (segment names of the map, "audience", or data variables); default the map's audience, else one "Total". */
  columns?: string[];
  /** Confidence level of the margin of error (default the map's `level`, 0.95). */
  level?: number;
  /** Don't-know answers in the base ("keep", Pew's convention) or out of it (default the map's `dont_know`). */
  dontKnow?: "keep" | "drop";
  /**
   * Degrees of freedom of the t quantile: "design" (degf of the whole design, as
   * `confint(svyby(...), df = degf(design))`) or "domain" (degf of the audience's subset, as
   * `confint(svymean(..., subset(design, ...)), df = degf(subset))`). Default "design".
   */
  df?: "design" | "domain";
  /** Add a "Total" audience first (default false). */
  total?: boolean;
}

/** One line of a topline: an answer's weighted % among an audience. */
export interface ToplineRow {
  column: string;
  target: string;
  attribute: string;
  question: string;
  code: string;
  answer: string;
  dont_know: boolean;
  /** The audience variable ("" for Total) and its category. */
  audience_variable: string;
  audience: string;
  /** Weighted share of the answer among the audience's respondents in the base (0–1). */
  share: number;
  se: number;
  /** Margin of error: qt(1 − α/2, df) · se. */
  moe: number;
  ci_low: number;
  ci_high: number;
  df: number;
  /** Unweighted respondents in the base (the audience's respondents who were asked). */
  n: number;
  /** Unweighted respondents who gave this answer. */
  count: number;
}

/** The columns of a topline table, in order. */
export const TOPLINE_COLUMNS = [
  "column",
  "target",
  "attribute",
  "question",
  "code",
  "answer",
  "dont_know",
  "audience_variable",
  "audience",
  "share",
  "se",
  "moe",
  "ci_low",
  "ci_high",
  "df",
  "n",
  "count",
] as const satisfies readonly (keyof ToplineRow)[];

/**
 * Pew-style topline: for every question of the ratings map (one rating column) and every
 * audience, each answer's weighted share p̂ (R `svymean(~I(x == k))` by domain, the answer
 * indicators' means over the respondents with an answer, don't know kept in the base unless
 * dropped), its linearised or replicate SE with the full design kept for each domain (R
 * `svyby`), and the margin of error qt(1 − α/2, df) · SE with the interval p̂ ± moe (R
 * `confint(..., df = degf(design))`); unweighted base n and answer count. One pass over the
 * respondents per call (all answers, audiences and questions together on linearised designs).
 *
 * @throws InputError for a level outside (0, 1) or a column/question that names nothing
 * @example topline(design, map, { columns: ["country"] })
 */
export function topline(
  design: SurveyDesign,
  map: RatingsMap,
  opts: ToplineOptions = {},
): ToplineRow[] {
  const level = opts.level ?? map.level;
  if (!(level > 0 && level < 1))
    throw new InputError(`--level must be in (0, 1), e.g. 0.95; got ${level}`);
  const dfMode = opts.df ?? "design";
  const names = opts.columns ?? (map.audience ? [map.audience] : []);
  const cols: ColumnVariable[] = [
    ...(opts.total || names.length === 0 ? [totalPartition(design)] : []),
    ...columnVariables(design, map, names),
  ];
  const qs = questions(design, map, opts.dontKnow ?? map.dont_know);
  const res = domainMeans(
    design,
    qs.map((q) => ({ codes: q.codes, K: q.answers.length })),
    cols,
  );
  const fullDf = designDf(design);
  const rows: ToplineRow[] = [];
  let v = 0;
  for (const q of qs) {
    const dfs = cols.map((c) => (dfMode === "domain" ? domainDf(design, c, q.values) : null));
    for (const a of q.answers) {
      cols.forEach((c, p) => {
        const r = res[v]![p]!;
        for (let d = 0; d < c.D; d++) {
          const n = r.n[d]!;
          if (n === 0) continue;
          const share = r.estimate[d]!;
          const se = Math.sqrt(Math.max(0, r.cov[d * c.D + d]!));
          const df = dfs[p] ? dfs[p]![d]! : fullDf;
          const moe = qt(1 - (1 - level) / 2, df) * se;
          rows.push({
            column: q.column,
            target: q.target,
            attribute: q.attribute,
            question: q.text,
            code: a.code,
            answer: a.label,
            dont_know: a.dontKnow,
            audience_variable: c.variable,
            audience: c.labels[d]!,
            share,
            se,
            moe,
            ci_low: share - moe,
            ci_high: share + moe,
            df,
            n,
            count: r.count[d]!,
          });
        }
      });
      v++;
    }
  }
  // Order: question, audience, answer (a topline reads answer by answer within an audience).
  const key = (r: ToplineRow) => `${r.column}\u0000${r.audience_variable}\u0000${r.audience}`;
  const order = new Map<string, number>();
  rows.forEach((r) => {
    if (!order.has(key(r))) order.set(key(r), order.size);
  });
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => order.get(key(a.r))! - order.get(key(b.r))! || a.i - b.i)
    .map((x) => x.r);
}
