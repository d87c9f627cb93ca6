import { InputError } from "../core/errors.ts";
import { qt } from "../stats/distributions.ts";
import { designDf, type SurveyDesign } from "./design.ts";
import type { Domain, Estimate } from "./estimators.ts";
import { numeric } from "./frame.ts";
import { estimatorCovariance } from "./variance.ts";

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
  const cumw = new Float64Array(n);
  let c = 0;
  for (let k = 0; k < n; k++) {
    c += w[k]!;
    cumw[k] = c;
  }
  const W = cumw[n - 1]!;
  if (
    rule === "math" ||
    rule === "hf1" ||
    rule === "school" ||
    rule === "hf2" ||
    rule === "hf3" ||
    rule === "hf4"
  ) {
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

/** R's approx(xk, yk, p, rule = 2) (linear, or step with f = 0), ties in xk averaged. */
function approx(xk: Float64Array, yk: Float64Array, p: number, step: boolean): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < xk.length; ) {
    let e = k;
    let sum = 0;
    while (e < xk.length && xk[e] === xk[k]) sum += yk[e++]!;
    xs.push(xk[k]!);
    ys.push(sum / (e - k));
    k = e;
  }
  if (p <= xs[0]!) return ys[0]!;
  if (p >= xs[xs.length - 1]!) return ys[ys.length - 1]!;
  let j = 0;
  while (xs[j + 1]! < p) j++;
  if (xs[j + 1] === p) return ys[j + 1]!;
  if (step) return ys[j]!;
  return ys[j]! + ((p - xs[j]!) / (xs[j + 1]! - xs[j]!)) * (ys[j + 1]! - ys[j]!);
}

/**
 * Survey quantiles with Woodruff intervals (R `svyquantile`, interval.type "mean"): q̂ by the
 * rule; m = the design-based mean of I(x <= q̂) with its linearised SE; [m ± t·SE] (t on
 * degf(design) degrees of freedom unless df is given) mapped back through the quantile rule;
 * SE = (upper − lower)/(2t).
 */
export function svyQuantile(
  design: SurveyDesign,
  variable: string,
  probs: number[],
  opts: { domain?: Domain; rule?: QuantileRule; level?: number; df?: number } = {},
): (Estimate & { ci: [number, number] })[] {
  const y = numeric(design.frame, variable);
  const w = design.weights;
  const dom = opts.domain ?? null;
  const rows: number[] = [];
  for (let i = 0; i < design.n; i++)
    if ((!dom || dom[i]) && w[i]! > 0 && !Number.isNaN(y[i]!)) rows.push(i);
  if (rows.length === 0)
    throw new InputError(
      `variable ${variable}: the domain has no respondents with data; nothing to estimate`,
    );
  const xs = Float64Array.from(rows, (i) => y[i]!);
  const ws = Float64Array.from(rows, (i) => w[i]!);
  const level = opts.level ?? 0.95;
  const df = opts.df ?? designDf(design);
  const tq = qt(1 - (1 - level) / 2, df);
  const rule = opts.rule ?? "math";
  const sw = ws.reduce((a, b) => a + b, 0);
  return probs.map((p) => {
    if (!(p >= 0 && p <= 1)) throw new InputError(`quantile ${p} must be in [0, 1]`);
    const q = weightedQuantile(xs, ws, p, rule);
    let m = 0;
    for (let k = 0; k < rows.length; k++) if (xs[k]! <= q) m += ws[k]!;
    m /= sw;
    const cdf = (wr: Float64Array) => {
      let a = 0;
      let b = 0;
      rows.forEach((i, k) => {
        b += wr[i]!;
        if (xs[k]! <= q) a += wr[i]!;
      });
      return Float64Array.of(a / b);
    };
    const se = Math.sqrt(
      estimatorCovariance(design, cdf, Float64Array.of(m), () => {
        const z = new Float64Array(design.n);
        rows.forEach((i, k) => {
          z[i] = (ws[k]! * ((xs[k]! <= q ? 1 : 0) - m)) / sw;
        });
        return [z];
      })[0]!,
    );
    const pl = m - tq * se;
    const pu = m + tq * se;
    const lower = pl < 0 ? Number.NaN : weightedQuantile(xs, ws, pl, rule);
    const upper = pu > 1 ? Number.NaN : weightedQuantile(xs, ws, pu, rule);
    return {
      variable,
      level: String(p),
      estimate: q,
      se: (upper - lower) / (2 * tq),
      n: rows.length,
      deff: Number.NaN,
      ci: [lower, upper],
    };
  });
}
