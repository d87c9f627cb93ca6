import { qbeta, qt } from "../stats/distributions.ts";

/** Interval methods for a proportion, as R's `svyciprop(method = ...)`. */
export type PropCiMethod = "logit" | "likelihood" | "asin" | "beta" | "mean" | "xlogit";

/**
 * Wald interval est ± q·se with q the t quantile on df degrees of freedom (R `confint`; the
 * default df = ∞ gives the normal quantile).
 */
export function waldCI(
  est: number,
  se: number,
  level = 0.95,
  df = Number.POSITIVE_INFINITY,
): [number, number] {
  checkLevel(level);
  const q = qt(1 - (1 - level) / 2, df);
  return [est - q * se, est + q * se];
}

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1))
    throw new Error(`confidence level must be in (0, 1), got ${level}`);
}

/**
 * Confidence interval for a proportion p̂ with linearised SE (R `svyciprop`, t quantiles on
 * df = degf(design) by default):
 * - mean: p̂ ± q·SE;
 * - logit, xlogit: expit(logit p̂ ± q·SE/(p̂(1 − p̂)));
 * - asin: sin²(asin √p̂ ± q·SE/(2√(p̂(1 − p̂))));
 * - beta (Korn–Graubard): n* = p̂(1 − p̂)/SE² · (qt(α/2, nrow − 1)/qt(α/2, degf))², bounds
 *   qbeta(α/2, n*p̂, n*(1 − p̂) + 1) and qbeta(1 − α/2, n*p̂ + 1, n*(1 − p̂));
 * - likelihood: the Rao–Scott-scaled profile likelihood of the intercept-only quasi-binomial
 *   model: the p where 2(n − 1)[p̂ ln(p̂/p) + (1 − p̂) ln((1 − p̂)/(1 − p))] = q² λ, with
 *   λ = SE²·n/(p̂(1 − p̂)) the design effect (solved exactly; R profiles on a grid).
 *
 * @param opts.n the rows of the design used (R's nrow(design)), for beta and likelihood
 */
export function propCI(
  p: number,
  se: number,
  method: PropCiMethod,
  opts: { level?: number; df: number; n: number; degf?: number },
): [number, number] {
  const level = opts.level ?? 0.95;
  checkLevel(level);
  const alpha = 1 - level;
  const q = qt(1 - alpha / 2, opts.df);
  switch (method) {
    case "mean":
      return [p - q * se, p + q * se];
    case "logit":
    case "xlogit": {
      const b = Math.log(p / (1 - p));
      const s = se / (p * (1 - p));
      return [expit(b - q * s), expit(b + q * s)];
    }
    case "asin": {
      const a = Math.asin(Math.sqrt(p));
      const s = se / (2 * Math.sqrt(p * (1 - p)));
      return [Math.sin(a - q * s) ** 2, Math.sin(a + q * s) ** 2];
    }
    case "beta": {
      const degf = opts.degf ?? opts.df;
      let neff = (p * (1 - p)) / (se * se);
      neff *= (qt(alpha / 2, opts.n - 1) / qt(alpha / 2, degf)) ** 2;
      const lo = p === 0 ? 0 : qbeta(alpha / 2, neff * p, neff * (1 - p) + 1);
      const hi = p === 1 ? 1 : qbeta(1 - alpha / 2, neff * p + 1, neff * (1 - p));
      return [lo, hi];
    }
    case "likelihood": {
      const n = opts.n;
      const lambda = (se * se * n) / (p * (1 - p));
      const target = q * q * lambda;
      const dev = (x: number) =>
        2 * (n - 1) * (p * Math.log(p / x) + (1 - p) * Math.log((1 - p) / (1 - x)));
      return [
        bisect((x) => dev(x) - target, 1e-15, p),
        bisect((x) => target - dev(x), p, 1 - 1e-15),
      ];
    }
  }
}

const expit = (x: number) => 1 / (1 + Math.exp(-x));

/** Root of a function that is positive at a and negative at b (or vice versa), to machine precision. */
function bisect(f: (x: number) => number, a: number, b: number): number {
  let fa = f(a);
  if (fa === 0) return a;
  for (let i = 0; i < 200; i++) {
    const m = (a + b) / 2;
    if (m === a || m === b) break;
    const fm = f(m);
    if (fm === 0) return m;
    if (fa > 0 === fm > 0) {
      a = m;
      fa = fm;
    } else b = m;
  }
  return (a + b) / 2;
}
