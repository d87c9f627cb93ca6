import { quantileSorted } from "../stats/quantile.ts";
import { createRng } from "../stats/rng.ts";
import { analyseDrivers, type DriverMethod, type DriverProblem } from "./analysis.ts";

/**
 * One respondent-bootstrap replicate: rows drawn with replacement (each row's weight times the
 * number of times it is drawn), seeded by (seed, b) so a replicate is the same whoever runs it.
 * Returns the value of every player for each method (NaN when the replicate is degenerate).
 */
export function bootstrapReplicate(
  pb: DriverProblem,
  methods: DriverMethod[],
  seed: number,
  b: number,
): Float64Array[] {
  const rng = createRng((seed * 1_000_003 + b * 7919 + 1) | 0);
  const n = pb.rows.length;
  const count = new Float64Array(pb.y.length);
  for (let k = 0; k < n; k++) count[pb.rows[rng.int(n)]!]! += 1;
  const rows = pb.rows.filter((i) => count[i]! > 0);
  const w = Float64Array.from(count, (c, i) => c * (pb.w ? pb.w[i]! : 1));
  try {
    const r = analyseDrivers({ ...pb, rows, w }, methods, rng, 500);
    return methods.map((mth) => r.values[mth]!);
  } catch {
    return methods.map(() => new Float64Array(pb.players.length).fill(Number.NaN));
  }
}

/** Replicate values with the given weights (survey replicate weights instead of resampling). */
export function weightedReplicate(
  pb: DriverProblem,
  methods: DriverMethod[],
  w: Float64Array,
): Float64Array[] {
  const rows = pb.rows.filter((i) => w[i]! > 0);
  const r = analyseDrivers({ ...pb, rows, w }, methods);
  return methods.map((mth) => r.values[mth]!);
}

/** Percentile interval, rank interval and outranking probabilities from bootstrap values. */
export interface BootstrapSummary {
  ciLow: Float64Array;
  ciHigh: Float64Array;
  rankLow: Float64Array;
  rankHigh: Float64Array;
  /** p[i][j]: share of replicates in which player i has a larger value than player j. */
  outranks: Float64Array[];
  /** Replicates used (degenerate ones dropped). */
  used: number;
}

/**
 * Summarises B replicates of P values (reps[b][j]): percentile interval (type-7 quantiles at
 * (1 ± level)/2), the interval of each player's rank (1 = largest value) and the probability
 * that one player outranks another.
 */
export function summariseBootstrap(
  reps: Float64Array[],
  P: number,
  level = 0.95,
): BootstrapSummary {
  const ok = reps.filter((r) => r.every((x) => Number.isFinite(x)));
  const B = ok.length;
  const lo = (1 - level) / 2;
  const hi = 1 - lo;
  const col = new Float64Array(B);
  const ranks = ok.map((r) => {
    const order = Array.from({ length: P }, (_, j) => j).sort((a, b) => r[b]! - r[a]!);
    const rk = new Float64Array(P);
    order.forEach((j, k) => {
      rk[j] = k + 1;
    });
    return rk;
  });
  const ciLow = new Float64Array(P);
  const ciHigh = new Float64Array(P);
  const rankLow = new Float64Array(P);
  const rankHigh = new Float64Array(P);
  for (let j = 0; j < P; j++) {
    ok.forEach((r, b) => {
      col[b] = r[j]!;
    });
    col.sort();
    ciLow[j] = quantileSorted(col, lo);
    ciHigh[j] = quantileSorted(col, hi);
    ranks.forEach((r, b) => {
      col[b] = r[j]!;
    });
    col.sort();
    rankLow[j] = quantileSorted(col, lo);
    rankHigh[j] = quantileSorted(col, hi);
  }
  const outranks = Array.from({ length: P }, (_, i) =>
    Float64Array.from({ length: P }, (_, j) =>
      i === j ? Number.NaN : ok.filter((r) => r[i]! > r[j]!).length / B,
    ),
  );
  return { ciLow, ciHigh, rankLow, rankHigh, outranks, used: B };
}
