import { quantileSorted } from "../stats/quantile.ts";
import { createRng } from "../stats/rng.ts";

/** Mentions of one group in one article: count, summed tone, negatives, positives. */
export interface ArticleCell {
  n: number;
  tone: number;
  neg: number;
  pos: number;
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
 * from a bootstrap that resamples whole articles (mentions in one article are not independent),
 * seeded. Ratio estimators: Σ tone / Σ mentions over the resampled articles.
 */
export function summariseTone(
  cells: ArticleCell[],
  opts: { replicates?: number; seed?: number; level?: number } = {},
): ToneSummary {
  const B = opts.replicates ?? 1000;
  const level = opts.level ?? 0.95;
  const rng = createRng(opts.seed ?? 1);
  const total = (pick: (c: ArticleCell) => number) => cells.reduce((s, c) => s + pick(c), 0);
  const n = total((c) => c.n);
  const est = {
    tone: total((c) => c.tone) / n,
    neg: total((c) => c.neg) / n,
    pos: total((c) => c.pos) / n,
  };
  const bt = new Float64Array(B);
  const bn = new Float64Array(B);
  const bp = new Float64Array(B);
  const A = cells.length;
  for (let b = 0; b < B; b++) {
    let sn = 0;
    let st = 0;
    let sneg = 0;
    let spos = 0;
    for (let k = 0; k < A; k++) {
      const c = cells[rng.int(A)]!;
      sn += c.n;
      st += c.tone;
      sneg += c.neg;
      spos += c.pos;
    }
    bt[b] = st / sn;
    bn[b] = sneg / sn;
    bp[b] = spos / sn;
  }
  const lo = (1 - level) / 2;
  const ci = (a: Float64Array) => {
    a.sort();
    return [quantileSorted(a, lo), quantileSorted(a, 1 - lo)] as const;
  };
  const [tl, th] = ci(bt);
  const [nl, nh] = ci(bn);
  const [pl, ph] = ci(bp);
  return {
    mentions: n,
    articles: A,
    mean_tone: est.tone,
    mean_tone_lo: tl,
    mean_tone_hi: th,
    share_negative: est.neg,
    share_negative_lo: nl,
    share_negative_hi: nh,
    share_positive: est.pos,
    share_positive_lo: pl,
    share_positive_hi: ph,
  };
}
