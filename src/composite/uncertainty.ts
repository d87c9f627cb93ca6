import { InputError } from "../core/errors.ts";
import { quantileSorted } from "../stats/quantile.ts";
import { rankDescending } from "../stats/rank.ts";
import { createRng, type Rng } from "../stats/rng.ts";
import { cutIndices, type SobolIndex, saltelliSample, sobolEstimate } from "../stats/sobol.ts";
import { applyStep, type CoinInput, type Pipeline, PipelineSchema } from "./pipeline.ts";
import type { Dataset, Weights } from "./types.ts";
import {
  type Factor,
  STEP_ORDER,
  type StepName,
  type UncertaintySpec,
} from "./uncertainty-spec.ts";

/** A factor resolved to its alternatives: what each choice does to the pipeline or weights. */
interface ResolvedFactor {
  name: string;
  /** The first step the factor changes. */
  step: StepName;
  n: number;
  /** Pipeline for choice k (for step factors). */
  apply?: (p: Pipeline, k: number) => Pipeline;
  /** Weights for choice k (noise and exclusion factors). */
  weights?: (k: number) => Weights | undefined;
}

/** The sample of an analysis: choice index of each factor in each replication. */
export interface Design {
  factors: string[];
  /** Number of alternatives per factor. */
  sizes: number[];
  /** choices[f][r]: alternative of factor f in replication r. */
  choices: Int32Array[];
  runs: number;
  /** Base sample size N for a Sobol design (runs = N(d + 2)), else null. */
  N: number | null;
}

/**
 * Resolves the factors of a spec against the nominal pipeline and framework, drawing the noisy
 * weight sets from `rng` (COINr `get_noisy_weights`: w·(1 + f·(2u − 1)), u ~ U(0, 1), level by
 * level in the spec's order, codes in iMeta order).
 *
 * @throws InputError for a factor that names an unknown step parameter, level or indicator, or
 *   whose alternative makes an invalid pipeline
 */
export function resolveFactors(
  spec: UncertaintySpec,
  nominal: Pipeline,
  input: CoinInput,
  rng: Rng,
) {
  const fw = input.framework;
  return spec.factors.map((f: Factor, fi): ResolvedFactor => {
    const where = `uncertainty spec factors[${fi}] ("${f.name}")`;
    if ("param" in f) {
      const build = (base: Pipeline, k: number): Pipeline => {
        if (k < 0) return base;
        const p = { ...base } as Record<string, Record<string, unknown> | undefined>;
        p[f.step] = { ...(p[f.step] ?? {}), [f.param]: f.values[k] };
        return p as Pipeline;
      };
      for (const [k, v] of f.values.entries()) {
        checkPipeline(build(nominal, k), `${where} value ${JSON.stringify(v)}`);
      }
      return { name: f.name, step: f.step, n: f.values.length, apply: build };
    }
    if ("alternatives" in f) {
      const build = (base: Pipeline, k: number): Pipeline => {
        if (k < 0) return base;
        const p = { ...base } as Record<string, unknown>;
        const alt = f.alternatives[k];
        if (alt === null) delete p[f.step];
        else p[f.step] = alt;
        return p as Pipeline;
      };
      for (let k = 0; k < f.alternatives.length; k++) {
        checkPipeline(build(nominal, k), `${where} alternative ${k + 1}`);
      }
      return { name: f.name, step: f.step, n: f.alternatives.length, apply: build };
    }
    if ("noise" in f) {
      const { levels, factor, nrep } = f.noise;
      for (const l of levels) {
        if (l > fw.maxLevel)
          throw new InputError(`${where}: level ${l} does not exist (levels 1..${fw.maxLevel})`);
      }
      const codesAt = (l: number) =>
        fw.meta
          .filter((m) => (m.type === "Indicator" || m.type === "Aggregate") && m.level === l)
          .map((m) => m.iCode);
      const base = nominalWeights(nominal, input);
      const sets: Weights[] = [];
      for (let r = 0; r < nrep; r++) {
        const w: Weights = {};
        for (const l of levels) {
          for (const c of codesAt(l)) {
            const w0 = base[c] ?? fw.weight.get(c) ?? 1;
            w[c] = w0 + (2 * rng.uniform() - 1) * factor * w0;
          }
        }
        sets.push(w);
      }
      return {
        name: f.name,
        step: "aggregate",
        n: nrep,
        weights: (k) => (k < 0 ? undefined : sets[k]),
      };
    }
    const codes = f.exclude;
    for (const c of codes) {
      if (!fw.indicators.includes(c))
        throw new InputError(`${where}: "${c}" is not an indicator of the framework`);
    }
    return {
      name: f.name,
      step: "aggregate",
      n: codes.length + 1,
      weights: (k) => (k <= 0 ? undefined : { [codes[k - 1]!]: 0 }),
    };
  });
}

function checkPipeline(p: unknown, where: string): void {
  const r = PipelineSchema.safeParse(p);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new InputError(
      `${where}: makes an invalid pipeline at ${issue.path.join(".") || "(top)"}: ${issue.message}`,
    );
  }
}

function nominalWeights(p: Pipeline, input: CoinInput): Weights {
  const w = p.aggregate?.weights;
  if (typeof w === "string") return input.weightSets?.[w] ?? {};
  return w ?? {};
}

/**
 * Draws the sample (COINr `get_sensitivity`): for "uncertainty", an N × d matrix of U(0, 1)
 * values; for "sobol", Saltelli's N(d + 2)-row design. Each column is mapped onto its factor's
 * alternatives by R's `cut` over the column's observed range.
 */
export function drawDesign(
  spec: UncertaintySpec,
  sizes: number[],
  names: string[],
  rng: Rng,
): Design {
  const d = sizes.length;
  let cols: Float64Array[];
  let N: number | null = null;
  if (spec.type === "sobol") {
    N = spec.runs;
    cols = saltelliSample(N, d, rng);
  } else {
    cols = sizes.map(() => {
      const c = new Float64Array(spec.runs);
      for (let r = 0; r < spec.runs; r++) c[r] = rng.uniform();
      return c;
    });
  }
  return {
    factors: names,
    sizes,
    choices: cols.map((c, j) => cutIndices(c, sizes[j]!)),
    runs: cols[0]!.length,
    N,
  };
}

/**
 * Evaluates replications of the index quickly: each step's output is cached by the choices of
 * the factors that act at or before it, so steps upstream of every factor run once, and a
 * replication that only changes weights costs one aggregation and one ranking.
 */
export class ReplicationEvaluator {
  private readonly cache = new Map<string, Dataset>();
  private readonly units: string[];
  private readonly unitIndex: Map<string, number>;

  constructor(
    private readonly input: CoinInput,
    private readonly nominal: Pipeline,
    private readonly factors: ResolvedFactor[],
    private readonly cacheLimit = 512,
  ) {
    this.units = input.data.uCode;
    this.unitIndex = new Map(this.units.map((u, i) => [u, i]));
  }

  /**
   * Index scores of every input unit (NaN for units screened out) for one choice vector; a
   * choice of −1 keeps the factor nominal. Factors apply in spec order, each on top of the last.
   */
  scores(choice: ArrayLike<number>): Float64Array {
    let pipeline = this.nominal;
    let weights: Weights | undefined;
    for (let f = 0; f < this.factors.length; f++) {
      const fac = this.factors[f]!;
      if (fac.apply) pipeline = fac.apply(pipeline, choice[f]!);
    }
    for (let f = 0; f < this.factors.length; f++) {
      const w = this.factors[f]!.weights?.(choice[f]!);
      if (w) weights = { ...weights, ...w };
    }
    let ds = this.input.data.indicators;
    let key = "";
    for (const step of STEP_ORDER) {
      if (step === "aggregate") break;
      const si = STEP_ORDER.indexOf(step);
      key += `|${step}:`;
      for (let f = 0; f < this.factors.length; f++) {
        if (STEP_ORDER.indexOf(this.factors[f]!.step) === si && this.factors[f]!.apply)
          key += `${f}=${choice[f]},`;
      }
      if (!pipeline[step]) continue;
      const hit = this.cache.get(key);
      if (hit) {
        ds = hit;
        continue;
      }
      ds = applyStep(step, ds, pipeline, this.input).data;
      if (this.cache.size >= this.cacheLimit) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, ds);
    }
    const agg = applyStep("aggregate", ds, pipeline, this.input, weights).data;
    const top = agg.values[agg.codes.indexOf(this.input.framework.top)]!;
    const out = new Float64Array(this.units.length).fill(Number.NaN);
    for (let i = 0; i < agg.units.length; i++) out[this.unitIndex.get(agg.units[i]!)!] = top[i]!;
    return out;
  }
}

/**
 * Ranks of every unit in replications [from, to) of a design (row-major: ranks[(r − from)·U + u]),
 * NaN where a unit was screened out. A replication whose pipeline fails (e.g. a geometric mean
 * meeting a zero) gets NaN ranks, as COINr records NA for a failed regeneration.
 */
export function replicateRanks(
  ev: ReplicationEvaluator,
  design: Design,
  from: number,
  to: number,
  nUnits: number,
): Float64Array {
  const out = new Float64Array((to - from) * nUnits);
  const choice = new Int32Array(design.factors.length);
  for (let r = from; r < to; r++) {
    for (let f = 0; f < choice.length; f++) choice[f] = design.choices[f]![r]!;
    let ranks: Float64Array;
    try {
      ranks = rankDescending(ev.scores(choice));
    } catch {
      ranks = new Float64Array(nUnits).fill(Number.NaN);
    }
    out.set(ranks, (r - from) * nUnits);
  }
  return out;
}

/** Re-runs the first failed replication to report its error. */
function firstFailure(
  ev: ReplicationEvaluator,
  design: Design,
  ranks: Float64Array,
  nUnits: number,
): string | null {
  for (let r = 0; r < design.runs; r++) {
    if (!Number.isNaN(ranks[r * nUnits]!)) continue;
    try {
      ev.scores(design.choices.map((c) => c[r]!));
    } catch (e) {
      return `replication ${r + 1}: ${(e as Error).message}`;
    }
  }
  return null;
}

/** Replications whose ranks are all missing (failed pipelines). */
export function countFailed(ranks: Float64Array, runs: number, nUnits: number): number {
  let failed = 0;
  for (let r = 0; r < runs; r++) {
    let all = true;
    for (let i = 0; i < nUnits && all; i++) all = Number.isNaN(ranks[r * nUnits + i]!);
    if (all) failed++;
  }
  return failed;
}

/** Per-unit rank summary of an uncertainty analysis (COINr's RankStats). */
export interface RankStats {
  uCode: string;
  nominal_rank: number;
  median_rank: number;
  mean_rank: number;
  q05_rank: number;
  q95_rank: number;
}

/**
 * Summarises replication ranks per unit: nominal, median, mean, 5th and 95th percentile
 * (type-7 quantiles, missing skipped), over the replications `[0, use)`.
 */
export function rankStats(
  units: string[],
  nominal: Float64Array,
  ranks: Float64Array,
  use: number,
): RankStats[] {
  const U = units.length;
  const col = new Float64Array(use);
  return units.map((u, i) => {
    let n = 0;
    let s = 0;
    for (let r = 0; r < use; r++) {
      const v = ranks[r * U + i]!;
      if (!Number.isNaN(v)) {
        col[n++] = v;
        s += v;
      }
    }
    const sorted = col.subarray(0, n).sort();
    return {
      uCode: u,
      nominal_rank: nominal[i]!,
      median_rank: quantileSorted(sorted, 0.5),
      mean_rank: n ? s / n : Number.NaN,
      q05_rank: quantileSorted(sorted, 0.05),
      q95_rank: quantileSorted(sorted, 0.95),
    };
  });
}

/**
 * COINr's scalar output for a sensitivity analysis: per replication, the mean absolute rank
 * change from the nominal ranks over the units with ranks in both.
 */
export function meanAbsRankShift(
  nominal: Float64Array,
  ranks: Float64Array,
  runs: number,
): Float64Array {
  const U = nominal.length;
  const y = new Float64Array(runs);
  for (let r = 0; r < runs; r++) {
    let s = 0;
    let n = 0;
    for (let i = 0; i < U; i++) {
      const d = Math.abs(ranks[r * U + i]! - nominal[i]!);
      if (!Number.isNaN(d)) {
        s += d;
        n++;
      }
    }
    y[r] = n ? s / n : Number.NaN;
  }
  return y;
}

/** The outputs of {@link analyseUncertainty}. */
export interface UncertaintyResult {
  rankStats: RankStats[];
  sensitivity: (SobolIndex & { factor: string })[] | null;
  design: Design;
  /** Replication ranks, row-major (replication × unit). */
  ranks: Float64Array;
  /** Replications whose pipeline failed (their ranks are missing). */
  failed: number;
  /** The error of the first failed replication, if any. */
  firstError: string | null;
}

/** Runs replications [from, to): a function so the caller can use worker threads. */
export type RankRunner = (from: number, to: number) => Promise<Float64Array>;

/**
 * Prepares an analysis: resolves factors, draws the design (all randomness from `seed`, so the
 * numbers are identical whatever runs the replications) and returns what workers need.
 */
export function prepareUncertainty(
  spec: UncertaintySpec,
  nominal: Pipeline,
  input: CoinInput,
  seed: number,
) {
  const rng = createRng(seed);
  const factors = resolveFactors(spec, nominal, input, rng);
  const design = drawDesign(
    spec,
    factors.map((f) => f.n),
    factors.map((f) => f.name),
    rng,
  );
  return { factors, design, rng };
}

/**
 * Monte Carlo uncertainty analysis and, for `type: "sobol"`, Sobol sensitivity analysis of the
 * index ranks (COINr `get_sensitivity`): replications vary the spec's factors; the rank summary
 * uses all replications (for Sobol, the A and B blocks, 2N); Sobol indices are estimated on the
 * mean absolute rank shift from nominal with bootstrap 5–95% bounds.
 *
 * @example await analyseUncertainty(spec, pipeline, input, 1) // rankStats per unit
 */
export async function analyseUncertainty(
  spec: UncertaintySpec,
  nominal: Pipeline,
  input: CoinInput,
  seed: number,
  runner?: (design: Design) => RankRunner,
): Promise<UncertaintyResult> {
  const { factors, design, rng } = prepareUncertainty(spec, nominal, input, seed);
  const units = input.data.uCode;
  const ev = new ReplicationEvaluator(input, nominal, factors);
  const nominalRanks = rankDescending(ev.scores(new Int32Array(factors.length).fill(-1)));
  const run: RankRunner = runner
    ? runner(design)
    : async (a, b) => replicateRanks(ev, design, a, b, units.length);
  const ranks = await run(0, design.runs);
  const use = design.N === null ? design.runs : 2 * design.N;
  const stats = rankStats(units, nominalRanks, ranks, use);
  let sensitivity: UncertaintyResult["sensitivity"] = null;
  if (design.N !== null) {
    const y = meanAbsRankShift(nominalRanks, ranks, design.runs);
    const est = sobolEstimate(y, design.N, factors.length, { nboot: spec.nboot, rng });
    sensitivity = est.indices.map((s, i) => ({ factor: factors[i]!.name, ...s }));
  }
  const failed = countFailed(ranks, design.runs, units.length);
  const firstError = failed ? firstFailure(ev, design, ranks, units.length) : null;
  return { rankStats: stats, sensitivity, design, ranks, failed, firstError };
}
