/**
 * `softpower/stats`: Statistics kernels shared by the engines: moments, quantiles, ranks, correlations, distributions, a seeded random number generator, Sobol sequences, Nelder-Mead.
 *
 * Pure: no Node built-ins, files, clock or network, so it runs unchanged in the browser (a test
 * bundles it for the browser platform and fails on any Node built-in).
 *
 * @module
 */

// Errors
export { InputError } from "../core/errors.ts";
export { correlation, covariance, pearsonPValue } from "./correlation.ts";
export { kurtosis, mean, sd, skewness, variance } from "./moments.ts";
export { nelderMead } from "./nelder-mead.ts";
export { median, quantile } from "./quantile.ts";
export { rank, rankDescending } from "./rank.ts";
export { createRng, type Rng } from "./rng.ts";
export { saltelliSample, sobolEstimate } from "./sobol.ts";
