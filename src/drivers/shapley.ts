import { popcount } from "./subsets.ts";

/**
 * Shapley values of P players from the value of every coalition (`v[mask]`, mask a bit set):
 * φ_j = Σ_{S ∌ j} |S|! (P − |S| − 1)! / P! · (v(S ∪ j) − v(S)). With v = R² this is LMG
 * (Lindeman, Merenda & Gold 1980; Grömping 2006), the general dominance of Azen & Budescu (2003).
 * Cost O(P · 2^P).
 *
 * @example shapley(Float64Array.of(0, 0.2, 0.3, 0.6), 2) // [0.25, 0.35]
 */
export function shapley(v: Float64Array, P: number): Float64Array {
  const weight = new Float64Array(P);
  // |S|!(P − |S| − 1)!/P! = 1 / (P · C(P − 1, |S|))
  for (let k = 0; k < P; k++) weight[k] = 1 / (P * binomial(P - 1, k));
  const phi = new Float64Array(P);
  const full = 2 ** P;
  for (let mask = 0; mask < full; mask++) {
    const w = weight[popcount(mask)];
    const base = v[mask]!;
    for (let j = 0; j < P; j++) {
      const bit = 1 << j;
      if (mask & bit) continue;
      phi[j]! += w! * (v[mask | bit]! - base);
    }
  }
  return phi;
}

/**
 * Conditional dominance (Azen & Budescu 2003): C[j][k] = the mean of v(S ∪ j) − v(S) over the
 * subsets S of the other players with |S| = k, for k = 0..P − 1. Their mean over k is the
 * general dominance (= Shapley value).
 */
export function conditionalDominance(v: Float64Array, P: number): Float64Array[] {
  const C = Array.from({ length: P }, () => new Float64Array(P));
  const full = 2 ** P;
  for (let mask = 0; mask < full; mask++) {
    const k = popcount(mask);
    for (let j = 0; j < P; j++) {
      const bit = 1 << j;
      if (mask & bit) continue;
      C[j]![k]! += v[mask | bit]! - v[mask]!;
    }
  }
  for (let j = 0; j < P; j++) for (let k = 0; k < P; k++) C[j]![k]! /= binomial(P - 1, k);
  return C;
}

/**
 * Complete dominance (Azen & Budescu 2003): D[i][j] = 1 when adding player i raises v more than
 * adding j for every subset S of the other players (S may be empty), 0 when j always does,
 * 0.5 when neither (undetermined); the diagonal is 0.5, as R's dominanceanalysis.
 */
export function completeDominance(v: Float64Array, P: number): Float64Array[] {
  const D = Array.from({ length: P }, () => new Float64Array(P).fill(0.5));
  for (let i = 0; i < P; i++) {
    for (let j = i + 1; j < P; j++) {
      const bi = 1 << i;
      const bj = 1 << j;
      let iWins = true;
      let jWins = true;
      for (let mask = 0; mask < 2 ** P; mask++) {
        if (mask & (bi | bj)) continue;
        const a = v[mask | bi]!;
        const b = v[mask | bj]!;
        if (!(a > b)) iWins = false;
        if (!(b > a)) jWins = false;
        if (!iWins && !jWins) break;
      }
      D[i]![j] = iWins ? 1 : jWins ? 0 : 0.5;
      D[j]![i] = iWins ? 0 : jWins ? 1 : 0.5;
    }
  }
  return D;
}

/** Binomial coefficient C(n, k) as a double. */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}
