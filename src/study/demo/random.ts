import { createRng, type Rng } from "../../stats/rng.ts";

/**
 * A standard normal deviate from two uniforms (Box–Muller, cosine branch). One call uses two
 * draws of `rng`, so the stream stays aligned however the value is used.
 */
export function normal(rng: Rng): number {
  const u = 1 - rng.uniform(); // (0, 1]: log(u) is finite
  const v = rng.uniform();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** One element of a non-empty list, uniformly. */
export function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

/** x rounded to `digits` decimals (shortest decimal text, no "1.2000000000000002"). */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** x limited to [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/**
 * Independent seeded streams, one per part of the demo (indicators, survey, news), drawn from
 * the master seed: changing how one part draws does not shift the others.
 */
export function substreams<K extends string>(seed: number, names: readonly K[]): Record<K, Rng> {
  const master = createRng(seed);
  const out = {} as Record<K, Rng>;
  for (const name of names) out[name] = createRng(master.int(2 ** 31));
  return out;
}
