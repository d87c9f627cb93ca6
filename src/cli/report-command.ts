import { extname } from "node:path";
import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { writeFileAtomic } from "../io/write.ts";
import {
  defaultReportPath,
  parseFormat,
  REPORT_FORMATS,
  type ReportFormat,
} from "../report/formats.ts";

interface ReportOptions {
  run: string;
  format?: string;
  out?: string;
  timestamp?: boolean;
  json?: boolean;
}

/** The format: --format, else the extension of --out, else html; the two must agree. */
function chooseFormat(o: ReportOptions): ReportFormat {
  const ext = o.out ? extname(o.out).slice(1).toLowerCase() : "";
  const fromExt = (REPORT_FORMATS as readonly string[]).includes(ext)
    ? (ext as ReportFormat)
    : undefined;
  if (o.format === undefined) return fromExt ?? "html";
  const f = parseFormat(o.format);
  if (fromExt && fromExt !== f)
    throw new InputError(`--out ${o.out} has extension .${ext} but --format is ${f}`);
  return f;
}

const size = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} kB`;

async function runReport(dir: string, o: ReportOptions): Promise<void> {
  if (o.out !== undefined && o.out.trim() === "") throw new InputError("--out needs a file name");
  const format = chooseFormat(o);
  const t0 = performance.now();
  // Loaded on use: the renderers pull in Plot, linkedom and exceljs.
  const { generateReport } = await import("../report/report.ts");
  const { run, content } = await generateReport(dir, o.run, format, {
    generatedAt: o.timestamp ? new Date().toISOString() : undefined,
  });
  const out = o.out ?? defaultReportPath(dir, run.info.id, format);
  await writeFileAtomic(out, content);
  const bytes = typeof content === "string" ? Buffer.byteLength(content) : content.length;
  const ms = Math.round(performance.now() - t0);
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({ run: run.info.id, format, out, bytes, ms, synthetic: run.info.synthetic })}\n`,
    );
    return;
  }
  process.stdout.write(
    `Wrote ${out} (${format.toUpperCase()}, ${size(bytes)}, ${ms} ms): run ${run.info.id} of "${run.info.study}"${run.info.synthetic ? " (SYNTHETIC DATA)" : ""}\n`,
  );
}

/** `softpower report`: a stored run as a self-contained HTML report, a PDF or an XLSX workbook. */
export function registerReportCommand(program: Command): void {
  program
    .command("report")
    .description(
      "Write a run's report: self-contained HTML (default), PDF printed by Chromium, or an XLSX workbook of every result table",
    )
    .argument("[dir]", "study folder", ".")
    .option("--run <id>", 'run id, unique prefix of one, "latest" or "previous"', "latest")
    .option("--format <format>", "html, pdf or xlsx (default: from --out's extension, else html)")
    .option("--out <file>", "output file (default: DIR/reports/report-<run-id>.<format>)")
    .option("--timestamp", "print the generation time in the report (off: same run, same bytes)")
    .option("--json", "print a machine-readable summary")
    .addHelpText(
      "after",
      "\nExamples:\n  softpower report examples/demo\n  softpower report examples/demo --format pdf\n  softpower report examples/demo --run previous --out demo.xlsx",
    )
    .action((dir: string, o: ReportOptions) => runReport(dir, o));
}
