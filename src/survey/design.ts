import { z } from "zod";
import { InputError } from "../core/errors.ts";
import { getColumn, numeric, type SurveyFrame } from "./frame.ts";
import { suppliedReplicateDesign } from "./replicates.ts";

/** What to do with a stratum that has a single PSU, as R's `options(survey.lonely.psu)`. */
export type LonelyPsu = "fail" | "remove" | "certainty" | "adjust" | "average";

/** design.json: R's `svydesign(ids, strata, weights, probs, fpc, nest)` by column names. */
export const DesignSpecSchema = z
  .object({
    /** Cluster ids per stage; [] or ["1"] or ["0"] for no clusters. */
    ids: z.array(z.string()).default([]),
    strata: z.union([z.string(), z.array(z.string()), z.null()]).default(null),
    weights: z.string().nullable().default(null),
    probs: z.string().nullable().default(null),
    /** Per stage: population size or sampling fraction (all <= 1). */
    fpc: z.union([z.array(z.string()), z.string(), z.null()]).default(null),
    nest: z.boolean().default(false),
    lonely_psu: z.enum(["fail", "remove", "certainty", "adjust", "average"]).default("fail"),
    /** Replicate-weight columns published with the data (R `svrepdesign`). */
    replicates: z
      .object({
        columns: z.array(z.string()).optional(),
        pattern: z.string().optional(),
        type: z.enum([
          "BRR",
          "Fay",
          "JK1",
          "JKn",
          "bootstrap",
          "ACS",
          "successive-difference",
          "JK2",
          "other",
        ]),
        scale: z.number().positive().optional(),
        rscales: z.array(z.number().min(0)).optional(),
        rho: z.number().min(0).max(1).optional(),
        combined_weights: z.boolean().optional(),
        mse: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type DesignSpec = z.input<typeof DesignSpecSchema>;

/** One sampling stage, resolved to dense integer ids. */
export interface Stage {
  /** Stratum of each row at this stage (unique across the whole design, nested in earlier clusters). */
  stratum: Int32Array;
  /** Cluster (PSU at stage 1) of each row, unique across the design. */
  cluster: Int32Array;
  nStrata: number;
  nClusters: number;
  /** Per stratum: clusters sampled in the full design. */
  nPSU: Float64Array;
  /** Per stratum: population number of clusters (Infinity when no fpc). */
  popSize: Float64Array;
  /** Per stratum: product of the sampling fractions of the earlier stages (1 at stage 1). */
  multiplier: Float64Array;
  /** Per cluster: its stratum. */
  clusterStratum: Int32Array;
  /** A stratum in words for messages, e.g. "stratum north of region". */
  describe: (h: number) => string;
}

/**
 * A survey design for Taylor-linearisation variance (R `survey.design2`). `weights` are the
 * current analysis weights (after any calibration); rows with weight 0 are outside the sample
 * of the analysis but keep the design structure, as R keeps it when subsetting.
 */
export interface SurveyDesign {
  kind: "taylor";
  frame: SurveyFrame;
  n: number;
  weights: Float64Array;
  /** Sampling weights before calibration. */
  sampleWeights: Float64Array;
  stages: Stage[];
  /** Whether the variance uses the stages after the first (only with fpc, as R). */
  multistage: boolean;
  lonely: LonelyPsu;
  /**
   * Calibration steps, applied in order: the influence values are replaced by their residuals
   * on the calibration variables (R's `cal` in svyrecvar), weighted by `w`.
   */
  calibrations: Calibration[];
  /** Replicate weights, when the variance comes from replicates instead of linearisation. */
  replicate: ReplicateWeights | null;
}

/**
 * Replicate-weight variance (R `svrepdesign`): analysis weights of each replicate and
 * V = scale · Σ_r rscales_r (θ_r − θ̄)², θ̄ the mean of the replicates (or the full-sample
 * estimate when `mse`).
 */
export interface ReplicateWeights {
  type: string;
  /** Number of replicates R. */
  count: number;
  /**
   * Analysis weights of each replicate (full weights times the replicate multipliers), one
   * array of n per replicate; built from `layout` on first use (R × n numbers).
   */
  readonly weights: Float64Array[];
  /** How the replicate weights are held, for the one-pass estimators (replicate-sums.ts). */
  layout: ReplicateLayout;
  scale: number;
  rscales: Float64Array;
  mse: boolean;
  /** Degrees of freedom (R: rank of the replicate weight matrix − 1), computed on first use. */
  readonly df: number;
}

/**
 * Replicate weights held compactly:
 * - "psu": w_r,i = base_i · multipliers[psu_i · R + r] (replicates built from the design's
 *   first-stage PSUs, R `as.svrepdesign`): P × R multipliers instead of n × R weights;
 * - "rows": w_r,i = matrix[i · R + r], an n × R row-major matrix (published replicate weights,
 *   or replicates recalibrated one by one).
 */
export type ReplicateLayout =
  | { kind: "psu"; base: Float64Array; psu: Int32Array; nPsu: number; multipliers: Float64Array }
  | { kind: "rows"; matrix: Float64Array };

/**
 * A calibration's effect on the variance (R's `postStrata` / `cal` in svyrecvar):
 * - "regression" (post-stratification, GREG and generalised raking): with u = z / w, the
 *   residuals w · (u − X β), β the least squares fit of u on X weighted by `regWeights`;
 * - "rake" (R's `rake`): 10 sweeps over the margins of z ← z − w_m · ave(z / w_m) within each
 *   category of margin m (unweighted means), w_m the weights after margin m was fitted.
 */
export type Calibration =
  | { kind: "regression"; X: Float64Array[]; w: Float64Array; regWeights: Float64Array }
  | { kind: "rake"; margins: { codes: Int32Array; levels: number; w: Float64Array }[] };

const ONE = new Set(["1", "0", "~1", "~0"]);

/**
 * Builds a design from data and a spec, as R's `svydesign`: clusters per stage, strata,
 * weights (or 1/probs, or implied by the fpc: the product of each stage's sampling fraction
 * n/N), fpc per stage as population sizes or, when all values are <= 1, sampling fractions.
 * Without `nest`, cluster ids must not repeat across strata (R's check). Weights must be
 * positive and present.
 *
 * @throws InputError naming the variable and row of a bad weight, an fpc that varies within a
 *   stratum or is smaller than the number of sampled clusters, or clusters that cross strata
 */
export function buildDesign(frame: SurveyFrame, specIn: DesignSpec): SurveyDesign {
  const spec = DesignSpecSchema.parse(specIn);
  const n = frame.n;
  const file = frame.file ? `${frame.file} ` : "";
  const ids = spec.ids.filter((id) => !ONE.has(id.trim()));
  const nStages = Math.max(1, ids.length);
  const strataNames =
    spec.strata === null ? [] : Array.isArray(spec.strata) ? spec.strata : [spec.strata];
  const fpcNames = spec.fpc === null ? [] : Array.isArray(spec.fpc) ? spec.fpc : [spec.fpc];
  if (fpcNames.length > nStages) {
    throw new InputError(
      `design: ${fpcNames.length} fpc columns for ${nStages} stage(s); give one per stage`,
    );
  }
  /** Dense integer codes of a design variable (missing values are an error). */
  const codesOf = (name: string): Int32Array => {
    const c = getColumn(frame, name);
    const out = new Int32Array(n);
    const map = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const v = c.kind === "number" ? c.values[i]! : c.codes[i]!;
      if ((c.kind === "number" && Number.isNaN(v)) || (c.kind === "factor" && v < 0)) {
        throw new InputError(
          `${file}row ${i + 2}, variable ${name}: missing value in a design variable`,
        );
      }
      let k = map.get(v);
      if (k === undefined) {
        k = map.size;
        map.set(v, k);
      }
      out[i] = k;
    }
    return out;
  };
  const label = (name: string | undefined, i: number): string => {
    if (!name) return `row ${i + 2}`;
    const c = getColumn(frame, name);
    return c.kind === "number" ? String(c.values[i]) : c.levels[c.codes[i]!]!;
  };
  const stages: Stage[] = [];
  let parentCluster: Int32Array = new Int32Array(n);
  const fractions: Float64Array[] = [];
  for (let s = 0; s < nStages; s++) {
    const stratKey = s < strataNames.length ? codesOf(strataNames[s]!) : new Int32Array(n);
    const clusKey = s < ids.length ? codesOf(ids[s]!) : Int32Array.from({ length: n }, (_, i) => i);
    // Strata of later stages live within the earlier stage's clusters; clusters within strata
    // when nested (always after the first stage, as R relabels multistage ids).
    const fullStrat = combine(parentCluster, stratKey);
    const fullClus = s === 0 && !spec.nest ? dense(clusKey) : combine(fullStrat.ids, clusKey);
    const stratum = fullStrat;
    const cluster = fullClus;
    const nStrata = stratum.count;
    const nClusters = cluster.count;
    const clusterStratum = new Int32Array(nClusters).fill(-1);
    for (let i = 0; i < n; i++) {
      const c = cluster.ids[i]!;
      const h = stratum.ids[i]!;
      if (clusterStratum[c] === -1) clusterStratum[c] = h;
      else if (clusterStratum[c] !== h) {
        throw new InputError(
          `design: cluster "${label(ids[s], i)}" (variable ${ids[s] ?? "rows"}) appears in more than one stratum (row ${i + 2}); use "nest": true if cluster ids are reused across strata`,
        );
      }
    }
    const nPSU = new Float64Array(nStrata);
    for (let c = 0; c < nClusters; c++) nPSU[clusterStratum[c]!]! += 1;
    const popSize = new Float64Array(nStrata).fill(Number.POSITIVE_INFINITY);
    if (s < fpcNames.length) {
      const f = numeric(frame, fpcNames[s]!);
      const asFraction = Array.from(f).every((v) => v <= 1);
      const seen = new Float64Array(nStrata).fill(Number.NaN);
      for (let i = 0; i < n; i++) {
        const v = f[i]!;
        const h = stratum.ids[i]!;
        if (!(v > 0))
          throw new InputError(
            `${file}row ${i + 2}, variable ${fpcNames[s]}: fpc must be > 0, got ${v}`,
          );
        if (Number.isNaN(seen[h]!)) seen[h] = v;
        else if (seen[h] !== v) {
          throw new InputError(
            `${file}row ${i + 2}, variable ${fpcNames[s]}: fpc varies within a stratum (${seen[h]} and ${v}); it must be constant`,
          );
        }
      }
      for (let h = 0; h < nStrata; h++) {
        const N = asFraction ? nPSU[h]! / seen[h]! : seen[h]!;
        if (N < nPSU[h]! - 1e-8) {
          throw new InputError(
            `design: fpc ${fpcNames[s]} gives a population of ${N} clusters but ${nPSU[h]} were sampled in a stratum; fpc must be the population size (or a fraction <= 1)`,
          );
        }
        popSize[h] = N;
      }
    }
    const multiplier = new Float64Array(nStrata).fill(1);
    if (s > 0) {
      // The multiplier of a stratum is the product of the earlier stages' sampling fractions.
      const prev = stages[s - 1]!;
      for (let i = 0; i < n; i++) {
        const h0 = prev.stratum[i]!;
        multiplier[stratum.ids[i]!] = prev.multiplier[h0]! * (prev.nPSU[h0]! / prev.popSize[h0]!);
      }
    }
    stages.push({
      stratum: stratum.ids,
      cluster: cluster.ids,
      nStrata,
      nClusters,
      nPSU,
      popSize,
      multiplier,
      clusterStratum,
      describe: (h: number) => {
        const row = stratum.ids.indexOf(h);
        const name = strataNames[s];
        return name
          ? `stratum ${label(name, row)} of ${name}`
          : s > 0
            ? `the stage-${s + 1} units within cluster ${label(ids[s - 1], row)}`
            : "the sample";
      },
    });
    fractions.push(
      Float64Array.from(
        { length: n },
        (_, i) => nPSU[stratum.ids[i]!]! / popSize[stratum.ids[i]!]!,
      ),
    );
    parentCluster = fullClus.ids;
  }
  const weights = new Float64Array(n);
  if (spec.weights || spec.probs) {
    const name = (spec.weights ?? spec.probs)!;
    const v = numeric(frame, name);
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if (Number.isNaN(x))
        throw new InputError(
          `${file}row ${i + 2}, variable ${name}: missing weight; every respondent needs a weight > 0`,
        );
      if (!(x > 0))
        throw new InputError(`${file}row ${i + 2}, variable ${name}: weight ${x} must be > 0`);
      weights[i] = spec.weights ? x : 1 / x;
    }
  } else if (fpcNames.length > 0) {
    for (let i = 0; i < n; i++) {
      let p = 1;
      for (let s = 0; s < fpcNames.length; s++) p *= fractions[s]![i]!;
      weights[i] = 1 / p;
    }
  } else weights.fill(1);
  const base: SurveyDesign = {
    kind: "taylor",
    frame,
    n,
    weights,
    sampleWeights: weights.slice(),
    stages,
    multistage: fpcNames.length > 0 && nStages > 1,
    lonely: spec.lonely_psu,
    calibrations: [],
    replicate: null,
  };
  return spec.replicates ? suppliedReplicateDesign(base, spec.replicates) : base;
}

/** Dense 0-based ids for non-negative integer keys, in order of first appearance. */
function dense(keys: ArrayLike<number>): { ids: Int32Array; count: number } {
  const n = keys.length;
  const ids = new Int32Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) if (keys[i]! > max) max = keys[i]!;
  let count = 0;
  if (max < 4 * n + 1024) {
    // Direct addressing when the key range is small (the usual case): no hashing.
    const table = new Int32Array(max + 1).fill(-1);
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      let v = table[k]!;
      if (v < 0) {
        v = count++;
        table[k] = v;
      }
      ids[i] = v;
    }
    return { ids, count };
  }
  const map = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    let v = map.get(keys[i]!);
    if (v === undefined) {
      v = map.size;
      map.set(keys[i]!, v);
    }
    ids[i] = v;
  }
  return { ids, count: map.size };
}

/** Dense ids of the pairs (a_i, b_i), in order of first appearance. */
function combine(a: Int32Array, b: Int32Array): { ids: Int32Array; count: number } {
  let maxB = 0;
  for (let i = 0; i < b.length; i++) if (b[i]! > maxB) maxB = b[i]!;
  const keys = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) keys[i] = a[i]! * (maxB + 1) + b[i]!;
  return dense(keys);
}

/**
 * Degrees of freedom of the design (R `degf`): distinct first-stage PSUs minus strata among the
 * rows with weight > 0 (in the domain, when one is given: R counts those of the subset).
 */
export function designDf(d: SurveyDesign, domain: Uint8Array | null = null): number {
  if (d.replicate) return d.replicate.df;
  const s = d.stages[0]!;
  const psu = new Uint8Array(s.nClusters);
  const str = new Uint8Array(s.nStrata);
  let np = 0;
  let ns = 0;
  for (let i = 0; i < d.n; i++) {
    if (d.weights[i] === 0 || (domain && !domain[i])) continue;
    const c = s.cluster[i]!;
    const h = s.stratum[i]!;
    if (!psu[c]) {
      psu[c] = 1;
      np++;
    }
    if (!str[h]) {
      str[h] = 1;
      ns++;
    }
  }
  return np - ns;
}
