import { InputError } from "../core/errors.ts";
import { qt } from "../stats/distributions.ts";
import type { ByDomain } from "./by.ts";
import { propCI } from "./ci.ts";
import { designDf, type SurveyDesign } from "./design.ts";
import { domainDf } from "./domain-means.ts";
import type { Domain, Estimate } from "./estimators.ts";
import { numeric } from "./frame.ts";
import { scoreInterval } from "./quantile-score.ts";
import { replicateCovariance, replicateSums } from "./replicate-sums.ts";
import { sortOrder } from "./sort-values.ts";
import { linearisedVariance, stageVarianceOfTotals } from "./variance.ts";

/** Quantile rules of R's `svyquantile(qrule = ...)`. */
export type QuantileRule =
  | "math"
  | "school"
  | "shahvaish"
  | "hf1"
  | "hf2"
  | "hf3"
  | "hf4"
  | "hf5"
  | "hf6"
  | "hf7"
  | "hf8"
  | "hf9";

/**
 * Weighted quantile by R survey's rules (x sorted ascending with weights w, zero weights removed):
 * with cumulative weights C_k and total W, pos = the last k with C_k <= pW (the first when none),
 * and the next point above it:
 * - math = hf1: the weighted inverse CDF, x[pos] if pW − C_pos = 0 else x[pos + 1];
 * - school = hf2: as math but the average of the two at an exact jump;
 * - hf3: on tied values merged, x[pos] at an exact jump with pos even, else the next;
 * - hf4: linear interpolation of the CDF between the two points;
 * - hf5–hf9 and shahvaish: linear (shahvaish: step) interpolation of x at plotting positions p_k.
 */
export function weightedQuantile(
  xs: Float64Array,
  ws: Float64Array,
  p: number,
  rule: QuantileRule = "math",
): number {
  if (Number.isNaN(p)) return Number.NaN;
  const order = Array.from(xs.keys()).filter((i) => ws[i]! > 0);
  order.sort((a, b) => xs[a]! - xs[b]! || a - b);
  let x = Float64Array.from(order, (i) => xs[i]!);
  let w = Float64Array.from(order, (i) => ws[i]!);
  const n0 = x.length;
  if (n0 === 0) return Number.NaN;
  if (rule === "hf3") {
    const ux: number[] = [];
    const uw: number[] = [];
    for (let k = 0; k < n0; k++) {
      if (ux.length && ux[ux.length - 1] === x[k]) uw[uw.length - 1]! += w[k]!;
      else {
        ux.push(x[k]!);
        uw.push(w[k]!);
      }
    }
    x = Float64Array.from(ux);
    w = Float64Array.from(uw);
  }
  const n = x.length;
  const cumw = longDoubleCumsum(w);
  const W = cumw[n - 1]!;
  if (
    rule === "math" ||
    rule === "hf1" ||
    rule === "school" ||
    rule === "hf2" ||
    rule === "hf3" ||
    rule === "hf4"
  ) {
    // R's qs compares the running cumsum with p · sum(w), sum() accumulated in long double.
    const W = cumw[n - 1]!;
    let pos = -1;
    for (let k = 0; k < n; k++) if (cumw[k]! <= p * W) pos = k;
    if (pos < 0) pos = 0;
    const next = pos + 1 < n ? pos + 1 : pos;
    const qlow = x[pos]!;
    const qup = x[next]!;
    const wlow = p - cumw[pos]! / W;
    const wup = cumw[next]! / W - p;
    switch (rule) {
      case "math":
      case "hf1":
        return wlow === 0 ? qlow : qup;
      case "school":
      case "hf2":
        return wlow === 0 ? (qlow + qup) / 2 : qup;
      case "hf3":
        return wlow === 0 && (pos + 1) % 2 === 0 ? qlow : qup;
      default: {
        const g = wlow / (wup + wlow);
        return qlow * (1 - g) + qup * g;
      }
    }
  }
  if (n === 1) return x[0]!;
  const pk = new Float64Array(n);
  const prev = (k: number) => (k === 0 ? 0 : cumw[k - 1]!);
  for (let k = 0; k < n; k++) {
    switch (rule) {
      case "hf5":
        pk[k] = (cumw[k]! - w[k]! / 2) / W;
        break;
      case "hf6":
        pk[k] = cumw[k]! / (W + w[n - 1]!);
        break;
      case "hf7":
        pk[k] = prev(k) / cumw[n - 2]!;
        break;
      case "hf8":
        pk[k] = (prev(k) / 3 + (2 * cumw[k]!) / 3) / (W + w[n - 1]! / 3);
        break;
      case "hf9":
        pk[k] = ((3 / 8) * prev(k) + (5 / 8) * cumw[k]!) / (W + w[n - 1]! / 4);
        break;
      case "shahvaish": {
        let s = 0;
        const mw = W / n;
        for (let j = 0; j <= k; j++) s += w[j]! / mw;
        pk[k] = (s + 0.5 - w[k]! / 2) / (n + 1);
        break;
      }
    }
  }
  return approx(pk, x, p, rule === "shahvaish");
}

/**
 * R's approx(xk, yk, p, rule = 2) (linear, or step with f = 0): the points ordered by xk
 * (stable, as R's regularize.values; shahvaish's plotting positions need not be monotone),
 * ties in xk averaged.
 */
function approx(xk: Float64Array, yk: Float64Array, p: number, step: boolean): number {
  const { xs, ys } = approxTable(xk, yk);
  if (p <= xs[0]!) return ys[0]!;
  if (p >= xs[xs.length - 1]!) return ys[ys.length - 1]!;
  let j = 0;
  while (xs[j + 1]! < p) j++;
  if (xs[j + 1] === p) return ys[j + 1]!;
  if (step) return ys[j]!;
  return ys[j]! + ((p - xs[j]!) / (xs[j + 1]! - xs[j]!)) * (ys[j + 1]! - ys[j]!);
}

/**
 * One domain's values sorted ascending (ties in row order) with their weights and cumulative
 * weights, and tables derived from them on first use per rule, so every quantile of the
 * domain is a binary search: no sort per quantile.
 */
class SortedSample {
  readonly n: number;
  readonly cumw: Float64Array;
  /** Σ w accurately (R's sum() accumulates in long double; the running cumsum does not). */
  readonly total: number;
  private merged: SortedSample | null = null;
  private tables = new Map<QuantileRule, { xs: Float64Array; ys: Float64Array }>();
  constructor(
    readonly x: Float64Array,
    readonly w: Float64Array,
  ) {
    this.n = x.length;
    this.cumw = longDoubleCumsum(w);
    this.total = this.n ? this.cumw[this.n - 1]! : 0;
  }

  /** Tied values merged, their weights summed in order (hf3). */
  tiesMerged(): SortedSample {
    if (!this.merged) {
      const ux: number[] = [];
      const uw: number[] = [];
      for (let k = 0; k < this.n; k++) {
        if (ux.length && ux[ux.length - 1] === this.x[k]) uw[uw.length - 1]! += this.w[k]!;
        else {
          ux.push(this.x[k]!);
          uw.push(this.w[k]!);
        }
      }
      this.merged = new SortedSample(Float64Array.from(ux), Float64Array.from(uw));
    }
    return this.merged;
  }

  /** Plotting positions p_k of an interpolating rule, ties in p_k merged (R's approx). */
  table(rule: QuantileRule): { xs: Float64Array; ys: Float64Array } {
    let t = this.tables.get(rule);
    if (t) return t;
    const { n, x, w, cumw } = this;
    const W = cumw[n - 1]!;
    const pk = new Float64Array(n);
    const prev = (k: number) => (k === 0 ? 0 : cumw[k - 1]!);
    const mw = W / n;
    let s = 0;
    for (let k = 0; k < n; k++) {
      switch (rule) {
        case "hf5":
          pk[k] = (cumw[k]! - w[k]! / 2) / W;
          break;
        case "hf6":
          pk[k] = cumw[k]! / (W + w[n - 1]!);
          break;
        case "hf7":
          pk[k] = prev(k) / cumw[n - 2]!;
          break;
        case "hf8":
          pk[k] = (prev(k) / 3 + (2 * cumw[k]!) / 3) / (W + w[n - 1]! / 3);
          break;
        case "hf9":
          pk[k] = ((3 / 8) * prev(k) + (5 / 8) * cumw[k]!) / (W + w[n - 1]! / 4);
          break;
        default: {
          // shahvaish: s_k = Σ_{j <= k} w_j / w̄, a running sum (the same additions in order)
          s += w[k]! / mw;
          pk[k] = (s + 0.5 - w[k]! / 2) / (n + 1);
        }
      }
    }
    t = approxTable(pk, x);
    this.tables.set(rule, t);
    return t;
  }
}

/** {@link weightedQuantile} on a sorted sample: a binary search instead of a sort. */
function sortedQuantile(sample: SortedSample, p: number, rule: QuantileRule): number {
  if (Number.isNaN(p)) return Number.NaN;
  if (sample.n === 0) return Number.NaN;
  const sm = rule === "hf3" ? sample.tiesMerged() : sample;
  const { n, x, cumw } = sm;
  // R's qs: the running cumsum against p · sum(w), sum() accumulated in long double.
  const W = sm.total;
  if (
    rule === "math" ||
    rule === "hf1" ||
    rule === "school" ||
    rule === "hf2" ||
    rule === "hf3" ||
    rule === "hf4"
  ) {
    // pos = the last k with C_k <= pW (C is non-decreasing), or 0
    const target = p * W;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumw[mid]! <= target) lo = mid + 1;
      else hi = mid;
    }
    const pos = Math.max(lo - 1, 0);
    const next = pos + 1 < n ? pos + 1 : pos;
    const qlow = x[pos]!;
    const qup = x[next]!;
    const wlow = p - cumw[pos]! / W;
    const wup = cumw[next]! / W - p;
    switch (rule) {
      case "math":
      case "hf1":
        return wlow === 0 ? qlow : qup;
      case "school":
      case "hf2":
        return wlow === 0 ? (qlow + qup) / 2 : qup;
      case "hf3":
        return wlow === 0 && (pos + 1) % 2 === 0 ? qlow : qup;
      default: {
        const g = wlow / (wup + wlow);
        return qlow * (1 - g) + qup * g;
      }
    }
  }
  if (n === 1) return x[0]!;
  const { xs, ys } = sm.table(rule);
  const last = xs.length - 1;
  if (p <= xs[0]!) return ys[0]!;
  if (p >= xs[last]!) return ys[last]!;
  // j + 1 = the first index >= 1 with xs >= p
  let lo = 1;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < p) lo = mid + 1;
    else hi = mid;
  }
  const j = lo - 1;
  if (xs[j + 1] === p) return ys[j + 1]!;
  if (rule === "shahvaish") return ys[j]!;
  return ys[j]! + ((p - xs[j]!) / (xs[j + 1]! - xs[j]!)) * (ys[j + 1]! - ys[j]!);
}

/**
 * Interval types of R's `svyquantile(interval.type = ...)` (survey >= 4.1): Woodruff intervals
 * whose CDF interval is the "mean" (Wald), "beta" (Korn–Graubard), "xlogit" or "asin" interval of
 * a proportion ({@link propCI}), or the "score" (Francisco–Fuller) interval (not for replicate
 * designs, as R).
 */
export type QuantileInterval = "mean" | "beta" | "xlogit" | "asin" | "score";
export const QUANTILE_INTERVALS: readonly QuantileInterval[] = [
  "mean",
  "beta",
  "xlogit",
  "asin",
  "score",
];

/** A quantile with its Woodruff interval, as {@link svyQuantile} returns it. */
export type QuantileEstimate = Estimate & { ci: [number, number] };

/** The points of {@link approx} ordered by x (stable) with tied x merged (mean of their y). */
function approxTable(xk: Float64Array, yk: Float64Array): { xs: Float64Array; ys: Float64Array } {
  const n = xk.length;
  let order: Int32Array | null = null;
  for (let k = 1; k < n; k++) {
    if (xk[k]! < xk[k - 1]!) {
      order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => xk[a]! - xk[b]! || a - b);
      break;
    }
  }
  const at = (k: number) => (order ? order[k]! : k);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < n; ) {
    let e = k;
    let sum = 0;
    const x0 = xk[at(k)]!;
    while (e < n && xk[at(e)] === x0) sum += yk[at(e++)]!;
    xs.push(x0);
    ys.push(sum / (e - k));
    k = e;
  }
  return { xs: Float64Array.from(xs), ys: Float64Array.from(ys) };
}

/**
 * Survey quantiles with Woodruff intervals (R `svyquantile`): q̂ by the rule; m = the
 * design-based mean of I(x <= q̂) with its linearised (or replicate) SE; an interval [m_l, m_u]
 * for m by `interval` (R's interval.type; t quantiles on degf(design) unless df is given):
 * "mean" m ± t·SE; "xlogit" expit(logit m ± t·SE/(m(1 − m))); "asin"
 * sin²(asin √m ± t·SE/(2√(m(1 − m)))); "beta" Korn–Graubard with n* = m(1 − m)/SE² ·
 * (qt(α/2, nrow − 1)/qt(α/2, degf))²; mapped back through the quantile rule (NaN below 0 or
 * above 1); or "score" (`scoreInterval` in quantile-score.ts). SE = (upper − lower)/(2t). nrow is the rows of
 * the (domain's) design R sees: the domain's respondents with data, or on a calibrated design all
 * rows (R keeps them when subsetting, with zero weight). On a replicate design R 4.1.1 ignores
 * beta/xlogit/asin (svyquantile.svyrep.design does not pass the type on) and gives "mean"; so do we.
 */
export function svyQuantile(
  design: SurveyDesign,
  variable: string,
  probs: number[],
  opts: {
    domain?: Domain;
    rule?: QuantileRule;
    level?: number;
    df?: number;
    interval?: QuantileInterval;
  } = {},
): QuantileEstimate[] {
  const dom = opts.domain ?? null;
  const group = new Int32Array(design.n);
  if (dom) for (let i = 0; i < design.n; i++) group[i] = dom[i] ? 0 : -1;
  const out = quantilesByGroup(design, variable, probs, group, 1, opts);
  if (out[0] === null)
    throw new InputError(
      `variable ${variable}: the domain has no respondents with data; nothing to estimate`,
    );
  return out[0]!;
}

/**
 * {@link svyQuantile} in every domain at once (R `svyby(~x, ~by, design, svyquantile)`), each
 * domain's degrees of freedom those of its rows (R's degf of the subset). The values of all
 * domains are sorted once (a radix sort of the rows, then split by domain), each domain's
 * cumulative weights computed once, and every quantile and interval end is a binary search;
 * the SEs of all domains come from one pass over the rows per quantile (PSU totals, or
 * replicate sums). Cost O(n · Q + domains · (P + Q log n)) for Q quantiles.
 *
 * @throws InputError naming the domain when it has no respondents with data, or for p outside [0, 1]
 */
export function svyQuantileBy(
  design: SurveyDesign,
  variable: string,
  probs: number[],
  domains: ByDomain[],
  opts: { rule?: QuantileRule; level?: number; by?: string[]; interval?: QuantileInterval } = {},
): QuantileEstimate[][] {
  const group = domains[0]?.index ?? new Int32Array(design.n);
  const out = quantilesByGroup(design, variable, probs, group, domains.length, {
    ...opts,
    perGroupDf: true,
  });
  const by = opts.by ?? [];
  return out.map((q, d) => {
    if (q === null)
      throw new InputError(
        `${by.length ? `domain ${by.map((b, i) => `${b} = ${domains[d]!.labels[i]}`).join(", ")}: ` : ""}variable ${variable}: the domain has no respondents with data; nothing to estimate`,
      );
    return q;
  });
}

function quantilesByGroup(
  design: SurveyDesign,
  variable: string,
  probs: number[],
  groupIn: Int32Array,
  G: number,
  opts: {
    rule?: QuantileRule;
    level?: number;
    df?: number;
    perGroupDf?: boolean;
    interval?: QuantileInterval;
  },
): (QuantileEstimate[] | null)[] {
  for (const p of probs)
    if (!(p >= 0 && p <= 1)) throw new InputError(`quantile ${p} must be in [0, 1]`);
  const interval = opts.interval ?? "mean";
  if (!QUANTILE_INTERVALS.includes(interval))
    throw new InputError(
      `quantile interval must be one of ${QUANTILE_INTERVALS.join(", ")}, got "${interval}"`,
    );
  if (interval === "score" && design.replicate)
    throw new InputError(
      `quantile interval "score" is not available for replicate-weight designs (as R); use mean, beta, xlogit or asin`,
    );
  const y = numeric(design.frame, variable);
  const w = design.weights;
  const n = design.n;
  const rule = opts.rule ?? "math";
  const level = opts.level ?? 0.95;
  // Rows used: in a group, weight > 0, value present.
  const group = new Int32Array(n);
  let m = 0;
  const cnt = new Int32Array(G);
  const sw = new Float64Array(G);
  for (let i = 0; i < n; i++) {
    const g = groupIn[i]!;
    if (g < 0 || !(w[i]! > 0) || Number.isNaN(y[i]!)) {
      group[i] = -1;
      continue;
    }
    group[i] = g;
    cnt[g]!++;
    sw[g]! += w[i]!;
    m++;
  }
  // Sort the used rows once by value (ties in row order), then split by group (stable).
  const rowOf = new Int32Array(m);
  const vals = new Float64Array(m);
  for (let i = 0, k = 0; i < n; i++) {
    if (group[i]! < 0) continue;
    rowOf[k] = i;
    vals[k++] = y[i]!;
  }
  const order = sortOrder(vals);
  const start = new Int32Array(G + 1);
  for (let g = 0; g < G; g++) start[g + 1] = start[g]! + cnt[g]!;
  const fill = start.slice(0, G);
  const sortedRows = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    const i = rowOf[order[k]!]!;
    sortedRows[fill[group[i]!]!++] = i;
  }
  const samples: (SortedSample | null)[] = Array.from({ length: G }, (_, g) => {
    if (cnt[g] === 0) return null;
    const a = start[g]!;
    const len = cnt[g]!;
    const xs = new Float64Array(len);
    const ws = new Float64Array(len);
    for (let k = 0; k < len; k++) {
      const i = sortedRows[a + k]!;
      xs[k] = y[i]!;
      ws[k] = w[i]!;
    }
    return new SortedSample(xs, ws);
  });
  const degfs =
    opts.perGroupDf && design.replicate
      ? // R's svyby subsets a replicate design by rows (and na.rm drops rows lacking x): each
        // domain's degf is the rank of its rows' replicate weights − 1.
        domainDf(design, { index: group, D: G })
      : groupDf(design, groupIn, G, opts.perGroupDf ?? false);
  const dfs = opts.df !== undefined ? new Float64Array(G).fill(opts.df) : degfs;
  // R's nrow(design) of the domain: its rows with data, or every row of a calibrated design.
  const calibrated = design.calibrations.length > 0 && !design.replicate;
  const nrowOf = (g: number) => (calibrated ? n : cnt[g]!);
  // R 4.1.1's svyquantile on a replicate design calls woodruffCI without its method, so
  // beta/xlogit/asin give the "mean" interval there; we do the same.
  const cdfInterval = design.replicate ? "mean" : interval;
  const tq = Float64Array.from(dfs, (df) => qt(1 - (1 - level) / 2, df));
  const out: (QuantileEstimate[] | null)[] = samples.map((s) => (s ? [] : null));
  const q = new Float64Array(G);
  const mean = new Float64Array(G);
  for (const p of probs) {
    for (let g = 0; g < G; g++)
      q[g] = samples[g] ? sortedQuantile(samples[g]!, p, rule) : Number.NaN;
    // m_g = Σ w I(x <= q̂_g) / Σ w over the group's rows, summed in row order.
    mean.fill(0);
    for (let i = 0; i < n; i++) {
      const g = group[i]!;
      if (g >= 0 && y[i]! <= q[g]!) mean[g]! += w[i]!;
    }
    for (let g = 0; g < G; g++) mean[g]! /= sw[g]!;
    const se = cdfSe(design, y, w, group, G, q, mean, sw);
    for (let g = 0; g < G; g++) {
      const s = samples[g];
      if (!s) continue;
      const t = tq[g]!;
      let lower: number;
      let upper: number;
      if (interval === "score") {
        [lower, upper] = scoreInterval(
          scoreValues(design, y, group, g, calibrated, sortedRows, start),
          (theta) => scoreStatistic(design, y, w, sortedRows, start, g, p, theta, sw[g]!),
          t,
          (pr) => sortedQuantile(s, pr, rule),
          `variable ${variable}, quantile ${p}`,
        );
      } else {
        const [pl, pu] =
          cdfInterval === "mean"
            ? [mean[g]! - t * se[g]!, mean[g]! + t * se[g]!]
            : propCI(mean[g]!, se[g]!, cdfInterval as "beta" | "xlogit" | "asin", {
                level,
                df: dfs[g]!,
                n: nrowOf(g),
                degf: degfs[g]!,
              });
        lower = Number.isNaN(pl) || pl < 0 ? Number.NaN : sortedQuantile(s, pl, rule);
        upper = Number.isNaN(pu) || pu > 1 ? Number.NaN : sortedQuantile(s, pu, rule);
      }
      out[g]!.push({
        variable,
        level: String(p),
        estimate: q[g]!,
        se: (upper - lower) / (2 * t),
        n: cnt[g]!,
        deff: Number.NaN,
        ci: [lower, upper],
      });
    }
  }
  return out;
}

/**
 * Degrees of freedom per group of a Taylor design: R's degf of the design, or with `perGroup`
 * of each group's subset (first-stage PSUs minus strata among its rows with weight > 0, as
 * {@link designDf}). (Replicate designs: the design's df, or per group `domainDf`.)
 */
function groupDf(
  design: SurveyDesign,
  group: Int32Array,
  G: number,
  perGroup: boolean,
): Float64Array {
  if (!perGroup || design.replicate) return new Float64Array(G).fill(designDf(design));
  const st = design.stages[0]!;
  const n = design.n;
  // Rows by group (row order), then distinct PSUs and strata of each group by stamping.
  const cnt = new Int32Array(G + 1);
  for (let i = 0; i < n; i++) if (group[i]! >= 0 && design.weights[i] !== 0) cnt[group[i]! + 1]!++;
  for (let g = 0; g < G; g++) cnt[g + 1]! += cnt[g]!;
  const rows = new Int32Array(cnt[G]!);
  const fill = cnt.slice(0, G);
  for (let i = 0; i < n; i++)
    if (group[i]! >= 0 && design.weights[i] !== 0) rows[fill[group[i]!]!++] = i;
  const psuStamp = new Int32Array(st.nClusters).fill(-1);
  const strStamp = new Int32Array(st.nStrata).fill(-1);
  const df = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    let np = 0;
    let ns = 0;
    for (let k = cnt[g]!; k < cnt[g + 1]!; k++) {
      const i = rows[k]!;
      const c = st.cluster[i]!;
      const h = st.stratum[i]!;
      if (psuStamp[c] !== g) {
        psuStamp[c] = g;
        np++;
      }
      if (strStamp[h] !== g) {
        strStamp[h] = g;
        ns++;
      }
    }
    df[g] = np - ns;
  }
  return df;
}

/**
 * SE of m_g = the design-based mean of I(x <= q̂_g) in every group: from the replicates
 * (one sweep of replicate sums for all groups), or linearised with influence
 * z_i = w_i (I(x_i <= q̂_g) − m_g)/Σ w over the group's rows. For a single-stage design without
 * calibration the PSU totals of all groups come from one pass over the rows and each group's
 * stage variance is {@link linearisedVariance}'s (same sums in the same order); otherwise each
 * group's influence values go through {@link linearisedVariance}.
 */
function cdfSe(
  design: SurveyDesign,
  y: Float64Array,
  w: Float64Array,
  group: Int32Array,
  G: number,
  q: Float64Array,
  mean: Float64Array,
  sw: Float64Array,
): Float64Array {
  const n = design.n;
  const se = new Float64Array(G);
  const rep = design.replicate;
  if (rep) {
    const ind = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const g = group[i]!;
      if (g >= 0 && y[i]! <= q[g]!) ind[i] = 1;
    }
    const S = replicateSums(rep, group, G, [ind, null]);
    const R = rep.count;
    const thetas = new Float64Array(R);
    for (let g = 0; g < G; g++) {
      for (let r = 0; r < R; r++) thetas[r] = S[(g * R + r) * 2]! / S[(g * R + r) * 2 + 1]!;
      se[g] = Math.sqrt(replicateCovariance(rep, thetas, 1, [mean[g]!])[0]!);
    }
    return se;
  }
  if (design.calibrations.length || design.multistage) {
    for (let g = 0; g < G; g++) {
      if (!(sw[g]! > 0)) continue;
      const zg = new Float64Array(n);
      for (let i = 0; i < n; i++)
        if (group[i] === g) zg[i] = (w[i]! * ((y[i]! <= q[g]! ? 1 : 0) - mean[g]!)) / sw[g]!;
      se[g] = Math.sqrt(linearisedVariance(design, [zg])[0]!);
    }
    return se;
  }
  const st = design.stages[0]!;
  const P = st.nClusters;
  const totals = new Float64Array(G * P);
  for (let i = 0; i < n; i++) {
    const g = group[i]!;
    if (g >= 0)
      totals[g * P + st.cluster[i]!]! += (w[i]! * ((y[i]! <= q[g]! ? 1 : 0) - mean[g]!)) / sw[g]!;
  }
  for (let g = 0; g < G; g++)
    se[g] = Math.sqrt(stageVarianceOfTotals(design, 0, totals.subarray(g * P, (g + 1) * P)));
  return se;
}

/**
 * The values R's ffullerCI sees for group g: the group's respondents with data, or on a
 * calibrated design every row (out-of-domain and missing values kept, missing as 0: R's subset
 * of a calibrated design keeps all rows and `na.rm` sets missing values to 0).
 */
function scoreValues(
  design: SurveyDesign,
  y: Float64Array,
  group: Int32Array,
  g: number,
  calibrated: boolean,
  sortedRows: Int32Array,
  start: Int32Array,
): Float64Array {
  if (calibrated) return Float64Array.from(y, (v) => (Number.isNaN(v) ? 0 : v));
  void group;
  void design;
  return Float64Array.from(sortedRows.subarray(start[g]!, start[g + 1]!), (i) => y[i]!);
}

/**
 * mean(U)/SE(mean(U)) for U = I(x > θ) − (1 − p) over group g's rows (R's scoretest before the
 * limit): the weighted mean and its linearised SE (influence w (U − Ū)/Σw, zero outside).
 */
function scoreStatistic(
  design: SurveyDesign,
  y: Float64Array,
  w: Float64Array,
  sortedRows: Int32Array,
  start: Int32Array,
  g: number,
  p: number,
  theta: number,
  sw: number,
): number {
  const rows = sortedRows.subarray(start[g]!, start[g + 1]!);
  let m = 0;
  for (const i of rows) m += (((y[i]! > theta ? 1 : 0) - (1 - p)) * w[i]!) / sw;
  let v: number;
  if (design.calibrations.length || design.multistage) {
    const z = new Float64Array(design.n);
    for (const i of rows) z[i] = (w[i]! * ((y[i]! > theta ? 1 : 0) - (1 - p) - m)) / sw;
    v = linearisedVariance(design, [z])[0]!;
  } else {
    const st = design.stages[0]!;
    const totals = new Float64Array(st.nClusters);
    for (const i of rows)
      totals[st.cluster[i]!]! += (w[i]! * ((y[i]! > theta ? 1 : 0) - (1 - p) - m)) / sw;
    v = stageVarianceOfTotals(design, 0, totals);
  }
  return m / Math.sqrt(v);
}

/**
 * Running sums of x as R's cumsum() (and sum()) compute them: accumulated in x87 long double
 * (64-bit significand, each partial sum rounded to nearest), each rounded to double. Emulated with an exact double-double
 * partial sum whose low part is rounded to the 64-bit grid after every addition. (A double
 * running sum differs in the last bits, which decides ties of the cumulative weights with p·Σw:
 * with equal weights, 554 instead of R's 553 for a quartile of api00 in dclus1's stype E.)
 */
function longDoubleCumsum(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  let hi = 0;
  let lo = 0;
  for (let k = 0; k < x.length; k++) {
    const v = x[k]!;
    const s = hi + v;
    const bb = s - hi;
    const err = hi - (s - bb) + (v - bb);
    const l = lo + err;
    hi = s + l;
    lo = l - (hi - s);
    if (hi !== 0 && lo !== 0) {
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(hi))) - 63);
      const q = lo / ulp;
      let r = Math.round(q);
      if (Math.abs(q - Math.trunc(q)) === 0.5) r = 2 * Math.round(q / 2);
      lo = r * ulp;
    }
    out[k] = hi + lo;
  }
  return out;
}
