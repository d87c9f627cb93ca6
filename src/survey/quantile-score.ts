import { InputError } from "../core/errors.ts";

/**
 * R's `uniroot` (Brent's zeroin, R_zeroin2 with maxiter 1000) on f over [a, b] given f(a), f(b);
 * non-finite values inside are replaced as R does (−Inf → −DBL_MAX, +Inf and NaN → DBL_MAX).
 *
 * @throws InputError when f(a) and f(b) have the same sign (R: "f() values at end points not of opposite sign")
 */
export function zeroin(
  f: (x: number) => number,
  ax: number,
  bx: number,
  faIn: number,
  fbIn: number,
  tol: number,
  what: string,
): number {
  if (Number.isNaN(faIn) || Number.isNaN(fbIn))
    throw new InputError(
      `${what}: the score function is undefined at an end of the search interval`,
    );
  if (faIn * fbIn > 0)
    throw new InputError(
      `${what}: the score test has the same sign at both ends of the search interval, so the interval cannot be found (R: "f() values at end points not of opposite sign"); use another interval type`,
    );
  const EPS = Number.EPSILON;
  const g = (x: number) => {
    const v = f(x);
    if (Number.isFinite(v)) return v;
    return v === Number.NEGATIVE_INFINITY ? -Number.MAX_VALUE : Number.MAX_VALUE;
  };
  let a = ax;
  let b = bx;
  let fa = faIn;
  let fb = fbIn;
  let c = a;
  let fc = fa;
  if (fa === 0) return a;
  if (fb === 0) return b;
  let maxit = 1001;
  while (maxit--) {
    const prevStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tolAct = 2 * EPS * Math.abs(b) + tol / 2;
    let newStep = (c - b) / 2;
    if (Math.abs(newStep) <= tolAct || fb === 0) return b;
    if (Math.abs(prevStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const cb = c - b;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {
        const qq = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * qq * (qq - t1) - (b - a) * (t1 - 1));
        q = (qq - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((prevStep * q) / 2))
        newStep = p / q;
    }
    if (Math.abs(newStep) < tolAct) newStep = newStep > 0 ? tolAct : -tolAct;
    a = b;
    fa = fb;
    b += newStep;
    fb = g(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}

/** R's quantile(x, p, type = 7) of sorted values. */
function quantile7(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const index = 1 + Math.max(n - 1, 0) * p;
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const qs = sorted[lo - 1]!;
  const h = index - lo;
  if (index > lo && sorted[hi - 1] !== qs) return (1 - h) * qs + h * sorted[hi - 1]!;
  return qs;
}

/**
 * The score (Francisco–Fuller) interval of a quantile, as R's `svyquantile(interval.type =
 * "score")` (survey's ffullerCI): with U(θ) = I(x > θ) − (1 − p) and the design-based mean of U
 * with its SE, the roots in θ of mean/SE = ±t (R's uniroot on [min x + IQR/100, max x − IQR/100],
 * tol = 1/(100 √nrow)); the bounds are the quantile rule at the unweighted fractions of x at or
 * below each root (R's `qrule(x, w, mean(x <= root))`).
 *
 * @param x the values R's ffullerCI sees (the domain's, or all rows on a calibrated design)
 * @param scoreAt mean(U(θ)) / SE(mean(U(θ))) for the domain
 * @param rule the quantile rule at a probability, on the domain's weighted sample
 */
export function scoreInterval(
  x: Float64Array,
  scoreAt: (theta: number) => number,
  t: number,
  rule: (p: number) => number,
  what: string,
): [number, number] {
  const sorted = x.slice().sort();
  const n = sorted.length;
  const iqr = quantile7(sorted, 0.75) - quantile7(sorted, 0.25);
  const lowerT = sorted[0]! + iqr / 100;
  const upperT = sorted[n - 1]! - iqr / 100;
  const tol = 1 / (100 * Math.sqrt(n));
  if (!(lowerT < upperT))
    throw new InputError(
      `${what}: too few distinct values for a score interval (R: "lower < upper is not fulfilled"); use another interval type`,
    );
  const roots = [t, -t].map((qlimit) => {
    const f = (theta: number) => scoreAt(theta) - qlimit;
    return zeroin(f, lowerT, upperT, f(lowerT), f(upperT), tol, what);
  });
  const frac = (r: number) => {
    let k = 0;
    for (let i = 0; i < n; i++) if (x[i]! <= r) k++;
    return k / n;
  };
  return [rule(frac(roots[0]!)), rule(frac(roots[1]!))];
}
