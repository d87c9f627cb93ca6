import { basename, dirname, join } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import type { TableData } from "../composite/tables.ts";
import { InputError } from "../core/errors.ts";
import { DRIVER_METHODS, type DriverMethod } from "../drivers/analysis.ts";
import { readJsonFile } from "../io/json.ts";
import { readSurveyFrame } from "../io/survey-data.ts";
import { toCsv, writeFileAtomic } from "../io/write.ts";
import { buildDesign, DesignSpecSchema } from "../survey/design.ts";
import type { SurveyFrame } from "../survey/frame.ts";
import { applyRecode, RecodeSchema } from "../survey/recode.ts";
import { driverTables } from "../tasks/drivers.ts";

interface DriversOptions {
  data: string;
  outcome: string;
  predictors: string;
  groups?: string;
  always?: string;
  weights?: string;
  recode?: string;
  design?: string;
  family: string;
  methods: string;
  bootstrap: string;
  seed: string;
  by?: string;
  level: string;
  threads?: string;
  out: string;
}

const GroupsSchema = z.record(z.string(), z.array(z.string()).min(1));

/** `softpower drivers`: key-driver analysis (relative importance) with bootstrap intervals. */
export function registerDriversCommand(program: Command): void {
  program
    .command("drivers")
    .description(
      "Key-driver analysis: LMG/Shapley, dominance, relative weights and more, with bootstrap intervals",
    )
    .requiredOption("--data <file>", "respondent data (CSV or SPSS .sav)")
    .requiredOption("--outcome <var>", "outcome (e.g. favourability; 0/1 for --family binomial)")
    .requiredOption("--predictors <list>", "predictors, comma-separated")
    .option(
      "--groups <file>",
      'groups.json: {"Economy": ["econ1", "econ2"]}; a group is reported under its name',
    )
    .option("--always <list>", "controls kept in every model (their share is reported apart)")
    .option("--weights <var>", "survey weights")
    .option("--recode <file>", "recode.json: numeric variables derived from labelled ones")
    .option(
      "--design <file>",
      "design.json with replicate weights: intervals from the replicates instead of the bootstrap",
    )
    .option("--family <family>", "gaussian|binomial", "gaussian")
    .option("--methods <list>", DRIVER_METHODS.join(","), "lmg")
    .option("--bootstrap <n>", "bootstrap replicates for intervals (0 = none)", "0")
    .option("--seed <n>", "bootstrap seed", "1")
    .option(
      "--by <var>",
      "compare groups or waves (e.g. wave): one analysis per value, and their differences",
    )
    .option("--level <p>", "interval level", "0.95")
    .option("--threads <n>", 'worker threads for the bootstrap, or "auto"')
    .requiredOption(
      "--out <file>",
      "output CSV (tables beside it: .complete.csv, .conditional.csv, .ranks.csv, .diff.csv, .meta.json)",
    )
    .action(async (o: DriversOptions) => runDrivers(o));
}

async function runDrivers(o: DriversOptions): Promise<void> {
  const family =
    o.family === "gaussian" || o.family === "binomial"
      ? (o.family as "gaussian" | "binomial")
      : null;
  if (!family) throw new InputError(`--family must be gaussian or binomial, got "${o.family}"`);
  const methods = list(o.methods).map((m) => {
    if (!DRIVER_METHODS.includes(m as DriverMethod))
      throw new InputError(`--methods: unknown method "${m}" (have ${DRIVER_METHODS.join(", ")})`);
    return m as DriverMethod;
  });
  const B = int("--bootstrap", o.bootstrap, 0);
  const seed = int("--seed", o.seed, Number.MIN_SAFE_INTEGER);
  const level = Number(o.level);
  if (!(level > 0 && level < 1))
    throw new InputError(`--level must be in (0, 1), got "${o.level}"`);
  const threads =
    o.threads === undefined
      ? undefined
      : o.threads === "auto"
        ? ("auto" as const)
        : int("--threads", o.threads, 1);
  let frame = await readSurveyFrame(o.data);
  if (o.recode) {
    const r = applyRecode(frame, await readJsonFile(o.recode, RecodeSchema));
    frame = r.frame;
    for (const [v, k] of Object.entries(r.unmapped)) {
      if (k > 0)
        process.stderr.write(
          `softpower: note: recode ${v}: ${k} of ${frame.n} values are missing or not mapped\n`,
        );
    }
  }
  const spec = {
    outcome: o.outcome,
    predictors: list(o.predictors),
    groups: o.groups ? await readJsonFile(o.groups, GroupsSchema) : undefined,
    always: o.always ? list(o.always) : undefined,
    weights: o.weights,
    family,
  };
  const replicateWeights = o.design ? await designReplicates(frame, o.design) : null;
  const t = await driverTables(
    frame,
    {
      spec,
      methods,
      bootstrap: B,
      seed,
      level,
      by: o.by,
      threads,
      replicateWeights,
      onProgress: process.stderr.isTTY
        ? (label, d, total) =>
            process.stderr.write(`\rbootstrap ${label} ${d}/${total}${d === total ? "\n" : ""}`)
        : undefined,
    },
    (m) => process.stderr.write(`softpower: note: ${m}\n`),
  );
  const meta = t.meta;
  const base = o.out.replace(/\.csv$/i, "");
  const put = (suffix: string, table: TableData | undefined) =>
    table ? writeFileAtomic(`${base}${suffix}`, toCsv(table.columns, table.rows)) : undefined;
  await put(o.out.toLowerCase().endsWith(".csv") ? ".csv" : "", t.importance);
  await put(".complete.csv", t.complete);
  await put(".conditional.csv", t.conditional);
  await put(".ranks.csv", t.ranks);
  await put(".outranks.csv", t.outranks);
  await put(".diff.csv", t.diff);
  await writeFileAtomic(
    `${base}.meta.json`,
    `${JSON.stringify({ outcome: o.outcome, family, methods, groups: meta }, null, 2)}\n`,
  );
  const excluded = meta.reduce((s, m) => s + ((m.excluded as number) ?? 0), 0);
  process.stdout.write(
    `Drivers of ${o.outcome}: ${t.groups.map((g) => `${g.label ? `${g.label}: ` : ""}R² ${g.r2.toFixed(4)}`).join("; ")}; ${excluded} rows excluded (see ${basename(base)}.meta.json); wrote ${join(dirname(o.out), basename(o.out))}\n`,
  );
}

async function designReplicates(frame: SurveyFrame, path: string) {
  const d = buildDesign(frame, await readJsonFile(path, DesignSpecSchema));
  if (!d.replicate)
    throw new InputError(
      `${basename(path)}: --design for drivers must name replicate weights ("replicates")`,
    );
  return d.replicate;
}

function list(s: string): string[] {
  const out = s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
  if (out.length === 0) throw new InputError(`empty list "${s}"`);
  return out;
}

function int(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new InputError(`${name} must be an integer >= ${min}, got "${v}"`);
  return n;
}
