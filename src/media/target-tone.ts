import { emojiDescriptions } from "./lexicon.ts";
import { PY_SPACE_CODE } from "./python.ts";
import {
  atMostTwoCodePoints,
  BOOSTERS,
  butCheck,
  compoundOf,
  expandEmoji,
  isUpperAt,
  type Lexicon,
  lowerCase,
  normalizeScore,
  PUNCTUATION_CODE,
  punctuationEmphasis,
  ruleValences,
  ruleWords,
  tokenFacts,
} from "./vader.ts";
import { WordTable } from "./word-table.ts";

/** A target's character span in a sentence (end exclusive). */
export interface Span {
  from: number;
  to: number;
}

/** Labels of target tone. */
export type ToneLabel = "negative" | "neutral" | "positive";
export const TONE_LABELS: ToneLabel[] = ["negative", "neutral", "positive"];

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
 * A sentence prepared for target features: its whitespace tokens' character spans, the VADER
 * valences of the masked tokens ("but" rule applied), each token's clause, and the masked
 * sentence's compound. Held in scratch arrays that the next {@link prepareSentence} call reuses.
 */
export interface PreparedSentence {
  /** Number of whitespace tokens. */
  n: number;
  /** Start and end of each whitespace token (before punctuation stripping). */
  start: Int32Array;
  end: Int32Array;
  /** Valences after the "but" rule. */
  val: readonly number[];
  /** Indices of the tokens with a non-zero valence, ascending. */
  nonZero: Int32Array;
  nonZeroCount: number;
  clause: Int32Array;
  compound: number;
}

let TOKEN_START = new Int32Array(64);
let TOKEN_END = new Int32Array(64);
let WORD_START = new Int32Array(64);
let WORD_END = new Int32Array(64);
let CLAUSE = new Int32Array(64);
let NON_ZERO = new Int32Array(64);
let UPPER = new Uint8Array(64);
let CLAUSE_WORD = new Uint8Array(64);
let CLAUSE_END = new Uint8Array(64);

function growScratch(size: number): void {
  TOKEN_START = new Int32Array(size);
  TOKEN_END = new Int32Array(size);
  WORD_START = new Int32Array(size);
  WORD_END = new Int32Array(size);
  CLAUSE = new Int32Array(size);
  NON_ZERO = new Int32Array(size);
  UPPER = new Uint8Array(size);
  CLAUSE_WORD = new Uint8Array(size);
  CLAUSE_END = new Uint8Array(size);
}

/** What an unknown token reads as: no rule or lexicon entry matches it, only "contains n't". */
const UNKNOWN = "\u0000";
const UNKNOWN_NT = "\u0000n't";
/** What a masked target reads as. */
const MASK = "xxtarget";

/** The words whose identity matters to the tone features, with their lexicon facts. */
interface TokenTable {
  words: WordTable;
  has: Uint8Array;
  value: Float64Array;
  boost: Float64Array;
  clause: Uint8Array;
  /** Index of the mask token "xxtarget". */
  target: number;
}

const TOKEN_TABLES = new WeakMap<Lexicon, TokenTable | null>();

/**
 * The words whose identity matters to the tone features (the lexicon's, the rules', the clause
 * words, the mask), so that every other token can read as {@link UNKNOWN} without being sliced
 * out; null if the lexicon itself has one of the stand-ins.
 */
function tokenTable(lexicon: Lexicon): TokenTable | null {
  let t = TOKEN_TABLES.get(lexicon);
  if (t === undefined) {
    const words = new WordTable([...lexicon.keys(), ...ruleWords(), ...CLAUSE_WORDS, MASK]);
    const m = words.words.length;
    t = {
      words,
      has: new Uint8Array(m),
      value: new Float64Array(m),
      boost: new Float64Array(m),
      clause: new Uint8Array(m),
      target: words.find(MASK, 0, MASK.length),
    };
    words.words.forEach((w, k) => {
      const v = lexicon.get(w);
      t!.has[k] = v === undefined ? 0 : 1;
      t!.value[k] = v ?? 0;
      t!.boost[k] = BOOSTERS.get(w) ?? 0;
      t!.clause[k] = CLAUSE_WORDS.has(w) ? 1 : 0;
    });
    if (words.find(UNKNOWN, 0, 1) >= 0 || words.find(UNKNOWN_NT, 0, UNKNOWN_NT.length) >= 0)
      t = null;
    TOKEN_TABLES.set(lexicon, t);
  }
  return t;
}

/** True when s[a, b) contains "n't". */
function hasNt(s: string, a: number, b: number): boolean {
  for (let k = a; k + 2 < b; k++)
    if (s.charCodeAt(k) === 110 && s.charCodeAt(k + 1) === 39 && s.charCodeAt(k + 2) === 116)
      return true;
  return false;
}

/**
 * Tokenises a sentence as VADER does (emoji replaced by their descriptions, whitespace tokens
 * as Python's str.split(), surrounding ASCII punctuation stripped unless that leaves 2
 * characters or fewer), masks every token that overlaps a mask span as "xxtarget", and scores
 * the tokens ({@link valences}, then the "but" rule). Token spans and mask spans are in the
 * sentence as given (a token from an emoji's description spans the emoji). `lowerSentence`, if
 * given, must be `sentence.toLowerCase()`; it saves lower-casing each token. The result lives in
 * scratch arrays valid until the next call. Cost: O(tokens × mask spans) for the masks, otherwise
 * linear in the sentence.
 */
export function prepareSentence(
  sentence: string,
  maskSpans: readonly Span[],
  lexicon: Lexicon,
  lowerSentence?: string,
  emoji: ReadonlyMap<string, string> = emojiDescriptions(),
): PreparedSentence {
  const expanded = expandEmoji(sentence, emoji);
  const s = expanded ? expanded.text : sentence;
  const len = s.length;
  if (TOKEN_START.length < len) growScratch(Math.max(len, 2 * TOKEN_START.length));
  // The sentence's lower case can be sliced per token when it maps character to character and
  // has no capital sigma (whose lower case depends on the letters around it).
  const ls =
    expanded === null &&
    lowerSentence !== undefined &&
    lowerSentence.length === len &&
    s.indexOf("\u03a3") < 0
      ? lowerSentence
      : null;
  const table = ls !== null ? tokenTable(lexicon) : null;
  const lower: string[] = [];
  // Spaces and ASCII punctuation are found on the lower case when there is one (lower casing
  // keeps every character's class, and it is a flat string: faster to read than a slice).
  const cls = ls ?? s;
  let n = 0;
  let i = 0;
  while (i < len) {
    if (PY_SPACE_CODE[cls.charCodeAt(i)] === 1) {
      i++;
      continue;
    }
    const start = i;
    while (i < len && PY_SPACE_CODE[cls.charCodeAt(i)] === 0) i++;
    let a = start;
    let b = i;
    while (a < b && PUNCTUATION_CODE[cls.charCodeAt(a)] === 1) a++;
    while (b > a && PUNCTUATION_CODE[cls.charCodeAt(b - 1)] === 1) b--;
    if (atMostTwoCodePoints(s, a, b)) {
      a = start;
      b = i;
    }
    const last = cls.charCodeAt(i - 1);
    CLAUSE_END[n] = last === 44 || last === 59 || last === 58 ? 1 : 0; // , ; :
    TOKEN_START[n] = expanded ? expanded.from[start]! : start;
    TOKEN_END[n] = expanded ? expanded.to[i - 1]! : i;
    WORD_START[n] = a;
    WORD_END[n] = b;
    n++;
  }
  // Each token's lexicon facts: from the table (no look-up by string) or from the maps.
  const { has, value, boost } = tokenFacts(n);
  for (let t = 0; t < n; t++) {
    let masked = false;
    for (const m of maskSpans) {
      if (TOKEN_START[t]! < m.to && TOKEN_END[t]! > m.from) {
        masked = true;
        break;
      }
    }
    const a = WORD_START[t]!;
    const b = WORD_END[t]!;
    UPPER[t] = masked ? 0 : isUpperAt(s, a, b) ? 1 : 0;
    if (table !== null) {
      // Tokens the rules do not know read alike: only whether they contain "n't" matters.
      const k = masked ? table.target : table.words.find(ls!, a, b);
      lower.push(k >= 0 ? table.words.words[k]! : hasNt(ls!, a, b) ? UNKNOWN_NT : UNKNOWN);
      has[t] = k >= 0 ? table.has[k]! : 0;
      value[t] = k >= 0 ? table.value[k]! : 0;
      boost[t] = k >= 0 ? table.boost[k]! : 0;
      CLAUSE_WORD[t] = k >= 0 ? table.clause[k]! : 0;
    } else {
      const low = masked ? MASK : ls !== null ? ls.slice(a, b) : lowerCase(s.slice(a, b));
      lower.push(low);
      const v = lexicon.get(low);
      has[t] = v === undefined ? 0 : 1;
      value[t] = v ?? 0;
      boost[t] = BOOSTERS.get(low) ?? 0;
      CLAUSE_WORD[t] = CLAUSE_WORDS.has(low) ? 1 : 0;
    }
  }
  const val = butCheck(lower, ruleValences(lower, UPPER.subarray(0, n), has, value, boost));
  let nonZeroCount = 0;
  let c = 0;
  for (let t = 0; t < n; t++) {
    if (val[t] !== 0) NON_ZERO[nonZeroCount++] = t;
    if (CLAUSE_WORD[t] === 1) c++;
    CLAUSE[t] = c;
    if (CLAUSE_END[t] === 1) c++;
  }
  return {
    n,
    start: TOKEN_START,
    end: TOKEN_END,
    val,
    nonZero: NON_ZERO,
    nonZeroCount,
    clause: CLAUSE,
    compound: compoundOf(val, punctuationEmphasis(s)),
  };
}

/** Number of target features ({@link FEATURE_NAMES}). */
export const FEATURE_COUNT = FEATURE_NAMES.length;

/**
 * Writes the features of the target s[from, to) of a prepared sentence into `out` (see
 * {@link targetFeatures}). Cost: linear in the tokens with a valence, plus the target's position.
 */
export function featuresInto(
  p: PreparedSentence,
  from: number,
  to: number,
  out: Float64Array,
): void {
  const { n, start, end, val, nonZero, nonZeroCount, clause } = p;
  let a = 0;
  while (a < n && !(end[a]! > from)) a++;
  if (a === n) a = Math.max(0, n - 1);
  let b = a;
  while (b + 1 < n && start[b + 1]! < to) b++;
  const decays = decayTables(n + 1);
  out[0] = p.compound;
  let f = 1;
  for (const decay of decays) {
    let pos = 0;
    let neg = 0;
    for (let k = 0; k < nonZeroCount; k++) {
      const i = nonZero[k]!;
      const v = val[i]!;
      const w = decay[i < a ? a - i : i > b ? i - b : 0]!;
      if (v > 0) pos += v * w;
      else neg -= v * w;
    }
    out[f++] = pos;
    out[f++] = neg;
  }
  // Windows of 8 tokens left and right, and the target's clause; zero valences add nothing.
  let lp = 0;
  let ln = 0;
  let rp = 0;
  let rn = 0;
  let clauseSum = 0;
  const own = n > 0 ? clause[a] : -1;
  for (let k = 0; k < nonZeroCount; k++) {
    const i = nonZero[k]!;
    const v = val[i]!;
    if (clause[i] === own) clauseSum += v;
    if (i < a && a - i <= 8) {
      if (v > 0) lp += v;
      else ln -= v;
    }
    if (i > b && i - b <= 8) {
      if (v > 0) rp += v;
      else rn -= v;
    }
  }
  out[f++] = lp;
  out[f++] = ln;
  out[f++] = rp;
  out[f++] = rn;
  out[f] = normalizeScore(clauseSum);
}

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
  const p = prepareSentence(sentence, maskSpans, lexicon);
  return targets.map((t) => {
    const f = new Float64Array(FEATURE_COUNT);
    featuresInto(p, t.from, t.to, f);
    return f;
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
  const p = new Float64Array(model.weights.length);
  probsInto(model, x, p);
  return Array.from(p);
}

/** Softmax of the linear scores of standardised features, into `p`. */
function probsInto(model: TargetToneModel, x: ArrayLike<number>, p: Float64Array): void {
  const { weights, bias, mean, sd } = model;
  const K = weights.length;
  let m = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < K; k++) {
    const w = weights[k]!;
    let s = bias[k]!;
    for (let j = 0; j < w.length; j++) s += w[j]! * ((x[j]! - mean[j]!) / sd[j]!);
    p[k] = s;
    m = Math.max(m, s);
  }
  let sum = 0;
  for (let k = 0; k < K; k++) {
    p[k] = Math.exp(p[k]! - m);
    sum += p[k]!;
  }
  for (let k = 0; k < K; k++) p[k] = p[k]! / sum;
}

const PROBS = new Float64Array(TONE_LABELS.length);

/** Tone toward a target: score = P(positive) − P(negative) in [−1, 1], and the most likely label. */
export function predictTargetTone(
  model: TargetToneModel,
  x: ArrayLike<number>,
): { score: number; label: ToneLabel } {
  const p = model.weights.length === PROBS.length ? PROBS : new Float64Array(model.weights.length);
  probsInto(model, x, p);
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < p.length; k++) max = Math.max(max, p[k]!);
  const k = p.indexOf(max);
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
