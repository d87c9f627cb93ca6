/**
 * `softpower/drivers`: Key-driver analysis, relaimpo/domir-class: all-subset R², LMG/Shapley, dominance analysis, Johnson's relative weights, bootstrap intervals.
 *
 * Pure: no Node built-ins, files, clock or network, so it runs unchanged in the browser (a test
 * bundles it for the browser platform and fails on any Node built-in).
 *
 * @module
 */

// Errors
export { InputError } from "../core/errors.ts";
export { analyseDrivers, type DriverProblem, type DriverResult } from "./analysis.ts";
export { lmg } from "./lmg.ts";
export { relativeWeights } from "./metrics.ts";
export { driverProblem } from "./problem.ts";
export { completeDominance, conditionalDominance, shapley } from "./shapley.ts";
export { allSubsetR2 } from "./subsets.ts";
