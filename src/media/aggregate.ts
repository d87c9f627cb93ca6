import { quantileSorted } from "../stats/quantile.ts";
import { BOOTSTRAP_BUCKETS, bootstrapWeights } from "./bootstrap-weights.ts";

/**
 * Mentions of one group in one article: count, summed tone, negatives, positives, and the
 * article's bootstrap bucket (0 … BOOTSTRAP_BUCKETS − 1; `media summarise` uses DuckDB's
 * `hash(article_id) % 1024`; default: the cell's index mod 1024).
 */
export interface ArticleCell {
  n: number;
  tone: number;
  neg: number;
  pos: number;
  bucket?: number;
}

/** Summary of a group with article-level bootstrap intervals. */
export interface ToneSummary {
  mentions: number;
  articles: number;
  mean_tone: number;
  mean_tone_lo: number;
  mean_tone_hi: number;
  share_negative: number;
  share_negative_lo: number;
  share_negative_hi: number;
  share_positive: number;
  share_positive_lo: number;
  share_positive_hi: number;
}

/**
 * Mean tone and shares of negative and positive mentions of a group, with percentile intervals
 * from the seeded hash-based Poisson article bootstrap of media/bootstrap-weights.ts: replicate r
 * weights every article of bucket b by w(seed, r, b) (mentions of one article move together).
 * Ratio estimators: Σ w·tone / Σ w·mentions over the articles; replicates whose weighted mention
 * count is 0 have no value and are left out; the interval is the type-7 quantiles (1 ∓ level)/2 of
 * the others. `media summarise` computes the same replicates in DuckDB (src/tasks/media.ts).
 */
export function summariseTone(
  cells: ArticleCell[],
  opts: { replicates?: number; seed?: number; level?: number } = {},
): ToneSummary {
  const B = opts.replicates ?? 1000;
  const K = BOOTSTRAP_BUCKETS;
  const sums = new Float64Array(4 * K);
  let n = 0;
  let tone = 0;
  let neg = 0;
  let pos = 0;
  cells.forEach((c, i) => {
    const b = c.bucket ?? i % K;
    sums[4 * b]! += c.n;
    sums[4 * b + 1]! += c.tone;
    sums[4 * b + 2]! += c.neg;
    sums[4 * b + 3]! += c.pos;
    n += c.n;
    tone += c.tone;
    neg += c.neg;
    pos += c.pos;
  });
  const w = bootstrapWeights(opts.seed ?? 1, B);
  const bt: number[] = [];
  const bn: number[] = [];
  const bp: number[] = [];
  for (let r = 0; r < B; r++) {
    let sn = 0;
    let st = 0;
    let sneg = 0;
    let spos = 0;
    for (let b = 0; b < K; b++) {
      const x = w[r * K + b]!;
      if (x === 0) continue;
      sn += x * sums[4 * b]!;
      st += x * sums[4 * b + 1]!;
      sneg += x * sums[4 * b + 2]!;
      spos += x * sums[4 * b + 3]!;
    }
    if (sn > 0) {
      bt.push(st / sn);
      bn.push(sneg / sn);
      bp.push(spos / sn);
    }
  }
  const [tl, th] = percentileInterval(bt, opts.level);
  const [nl, nh] = percentileInterval(bn, opts.level);
  const [pl, ph] = percentileInterval(bp, opts.level);
  return {
    mentions: n,
    articles: cells.length,
    mean_tone: tone / n,
    mean_tone_lo: tl,
    mean_tone_hi: th,
    share_negative: neg / n,
    share_negative_lo: nl,
    share_negative_hi: nh,
    share_positive: pos / n,
    share_positive_lo: pl,
    share_positive_hi: ph,
  };
}

/** Type-7 quantiles (1 ∓ level)/2 of replicate values (NaN, NaN when there are none). */
export function percentileInterval(values: ArrayLike<number>, level = 0.95): [number, number] {
  const a = Float64Array.from(values).sort();
  const lo = (1 - level) / 2;
  return [quantileSorted(a, lo), quantileSorted(a, 1 - lo)];
}
