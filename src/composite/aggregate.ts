import { InputError } from "../core/errors.ts";
import type { Dataset, Framework, Weights } from "./types.ts";

/** Aggregation methods, named as in COINr. */
export type AggregateMethod = "a_amean" | "a_gmean" | "a_hmean" | "a_genmean" | "a_copeland";

export interface AggregateOptions {
  /** One method for all levels, or one per level from level 2 up (default a_amean). */
  method?: AggregateMethod | AggregateMethod[];
  /** a_genmean's p (≠ 0), one for all levels or one per level. */
  p?: number | number[];
  /** Weights by iCode (default: iMeta Weight). Missing codes fall back to iMeta. */
  weights?: Weights;
  /**
   * Minimum fraction of a node's children with data for it to get a value (strict: a unit with
   * availability < dat_thresh gets NaN); one for all levels or one per level. Default: none.
   */
  dat_thresh?: number | number[];
}

/**
 * Aggregates level by level (COINr `Aggregate`): each aggregate at level L is computed from its
 * children at level L−1 with their weights w (any scale; renormalised over the children present):
 * - a_amean: Σ w x / Σ w over present children;
 * - a_gmean: exp(Σ w ln x / Σ w) over present children; values <= 0 are an error, as in COINr;
 * - a_hmean: Σ w / Σ (w / x) over present children; a zero is an error;
 * - a_genmean: (Σ w x^p / Σ w)^(1/p); any missing child gives NaN, as in COINr;
 * - a_copeland: per pair of units, the outranking share O_ij = Σ_{x_ik > x_jk} w_k + ½ Σ_{x_ik = x_jk} w_k
 *   (w normalised to sum 1); the score is Σ_j sign(O_ij − ½) over the other units.
 * Returns the dataset with the indicator columns followed by each level's aggregates.
 * Cost O(units × nodes) (a_copeland O(units² × children) per aggregate).
 *
 * @example aggregate(normalised, fw).values.at(-1) // the index
 * @throws Error when a_gmean meets a value <= 0 or a_hmean a zero (say which aggregate)
 */
export function aggregate(ds: Dataset, fw: Framework, opts: AggregateOptions = {}): Dataset {
  const codes = [...ds.codes];
  const values = [...ds.values];
  const colOf = new Map<string, number>();
  for (const [j, c] of codes.entries()) colOf.set(c, j);
  const n = ds.units.length;
  fw.aggregateLevels.forEach((level, li) => {
    const method = pick(opts.method, li) ?? "a_amean";
    const p = pick(opts.p, li);
    const thresh = pick(opts.dat_thresh, li);
    for (const agg of level) {
      const kids = fw.children.get(agg)!.filter((k) => colOf.has(k));
      const cols = kids.map((k) => values[colOf.get(k)!]!);
      const w = kids.map((k) => opts.weights?.[k] ?? fw.weight.get(k) ?? 1);
      const out = aggregateNode(agg, cols, w, n, method, p);
      // COINr applies dat_thresh only to row-wise methods, not to a_copeland (by_df).
      if (thresh !== undefined && method !== "a_copeland") applyThreshold(out, cols, thresh);
      colOf.set(agg, codes.length);
      codes.push(agg);
      values.push(out);
    }
  });
  return { units: ds.units, codes, values };
}

function pick<T>(v: T | T[] | undefined, i: number): T | undefined {
  if (Array.isArray(v)) return v[Math.min(i, v.length - 1)];
  return v;
}

function applyThreshold(out: Float64Array, cols: Float64Array[], thresh: number): void {
  for (let i = 0; i < out.length; i++) {
    let present = 0;
    for (const c of cols) if (!Number.isNaN(c[i]!)) present++;
    if (present / cols.length < thresh) out[i] = Number.NaN;
  }
}

/** One aggregate from its children's columns and weights; see {@link aggregate}. */
export function aggregateNode(
  code: string,
  cols: Float64Array[],
  w: number[],
  n: number,
  method: AggregateMethod,
  p?: number,
): Float64Array {
  const out = new Float64Array(n);
  const k = cols.length;
  if (method === "a_copeland") return copeland(cols, w, n);
  if (method === "a_genmean" && (p === undefined || p === 0 || !Number.isFinite(p))) {
    throw new InputError(
      `aggregate: a_genmean at "${code}" needs p, a finite number other than 0 (use a_gmean for p = 0)`,
    );
  }
  for (let i = 0; i < n; i++) {
    let sw = 0;
    let s = 0;
    let present = 0;
    for (let j = 0; j < k; j++) {
      const x = cols[j]![i]!;
      const wj = w[j]!;
      if (Number.isNaN(x)) continue;
      present++;
      switch (method) {
        case "a_amean":
          s += wj * x;
          break;
        case "a_gmean":
          if (x <= 0) {
            throw new InputError(
              `aggregate: a_gmean at "${code}" met a value <= 0 (${x}); the geometric mean needs positive values (normalise to e.g. [1, 100])`,
            );
          }
          s += wj * Math.log(x);
          break;
        case "a_hmean":
          if (x === 0)
            throw new InputError(
              `aggregate: a_hmean at "${code}" met a zero; the harmonic mean needs non-zero values`,
            );
          s += wj / x;
          break;
        case "a_genmean":
          if (x <= 0 && p! < 0) {
            throw new InputError(`aggregate: a_genmean at "${code}" met a value <= 0 with p < 0`);
          }
          s += wj * x ** p!;
          break;
      }
      sw += wj;
    }
    if (present === 0 || (method === "a_genmean" && present < k)) {
      out[i] = Number.NaN;
      continue;
    }
    switch (method) {
      case "a_amean":
        out[i] = s / sw;
        break;
      case "a_gmean":
        out[i] = Math.exp(s / sw);
        break;
      case "a_hmean":
        out[i] = sw / s;
        break;
      case "a_genmean":
        out[i] = (s / sw) ** (1 / p!);
        break;
    }
  }
  return out;
}

/** Copeland scores from the weighted outranking matrix (COINr `a_copeland`). */
function copeland(cols: Float64Array[], w: number[], n: number): Float64Array {
  const sw = w.reduce((a, b) => a + b, 0);
  const wn = w.map((v) => v / sw);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let gt = 0;
      let eq = 0;
      for (let c = 0; c < cols.length; c++) {
        const a = cols[c]![i]!;
        const b = cols[c]![j]!;
        if (a > b) gt += wn[c]!;
        else if (a === b) eq += wn[c]!;
      }
      const oij = gt + eq / 2;
      const oji = 1 - oij;
      score[i]! += oij > 0.5 ? 1 : oij < 0.5 ? -1 : 0;
      score[j]! += oji > 0.5 ? 1 : oji < 0.5 ? -1 : 0;
    }
  }
  return score;
}
