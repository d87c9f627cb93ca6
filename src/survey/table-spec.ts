import { InputError } from "../core/errors.ts";
import { byDomains } from "./by.ts";
import type { SurveyDesign } from "./design.ts";
import type { Partition } from "./domain-means.ts";
import { factor, formatNumber, getColumn, numeric } from "./frame.ts";
import type { RatingsMap } from "./perceptions.ts";
import { valueCodes } from "./value-codes.ts";

/**
 * A column variable of a topline or banner table: the levels of a data variable or the bands
 * of a ratings-map segment, as a partition of the respondents (rows with no value: −1).
 */
export interface ColumnVariable extends Partition {
  /** As given (a segment name of the map, "audience", or a data variable). */
  name: string;
  /** The data variable. */
  variable: string;
  labels: string[];
}

/**
 * Column variables by name: a segment of the ratings map (its bands, or its variable's
 * categories), "audience" for the map's audience variable, or any variable of the data (its
 * categories in R's order: sorted values, SPSS value labels as the names).
 *
 * @throws InputError naming the column and the segments and variables that would be valid
 */
export function columnVariables(
  design: SurveyDesign,
  map: RatingsMap | null,
  names: string[],
): ColumnVariable[] {
  return names.map((name) => {
    const seg = map?.segments[name];
    if (seg?.bands) {
      const x = numeric(design.frame, seg.variable);
      const bands = seg.bands;
      const index = Int32Array.from(x, (v) => bands.findIndex(([lo, hi]) => v >= lo && v <= hi));
      return {
        name,
        variable: seg.variable,
        labels: bands.map(([lo, hi], k) => seg.labels?.[k] ?? `${lo}-${hi}`),
        index,
        D: bands.length,
      };
    }
    const variable = seg?.variable ?? (name === "audience" && map?.audience ? map.audience : name);
    if (!design.frame.columns.has(variable)) {
      const segs = Object.keys(map?.segments ?? {});
      const have = [...design.frame.columns.keys()];
      const valid = [
        ...(segs.length ? [`a segment of the ratings map (${segs.join(", ")})`] : []),
        ...(map?.audience ? [`"audience" (${map.audience})`] : []),
        `a variable of the data (${have.slice(0, 20).join(", ")}${have.length > 20 ? ", ..." : ""})`,
      ];
      throw new InputError(`--cols: "${name}" is not ${valid.join(" or ")}`);
    }
    const doms = byDomains(design, [variable]);
    if (doms.length === 0)
      throw new InputError(`--cols: variable ${variable} has no values in the data`);
    return {
      name,
      variable,
      labels: doms.map((d) => d.labels[0]!),
      index: doms[0]!.index,
      D: doms.length,
    };
  });
}

/** The one-domain partition of every respondent (the "Total" column). */
export function totalPartition(design: SurveyDesign): ColumnVariable {
  return {
    name: "Total",
    variable: "",
    labels: ["Total"],
    index: new Int32Array(design.n),
    D: 1,
  };
}

/** One answer of a question: its code as written in the data and its label. */
export interface Answer {
  code: string;
  label: string;
  /** The numeric value in the data (the level index for a text variable). */
  value: number;
  dontKnow: boolean;
}

/** A question of a topline or banner: a rating column of the ratings map with its answers. */
export interface Question {
  column: string;
  target: string;
  attribute: string;
  /** The variable's label (SPSS), else the column name. */
  text: string;
  /** Answers present in the data (weight > 0), in code order; don't-know codes dropped when asked. */
  answers: Answer[];
  /** Value per row (NaN = missing or a dropped don't-know: outside the base). */
  values: Float64Array;
  /** Answer index per row (into `answers`; −1 outside the base), the input of the shares. */
  codes: Int32Array;
  /** Score per row for means (NaN = missing, don't know or unscored). */
  scores: Float64Array | null;
}

/**
 * The questions of a ratings map (one per rating column): the answers present in the data with
 * their SPSS value labels (or the text categories), and the base of the percentages:
 * respondents with an answer, don't-know codes (the rating's `dont_know`, else the map's
 * `dont_know_codes`) kept unless `dontKnow` is "drop" (Pew keeps them). Scores for means as
 * {@link perceptions}: the rating's or the map's `scores` (default the code), don't know left
 * out; null for a text variable.
 */
export function questions(
  design: SurveyDesign,
  map: RatingsMap,
  dontKnow: "keep" | "drop" = map.dont_know,
): Question[] {
  return map.ratings.map((r) => {
    const col = getColumn(design.frame, r.column);
    const dk = new Set(r.dont_know ?? map.dont_know_codes ?? []);
    const scoreMap = r.scores ?? map.scores;
    const n = design.n;
    // Each row's index into the column's distinct values (its levels for text): scores,
    // don't-know and presence are settled once per distinct value, not once per row.
    let distinct: number[];
    let index: Int32Array;
    let labelOf: (v: number) => string;
    if (col.kind === "number") {
      ({ values: distinct, codes: index } = valueCodes(col.values));
      labelOf = (v) => col.labels?.get(v) ?? formatNumber(v);
    } else {
      const f = factor(design.frame, r.column);
      distinct = f.levels.map((_, k) => k);
      index = f.codes;
      labelOf = (v) => f.levels[v]!;
    }
    const L = distinct.length;
    const isDk = (v: number) => col.kind === "number" && dk.has(v);
    const dkOf = Uint8Array.from(distinct, (v) => (isDk(v) ? 1 : 0));
    const kept = Uint8Array.from(dkOf, (d) => (dontKnow === "drop" && d ? 0 : 1));
    let scores: Float64Array | null = null;
    if (col.kind === "number") {
      const scoreOf = Float64Array.from(distinct, (v) => {
        const m = scoreMap?.[String(v)];
        return dk.has(v) ? Number.NaN : scoreMap ? (m ?? Number.NaN) : v;
      });
      scores = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const c = index[i]!;
        scores[i] = c < 0 ? Number.NaN : scoreOf[c]!;
      }
    }
    const values = new Float64Array(n);
    const present = new Uint8Array(L);
    for (let i = 0; i < n; i++) {
      const c = index[i]!;
      if (c < 0 || !kept[c]) {
        values[i] = Number.NaN;
        continue;
      }
      values[i] = distinct[c]!;
      if (design.weights[i] !== 0) present[c] = 1;
    }
    if (!present.includes(1))
      throw new InputError(
        `ratings map: rating column ${r.column} has no answers among the respondents${dontKnow === "drop" && dk.size ? " (after dropping don't know)" : ""}`,
      );
    const slot = new Int32Array(L).fill(-1);
    const answers: Answer[] = [];
    for (let c = 0; c < L; c++) {
      if (!present[c]) continue;
      const v = distinct[c]!;
      slot[c] = answers.length;
      answers.push({
        code: col.kind === "number" ? formatNumber(v) : labelOf(v),
        label: labelOf(v),
        value: v,
        dontKnow: dkOf[c] === 1,
      });
    }
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = index[i]!;
      codes[i] = c >= 0 && kept[c] && design.weights[i] !== 0 ? slot[c]! : -1;
    }
    return {
      column: r.column,
      target: r.target,
      attribute: r.attribute,
      text: col.label ?? r.column,
      answers,
      values,
      codes,
      scores,
    };
  });
}
