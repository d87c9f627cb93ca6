import { InputError } from "../core/errors.ts";

/** The observed (y not missing) points of a series, sorted by time. */
function observed(y: ArrayLike<number>, t: ArrayLike<number>, fn: string): [number[], number[]] {
  if (y.length !== t.length)
    throw new InputError(`${fn}: y has ${y.length} values and t ${t.length}; they must match`);
  const idx: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (Number.isNaN(t[i]!))
      throw new InputError(`${fn}: t[${i}] is missing; every value needs a time`);
    if (!Number.isNaN(y[i]!)) idx.push(i);
  }
  idx.sort((a, b) => t[a]! - t[b]!);
  return [idx.map((i) => t[i]!), idx.map((i) => y[i]!)];
}

/**
 * Compound annual growth rate of a series (COINr `CAGR`): from the first and the latest observed
 * (non-missing) values, (y_latest / y_first)^(1 / (t_latest − t_first)) − 1; 0 when the two
 * values are equal (so two zeros give 0); NaN with fewer than two observations. `t` is in years.
 *
 * @example cagr([100, 105, 110.25], [2000, 2001, 2002]) // 0.05
 * @throws InputError when t has a missing value or a different length
 */
export function cagr(y: ArrayLike<number>, t: ArrayLike<number>): number {
  const [tt, yy] = observed(y, t, "cagr");
  const n = yy.length;
  if (n < 2) return Number.NaN;
  const y0 = yy[0]!;
  const y1 = yy[n - 1]!;
  if (y0 === y1) return 0;
  return (y1 / y0) ** (1 / (tt[n - 1]! - tt[0]!)) - 1;
}

/**
 * Percentage change of a series per `per` time units (COINr `prc_change`): over the observed
 * points sorted by time, 0 when all values are equal; with two points
 * 100 (y₂ − y₁)/y₁ · per/(t₂ − t₁); with three or more the least-squares line y = a + b t
 * (R's `lm(y ~ t)`), 100 b·per/(a + b t₁), i.e. the fitted change per period relative to the
 * fitted first value. NaN with fewer than two observations.
 *
 * Cost O(n log n).
 *
 * @example prcChange([100, 105, 110], [2000, 2001, 2002]) // 5 (% a year)
 * @throws InputError when t has a missing value or a different length
 */
export function prcChange(y: ArrayLike<number>, t: ArrayLike<number>, per = 1): number {
  const [tt, yy] = observed(y, t, "prcChange");
  const n = yy.length;
  if (n < 2) return Number.NaN;
  if (yy.every((v) => v === yy[0])) return 0;
  if (n < 3) return (((yy[1]! - yy[0]!) * 100) / yy[0]!) * (per / (tt[1]! - tt[0]!));
  let mt = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mt += tt[i]!;
    my += yy[i]!;
  }
  mt /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (tt[i]! - mt) * (yy[i]! - my);
    sxx += (tt[i]! - mt) ** 2;
  }
  const slope = sxy / sxx;
  const icpt = my - slope * mt;
  return ((slope * per) / (icpt + slope * tt[0]!)) * 100;
}

/**
 * Linear interpolation of a series at the times `at` (R's `approx(t, y, xout = at)`, rule 1, as
 * COINr's `approx_df`): through the observed points; NaN outside their range (no
 * extrapolation); an observed time gives its own value. With fewer than two observations,
 * every value is NaN.
 *
 * @example interpolateAt([1, NaN, 3], [2000, 2001, 2002], [2001]) // [2]
 */
export function interpolateAt(
  y: ArrayLike<number>,
  t: ArrayLike<number>,
  at: readonly number[],
): number[] {
  const [tt, yy] = observed(y, t, "interpolateAt");
  if (yy.length < 2) return at.map(() => Number.NaN);
  return at.map((v) => {
    if (!(v >= tt[0]! && v <= tt[tt.length - 1]!)) return Number.NaN;
    let lo = 0;
    let hi = tt.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (v < tt[mid]!) hi = mid;
      else lo = mid;
    }
    if (v === tt[lo]) return yy[lo]!;
    if (v === tt[hi]) return yy[hi]!;
    return yy[lo]! + (yy[hi]! - yy[lo]!) * ((v - tt[lo]!) / (tt[hi]! - tt[lo]!));
  });
}
