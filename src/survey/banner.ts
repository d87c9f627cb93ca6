import { InputError } from "../core/errors.ts";
import { pnorm } from "../stats/distributions.ts";
import { tCdf } from "../stats/stdlib.ts";
import { designDf, type SurveyDesign } from "./design.ts";
import { domainMeans, type MeanInput } from "./domain-means.ts";
import type { RatingsMap } from "./perceptions.ts";
import { type ColumnVariable, columnVariables, questions, totalPartition } from "./table-spec.ts";

/** Multiple-comparison adjustment of the pairwise p-values within a row and column variable. */
export type BannerAdjust = "none" | "bonferroni" | "holm";

/** Options of {@link bannerTable}. */
export interface BannerOptions {
  /** Column variables (segment names of the ratings map, "audience", or data variables). */
  columns: string[];
  /** Rows: each answer's % of every question ("answers", default) or each rating's mean score ("means"). */
  rows?: "answers" | "means";
  /** Confidence level of the letters' tests (default 0.95; α = 1 − level); null: no tests. */
  letters?: number | null;
  adjust?: BannerAdjust;
  /** Don't-know answers in the base of the % (default the map's `dont_know`); means always drop them. */
  dontKnow?: "keep" | "drop";
}

/** A column of a banner: "Total" (no letter, never tested) or a category of a column variable. */
export interface BannerColumn {
  /** The column variable as given ("" for Total) and its data variable. */
  name: string;
  variable: string;
  label: string;
  /** A, B, …, Z, AA, AB, … across the non-Total columns ("" for Total). */
  letter: string;
  /** Index of the column variable (−1 for Total): letters compare columns of one group. */
  group: number;
}

/** A cell: the weighted % (0–1) or mean, its SE, the unweighted n and the letters it beats. */
export interface BannerCell {
  estimate: number;
  se: number;
  n: number;
  /** Letters of the columns of the same group this cell is significantly higher than, in column order. */
  letters: string[];
}

export interface BannerRow {
  column: string;
  target: string;
  attribute: string;
  question: string;
  /** The answer's code and label; "" for a mean row. */
  code: string;
  answer: string;
  kind: "share" | "mean";
  cells: BannerCell[];
}

/** One pairwise test of a row: column a minus column b (indices into `columns`). */
export interface BannerTest {
  row: number;
  a: number;
  b: number;
  diff: number;
  se: number;
  t: number;
  p: number;
  p_adjusted: number;
  significant: boolean;
}

export interface BannerTable {
  columns: BannerColumn[];
  rows: BannerRow[];
  tests: BannerTest[];
  /** Degrees of freedom of the t tests (R `degf(design)`). */
  df: number;
  /** Confidence level of the tests (null: no letters). */
  level: number | null;
  adjust: BannerAdjust;
  /** The test in words, for legends. */
  test: string;
}

/** Letters A…Z, then AA, AB, … (spreadsheet column names) for column k (0-based). */
export function columnLetter(k: number): string {
  let s = "";
  let x = k + 1;
  while (x > 0) {
    const r = (x - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    x = Math.floor((x - 1) / 26);
  }
  return s;
}

/** Two-sided p-value of t on df degrees of freedom (R `2 * pt(-abs(t), df)`). */
function twoSidedP(t: number, df: number): number {
  const x = -Math.abs(t);
  return 2 * (df === Number.POSITIVE_INFINITY ? pnorm(x) : tCdf(x, df));
}

/**
 * Adjusted p-values as R's `p.adjust`: Bonferroni min(1, m p); Holm (step-down) with p sorted
 * ascending, p̃_(i) = min(1, max_{j ≤ i} (m − j + 1) p_(j)).
 */
export function adjustP(p: number[], method: BannerAdjust): number[] {
  const m = p.length;
  if (method === "none" || m === 0) return p.slice();
  if (method === "bonferroni") return p.map((x) => Math.min(1, m * x));
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  const out = new Array<number>(m);
  let run = 0;
  order.forEach((i, j) => {
    run = Math.max(run, (m - j) * p[i]!);
    out[i] = Math.min(1, run);
  });
  return out;
}

/**
 * A banner table (market research's cross-tabulation with significance letters, as SPSS Custom
 * Tables' column-proportion and column-mean tests, Q or R's expss): rows are every answer of
 * every question of the ratings map (its weighted share) or every rating's mean score; columns
 * are "Total" and the categories of one or more column variables, each a domain of the full
 * design (R `svyby(~I(x == k), ~col, design, svymean, covmat = TRUE)`).
 *
 * Letters: within each row and column variable, every pair of columns a, b is tested by the
 * design-based t test of the difference of the two domain estimates, with their covariance
 * (R `svycontrast(by, c(a = 1, b = -1))`): t = (θ̂_a − θ̂_b)/√(V_aa + V_bb − 2 V_ab),
 * p = 2 pt(−|t|, degf(design)); the p-values of a row's pairs within one column variable are
 * adjusted (Bonferroni or Holm, R `p.adjust`) over the pairs that could be tested. Cell a shows
 * b's letter when p̃ < α and θ̂_a > θ̂_b. The Total column is not tested.
 *
 * Cost: the domain estimates and their covariances of every row from one pass over the
 * respondents plus clusters · columns² per row and column variable (`domainMeans` in domain-means.ts); the
 * pairs use the covariance matrix only.
 *
 * @throws InputError for a level outside (0, 1), unknown columns, or means of a text variable
 */
export function bannerTable(
  design: SurveyDesign,
  map: RatingsMap,
  opts: BannerOptions,
): BannerTable {
  const level = opts.letters === undefined ? 0.95 : opts.letters;
  if (level !== null && !(level > 0 && level < 1))
    throw new InputError(`--letters must be a confidence level in (0, 1), e.g. 0.95; got ${level}`);
  const adjust = opts.adjust ?? "none";
  if (!["none", "bonferroni", "holm"].includes(adjust))
    throw new InputError(`--adjust must be none, bonferroni or holm; got "${adjust}"`);
  const kind = opts.rows ?? "answers";
  if (kind !== "answers" && kind !== "means")
    throw new InputError(`rows must be "answers" or "means"; got "${kind}"`);
  if (opts.columns.length === 0)
    throw new InputError("--cols: give at least one column variable (e.g. --cols country)");
  const vars: ColumnVariable[] = [
    totalPartition(design),
    ...columnVariables(design, map, opts.columns),
  ];
  const columns: BannerColumn[] = [];
  let letter = 0;
  vars.forEach((v, g) => {
    for (let d = 0; d < v.D; d++)
      columns.push({
        name: g === 0 ? "" : v.name,
        variable: v.variable,
        label: v.labels[d]!,
        letter: g === 0 ? "" : columnLetter(letter++),
        group: g - 1,
      });
  });
  const qs = questions(design, map, opts.dontKnow ?? map.dont_know);
  const specs: Omit<BannerRow, "cells">[] = [];
  const inputs: MeanInput[] = [];
  for (const q of qs) {
    const base = { column: q.column, target: q.target, attribute: q.attribute, question: q.text };
    if (kind === "answers") {
      for (const a of q.answers) {
        specs.push({ ...base, code: a.code, answer: a.label, kind: "share" });
      }
      inputs.push({ codes: q.codes, K: q.answers.length });
    } else {
      if (!q.scores)
        throw new InputError(
          `ratings map: rating column ${q.column} holds text categories; means need numeric codes (or use rows "answers")`,
        );
      specs.push({ ...base, code: "", answer: "mean", kind: "mean" });
      inputs.push({ values: q.scores });
    }
  }
  const res = domainMeans(design, inputs, vars);
  const df = designDf(design);
  const alpha = level === null ? Number.NaN : 1 - level;
  const rows: BannerRow[] = [];
  const tests: BannerTest[] = [];
  specs.forEach((spec, r) => {
    const cells: BannerCell[] = [];
    vars.forEach((v, g) => {
      const m = res[r]![g]!;
      const first = cells.length;
      for (let d = 0; d < v.D; d++)
        cells.push({
          estimate: m.estimate[d]!,
          se: Math.sqrt(Math.max(0, m.cov[d * v.D + d]!)),
          n: m.n[d]!,
          letters: [],
        });
      if (g === 0 || level === null) return;
      const group: BannerTest[] = [];
      for (let a = 0; a < v.D; a++)
        for (let b = a + 1; b < v.D; b++) {
          if (m.n[a] === 0 || m.n[b] === 0) continue;
          const D = v.D;
          const diff = m.estimate[a]! - m.estimate[b]!;
          const vr = m.cov[a * D + a]! + m.cov[b * D + b]! - 2 * m.cov[a * D + b]!;
          const se = Math.sqrt(Math.max(0, vr));
          const t = diff / se;
          const p = twoSidedP(t, df);
          if (Number.isNaN(p)) continue;
          group.push({
            row: r,
            a: first + a,
            b: first + b,
            diff,
            se,
            t,
            p,
            p_adjusted: p,
            significant: false,
          });
        }
      const adj = adjustP(
        group.map((x) => x.p),
        adjust,
      );
      group.forEach((x, k) => {
        x.p_adjusted = adj[k]!;
        x.significant = x.p_adjusted < alpha;
        if (!x.significant) return;
        if (x.diff > 0) cells[x.a]!.letters.push(columns[x.b]!.letter);
        else if (x.diff < 0) cells[x.b]!.letters.push(columns[x.a]!.letter);
      });
      tests.push(...group);
    });
    // Letters are already in column order: pairs run a < b, the outer index first.
    rows.push({ ...spec, cells });
  });
  const test =
    level === null
      ? "none"
      : `two-sided design-based t test of the difference of two column estimates (linearised or replicate covariance), df = ${df}, at ${level * 100}%${adjust === "none" ? "" : `, ${adjust === "holm" ? "Holm" : "Bonferroni"} adjustment over the pairs of a row within a column variable`}`;
  return { columns, rows, tests, df, level, adjust, test };
}
