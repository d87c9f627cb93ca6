/**
 * Hash-based Poisson bootstrap weights for the article bootstrap of `media summarise`, defined
 * so that DuckDB (SQL over a Parquet glob, streaming) and node (summariseTone over cells)
 * compute the same replicates.
 *
 * Definition. Articles are hashed into K = {@link BOOTSTRAP_BUCKETS} buckets (the caller's
 * bucket; `media summarise` uses DuckDB's `hash(article_id) % K`). Replicate r (0 ≤ r < B) gives
 * bucket b the weight w(seed, r, b) = F⁻¹(h), the Poisson(1) quantile of the 32-bit hash
 *
 *   h = lowbias32(lowbias32(r·K + b) XOR seed),
 *
 * with lowbias32 (C. Wellons' 32-bit integer hash: x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15;
 * x *= 0x846ca68b; x ^= x >> 16, mod 2³²) and F⁻¹(h) = the least k with h < T_k,
 * T_k = ⌊2³² · e⁻¹ Σ_{j≤k} 1/j!⌋ (capped at {@link POISSON_MAX}). Every article of a bucket gets
 * the bucket's weight, so the mentions of one article always move together (the article
 * bootstrap); articles sharing a bucket move together too, which is still a valid cluster
 * bootstrap of independent articles (a group with far fewer articles than K is almost an
 * article-level Poisson bootstrap; a large group is resampled as K random clusters). This is the
 * Poisson bootstrap of Hanley & MacGibbon (2006) and Chamandy et al. (2012, "Estimating
 * uncertainty for massive data streams") with hashed units.
 */

/** Buckets articles are hashed into. */
export const BOOTSTRAP_BUCKETS = 1024;

/** Largest Poisson weight (P(W > 12) < 2⁻³²·0.5 for Poisson(1)). */
export const POISSON_MAX = 12;

const TWO32 = 4294967296;

/** Wellons' lowbias32 integer hash, mod 2³². */
export function lowbias32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** T_k = ⌊2³² F(k)⌋ for k = 0 … POISSON_MAX − 1, F the Poisson(1) distribution function. */
export const POISSON_THRESHOLDS: readonly number[] = (() => {
  const t: number[] = [];
  let term = Math.exp(-1);
  let cdf = 0;
  for (let k = 0; k < POISSON_MAX; k++) {
    cdf += term;
    term /= k + 1;
    t.push(Math.min(TWO32, Math.floor(cdf * TWO32)));
  }
  return t;
})();

/** The bootstrap seed as an unsigned 32-bit integer, or an error message. */
export function checkSeed(seed: number): string | null {
  return Number.isInteger(seed) && seed >= 0 && seed < TWO32
    ? null
    : `the bootstrap seed must be an integer in 0 … 4294967295, got ${seed}`;
}

/** Weight of bucket b in replicate r (see the module comment). */
export function bootstrapWeight(seed: number, r: number, b: number): number {
  const h = lowbias32((lowbias32(r * BOOTSTRAP_BUCKETS + b) ^ seed) >>> 0);
  for (let k = 0; k < POISSON_MAX; k++) if (h < POISSON_THRESHOLDS[k]!) return k;
  return POISSON_MAX;
}

/** All weights, replicate-major: w[r·K + b]. */
export function bootstrapWeights(seed: number, replicates: number): Uint8Array {
  const K = BOOTSTRAP_BUCKETS;
  const w = new Uint8Array(replicates * K);
  for (let r = 0; r < replicates; r++)
    for (let b = 0; b < K; b++) w[r * K + b] = bootstrapWeight(seed, r, b);
  return w;
}

/** (x · c) mod 2³² in BIGINT for 0 ≤ x < 2³²: c split in 16-bit halves so no product overflows. */
function mulSql(x: string, c: number): string {
  const hi = Math.floor(c / 65536);
  const lo = c % 65536;
  return `((${x} * ${lo} + ((${x} * ${hi}) % 65536) * 65536) % ${TWO32})`;
}

/**
 * A SELECT over `from` that adds column `out` = lowbias32 of the integer column `x`, one
 * subquery per step (BIGINT arithmetic on values < 2³²; products < 2⁴⁸).
 */
function lowbias32Sql(from: string, x: string, out: string, keep: string): string {
  return `SELECT ${keep}, xor(s4, s4 >> 16) AS ${out} FROM (
    SELECT ${keep}, ${mulSql("s3", 0x846ca68b)} AS s4 FROM (
    SELECT ${keep}, xor(s2, s2 >> 15) AS s3 FROM (
    SELECT ${keep}, ${mulSql("s1", 0x7feb352d)} AS s2 FROM (
    SELECT ${keep}, xor(s0, s0 >> 16) AS s1 FROM (
    SELECT ${keep}, CAST(${x} AS BIGINT) AS s0 FROM (${from}))))))`;
}

/**
 * SQL for the table (r, b, w) of the weights w(seed, r, b) > 0 (a zero weight adds nothing), for
 * r < replicates and b < K; equal to {@link bootstrapWeight} row by row.
 */
export function bootstrapWeightsSql(seed: number, replicates: number): string {
  const K = BOOTSTRAP_BUCKETS;
  const cases = POISSON_THRESHOLDS.map((t, k) => `WHEN h < ${t} THEN ${k}`).join(" ");
  const grid = `SELECT r, b FROM range(${replicates}) rr(r), range(${K}) bb(b)`;
  const k1 = lowbias32Sql(grid, `r * ${K} + b`, "k1", "r, b");
  const h = lowbias32Sql(k1, `xor(k1, ${seed})`, "h", "r, b");
  return `SELECT r, b, CAST(CASE ${cases} ELSE ${POISSON_MAX} END AS INTEGER) AS w
    FROM (${h}) WHERE h >= ${POISSON_THRESHOLDS[0]}`;
}
