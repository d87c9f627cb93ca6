/**
 * `softpower/survey`: Design-based survey estimation, R `survey`-class: designs (weights, strata, clusters, fpc), means, totals, proportions, ratios, quantiles, by domain, Taylor and replicate-weight variances, calibration, GLMs, and US-vs-China perception tables.
 *
 * Pure: no Node built-ins, files, clock or network, so it runs unchanged in the browser (a test
 * bundles it for the browser platform and fails on any Node built-in).
 *
 * @module
 */

// Errors
export { InputError } from "../core/errors.ts";
export {
  type BannerAdjust,
  type BannerOptions,
  type BannerTable,
  bannerTable,
} from "./banner.ts";
export { byDomains, svyBy } from "./by.ts";
export {
  type ByStatistic,
  type CovmatEstimate,
  type DomainCovariance,
  domainCovariance,
} from "./by-covmat.ts";
export { calibrate, postStratify, rake, trimWeights } from "./calibrate.ts";
export { propCI, waldCI } from "./ci.ts";
export { type ContrastResult, type NamedEstimates, svyContrast } from "./contrast.ts";
export {
  type ChisqResult,
  type ChisqStatistic,
  type Crosstab,
  type CrosstabCell,
  svyChisq,
  svyTable,
} from "./crosstab.ts";
export { type DeffKind, withDeff } from "./deff.ts";
export {
  buildDesign,
  type DesignSpec,
  DesignSpecSchema,
  designDf,
  type SurveyDesign,
} from "./design.ts";
export {
  type Estimate,
  svyMean,
  svyProportions,
  svyRatio,
  svyTotal,
  svyVar,
} from "./estimators.ts";
export { frameFromColumns, type SurveyFrame } from "./frame.ts";
export { svyGlm } from "./glm.ts";
export { type SvyOlrResult, svyOlr } from "./olr.ts";
export { perceptions, RatingsMapSchema } from "./perceptions.ts";
export {
  QUANTILE_INTERVALS,
  type QuantileInterval,
  svyQuantile,
  weightedQuantile,
} from "./quantile.ts";
export { asReplicateDesign, suppliedReplicateDesign } from "./replicates.ts";
export { StandardizeSpecSchema, svyStandardize } from "./standardize.ts";
export { type ToplineOptions, type ToplineRow, topline } from "./topline.ts";
export { svyTtest, type TtestResult } from "./ttest.ts";
