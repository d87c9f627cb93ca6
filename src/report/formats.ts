/**
 * The report formats and where a report goes by default. Kept apart from the renderers so the CLI
 * can validate options without loading Plot, linkedom and exceljs.
 */
import { join } from "node:path";
import { InputError } from "../core/errors.ts";

export const REPORT_FORMATS = ["html", "pdf", "xlsx"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The format named by `s`, or an InputError listing the formats there are. */
export function parseFormat(s: string, where = "--format"): ReportFormat {
  const f = s.toLowerCase();
  if ((REPORT_FORMATS as readonly string[]).includes(f)) return f as ReportFormat;
  throw new InputError(`${where} must be one of ${REPORT_FORMATS.join(", ")}, got "${s}"`);
}

/** The default output file: `DIR/reports/report-<run-id>.<ext>` (one file per run and format). */
export function defaultReportPath(dir: string, runId: string, format: ReportFormat): string {
  return join(dir, "reports", `report-${runId}.${format}`);
}
