/**
 * `softpower/composite`: Composite indices, COINr-class: the framework (iMeta), the construction pipeline (denominate, impute, screen, treat, normalise, aggregate), weights, reweighting, analysis, Monte Carlo uncertainty and Sobol sensitivity.
 *
 * Pure: no Node built-ins, files, clock or network, so it runs unchanged in the browser (a test
 * bundles it for the browser platform and fails on any Node built-in).
 *
 * @module
 */

// Errors
export { InputError } from "../core/errors.ts";
export { type AggregateMethod, aggregate } from "./aggregate.ts";
export { type AnalyseOptions, analyseIndex } from "./analyse.ts";
export {
  type CompareMultiResult,
  type CompareRow,
  compareIndices,
  compareIndicesMulti,
} from "./compare.ts";
export { type CorTest, type CorTestOptions, corTest } from "./cor-test.ts";
export {
  type CorrFlag,
  correlationFlags,
  type DenomCorr,
  denominatorCorrelations,
} from "./corr-flags.ts";
export { correlationMatrix, correlationPValues, levelCorrelations } from "./correlations.ts";
export { cronbachAlpha, cronbachByAggregate } from "./cronbach.ts";
export { denominate } from "./denominate.ts";
export { buildFramework, metaRow } from "./framework.ts";
export { type ImputeMethod, impute } from "./impute.ts";
export { type NormaliseMethod, normalise, normaliseVector } from "./normalise.ts";
export { type OutrankingResult, outrankingMatrix } from "./outrank.ts";
export {
  analysePanelUncertainty,
  type PanelUncertaintyResult,
  panelYears,
} from "./panel-uncertainty.ts";
export {
  applyStep,
  buildIndex,
  type CoinInput,
  DEFAULT_PIPELINE,
  type IndexResult,
  type Pipeline,
  PipelineSchema,
  type ResultsTable,
  STAGES,
  type StageName,
} from "./pipeline.ts";
export { type RemoveElementsResult, removeElements } from "./remove-elements.ts";
export { createReweighter, type Reweighter } from "./reweight.ts";
export { type ScreenBy, screen } from "./screen.ts";
export { type IndicatorStats, indicatorStats } from "./stats.ts";
export { type StrengthRow, strengthsWeaknesses } from "./strengths.ts";
export { checkSkewKurt, type TreatDetail, treat, winsorise } from "./treat.ts";
export { prcChange } from "./trend-metrics.ts";
export { cagr, type TrendMetric, type TrendOptions, type TrendRow, trends } from "./trends.ts";
export type { Dataset, Framework, MetaRow, UnitData, Weights } from "./types.ts";
export {
  analyseUncertainty,
  type RankStats,
  type UncertaintyResult,
} from "./uncertainty.ts";
export { type UncertaintySpec, UncertaintySpecSchema } from "./uncertainty-spec.ts";
export { effectiveWeights, optimiseWeights, pcaWeights } from "./weights.ts";
