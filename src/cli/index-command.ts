import { basename, resolve } from "node:path";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { analysisTables } from "../composite/analysis-tables.ts";
import { buildPanelIndex, isPanel } from "../composite/panel.ts";
import {
  buildIndex,
  DEFAULT_PIPELINE,
  type IndexResult,
  type Pipeline,
  PipelineSchema,
} from "../composite/pipeline.ts";
import { indicatorStats } from "../composite/stats.ts";
import {
  datasetTable,
  panelResultsTableData,
  resultsTableData,
  statsTableData,
  type TableData,
  treatTableData,
  uncertaintyTableData,
} from "../composite/tables.ts";
import { type UncertaintySpec, UncertaintySpecSchema } from "../composite/uncertainty-spec.ts";
import { InputError } from "../core/errors.ts";
import { runUncertainty } from "../core/parallel.ts";
import { VERSION } from "../core/version.ts";
import { readCoin, weightSetsFromTable } from "../io/coin.ts";
import { readJsonFile } from "../io/json.ts";
import { readTable } from "../io/table.ts";
import { sha256File, toCsv, writeDirAtomic } from "../io/write.ts";

interface IndexOptions {
  data: string;
  meta: string;
  pipeline?: string;
  weights?: string;
  uncertainty?: string;
  seed?: string;
  threads?: string;
  out: string;
  json?: boolean;
}

/** `softpower index`: builds a composite index (and its uncertainty) from iData and iMeta. */
export function registerIndexCommand(program: Command): void {
  program
    .command("index")
    .description(
      "Build a composite index (COINr-compatible) from iData and iMeta, with optional uncertainty and sensitivity analysis",
    )
    .requiredOption("--data <file>", "iData: units × indicators (CSV or XLSX)")
    .requiredOption("--meta <file>", "iMeta: the framework (CSV or XLSX)")
    .option("--pipeline <file>", "pipeline.json (default: the ASEM default build)")
    .option(
      "--weights <file>",
      "named weight sets: iCode and one column per set (use one with aggregate.weights)",
    )
    .option("--uncertainty <file>", "uncertainty spec JSON (type uncertainty or sobol)")
    .option("--seed <n>", "seed for the uncertainty analysis (overrides the spec's)")
    .option("--threads <n>", 'worker threads for the uncertainty analysis, or "auto"')
    .requiredOption("--out <dir>", "output directory (replaced atomically)")
    .option("--json", "print a machine-readable summary")
    .addHelpText(
      "after",
      "\nExample:\n  softpower index --data ASEM_iData.csv --meta ASEM_iMeta.csv --pipeline examples/asem/pipeline.json --out out/asem",
    )
    .action(async (o: IndexOptions) => runIndex(o));
}

async function runIndex(o: IndexOptions): Promise<void> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const lap = (k: string, since: number) => {
    timings[k] = Math.round((performance.now() - since) * 1000) / 1000;
  };
  const input = await readCoin(o.data, o.meta);
  if (o.weights)
    input.weightSets = weightSetsFromTable(await readTable(o.weights), input.framework);
  lap("read_ms", t0);
  const pipeline: Pipeline = o.pipeline
    ? await readJsonFile(o.pipeline, PipelineSchema)
    : DEFAULT_PIPELINE;
  let spec: UncertaintySpec | undefined;
  if (o.uncertainty) spec = await readJsonFile(o.uncertainty, UncertaintySpecSchema);
  const seed = o.seed !== undefined ? parseIntOption("--seed", o.seed) : (spec?.seed ?? 1);
  const threads =
    o.threads === undefined
      ? undefined
      : o.threads === "auto"
        ? ("auto" as const)
        : parseIntOption("--threads", o.threads, 1);

  const files: Record<string, string> = {};
  const put = (name: string, t: TableData) => {
    files[name] = toCsv(t.columns, t.rows);
  };
  const t1 = performance.now();
  const panel = isPanel(input.data);
  if (panel && spec) {
    throw new InputError(
      `${basename(o.data)}: uncertainty analysis needs one cross-section; this iData is a panel (Time ${[...new Set(input.data.time)].join(", ")}). Give it the rows of one year.`,
    );
  }
  let result: IndexResult;
  if (panel) {
    const p = await withSource(o.pipeline ?? o.data, async () => buildPanelIndex(input, pipeline));
    for (const [stage, st] of Object.entries(p.stages)) {
      put(`stages/${stage}.csv`, datasetTable(st!.data, st!.time));
    }
    put("results.csv", panelResultsTableData(p.byYear));
    const tables = [...p.byYear].map(([year, r]) => ({ year, t: treatTableData(r.treatDetails) }));
    put("treat.csv", {
      columns: ["Time", ...tables[0]!.t.columns],
      rows: tables.flatMap(({ year, t }) => t.rows.map((row) => [year, ...row])),
    });
    result = p.byYear.get(p.years[p.years.length - 1]!)!;
  } else {
    result = await withSource(o.pipeline ?? o.data, async () => buildIndex(input, pipeline));
    for (const [stage, ds] of Object.entries(result.stages)) {
      put(`stages/${stage}.csv`, datasetTable(ds!));
    }
    put("results.csv", resultsTableData(result));
    put("treat.csv", treatTableData(result.treatDetails));
    for (const [name, t] of Object.entries(analysisTables(result, input.framework)))
      put(`analysis/${name}.csv`, t);
  }
  lap("build_ms", t1);
  put("stats.csv", statsTableData(indicatorStats(input.data.indicators)));

  let uncertaintySummary: Record<string, unknown> | undefined;
  if (spec) {
    const t2 = performance.now();
    const bar =
      process.stdout.isTTY && !o.json
        ? new SingleBar({ format: "replications [{bar}] {value}/{total} {eta}s", hideCursor: true })
        : null;
    let started = false;
    const ua = await withSource(o.uncertainty!, () =>
      runUncertainty(spec!, pipeline, input, seed, {
        threads,
        onProgress: bar
          ? (done, total) => {
              if (!started) {
                bar.start(total, 0);
                started = true;
              }
              bar.update(done);
            }
          : undefined,
      }),
    );
    bar?.stop();
    if (ua.failed > 0) {
      process.stderr.write(
        `softpower: warning: ${ua.failed} of ${ua.design.runs} replications failed (${ua.firstError ?? "unknown error"}); their ranks are missing from the summaries\n`,
      );
    }
    lap("uncertainty_ms", t2);
    put("uncertainty.csv", uncertaintyTableData(ua.rankStats));
    if (ua.sensitivity) {
      const cols = ["factor", "Si", "STi", "Si_lo", "Si_hi", "STi_lo", "STi_hi"] as const;
      put("sensitivity.csv", {
        columns: [...cols],
        rows: ua.sensitivity.map((s) => cols.map((c) => s[c])),
      });
    }
    uncertaintySummary = {
      type: spec.type,
      runs: ua.design.runs,
      failed: ua.failed,
      threads: ua.threads,
      seed,
    };
  }
  timings.total_ms = Math.round((performance.now() - t0) * 1000) / 1000;
  const run = {
    softpower: VERSION,
    node: process.version,
    command: "index",
    pipeline,
    uncertainty: spec ?? null,
    seed,
    inputs: await hashInputs({
      data: o.data,
      meta: o.meta,
      pipeline: o.pipeline,
      weights: o.weights,
      uncertainty: o.uncertainty,
    }),
    units: input.data.uCode.length,
    indicators: input.framework.indicators.length,
    removed_units: result.removedUnits,
    uncertainty_run: uncertaintySummary ?? null,
    timings,
  };
  files["run.json"] = `${JSON.stringify(run, null, 2)}\n`;
  await writeDirAtomic(o.out, files);

  const res = result.results;
  const order = res.units.map((_, i) => i).sort((a, b) => res.rank[a]! - res.rank[b]!);
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({ out: resolve(o.out), files: Object.keys(files), top: order.slice(0, 5).map((i) => ({ uCode: res.units[i], score: res.scores[0]![i], rank: res.rank[i] })), timings })}\n`,
    );
    return;
  }
  const lines = order
    .slice(0, 5)
    .map(
      (i) =>
        `  ${String(res.rank[i]).padStart(3)}  ${res.units[i]!.padEnd(6)} ${res.scores[0]![i]!.toFixed(4)}`,
    );
  process.stdout.write(
    `Built ${res.codes[0]} for ${res.units.length} units from ${input.framework.indicators.length} indicators` +
      (result.removedUnits.length ? ` (screened out: ${result.removedUnits.join(", ")})` : "") +
      `\n${lines.join("\n")}\n` +
      (uncertaintySummary
        ? `Uncertainty: ${uncertaintySummary.runs} replications (${uncertaintySummary.failed} failed)\n`
        : "") +
      `Wrote ${Object.keys(files).length} files to ${o.out} in ${timings.total_ms.toFixed(0)} ms\n`,
  );
}

/** Path and SHA-256 of each input file given. */
async function hashInputs(files: Record<string, string | undefined>) {
  const out: Record<string, { path: string; sha256: string }> = {};
  for (const [k, p] of Object.entries(files))
    if (p) out[k] = { path: resolve(p), sha256: await sha256File(p) };
  return out;
}

/** Runs `fn`, prefixing the message of an InputError it throws with the file it concerns. */
async function withSource<T>(file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof InputError && !e.message.startsWith(file))
      throw new InputError(`${basename(file)}: ${e.message}`);
    throw e;
  }
}

function parseIntOption(name: string, v: string, min = Number.NEGATIVE_INFINITY): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new InputError(
      `${name} must be an integer${min > Number.NEGATIVE_INFINITY ? ` >= ${min}` : ""}, got "${v}"`,
    );
  return n;
}
