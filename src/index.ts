/**
 * The public API of softpower. Everything a user may call is exported here by name; the rest
 * is internal. The engines are pure and run in Node and in the browser.
 */

export { type AggregateMethod, aggregate } from "./composite/aggregate.ts";
export { correlationMatrix, levelCorrelations } from "./composite/correlations.ts";
export { cronbachAlpha, cronbachByAggregate } from "./composite/cronbach.ts";
export { denominate } from "./composite/denominate.ts";
// Composite indices (COINr-class)
export { buildFramework, metaRow } from "./composite/framework.ts";
export { type ImputeMethod, impute } from "./composite/impute.ts";
export { type NormaliseMethod, normalise, normaliseVector } from "./composite/normalise.ts";
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
} from "./composite/pipeline.ts";
export { createReweighter, type Reweighter } from "./composite/reweight.ts";
export { type ScreenBy, screen } from "./composite/screen.ts";
export { type IndicatorStats, indicatorStats } from "./composite/stats.ts";
export { checkSkewKurt, type TreatDetail, treat, winsorise } from "./composite/treat.ts";
export type { Dataset, Framework, MetaRow, UnitData, Weights } from "./composite/types.ts";
export {
  analyseUncertainty,
  type RankStats,
  type UncertaintyResult,
} from "./composite/uncertainty.ts";
export { type UncertaintySpec, UncertaintySpecSchema } from "./composite/uncertainty-spec.ts";
export { effectiveWeights, optimiseWeights, pcaWeights } from "./composite/weights.ts";
// Errors
export { InputError } from "./core/errors.ts";
// Key drivers (relative importance)
export { analyseDrivers, type DriverProblem, type DriverResult } from "./drivers/analysis.ts";
export { lmg } from "./drivers/lmg.ts";
export { relativeWeights } from "./drivers/metrics.ts";
export { driverProblem } from "./drivers/problem.ts";
export { completeDominance, conditionalDominance, shapley } from "./drivers/shapley.ts";
export { allSubsetR2 } from "./drivers/subsets.ts";
export { summariseTone } from "./media/aggregate.ts";
export { estimateBias } from "./media/bias.ts";
export { detectFrames, FRAMES, type Frame, frameMatches } from "./media/frames.ts";
export { buildGazetteer, findMentions, type Mention } from "./media/mentions.ts";
export { predictTargetTone, type TargetToneModel, targetFeatures } from "./media/target-tone.ts";
// Media tone
export { type Lexicon, scoreTone, type ToneScores } from "./media/vader.ts";
// Reports of a stored run (HTML, PDF, XLSX)
export { renderHtml } from "./report/html.ts";
export { type LoadedRun, loadRun, type ReportModel, reportModel } from "./report/model.ts";
export { renderPdf } from "./report/pdf.ts";
export { generateReport, type ReportFormat, renderReport } from "./report/report.ts";
export { renderXlsx } from "./report/xlsx.ts";
export { correlation, covariance, pearsonPValue } from "./stats/correlation.ts";
// Statistics kernels
export { kurtosis, mean, sd, skewness, variance } from "./stats/moments.ts";
export { nelderMead } from "./stats/nelder-mead.ts";
export { median, quantile } from "./stats/quantile.ts";
export { rank, rankDescending } from "./stats/rank.ts";
export { createRng, type Rng } from "./stats/rng.ts";
export { saltelliSample, sobolEstimate } from "./stats/sobol.ts";
// Results store (DuckDB): runs of a study
export { diffRuns } from "./store/diff.ts";
export { exportRun } from "./store/export.ts";
export { listRuns, readRun, readRunTable } from "./store/read.ts";
export type { RunInfo, RunRecord, RunSummary } from "./store/types.ts";
export { writeRun } from "./store/write-run.ts";
// Studies end to end
export { type BuildResult, buildStudy } from "./study/build.ts";
export { deriveFindings } from "./study/findings.ts";
export { type LoadedStudy, loadStudy } from "./study/load.ts";
export { type Study, StudySchema, studyJsonSchema } from "./study/schema.ts";
export { byDomains, svyBy } from "./survey/by.ts";
export { calibrate, postStratify, rake, trimWeights } from "./survey/calibrate.ts";
export { propCI, waldCI } from "./survey/ci.ts";
// Survey estimation (R survey-class)
export {
  buildDesign,
  type DesignSpec,
  DesignSpecSchema,
  designDf,
  type SurveyDesign,
} from "./survey/design.ts";
export {
  type Estimate,
  svyMean,
  svyProportions,
  svyRatio,
  svyTotal,
  svyVar,
} from "./survey/estimators.ts";
export { frameFromColumns, type SurveyFrame } from "./survey/frame.ts";
export { svyGlm } from "./survey/glm.ts";
export { perceptions, RatingsMapSchema } from "./survey/perceptions.ts";
export { svyQuantile, weightedQuantile } from "./survey/quantile.ts";
export { asReplicateDesign, suppliedReplicateDesign } from "./survey/replicates.ts";
