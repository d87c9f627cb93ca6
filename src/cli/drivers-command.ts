import { basename, dirname, join } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { InputError } from "../core/errors.ts";
import { runDriverBootstrap } from "../core/parallel.ts";
import {
  analyseDrivers,
  DRIVER_METHODS,
  type DriverMethod,
  type DriverResult,
} from "../drivers/analysis.ts";
import { summariseBootstrap, weightedReplicate } from "../drivers/bootstrap.ts";
import { driverProblem, type Exclusions } from "../drivers/problem.ts";
import { readJsonFile } from "../io/json.ts";
import { readSurveyFrame } from "../io/survey-data.ts";
import { type Cell, toCsv, writeFileAtomic } from "../io/write.ts";
import { qnorm } from "../stats/distributions.ts";
import { rank as rankAverage } from "../stats/rank.ts";
import { createRng } from "../stats/rng.ts";
import { byDomains } from "../survey/by.ts";
import { buildDesign, DesignSpecSchema } from "../survey/design.ts";
import type { SurveyFrame } from "../survey/frame.ts";
import { applyRecode, RecodeSchema } from "../survey/recode.ts";

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
  const domains = o.by ? byDomains({ n: frame.n, frame } as never, [o.by]) : [null];
  const rows: Cell[][] = [];
  const rankRows: Cell[][] = [];
  const outrankRows: Cell[][] = [];
  const completeRows: Cell[][] = [];
  const conditionalRows: Cell[][] = [];
  const meta: Record<string, unknown>[] = [];
  const perGroup: {
    label: string;
    names: string[];
    reps: Float64Array[][] | null;
    result: DriverResult;
  }[] = [];
  for (const dom of domains) {
    const label = dom ? dom.labels[0]! : "";
    const byCells: Cell[] = dom ? [label] : [];
    let prepared: ReturnType<typeof driverProblem>;
    try {
      prepared = driverProblem(frame, spec, dom ? dom.mask : null);
    } catch (e) {
      if (dom && e instanceof InputError && /complete rows/.test(e.message)) {
        process.stderr.write(`softpower: note: ${o.by} = ${label}: skipped (${e.message})\n`);
        continue;
      }
      throw e;
    }
    const { pb, exclusions } = prepared;
    const result = analyseDrivers(pb, methods, createRng(seed));
    const names = pb.players.map((p) => p.name);
    let reps: Float64Array[][] | null = null;
    let ci: Map<DriverMethod, ReturnType<typeof summariseBootstrap>> | null = null;
    if (replicateWeights) {
      // Survey replicate weights are full analysis weights: they replace --weights.
      reps = replicateWeights.weights.map((w) => weightedReplicate(pb, methods, w));
    } else if (B > 0) {
      reps = await runDriverBootstrap(pb, methods, B, seed, {
        threads,
        onProgress: process.stderr.isTTY
          ? (d, t) => process.stderr.write(`\rbootstrap ${label} ${d}/${t}`)
          : undefined,
      });
      if (process.stderr.isTTY) process.stderr.write("\n");
    }
    if (reps) {
      ci = new Map(
        methods.map((m, k) => [
          m,
          summariseBootstrap(
            reps!.map((r) => r[k]!),
            names.length,
            level,
          ),
        ]),
      );
      if (replicateWeights)
        ci = replicateIntervals(reps, methods, result, replicateWeights, level, names.length);
    }
    for (const m of methods) {
      const values = result.values[m]!;
      // 1 = most important; ties share the average rank, as relaimpo.
      const rank = rankAverage(Float64Array.from(values, (x) => -x));
      const s = ci?.get(m);
      names.forEach((name, j) => {
        rows.push([
          ...byCells,
          name,
          m,
          values[j]!,
          values[j]! / result.r2,
          s ? s.ciLow[j]! : Number.NaN,
          s ? s.ciHigh[j]! : Number.NaN,
          rank[j]!,
          result.r2,
        ]);
        if (s) {
          rankRows.push([...byCells, name, m, rank[j]!, s.rankLow[j]!, s.rankHigh[j]!]);
          names.forEach((other, k) => {
            if (k !== j) outrankRows.push([...byCells, m, name, other, s.outranks[j]![k]!]);
          });
        }
      });
      if ((m === "lmg" || m === "dominance") && pb.always.length) {
        rows.push([
          ...byCells,
          "(covariates)",
          m,
          result.r2Always,
          result.r2Always / result.r2,
          Number.NaN,
          Number.NaN,
          Number.NaN,
          result.r2,
        ]);
      }
    }
    if (result.complete && result.conditional) {
      names.forEach((name, j) => {
        completeRows.push([...byCells, name, ...Array.from(result.complete![j]!)]);
        conditionalRows.push([...byCells, name, ...Array.from(result.conditional![j]!)]);
      });
    }
    meta.push(metaOf(label, result, exclusions, B, replicateWeights !== null, names));
    perGroup.push({ label, names, reps, result });
  }
  const byCols = o.by ? [o.by] : [];
  const base = o.out.replace(/\.csv$/i, "");
  const put = (suffix: string, columns: string[], body: Cell[][]) =>
    writeFileAtomic(`${base}${suffix}`, toCsv(columns, body));
  await put(
    o.out.toLowerCase().endsWith(".csv") ? ".csv" : "",
    [...byCols, "predictor", "method", "value", "share", "ci_low", "ci_high", "rank", "r2"],
    rows,
  );
  if (completeRows.length) {
    const names = perGroup[0]!.names;
    await put(".complete.csv", [...byCols, "predictor", ...names], completeRows);
    await put(
      ".conditional.csv",
      [...byCols, "predictor", ...names.map((_, k) => String(k + 1))],
      conditionalRows,
    );
  }
  if (rankRows.length) {
    await put(
      ".ranks.csv",
      [...byCols, "predictor", "method", "rank", "rank_low", "rank_high"],
      rankRows,
    );
    await put(
      ".outranks.csv",
      [...byCols, "method", "predictor_a", "predictor_b", "p_a_outranks_b"],
      outrankRows,
    );
  }
  if (o.by && perGroup.length > 1 && perGroup.every((g) => g.reps)) {
    await put(
      ".diff.csv",
      ["by_a", "by_b", "predictor", "method", "diff", "ci_low", "ci_high"],
      differences(perGroup, methods, level),
    );
  }
  await writeFileAtomic(
    `${base}.meta.json`,
    `${JSON.stringify({ outcome: o.outcome, family, methods, groups: meta }, null, 2)}\n`,
  );
  const excluded = meta.reduce((s, m) => s + ((m.excluded as number) ?? 0), 0);
  process.stdout.write(
    `Drivers of ${o.outcome}: ${perGroup.map((g) => `${g.label ? `${g.label}: ` : ""}R² ${g.result.r2.toFixed(4)}`).join("; ")}; ${excluded} rows excluded (see ${basename(base)}.meta.json); wrote ${join(dirname(o.out), basename(o.out))}\n`,
  );
}

function metaOf(
  label: string,
  r: DriverResult,
  ex: Exclusions,
  B: number,
  replicates: boolean,
  names: string[],
) {
  return {
    group: label || null,
    r2: r.r2,
    r2_covariates: r.r2Always,
    rows_used: ex.used,
    excluded: ex.total - ex.used,
    excluded_missing: ex.missing,
    excluded_zero_weight: ex.zeroWeight,
    intervals: replicates
      ? "survey replicate weights"
      : B > 0
        ? `${B} bootstrap replicates (respondents resampled)`
        : null,
    sampled_shapley_se: r.sampledSe
      ? Object.fromEntries(names.map((n, j) => [n, r.sampledSe![j]]))
      : null,
  };
}

/** Differences of each method's values between groups (a − b), with bootstrap percentile intervals. */
function differences(
  groups: { label: string; names: string[]; reps: Float64Array[][] | null; result: DriverResult }[],
  methods: DriverMethod[],
  level: number,
): Cell[][] {
  const out: Cell[][] = [];
  for (let a = 0; a < groups.length; a++) {
    for (let b = a + 1; b < groups.length; b++) {
      const A = groups[a]!;
      const G = groups[b]!;
      methods.forEach((m, k) => {
        const P = A.names.length;
        const diffs = A.reps!.map((ra, r) =>
          Float64Array.from(ra[k]!, (x, j) => x - (G.reps![r]?.[k]?.[j] ?? Number.NaN)),
        );
        const s = summariseBootstrap(diffs, P, level);
        A.names.forEach((name, j) => {
          out.push([
            A.label,
            G.label,
            name,
            m,
            A.result.values[m]![j]! - G.result.values[m]![j]!,
            s.ciLow[j]!,
            s.ciHigh[j]!,
          ]);
        });
      });
    }
  }
  return out;
}

async function designReplicates(frame: SurveyFrame, path: string) {
  const d = buildDesign(frame, await readJsonFile(path, DesignSpecSchema));
  if (!d.replicate)
    throw new InputError(
      `${basename(path)}: --design for drivers must name replicate weights ("replicates")`,
    );
  return d.replicate;
}

/** Normal intervals from replicate-weight variances (scale · Σ rscale (θ_r − θ̄)²). */
function replicateIntervals(
  reps: Float64Array[][],
  methods: DriverMethod[],
  result: DriverResult,
  rep: { scale: number; rscales: Float64Array; mse: boolean },
  level: number,
  P: number,
) {
  const z = -qnorm((1 - level) / 2);
  const base = new Map(
    methods.map((m, k) => [
      m,
      summariseBootstrap(
        reps.map((r) => r[k]!),
        P,
        level,
      ),
    ]),
  );
  methods.forEach((m, k) => {
    const est = result.values[m]!;
    const s = base.get(m)!;
    for (let j = 0; j < P; j++) {
      const vals = reps.map((r) => r[k]![j]!);
      const centre = rep.mse ? est[j]! : vals.reduce((a, b) => a + b, 0) / vals.length;
      const v = vals.reduce(
        (acc, x, r) => acc + rep.scale * rep.rscales[r]! * (x - centre) ** 2,
        0,
      );
      s.ciLow[j] = est[j]! - z * Math.sqrt(v);
      s.ciHigh[j] = est[j]! + z * Math.sqrt(v);
    }
  });
  return base;
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
