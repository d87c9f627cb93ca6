import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** A seeded source of uniform doubles in [0, 1). */
export interface Rng {
  /** Next uniform double in [0, 1), a multiple of 2^-53. */
  uniform(): number;
  /** Next integer uniform on 0..n-1. */
  int(n: number): number;
}

/**
 * Seeded pseudo-random generator (xoroshiro128+ from pure-rand, 53-bit doubles).
 * The same seed gives the same stream on every machine and in the browser.
 *
 * @example
 * const rng = createRng(1); rng.uniform(); // 0 <= u < 1, identical for seed 1 everywhere
 */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new Error(`createRng: seed must be an integer, got ${seed}`);
  const gen = xoroshiro128plus(seed | 0);
  return {
    uniform: () => uniformFloat64(gen),
    int: (n: number) => Math.min(n - 1, Math.floor(uniformFloat64(gen) * n)),
  };
}
