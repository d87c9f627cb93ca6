import type { TableData } from "../composite/tables.ts";
import { InputError } from "../core/errors.ts";
import { runDriverBootstrap } from "../core/parallel.ts";
import { analyseDrivers, type DriverMethod, type DriverResult } from "../drivers/analysis.ts";
import { summariseBootstrap, weightedReplicate } from "../drivers/bootstrap.ts";
import {
  type DriverSpec,
  driverProblem,
  type Exclusions,
  type SpecLabels,
  validateDriverSpec,
} from "../drivers/problem.ts";
import type { Cell } from "../io/write.ts";
import { qnorm } from "../stats/distributions.ts";
import { rank as rankAverage } from "../stats/rank.ts";
import { createRng } from "../stats/rng.ts";
import { byDomains } from "../survey/by.ts";
import type { SurveyFrame } from "../survey/frame.ts";

/** What a key-driver analysis needs beyond the respondent data. */
export interface DriversTaskOptions {
  spec: DriverSpec;
  methods: DriverMethod[];
  /** Bootstrap replicates for intervals (0 = none). */
  bootstrap: number;
  seed: number;
  level: number;
  /** One analysis per value of this variable (e.g. wave), and their differences. */
  by?: string;
  /** Respondents to keep (1) or drop (0), e.g. a filter on country. */
  mask?: Uint8Array | null;
  threads?: number | "auto";
  /** Survey replicate weights: intervals from them instead of the bootstrap. */
  replicateWeights?: {
    weights: Float64Array[];
    scale: number;
    rscales: Float64Array;
    mse: boolean;
  } | null;
  onProgress?: (group: string, done: number, total: number) => void;
  /** How messages name the spec's parts (default: the CLI's options, "--predictors"...). */
  labels?: SpecLabels;
}

/** The tables of one key-driver analysis (`importance` always; the rest when they apply). */
export interface DriversTables {
  importance: TableData;
  complete?: TableData;
  conditional?: TableData;
  ranks?: TableData;
  outranks?: TableData;
  diff?: TableData;
  meta: Record<string, unknown>[];
  groups: { label: string; r2: number }[];
}

/**
 * Runs a key-driver analysis (relative importance by the chosen methods, with bootstrap or
 * replicate-weight intervals), overall or per group of `by`, and returns its tables:
 * importance (predictor, method, value, share of R², interval, rank), dominance, rank
 * intervals, and between-group differences with intervals.
 */
export async function driverTables(
  frame: SurveyFrame,
  o: DriversTaskOptions,
  note: (message: string) => void = () => {},
): Promise<DriversTables> {
  const spec = o.spec;
  const domains = o.by ? byDomains({ n: frame.n, frame } as never, [o.by]) : [null];
  const { methods, seed, level, threads, replicateWeights = null } = o;
  const B = o.bootstrap;
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
  // Every input check, overall and per group of `by`, before anything is computed.
  validateDriverSpec(frame, spec, { by: o.by, mask: o.mask ?? null, labels: o.labels });
  const problems: { label: string; prepared: ReturnType<typeof driverProblem> }[] = [];
  for (const dom of domains) {
    const label = dom ? dom.labels[0]! : "";
    try {
      problems.push({
        label,
        prepared: driverProblem(
          frame,
          spec,
          andMask(dom ? dom.mask : null, o.mask ?? null),
          o.labels,
        ),
      });
    } catch (e) {
      if (dom && e instanceof InputError && /complete rows/.test(e.message)) {
        note(`${o.by} = ${label}: skipped (${e.message})`);
        continue;
      }
      if (dom && e instanceof InputError) throw new InputError(`${o.by} = ${label}: ${e.message}`);
      throw e;
    }
  }
  for (const { label, prepared } of problems) {
    const byCells: Cell[] = o.by ? [label] : [];
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
        onProgress: o.onProgress ? (d, t) => o.onProgress!(label, d, t) : undefined,
      });
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
  const out: DriversTables = {
    importance: {
      columns: [
        ...byCols,
        "predictor",
        "method",
        "value",
        "share",
        "ci_low",
        "ci_high",
        "rank",
        "r2",
      ],
      rows,
    },
    meta,
    groups: perGroup.map((g) => ({ label: g.label, r2: g.result.r2 })),
  };
  if (completeRows.length) {
    const names = perGroup[0]!.names;
    out.complete = { columns: [...byCols, "predictor", ...names], rows: completeRows };
    out.conditional = {
      columns: [...byCols, "predictor", ...names.map((_, k) => String(k + 1))],
      rows: conditionalRows,
    };
  }
  if (rankRows.length) {
    out.ranks = {
      columns: [...byCols, "predictor", "method", "rank", "rank_low", "rank_high"],
      rows: rankRows,
    };
    out.outranks = {
      columns: [...byCols, "method", "predictor_a", "predictor_b", "p_a_outranks_b"],
      rows: outrankRows,
    };
  }
  if (o.by && perGroup.length > 1 && perGroup.every((g) => g.reps)) {
    out.diff = {
      columns: ["by_a", "by_b", "predictor", "method", "diff", "ci_low", "ci_high"],
      rows: differences(perGroup, methods, level),
    };
  }
  return out;
}

function andMask(a: Uint8Array | null, b: Uint8Array | null): Uint8Array | null {
  if (!a) return b;
  if (!b) return a;
  return a.map((x, i) => x & b[i]!);
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
