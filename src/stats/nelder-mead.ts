/** Options of {@link nelderMead}, as R's `optim(method = "Nelder-Mead")` control list. */
export interface NelderMeadOptions {
  /** Relative convergence tolerance on function values (R's reltol, default √ε). */
  reltol?: number;
  /** Absolute tolerance: stop when the best value is <= abstol (default −∞). */
  abstol?: number;
  /** Maximum number of function evaluations (R's maxit, default 500). */
  maxit?: number;
  alpha?: number;
  beta?: number;
  gamma?: number;
}

export interface NelderMeadResult {
  par: Float64Array;
  value: number;
  /** Function evaluations used. */
  counts: number;
  /** 0 converged, 1 maxit reached, 10 the simplex degenerated (as R's optim). */
  convergence: number;
}

/**
 * Minimises f by the Nelder–Mead simplex in the form of Nash (1990), Compact Numerical Methods,
 * Algorithm 19, which R's `optim` uses: initial simplex steps of 0.1·max|x₀| (0.1 if x₀ = 0),
 * reflection α = 1, contraction β = 0.5, expansion γ = 2, shrink towards the best point;
 * stop when f_high <= f_low + reltol·(|f(x₀)| + reltol) or after maxit evaluations.
 * Non-finite function values count as 1e35.
 *
 * @example nelderMead((x) => (x[0]! - 1) ** 2, [0]).par[0] // ≈ 1
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  opts: NelderMeadOptions = {},
): NelderMeadResult {
  const n = x0.length;
  const reltol = opts.reltol ?? Math.sqrt(Number.EPSILON);
  const abstol = opts.abstol ?? Number.NEGATIVE_INFINITY;
  const maxit = opts.maxit ?? 500;
  const alpha = opts.alpha ?? 1;
  const beta = opts.beta ?? 0.5;
  const gamma = opts.gamma ?? 2;
  const big = 1e35;
  const fn = (x: Float64Array) => {
    const v = f(x);
    return Number.isFinite(v) ? v : big;
  };
  if (maxit <= 0) {
    const par = Float64Array.from(x0);
    return { par, value: f(par), counts: 0, convergence: 0 };
  }
  // P: n + 1 vertices (columns 0..n) plus the centroid (column n + 1); values in fv.
  const P = Array.from({ length: n + 2 }, () => new Float64Array(n));
  const fv = new Float64Array(n + 2);
  const b = Float64Array.from(x0);
  let fb = f(b);
  if (!Number.isFinite(fb))
    throw new Error("nelderMead: the function cannot be evaluated at the initial value");
  let funcount = 1;
  const convtol = reltol * (Math.abs(fb) + reltol);
  P[0]!.set(b);
  fv[0] = fb;
  let L = 0;
  let step = 0;
  for (let i = 0; i < n; i++) if (0.1 * Math.abs(b[i]!) > step) step = 0.1 * Math.abs(b[i]!);
  if (step === 0) step = 0.1;
  let size = 0;
  for (let j = 1; j <= n; j++) {
    P[j]!.set(b);
    let trystep = step;
    while (P[j]![j - 1] === b[j - 1]) {
      P[j]![j - 1] = b[j - 1]! + trystep;
      trystep *= 10;
    }
    size += trystep;
  }
  let oldsize = size;
  let calcvert = true;
  let fail = 0;
  const C = n + 1;
  for (;;) {
    if (calcvert) {
      for (let j = 0; j <= n; j++) {
        if (j === L) continue;
        fv[j] = fn(P[j]!);
        funcount++;
      }
      calcvert = false;
    }
    let VL = fv[L]!;
    let VH = VL;
    let H = L;
    for (let j = 0; j <= n; j++) {
      if (j === L) continue;
      const v = fv[j]!;
      if (v < VL) {
        L = j;
        VL = v;
      }
      if (v > VH) {
        H = j;
        VH = v;
      }
    }
    if (VH <= VL + convtol || VL <= abstol) break;
    const cen = P[C]!;
    for (let i = 0; i < n; i++) {
      let t = -P[H]![i]!;
      for (let j = 0; j <= n; j++) t += P[j]![i]!;
      cen[i] = t / n;
    }
    for (let i = 0; i < n; i++) b[i] = (1 + alpha) * cen[i]! - alpha * P[H]![i]!;
    fb = fn(b);
    funcount++;
    const VR = fb;
    if (VR < VL) {
      fv[C] = fb;
      for (let i = 0; i < n; i++) {
        const e = gamma * b[i]! + (1 - gamma) * cen[i]!;
        cen[i] = b[i]!;
        b[i] = e;
      }
      fb = fn(b);
      funcount++;
      if (fb < VR) {
        P[H]!.set(b);
        fv[H] = fb;
      } else {
        P[H]!.set(cen);
        fv[H] = VR;
      }
    } else {
      if (VR < VH) {
        P[H]!.set(b);
        fv[H] = VR;
      }
      for (let i = 0; i < n; i++) b[i] = (1 - beta) * P[H]![i]! + beta * cen[i]!;
      fb = fn(b);
      funcount++;
      if (fb < fv[H]!) {
        P[H]!.set(b);
        fv[H] = fb;
      } else if (VR >= VH) {
        calcvert = true;
        size = 0;
        for (let j = 0; j <= n; j++) {
          if (j === L) continue;
          for (let i = 0; i < n; i++) {
            P[j]![i] = beta * (P[j]![i]! - P[L]![i]!) + P[L]![i]!;
            size += Math.abs(P[j]![i]! - P[L]![i]!);
          }
        }
        if (size < oldsize) oldsize = size;
        else {
          fail = 10;
          break;
        }
      }
    }
    if (funcount > maxit) break;
  }
  return {
    par: P[L]!.slice(),
    value: fv[L]!,
    counts: funcount,
    convergence: fail === 10 ? 10 : funcount > maxit ? 1 : 0,
  };
}
