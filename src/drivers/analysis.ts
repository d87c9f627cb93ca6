import { InputError } from "../core/errors.ts";
import { createRng, type Rng } from "../stats/rng.ts";
import { cov2cor, weightedCovariance } from "./covariance.ts";
import { allSubsetMcFadden } from "./logistic.ts";
import { betaMetrics, relativeWeights } from "./metrics.ts";
import { completeDominance, conditionalDominance, shapley } from "./shapley.ts";
import { allSubsetR2, checkCollinearity, sweep } from "./subsets.ts";

/** Importance methods of `softpower drivers`. */
export type DriverMethod = "lmg" | "dominance" | "rw" | "first" | "last" | "betasq" | "pratt";
export const DRIVER_METHODS: DriverMethod[] = [
  "lmg",
  "dominance",
  "rw",
  "first",
  "last",
  "betasq",
  "pratt",
];

/** A driver problem on prepared numeric columns. */
export interface DriverProblem {
  /** Names of the variables in `cols` (predictors and covariates). */
  names: string[];
  cols: Float64Array[];
  y: Float64Array;
  /** Survey or frequency weights (null = equal). */
  w: Float64Array | null;
  /** Rows used (complete cases). */
  rows: Int32Array;
  /** Players: a name and the variable indices it stands for (a group is one player). */
  players: { name: string; vars: number[] }[];
  /** Variables in every model (controls). */
  always: number[];
  family: "gaussian" | "binomial";
}

/** Importance of every player by each method, plus the tables dominance analysis needs. */
export interface DriverResult {
  /** Model fit: R² (gaussian) or McFadden's pseudo-R² (binomial) of the full model. */
  r2: number;
  /** Fit of the covariates alone (0 without covariates). */
  r2Always: number;
  values: Partial<Record<DriverMethod, Float64Array>>;
  complete?: Float64Array[];
  conditional?: Float64Array[];
  /** For sampled Shapley (more than `exactLimit` players): Monte Carlo SE of each value. */
  sampledSe?: Float64Array;
}

/** Players above which LMG is estimated by permutation sampling. */
export const EXACT_LIMIT = 20;

/**
 * Relative importance of the players (Grömping 2006; Azen & Budescu 2003; Johnson 2000):
 * - lmg and dominance (general dominance): Shapley decomposition of R² (or McFadden's R² for a
 *   binary outcome) over all subsets, computed from the weighted correlation matrix by sweeping;
 *   with covariates, of R²(full) − R²(covariates); above 20 players by permutation sampling;
 * - dominance also gives the complete and conditional dominance tables;
 * - rw: Johnson's relative weights (gaussian; a group's is the sum of its members');
 * - first: R² of the player alone (with the covariates, minus theirs); last: R² lost when it is
 *   dropped from the full model; betasq: squared standardised coefficient; pratt: β r
 *   (gaussian; summed over a group's members).
 */
export function analyseDrivers(
  pb: DriverProblem,
  methods: DriverMethod[],
  rng?: Rng,
  permutations = 2000,
): DriverResult {
  const m = pb.names.length;
  const P = pb.players.length;
  const playerVars = pb.players.map((p) => p.vars);
  const result: DriverResult = { r2: Number.NaN, r2Always: 0, values: {} };
  const needSubsets = methods.some(
    (x) => x === "lmg" || x === "dominance" || x === "first" || x === "last",
  );
  let v: Float64Array | null = null;
  let R: Float64Array | null = null;
  if (pb.family === "gaussian") {
    const C = weightedCovariance([...pb.cols, pb.y], pb.w, pb.rows);
    R = cov2cor(C, m + 1);
    if (!(C[m * (m + 1) + m]! > 0))
      throw new InputError(
        "the outcome is constant among the rows used: there is nothing to explain",
      );
    for (let j = 0; j < m; j++) {
      if (!(C[j * (m + 1) + j]! > 0))
        throw new InputError(`predictor ${pb.names[j]} is constant among the rows used`);
    }
    checkCollinearity(R, m, [...pb.always, ...playerVars.flat()], pb.names);
    if (needSubsets && P <= EXACT_LIMIT) v = allSubsetR2(R, m, playerVars, pb.always, pb.names);
    result.r2 = v ? v[v.length - 1]! : fullR2(R, m, [...pb.always, ...playerVars.flat()]);
    result.r2Always = pb.always.length ? fullR2(R, m, pb.always) : 0;
  } else {
    // Constant or collinear predictors make the logistic fits degenerate: refuse them by name.
    const Cx = weightedCovariance([...pb.cols, pb.y], pb.w, pb.rows);
    for (let j = 0; j < m; j++) {
      if (!(Cx[j * (m + 1) + j]! > 0)) {
        throw new InputError(`predictor ${pb.names[j]} is constant among the rows used`);
      }
    }
    checkCollinearity(cov2cor(Cx, m + 1), m, [...pb.always, ...playerVars.flat()], pb.names);
    if (P > 14)
      throw new InputError(
        `binomial dominance analysis fits 2^${P} models; use at most 14 predictors or groups`,
      );
    const w = pb.w ?? new Float64Array(pb.y.length).fill(1);
    v = allSubsetMcFadden(pb.cols, pb.y, w, pb.rows, playerVars, pb.always).values;
    result.r2 = v[v.length - 1]!;
    result.r2Always = v[0]!;
  }
  const base = v ? Float64Array.from(v, (x) => x - v![0]!) : null;
  for (const method of methods) {
    switch (method) {
      case "lmg":
      case "dominance": {
        if (base) result.values[method] = shapley(base, P);
        else {
          const s = sampledShapley(R!, m, playerVars, pb.always, rng ?? createRng(1), permutations);
          result.values[method] = s.phi;
          result.sampledSe = s.se;
        }
        if (method === "dominance") {
          if (!base)
            throw new InputError(
              `dominance tables need at most ${EXACT_LIMIT} predictors or groups`,
            );
          result.complete = completeDominance(base, P);
          result.conditional = conditionalDominance(base, P);
        }
        break;
      }
      case "first":
      case "last": {
        if (!v) throw new InputError(`${method} needs at most ${EXACT_LIMIT} predictors or groups`);
        const full = v.length - 1;
        result.values[method] = Float64Array.from({ length: P }, (_, j) =>
          method === "first" ? v![1 << j]! - v![0]! : v![full]! - v![full & ~(1 << j)]!,
        );
        break;
      }
      case "rw":
      case "betasq":
      case "pratt": {
        if (pb.family !== "gaussian")
          throw new InputError(`method ${method} is defined for --family gaussian only`);
        if (pb.always.length)
          throw new InputError(
            `method ${method} does not take covariates (--always); use lmg or dominance`,
          );
        const per = method === "rw" ? relativeWeights(R!, m) : betaMetrics(R!, m)[method];
        result.values[method] = Float64Array.from(playerVars, (vars) =>
          vars.reduce((s, k) => s + per[k]!, 0),
        );
        break;
      }
    }
  }
  return result;
}

/** R² of y on the given variables, by sweeping them into the correlation matrix. */
function fullR2(R: Float64Array, m: number, vars: number[]): number {
  const M = m + 1;
  const A = R.slice();
  for (const v of vars) sweep(A, M, v);
  return 1 - A[m * M + m]! / R[m * M + m]!;
}

/**
 * Shapley values estimated from random orderings of the players (Castro et al. 2009): each
 * ordering adds players one by one (sweeping their variables in) and credits each with its R²
 * increment; the estimate is the mean increment and its Monte Carlo SE the increments' SD/√K.
 */
export function sampledShapley(
  R: Float64Array,
  m: number,
  players: number[][],
  always: number[],
  rng: Rng,
  permutations: number,
): { phi: Float64Array; se: Float64Array } {
  const M = m + 1;
  const P = players.length;
  const base = R.slice();
  for (const v of always) sweep(base, M, v);
  const vy = R[m * M + m]!;
  const sum = new Float64Array(P);
  const sum2 = new Float64Array(P);
  const order = Array.from({ length: P }, (_, i) => i);
  for (let k = 0; k < permutations; k++) {
    for (let i = P - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const A = base.slice();
    let prev = 1 - A[m * M + m]! / vy;
    for (const p of order) {
      for (const v of players[p]!) sweep(A, M, v);
      const now = 1 - A[m * M + m]! / vy;
      const d = now - prev;
      sum[p]! += d;
      sum2[p]! += d * d;
      prev = now;
    }
  }
  const phi = Float64Array.from(sum, (s) => s / permutations);
  const se = Float64Array.from(sum2, (s2, j) =>
    Math.sqrt(Math.max(0, s2 / permutations - phi[j]! ** 2) / (permutations - 1)),
  );
  return { phi, se };
}
