import { InputError } from "../core/errors.ts";
import { rankDescending } from "../stats/rank.ts";
import { type SobolIndex, sobolEstimate } from "../stats/sobol.ts";
import { selectUnits } from "./dataset.ts";
import { applyStep, type CoinInput, type Pipeline } from "./pipeline.ts";
import type { Dataset, UnitData, Weights } from "./types.ts";
import {
  countFailed,
  type Design,
  meanAbsRankShift,
  prepareUncertainty,
  type RankStats,
  rankStats,
  type resolveFactors,
} from "./uncertainty.ts";
import { STEP_ORDER, type UncertaintySpec } from "./uncertainty-spec.ts";

type Factors = ReturnType<typeof resolveFactors>;

/** The years of a panel and, per year, the cross-section input of its rows. */
export interface PanelYears {
  years: number[];
  /** Row indices of the stacked iData in each year. */
  rows: number[][];
  inputs: CoinInput[];
}

/**
 * Splits a panel input into one cross-section input per year (years ascending), each with the
 * rows of its year. Cost O(rows × columns).
 *
 * @example panelYears(input).inputs.at(-1) // the latest year's cross-section
 * @throws InputError when iData has no Time column
 */
export function panelYears(input: CoinInput): PanelYears {
  const { data } = input;
  if (!data.time) throw new InputError("panel uncertainty: iData has no Time column");
  const time = data.time;
  const years = [...new Set(time)].sort((a, b) => a - b);
  const rows = years.map((y) => time.flatMap((t, i) => (t === y ? [i] : [])));
  const inputs = rows.map((r): CoinInput => {
    const uCode = r.map((i) => data.uCode[i]!);
    const yearData: UnitData = {
      uCode,
      uName: r.map((i) => data.uName[i]!),
      groups: Object.fromEntries(
        Object.entries(data.groups).map(([k, v]) => [k, r.map((i) => v[i]!)]),
      ),
      denominators: Object.fromEntries(
        Object.entries(data.denominators).map(([k, v]) => [k, Float64Array.from(r, (i) => v[i]!)]),
      ),
      indicators: { ...selectUnits(data.indicators, r), units: uCode },
    };
    return { ...input, data: yearData };
  });
  return { years, rows, inputs };
}

/**
 * Evaluates replications of a panel index the way {@link buildPanelIndex} builds it:
 * denominate and `i_panel` imputation over the stacked rows, the other imputations, screening and
 * treatment year by year, normalisation over all years together (`normalise.global`, the default)
 * or year by year, aggregation year by year. Each step's output is cached by the choices of the
 * factors acting at or before it, so a replication that only changes weights costs one
 * aggregation and one ranking per year.
 *
 * @example new PanelReplicationEvaluator(input, pipeline, factors).ranks(choice) // stacked per-year ranks
 */
export class PanelReplicationEvaluator {
  private readonly cache = new Map<string, { stacked: Dataset | null; parts: Dataset[] | null }>();
  readonly panel: PanelYears;
  /** Offset of each year's units in the stacked rank vector. */
  readonly offsets: number[];
  readonly nRows: number;

  constructor(
    private readonly input: CoinInput,
    private readonly nominal: Pipeline,
    private readonly factors: Factors,
    private readonly cacheLimit = 256,
  ) {
    this.panel = panelYears(input);
    this.offsets = [];
    let o = 0;
    for (const inp of this.panel.inputs) {
      this.offsets.push(o);
      o += inp.data.uCode.length;
    }
    this.nRows = o;
  }

  /**
   * Ranks within each year, stacked year after year (each year's units in iData order), NaN for
   * units screened out; a choice of −1 keeps a factor nominal.
   */
  ranks(choice: ArrayLike<number>): Float64Array {
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
    const { inputs, rows } = this.panel;
    let stacked: Dataset | null = this.input.data.indicators;
    let parts: Dataset[] | null = null;
    const split = (ds: Dataset) =>
      rows.map((r, y) => ({ ...selectUnits(ds, r), units: inputs[y]!.data.uCode }));
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
        ({ stacked, parts } = hit);
        continue;
      }
      const wholePanel =
        step === "denominate" || (step === "impute" && pipeline.impute?.method === "i_panel");
      if (wholePanel && stacked) {
        stacked = applyStep(step, stacked, pipeline, this.input).data;
      } else if (step === "normalise" && pipeline.normalise?.global !== false) {
        const ps = parts ?? split(stacked!);
        const all: Dataset = {
          units: ps.flatMap((p) => p.units),
          codes: ps[0]!.codes,
          values: ps[0]!.codes.map((_, j) => concat(ps.map((p) => p.values[j]!))),
        };
        const norm = applyStep("normalise", all, pipeline, this.input).data;
        let off = 0;
        parts = ps.map((p) => {
          const n = p.units.length;
          const d = {
            units: p.units,
            codes: norm.codes,
            values: norm.values.map((c) => c.slice(off, off + n)),
          };
          off += n;
          return d;
        });
        stacked = null;
      } else {
        const ps = parts ?? split(stacked!);
        parts = ps.map((p, y) => applyStep(step, p, pipeline, inputs[y]!).data);
        stacked = null;
      }
      if (this.cache.size >= this.cacheLimit) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, { stacked, parts });
    }
    const ps = parts ?? split(stacked!);
    const out = new Float64Array(this.nRows).fill(Number.NaN);
    ps.forEach((p, y) => {
      const inp = inputs[y]!;
      const agg = applyStep("aggregate", p, pipeline, inp, weights).data;
      const r = rankDescending(agg.values[agg.codes.indexOf(this.input.framework.top)]!);
      const idx = new Map(inp.data.uCode.map((u, i) => [u, i]));
      const off = this.offsets[y]!;
      for (let i = 0; i < agg.units.length; i++) out[off + idx.get(agg.units[i]!)!] = r[i]!;
    });
    return out;
  }
}

function concat(cols: Float64Array[]): Float64Array {
  const out = new Float64Array(cols.reduce((s, c) => s + c.length, 0));
  let o = 0;
  for (const c of cols) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Stacked ranks of replications [from, to) of a design (row-major: replication × stacked rows);
 * a replication whose pipeline fails gets NaN ranks. A function of (from, to) so the work can be
 * split across threads; the design fixes every replication.
 *
 * @example replicatePanelRanks(ev, design, 0, 100) // 100 × ev.nRows ranks
 */
export function replicatePanelRanks(
  ev: PanelReplicationEvaluator,
  design: Design,
  from: number,
  to: number,
): Float64Array {
  const R = ev.nRows;
  const out = new Float64Array((to - from) * R);
  const choice = new Int32Array(design.factors.length);
  for (let r = from; r < to; r++) {
    for (let f = 0; f < choice.length; f++) choice[f] = design.choices[f]![r]!;
    let ranks: Float64Array;
    try {
      ranks = ev.ranks(choice);
    } catch {
      ranks = new Float64Array(R).fill(Number.NaN);
    }
    out.set(ranks, (r - from) * R);
  }
  return out;
}

/** One year of {@link analysePanelUncertainty}. */
export interface PanelYearUncertainty {
  year: number;
  rankStats: RankStats[];
  sensitivity: (SobolIndex & { factor: string })[] | null;
  /** Replications whose ranks are all missing in this year. */
  failed: number;
}

/** The outputs of {@link analysePanelUncertainty}. */
export interface PanelUncertaintyResult {
  years: PanelYearUncertainty[];
  design: Design;
}

/**
 * Monte Carlo uncertainty and Sobol sensitivity analysis of a panel index, year by year: one
 * design (drawn from `seed` exactly as {@link analyseUncertainty} draws it) is applied to the
 * whole panel build, so replication r is the same methodological choice in every year
 * (normalising all years together keeps its meaning); per year, the rank summary of each unit
 * (COINr's RankStats, over the A and B blocks for Sobol) and the Sobol first-order and total
 * indices of the mean absolute rank shift from that year's nominal ranks.
 *
 * Cost: replications × (the steps a factor changes + one aggregation and ranking per year).
 *
 * @example await analysePanelUncertainty(spec, pipeline, panelInput, 1) // years[k].rankStats
 * @throws InputError for iData without a Time column, or a spec factor the framework lacks
 */
export async function analysePanelUncertainty(
  spec: UncertaintySpec,
  nominal: Pipeline,
  input: CoinInput,
  seed: number,
  runner?: (
    design: Design,
    ev: PanelReplicationEvaluator,
  ) => (from: number, to: number) => Promise<Float64Array>,
): Promise<PanelUncertaintyResult> {
  const { factors, design, rng } = prepareUncertainty(spec, nominal, input, seed);
  const ev = new PanelReplicationEvaluator(input, nominal, factors);
  const nominalRanks = ev.ranks(new Int32Array(factors.length).fill(-1));
  const run = runner
    ? runner(design, ev)
    : async (a: number, b: number) => replicatePanelRanks(ev, design, a, b);
  const ranks = await run(0, design.runs);
  const use = design.N === null ? design.runs : 2 * design.N;
  const R = ev.nRows;
  const years = ev.panel.years.map((year, y): PanelYearUncertainty => {
    const units = ev.panel.inputs[y]!.data.uCode;
    const off = ev.offsets[y]!;
    const U = units.length;
    const yr = new Float64Array(design.runs * U);
    for (let r = 0; r < design.runs; r++)
      yr.set(ranks.subarray(r * R + off, r * R + off + U), r * U);
    const nom = nominalRanks.slice(off, off + U);
    let sensitivity: PanelYearUncertainty["sensitivity"] = null;
    if (design.N !== null) {
      const shift = meanAbsRankShift(nom, yr, design.runs);
      const est = sobolEstimate(shift, design.N, factors.length, { nboot: spec.nboot, rng });
      sensitivity = est.indices.map((s, i) => ({ factor: factors[i]!.name, ...s }));
    }
    return {
      year,
      rankStats: rankStats([...units], nom, yr, use),
      sensitivity,
      failed: countFailed(yr, design.runs, U),
    };
  });
  return { years, design };
}
