import {
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
