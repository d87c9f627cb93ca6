import {
  betaInc,
  gammaInc,
  normalCdf as pnormImpl,
  betaQuantile as qbetaImpl,
  normalQuantile as qnormImpl,
  tQuantile as qtImpl,
} from "./stdlib.ts";

/** Standard normal quantile (R `qnorm`). */
export const qnorm = (p: number): number => qnormImpl(p, 0, 1);
/** Standard normal CDF (R `pnorm`). */
export const pnorm = (x: number): number => pnormImpl(x, 0, 1);
/** Student t quantile with df degrees of freedom; the normal quantile when df is infinite (R `qt`). */
export const qt = (p: number, df: number): number =>
  df === Number.POSITIVE_INFINITY ? qnorm(p) : qtImpl(p, df);
/** Beta quantile (R `qbeta`). */
export const qbeta = (p: number, a: number, b: number): number => qbetaImpl(p, a, b);

/**
 * Upper tail of the F distribution, P(F > f) on df1 and df2 degrees of freedom (R
 * `pf(f, df1, df2, lower.tail = FALSE)`), as the regularised incomplete beta
 * I_x(df2/2, df1/2) with x = df2/(df2 + df1 f), computed directly (no 1 − cdf cancellation).
 * Non-integer df allowed; 1 for f <= 0; NaN for a NaN argument or df <= 0.
 */
export const pfUpper = (f: number, df1: number, df2: number): number => {
  if (Number.isNaN(f) || !(df1 > 0) || !(df2 > 0)) return Number.NaN;
  if (f <= 0) return 1;
  if (f === Number.POSITIVE_INFINITY) return 0;
  if (df2 === Number.POSITIVE_INFINITY) return pchisqUpper(f * df1, df1);
  return betaInc(df2 / (df2 + df1 * f), df2 / 2, df1 / 2, true, false);
};

/**
 * Upper tail of the chi-square distribution, P(X > x) on df degrees of freedom (R
 * `pchisq(x, df, lower.tail = FALSE)`): the regularised upper incomplete gamma Q(df/2, x/2).
 */
export const pchisqUpper = (x: number, df: number): number => {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return gammaInc(x / 2, df / 2, true, true);
};
