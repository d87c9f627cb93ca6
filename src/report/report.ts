/**
 * `softpower report`: one stored run as an HTML document, a PDF or an XLSX workbook. Loads the run
 * once and renders the format asked for; the CLI, the tests and the benchmark call this.
 */
import type { ReportFormat } from "./formats.ts";
import { renderHtml } from "./html.ts";
import { type LoadedRun, loadRun, type ReportModel, reportModel } from "./model.ts";
import { renderPdf } from "./pdf.ts";
import { renderXlsx } from "./xlsx.ts";

export { defaultReportPath, parseFormat, REPORT_FORMATS, type ReportFormat } from "./formats.ts";

export interface RenderOptions {
  /** An ISO time printed in the HTML/PDF as "Generated …"; none by default (deterministic bytes). */
  generatedAt?: string;
}

/** A report in one format from a loaded run. */
export async function renderReport(
  run: LoadedRun,
  format: ReportFormat,
  o: RenderOptions = {},
  model: ReportModel = reportModel(run),
): Promise<string | Buffer> {
  if (format === "xlsx") return renderXlsx(run, model);
  const html = renderHtml(model, { generatedAt: o.generatedAt });
  if (format === "html") return html;
  return renderPdf(html, {
    footer: `${model.study} · run ${model.runId}`,
    synthetic: model.synthetic,
  });
}

/**
 * Loads run `ref` of the study in `dir` and renders it.
 *
 * @example const { content } = await generateReport("examples/demo", "latest", "html")
 */
export async function generateReport(
  dir: string,
  ref: string,
  format: ReportFormat,
  o: RenderOptions = {},
): Promise<{ run: LoadedRun; content: string | Buffer }> {
  const run = await loadRun(dir, ref);
  return { run, content: await renderReport(run, format, o) };
}
