/**
 * The @stdlib distribution functions the engines use, gathered in one module. `npm run build`
 * bundles this module (esbuild, scripts/build-cli.mjs) into a single self-contained file,
 * `dist/stats/stdlib.js`, so that importing an engine from the package does not load the ~140
 * small CommonJS packages these five functions are made of one by one. Same functions, same
 * results; from the sources (tests, tsx) the packages are imported as they are. The regularised
 * incomplete beta and gamma functions give the F and chi-square upper tails (distributions.ts).
 */
export { default as betaInc } from "@stdlib/math-base-special-betainc";
export { default as gammaInc } from "@stdlib/math-base-special-gammainc";
export { default as betaQuantile } from "@stdlib/stats-base-dists-beta-quantile";
export { default as normalCdf } from "@stdlib/stats-base-dists-normal-cdf";
export { default as normalQuantile } from "@stdlib/stats-base-dists-normal-quantile";
export { default as tCdf } from "@stdlib/stats-base-dists-t-cdf";
export { default as tQuantile } from "@stdlib/stats-base-dists-t-quantile";
