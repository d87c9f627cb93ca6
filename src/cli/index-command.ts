import { basename, resolve } from "node:path";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { DEFAULT_PIPELINE, type Pipeline, PipelineSchema } from "../composite/pipeline.ts";
import { type UncertaintySpec, UncertaintySpecSchema } from "../composite/uncertainty-spec.ts";
import { InputError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import { readCoin, weightSetsFromTable } from "../io/coin.ts";
import { readJsonFile } from "../io/json.ts";
import { readTable } from "../io/table.ts";
import { sha256File, toCsv, writeDirAtomic } from "../io/write.ts";
import { indexTables } from "../tasks/index-build.ts";
import { registerAnalyseCommand } from "./index-analyse.ts";

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
  // `index analyse` has options of its own (--data, --out…): with positional options, those after
  // "analyse" are its, not the parent's. The root has no options but --version and --help.
  program.enablePositionalOptions();
  const index = program
    .command("index")
    .enablePositionalOptions()
    .description(
      "Build a composite index (COINr-compatible) from iData and iMeta, with optional uncertainty and sensitivity analysis",
    )
    .option("--data <file>", "iData: units × indicators (CSV or XLSX) (required)")
    .option("--meta <file>", "iMeta: the framework (CSV or XLSX) (required)")
    .option("--pipeline <file>", "pipeline.json (default: the ASEM default build)")
    .option(
      "--weights <file>",
      "named weight sets: iCode and one column per set (use one with aggregate.weights)",
    )
    .option("--uncertainty <file>", "uncertainty spec JSON (type uncertainty or sobol)")
    .option("--seed <n>", "seed for the uncertainty analysis (overrides the spec's)")
    .option("--threads <n>", 'worker threads for the uncertainty analysis, or "auto"')
    .option("--out <dir>", "output directory (replaced atomically) (required)")
    .option("--json", "print a machine-readable summary")
    .addHelpText(
      "after",
      "\nExample:\n  softpower index --data ASEM_iData.csv --meta ASEM_iMeta.csv --pipeline examples/asem/pipeline.json --out out/asem\n  softpower index analyse --help",
    )
    .action(async (o: IndexOptions, cmd: Command) => {
      for (const [k, flag] of [
        ["data", "--data <file>"],
        ["meta", "--meta <file>"],
        ["out", "--out <dir>"],
      ] as const) {
        if (o[k] === undefined) cmd.error(`error: required option '${flag}' not specified`);
      }
      await runIndex(o);
    });
  registerAnalyseCommand(index);
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

  const bar =
    spec && process.stdout.isTTY && !o.json
      ? new SingleBar({ format: "replications [{bar}] {value}/{total} {eta}s", hideCursor: true })
      : null;
  let started = false;
  const task = await indexTables(input, {
    pipeline,
    uncertainty: spec,
    seed,
    threads,
    source: { pipeline: o.pipeline ?? o.data, data: basename(o.data), uncertainty: o.uncertainty },
    onProgress: bar
      ? (done, total) => {
          if (!started) {
            bar.start(total, 0);
            started = true;
          }
          bar.update(done);
        }
      : undefined,
  });
  bar?.stop();
  Object.assign(timings, task.timings);
  const result = task.result;
  const files: Record<string, string> = {};
  for (const [name, t] of Object.entries(task.tables))
    files[`${name}.csv`] = toCsv(t.columns, t.rows);
  let uncertaintySummary: Record<string, unknown> | undefined;
  const ua = task.uncertainty;
  if (spec && ua) {
    if (ua.failed > 0) {
      process.stderr.write(
        `softpower: warning: ${ua.failed} of ${ua.design.runs} replications failed (${ua.firstError ?? "unknown error"}); their ranks are missing from the summaries\n`,
      );
    }
    uncertaintySummary = {
      type: spec.type,
      runs: ua.design.runs,
      failed: ua.failed,
      threads: ua.threads,
      seed,
    };
  }
  const pua = task.panelUncertainty;
  if (spec && pua) {
    const failed = Math.max(...pua.years.map((y) => y.failed));
    if (failed > 0) {
      process.stderr.write(
        `softpower: warning: up to ${failed} of ${pua.design.runs} replications failed in a year; their ranks are missing from the summaries\n`,
      );
    }
    uncertaintySummary = {
      type: spec.type,
      runs: pua.design.runs,
      failed,
      threads: pua.threads,
      seed,
      years: pua.years.map((y) => y.year),
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

function parseIntOption(name: string, v: string, min = Number.NEGATIVE_INFINITY): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new InputError(
      `${name} must be an integer${min > Number.NEGATIVE_INFINITY ? ` >= ${min}` : ""}, got "${v}"`,
    );
  return n;
}
