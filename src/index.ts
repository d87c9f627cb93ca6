/**
 * The public API of softpower. Everything a user may call is exported here by name; the rest
 * is internal. The pure engines are also importable one by one, free of Node built-ins, for
 * browser bundles: `softpower/composite`, `softpower/survey`, `softpower/drivers`,
 * `softpower/media` and `softpower/stats`. This root adds what needs Node: the results store,
 * studies end to end and reports.
 *
 * @example
 * import { buildDesign, frameFromColumns, svyMean } from "softpower";
 * const frame = frameFromColumns({ y: [1, 2, 3, 4], w: [1, 1, 2, 2] });
 * const design = buildDesign(frame, { ids: [], weights: "w" });
 * svyMean(design, "y").estimate; // 17 / 6 = 2.8333…
 *
 * @module
 */

export * from "./composite/index.ts";
// Errors
export { InputError } from "./core/errors.ts";
export * from "./drivers/index.ts";
export * from "./media/index.ts";
// Reports of a stored run (HTML, PDF, XLSX)
export { renderHtml } from "./report/html.ts";
export { type LoadedRun, loadRun, type ReportModel, reportModel } from "./report/model.ts";
export { renderPdf } from "./report/pdf.ts";
export { generateReport, type ReportFormat, renderReport } from "./report/report.ts";
export { renderXlsx } from "./report/xlsx.ts";
export * from "./stats/index.ts";
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
export * from "./survey/index.ts";
