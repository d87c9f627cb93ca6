import {
  butCheck,
  compoundOf,
  type Lexicon,
  lowerCase,
  punctuationEmphasis,
  stripPunctuation,
  tokenValences,
} from "./vader.ts";

/** A target's character span in a sentence (end exclusive). */
export interface Span {
  from: number;
  to: number;
}

/** Labels of target tone. */
export type ToneLabel = "negative" | "neutral" | "positive";
export const TONE_LABELS: ToneLabel[] = ["negative", "neutral", "positive"];

/** Whitespace tokens of a sentence with their character spans. */
function tokenSpans(sentence: string): { token: string; start: number; end: number }[] {
  const out: { token: string; start: number; end: number }[] = [];
  const re = /\S+/g;
  for (let m = re.exec(sentence); m; m = re.exec(sentence))
    out.push({ token: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

const CLAUSE_WORDS = new Set([
  "but",
  "while",
  "although",
  "though",
  "whereas",
  "however",
  "yet",
  "despite",
]);
const TAUS = [4, 10];

/** e^(−d/τ) for each τ in TAUS and token distance d = 0..; grown on demand, shared by sentences. */
let DECAYS: Float64Array[] = TAUS.map(() => new Float64Array(0));
function decayTables(length: number): Float64Array[] {
  if (DECAYS[0]!.length < length) {
    const size = Math.max(length, 2 * DECAYS[0]!.length, 64);
    DECAYS = TAUS.map((tau) => Float64Array.from({ length: size }, (_, d) => Math.exp(-d / tau)));
  }
  return DECAYS;
}

/** Names of the features {@link targetFeatures} returns, in order. */
export const FEATURE_NAMES = [
  "sentence_compound",
  ...TAUS.flatMap((t) => [`pos_decay_${t}`, `neg_decay_${t}`]),
  "left8_pos",
  "left8_neg",
  "right8_pos",
  "right8_neg",
  "clause_compound",
];

/**
 * Features of the tone toward each target of a sentence, from VADER valences (negation,
 * boosters and "but" applied) of the sentence with every target mention masked, since names
 * carry sentiment words ("United States", "Liberty"): the masked sentence's compound; positive
 * and negative valence sums decayed by token distance from the mention (weights e^(−d/τ),
 * τ = 4 and 10 tokens); positive and negative sums in 8-token windows left and right of it; and
 * the compound of the mention's clause (bounded by , ; : and contrastive words such as "but",
 * "while", "although"). Sentence-level metadata (number of targets, position, length) is left
 * out on purpose: training sentences mostly have one target, news sentences often several.
 */
export function targetFeatures(
  sentence: string,
  targets: Span[],
  lexicon: Lexicon,
  maskSpans: Span[] = targets,
): Float64Array[] {
  const spans = tokenSpans(sentence);
  const n = spans.length;
  const tokens = spans.map((s) => stripPunctuation(s.token));
  for (const m of maskSpans) {
    for (let i = 0; i < n; i++)
      if (spans[i]!.start < m.to && spans[i]!.end > m.from) tokens[i] = "xxtarget";
  }
  const lower = tokens.map(lowerCase);
  const val = butCheck(lower, tokenValences(tokens, lexicon, lower));
  const sentenceCompound = compoundOf(val, punctuationEmphasis(sentence));
  const clauseId = new Int32Array(n);
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (CLAUSE_WORDS.has(lower[i]!)) c++;
    clauseId[i] = c;
    const last = spans[i]!.token.charCodeAt(spans[i]!.token.length - 1);
    if (last === 44 || last === 59 || last === 58) c++; // , ; :
  }
  const decays = decayTables(n + 1);
  return targets.map((t) => {
    let a = spans.findIndex((s) => s.end > t.from);
    if (a < 0) a = Math.max(0, n - 1);
    let b = a;
    while (b + 1 < n && spans[b + 1]!.start < t.to) b++;
    const f: number[] = [sentenceCompound];
    for (const decay of decays) {
      let p = 0;
      let q = 0;
      for (let i = 0; i < n; i++) {
        const v = val[i]!;
        if (v === 0) continue;
        const w = decay[i < a ? a - i : i > b ? i - b : 0]!;
        if (v > 0) p += v * w;
        else q -= v * w;
      }
      f.push(p, q);
    }
    let lp = 0;
    let ln = 0;
    let rp = 0;
    let rn = 0;
    const clauseVals: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = val[i]!;
      if (clauseId[i] === clauseId[a]) clauseVals.push(v);
      if (i < a && a - i <= 8) {
        if (v > 0) lp += v;
        else ln -= v;
      }
      if (i > b && i - b <= 8) {
        if (v > 0) rp += v;
        else rn -= v;
      }
    }
    f.push(lp, ln, rp, rn, compoundOf(clauseVals));
    return Float64Array.from(f);
  });
}

/** A multinomial logistic model over standardised features (weights as trained, JSON). */
export interface TargetToneModel {
  features: string[];
  mean: number[];
  sd: number[];
  /** weights[class][feature], classes in TONE_LABELS order. */
  weights: number[][];
  bias: number[];
  meta?: Record<string, unknown>;
}

/** Class probabilities of a feature vector. */
export function predictProbs(model: TargetToneModel, x: ArrayLike<number>): number[] {
  const z = model.weights.map((w, k) => {
    let s = model.bias[k]!;
    for (let j = 0; j < w.length; j++) s += w[j]! * ((x[j]! - model.mean[j]!) / model.sd[j]!);
    return s;
  });
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** Tone toward a target: score = P(positive) − P(negative) in [−1, 1], and the most likely label. */
export function predictTargetTone(
  model: TargetToneModel,
  x: ArrayLike<number>,
): { score: number; label: ToneLabel } {
  const p = predictProbs(model, x);
  const k = p.indexOf(Math.max(...p));
  return { score: p[2]! - p[0]!, label: TONE_LABELS[k]! };
}

/**
 * Trains the model: multinomial logistic regression with L2 penalty λ and class weights inverse
 * to class frequency (for macro-F1), by full-batch gradient descent with Adam, deterministic.
 */
export function trainTargetTone(
  X: Float64Array[],
  y: number[],
  opts: { lambda?: number; iterations?: number; rate?: number; balanced?: boolean } = {},
): TargetToneModel {
  const F = X[0]!.length;
  const N = X.length;
  const K = 3;
  const mean = new Array<number>(F).fill(0);
  const sd = new Array<number>(F).fill(0);
  for (const x of X) for (let j = 0; j < F; j++) mean[j]! += x[j]! / N;
  for (const x of X) for (let j = 0; j < F; j++) sd[j]! += (x[j]! - mean[j]!) ** 2 / N;
  for (let j = 0; j < F; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
  const Z = X.map((x) => Float64Array.from(x, (v, j) => (v - mean[j]!) / sd[j]!));
  const counts = [0, 0, 0];
  for (const k of y) counts[k]!++;
  const cw = opts.balanced === false ? [1, 1, 1] : counts.map((c) => N / (K * c));
  const W = Array.from({ length: K }, () => new Float64Array(F));
  const b = new Float64Array(K);
  const lambda = opts.lambda ?? 1e-3;
  const rate = opts.rate ?? 0.05;
  const iters = opts.iterations ?? 800;
  const mW = Array.from({ length: K }, () => new Float64Array(F));
  const vW = Array.from({ length: K }, () => new Float64Array(F));
  const mb = new Float64Array(K);
  const vb = new Float64Array(K);
  const b1 = 0.9;
  const b2 = 0.999;
  for (let t = 1; t <= iters; t++) {
    const gW = Array.from({ length: K }, () => new Float64Array(F));
    const gb = new Float64Array(K);
    let wsum = 0;
    for (let i = 0; i < N; i++) {
      const z = Z[i]!;
      const s = [0, 1, 2].map((k) => {
        let v = b[k]!;
        for (let j = 0; j < F; j++) v += W[k]![j]! * z[j]!;
        return v;
      });
      const m = Math.max(...s);
      const e = s.map((v) => Math.exp(v - m));
      const sum = e[0]! + e[1]! + e[2]!;
      const wi = cw[y[i]!]!;
      wsum += wi;
      for (let k = 0; k < K; k++) {
        const g = wi * (e[k]! / sum - (y[i] === k ? 1 : 0));
        gb[k]! += g;
        for (let j = 0; j < F; j++) gW[k]![j]! += g * z[j]!;
      }
    }
    for (let k = 0; k < K; k++) {
      gb[k]! /= wsum;
      mb[k] = b1 * mb[k]! + (1 - b1) * gb[k]!;
      vb[k] = b2 * vb[k]! + (1 - b2) * gb[k]! ** 2;
      b[k]! -= (rate * (mb[k]! / (1 - b1 ** t))) / (Math.sqrt(vb[k]! / (1 - b2 ** t)) + 1e-8);
      for (let j = 0; j < F; j++) {
        const g = gW[k]![j]! / wsum + lambda * W[k]![j]!;
        mW[k]![j] = b1 * mW[k]![j]! + (1 - b1) * g;
        vW[k]![j] = b2 * vW[k]![j]! + (1 - b2) * g * g;
        W[k]![j]! -=
          (rate * (mW[k]![j]! / (1 - b1 ** t))) / (Math.sqrt(vW[k]![j]! / (1 - b2 ** t)) + 1e-8);
      }
    }
  }
  return {
    features: FEATURE_NAMES,
    mean,
    sd,
    weights: W.map((w) => Array.from(w)),
    bias: Array.from(b),
  };
}

/** Macro-averaged F1 over the three classes (true and predicted class indices). */
export function macroF1(truth: number[], pred: number[]): number {
  let f = 0;
  for (let k = 0; k < 3; k++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    truth.forEach((t, i) => {
      if (pred[i] === k && t === k) tp++;
      else if (pred[i] === k) fp++;
      else if (t === k) fn++;
    });
    const p = tp + fp ? tp / (tp + fp) : 0;
    const r = tp + fn ? tp / (tp + fn) : 0;
    f += p + r ? (2 * p * r) / (p + r) : 0;
  }
  return f / 3;
}
