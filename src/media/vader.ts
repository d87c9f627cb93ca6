/**
 * A VADER-compatible sentence scorer (Hutto & Gilbert 2014, "VADER: A Parsimonious Rule-based
 * Model for Sentiment Analysis of Social Media Text", ICWSM), following the rules of the current
 * reference implementation (vaderSentiment 3.3.2): lexicon valences, booster and dampener words,
 * negation within three words, "never so"/"without doubt", "least", ALL-CAPS emphasis, the
 * contrastive "but", punctuation emphasis (! and ?), idioms, and the compound score
 * x / √(x² + 15), emoji replaced by their descriptions before scoring, and the reference's
 * rounding (Python's round, see python.ts). The lexicons default to the reference's
 * (media/lexicon.ts, an imported JSON module), so this runs in browsers.
 */
import { emojiDescriptions, vaderLexicon } from "./lexicon.ts";
import { pyRound, pySplit, pyStrip } from "./python.ts";

/** Word → mean valence (−4..4). */
export type Lexicon = ReadonlyMap<string, number>;

/** VADER's four scores. `compound` is rounded to 4 decimals, the others to 3, as the reference. */
export interface ToneScores {
  compound: number;
  pos: number;
  neu: number;
  neg: number;
}

const B_INCR = 0.293;
const B_DECR = -0.293;
const C_INCR = 0.733;
const N_SCALAR = -0.74;

const NEGATE = new Set([
  "aint",
  "arent",
  "cannot",
  "cant",
  "couldnt",
  "darent",
  "didnt",
  "doesnt",
  "ain't",
  "aren't",
  "can't",
  "couldn't",
  "daren't",
  "didn't",
  "doesn't",
  "dont",
  "hadnt",
  "hasnt",
  "havent",
  "isnt",
  "mightnt",
  "mustnt",
  "neither",
  "don't",
  "hadn't",
  "hasn't",
  "haven't",
  "isn't",
  "mightn't",
  "mustn't",
  "neednt",
  "needn't",
  "never",
  "none",
  "nope",
  "nor",
  "not",
  "nothing",
  "nowhere",
  "oughtnt",
  "shant",
  "shouldnt",
  "uhuh",
  "wasnt",
  "werent",
  "oughtn't",
  "shan't",
  "shouldn't",
  "uh-uh",
  "wasn't",
  "weren't",
  "without",
  "wont",
  "wouldnt",
  "won't",
  "wouldn't",
  "rarely",
  "seldom",
  "despite",
]);

const INCREASE = [
  "absolutely",
  "amazingly",
  "awfully",
  "completely",
  "considerable",
  "considerably",
  "decidedly",
  "deeply",
  "effing",
  "enormous",
  "enormously",
  "entirely",
  "especially",
  "exceptional",
  "exceptionally",
  "extreme",
  "extremely",
  "fabulously",
  "flipping",
  "flippin",
  "frackin",
  "fracking",
  "fricking",
  "frickin",
  "frigging",
  "friggin",
  "fully",
  "fuckin",
  "fucking",
  "fuggin",
  "fugging",
  "greatly",
  "hella",
  "highly",
  "hugely",
  "incredible",
  "incredibly",
  "intensely",
  "major",
  "majorly",
  "more",
  "most",
  "particularly",
  "purely",
  "quite",
  "really",
  "remarkably",
  "so",
  "substantially",
  "thoroughly",
  "total",
  "totally",
  "tremendous",
  "tremendously",
  "uber",
  "unbelievably",
  "unusually",
  "utter",
  "utterly",
  "very",
];
const DECREASE = [
  "almost",
  "barely",
  "hardly",
  "just enough",
  "kind of",
  "kinda",
  "kindof",
  "kind-of",
  "less",
  "little",
  "marginal",
  "marginally",
  "occasional",
  "occasionally",
  "partly",
  "scarce",
  "scarcely",
  "slight",
  "slightly",
  "somewhat",
  "sort of",
  "sorta",
  "sortof",
  "sort-of",
];
/** Booster (+0.293) and dampener (−0.293) words and phrases. */
export const BOOSTERS: ReadonlyMap<string, number> = new Map([
  ...INCREASE.map((w) => [w, B_INCR] as const),
  ...DECREASE.map((w) => [w, B_DECR] as const),
]);

/** Phrases whose valence replaces the word's (the reference's special cases). */
const SPECIAL_CASES: ReadonlyMap<string, number> = new Map([
  ["the shit", 3],
  ["the bomb", 3],
  ["bad ass", 1.5],
  ["badass", 1.5],
  ["bus stop", 0.0],
  ["yeah right", -2],
  ["kiss of death", -1.5],
  ["to die for", 3],
  ["beating heart", 3.1],
  ["broken heart", -2.9],
]);

/** 1 at the char codes of ASCII punctuation (Python's string.punctuation), 0 elsewhere. */
export const PUNCTUATION_CODE: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (const c of "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") t[c.charCodeAt(0)] = 1;
  return t;
})();

/**
 * Python's str.isupper() of s[a, b): at least one cased character and no lowercase one (ASCII
 * fast path, without slicing).
 */
export function isUpperAt(s: string, a: number, b: number): boolean {
  let cased = false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) return false;
    if (c >= 65 && c <= 90) cased = true;
    else if (c > 127) {
      const t = s.slice(a, b);
      return t !== t.toLowerCase() && t === t.toUpperCase();
    }
  }
  return cased;
}

/** Python's str.isupper(). */
function isUpper(s: string): boolean {
  return isUpperAt(s, 0, s.length);
}

/** Lower case, without allocating when the token has no upper-case or non-ASCII letters. */
export function lowerCase(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return s.toLowerCase();
  }
  return s;
}

/** Strips leading and trailing ASCII punctuation unless that leaves 2 characters or fewer (emoticons). */
export function stripPunctuation(token: string): string {
  let a = 0;
  let b = token.length;
  while (a < b && PUNCTUATION_CODE[token.charCodeAt(a)] === 1) a++;
  while (b > a && PUNCTUATION_CODE[token.charCodeAt(b - 1)] === 1) b--;
  return atMostTwoCodePoints(token, a, b) ? token : token.slice(a, b);
}

/** True when s[a, b) has at most two code points (a lone surrogate counts as one, as in [...s]). */
export function atMostTwoCodePoints(s: string, a: number, b: number): boolean {
  const len = b - a;
  if (len <= 2) return true;
  if (len > 4) return false;
  let count = 0;
  for (let k = a; k < b; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0xd800 && c <= 0xdbff && k + 1 < b) {
      const d = s.charCodeAt(k + 1);
      if (d >= 0xdc00 && d <= 0xdfff) k++;
    }
    count++;
  }
  return count <= 2;
}

/**
 * Whitespace-separated tokens (Python's str.split()) with surrounding punctuation removed
 * (emoticons kept), as the reference's SentiText.
 */
export function tokenize(text: string): string[] {
  return pySplit(text).map(stripPunctuation);
}

function isNegated(word: string): boolean {
  return NEGATE.has(word) || word.includes("n't");
}

/** x / √(x² + α), clamped to [−1, 1]. */
export function normalizeScore(score: number, alpha = 15): number {
  const n = score / Math.sqrt(score * score + alpha);
  return Math.max(-1, Math.min(1, n));
}

/**
 * Per-token valences of a sentence (0 for tokens without sentiment), before the "but" rule, plus
 * the tokens. Exposed for target-level scoring, which masks names and restricts to a window.
 */
export function tokenValences(
  tokens: readonly string[],
  lexicon: Lexicon,
  lowerTokens?: readonly string[],
): number[] {
  const lower = lowerTokens ?? tokens.map(lowerCase);
  const upper = new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) if (isUpper(tokens[i]!)) upper[i] = 1;
  return valences(lower, upper, lexicon);
}

/** Scratch per-token lexicon facts, grown on demand (one lexicon and booster look-up per token). */
let IN_LEXICON = new Uint8Array(64);
let LEXICON_VALUE = new Float64Array(64);
let BOOST = new Float64Array(64);

/**
 * {@link tokenValences} from the lower-cased tokens and their ALL-CAPS flags (1 = Python's
 * str.isupper() of the token as written): the rules of the reference, with each token's lexicon
 * and booster entries looked up once.
 */
export function valences(
  lower: readonly string[],
  upper: ArrayLike<number>,
  lexicon: Lexicon,
): number[] {
  const n = lower.length;
  const { has, value, boost } = tokenFacts(n);
  for (let i = 0; i < n; i++) {
    const low = lower[i]!;
    const v = lexicon.get(low);
    has[i] = v === undefined ? 0 : 1;
    value[i] = v ?? 0;
    boost[i] = BOOSTERS.get(low) ?? 0; // boosters are all non-zero
  }
  return ruleValences(lower, upper, has, value, boost);
}

/**
 * Scratch arrays for the lexicon facts of `n` tokens (whether in the lexicon, the valence, the
 * booster value or 0), reused by the next call.
 */
export function tokenFacts(n: number): {
  has: Uint8Array;
  value: Float64Array;
  boost: Float64Array;
} {
  if (IN_LEXICON.length < n) {
    const size = Math.max(n, 2 * IN_LEXICON.length);
    IN_LEXICON = new Uint8Array(size);
    LEXICON_VALUE = new Float64Array(size);
    BOOST = new Float64Array(size);
  }
  return { has: IN_LEXICON, value: LEXICON_VALUE, boost: BOOST };
}

/**
 * {@link valences} from each token's lexicon facts, looked up by the caller: the rules of the
 * reference (negation, boosters, capitals, "no", "least", idioms).
 */
export function ruleValences(
  lower: readonly string[],
  upper: ArrayLike<number>,
  has: ArrayLike<number>,
  value: ArrayLike<number>,
  boost: ArrayLike<number>,
): number[] {
  const n = lower.length;
  let upperCount = 0;
  for (let i = 0; i < n; i++) upperCount += upper[i]!;
  const capDiff = upperCount > 0 && upperCount < n;
  const sentiments: number[] = [];
  for (let i = 0; i < n; i++) {
    const low = lower[i]!;
    if (boost[i] !== 0 || (i < n - 1 && low === "kind" && lower[i + 1] === "of")) {
      sentiments.push(0);
      continue;
    }
    if (has[i] === 0) {
      sentiments.push(0);
      continue;
    }
    const base = value[i]!;
    let valence = base;
    if (low === "no" && i !== n - 1 && has[i + 1] === 1) valence = 0;
    if (
      (i > 0 && lower[i - 1] === "no") ||
      (i > 1 && lower[i - 2] === "no") ||
      (i > 2 && lower[i - 3] === "no" && (lower[i - 1] === "or" || lower[i - 1] === "nor"))
    ) {
      valence = base * N_SCALAR;
    }
    if (upper[i] === 1 && capDiff) valence += valence > 0 ? C_INCR : -C_INCR;
    for (let start = 0; start < 3; start++) {
      const k = i - (start + 1);
      if (!(i > start) || has[k] === 1) continue;
      // The reference's scalar_inc_dec: the booster's value, signed like the valence, plus
      // emphasis when the booster is in capitals among mixed case.
      let s = 0;
      const b = boost[k]!;
      if (b !== 0) {
        s = valence < 0 ? -b : b;
        if (upper[k] === 1 && capDiff) s += valence > 0 ? C_INCR : -C_INCR;
      }
      if (start === 1 && s !== 0) s *= 0.95;
      if (start === 2 && s !== 0) s *= 0.9;
      valence += s;
      valence = negationCheck(valence, lower, start, i);
      if (start === 2) valence = idiomsCheck(valence, lower, i);
    }
    // The reference's least_check.
    if (i > 1 && has[i - 1] === 0 && lower[i - 1] === "least") {
      if (lower[i - 2] !== "at" && lower[i - 2] !== "very") valence *= N_SCALAR;
    } else if (i > 0 && has[i - 1] === 0 && lower[i - 1] === "least") {
      valence *= N_SCALAR;
    }
    sentiments.push(valence);
  }
  return sentiments;
}

function negationCheck(valence: number, w: readonly string[], start: number, i: number): number {
  if (start === 0) {
    if (isNegated(w[i - 1]!)) return valence * N_SCALAR;
  } else if (start === 1) {
    if (w[i - 2] === "never" && (w[i - 1] === "so" || w[i - 1] === "this")) return valence * 1.25;
    if (w[i - 2] === "without" && w[i - 1] === "doubt") return valence;
    if (isNegated(w[i - 2]!)) return valence * N_SCALAR;
  } else {
    // Python precedence: (never and (so or this)) or (so or this at i − 1).
    if (
      (w[i - 3] === "never" && (w[i - 2] === "so" || w[i - 2] === "this")) ||
      w[i - 1] === "so" ||
      w[i - 1] === "this"
    ) {
      return valence * 1.25;
    }
    if (w[i - 3] === "without" && (w[i - 2] === "doubt" || w[i - 1] === "doubt")) return valence;
    if (isNegated(w[i - 3]!)) return valence * N_SCALAR;
  }
  return valence;
}

/** Every special case and booster n-gram contains one of these words (a cheap pre-check). */
const IDIOM_WORDS = new Set([
  "shit",
  "bomb",
  "bad",
  "ass",
  "badass",
  "bus",
  "stop",
  "yeah",
  "right",
  "kiss",
  "death",
  "die",
  "beating",
  "heart",
  "broken",
  "sort",
  "kind",
  "enough",
]);

function idiomsCheck(valence: number, w: readonly string[], i: number): number {
  let candidate = false;
  for (let k = i - 3; k <= i + 2 && !candidate; k++) candidate = IDIOM_WORDS.has(w.at(k) ?? "");
  if (!candidate) return valence;
  const at = (k: number) => w.at(k)!; // Python's negative indices wrap around
  const onezero = `${at(i - 1)} ${w[i]}`;
  const twoonezero = `${at(i - 2)} ${at(i - 1)} ${w[i]}`;
  const twoone = `${at(i - 2)} ${at(i - 1)}`;
  const threetwoone = `${at(i - 3)} ${at(i - 2)} ${at(i - 1)}`;
  const threetwo = `${at(i - 3)} ${at(i - 2)}`;
  for (const seq of [onezero, twoonezero, twoone, threetwoone, threetwo]) {
    const v = SPECIAL_CASES.get(seq);
    if (v !== undefined) {
      valence = v;
      break;
    }
  }
  if (w.length - 1 > i) {
    const v = SPECIAL_CASES.get(`${w[i]} ${w[i + 1]}`);
    if (v !== undefined) valence = v;
  }
  if (w.length - 1 > i + 1) {
    const v = SPECIAL_CASES.get(`${w[i]} ${w[i + 1]} ${w[i + 2]}`);
    if (v !== undefined) valence = v;
  }
  for (const ngram of [threetwoone, threetwo, twoone]) {
    const b = BOOSTERS.get(ngram);
    if (b !== undefined) valence += b;
  }
  return valence;
}

/**
 * The contrastive "but": valences before the first "but" are halved and those after it
 * multiplied by 1.5. Reproduces the reference exactly, including that it locates each value by
 * its first equal occurrence in the list.
 */
export function butCheck(lowerTokens: readonly string[], sentiments: number[]): number[] {
  const bi = lowerTokens.indexOf("but");
  if (bi < 0) return sentiments;
  const s = sentiments.slice();
  for (let k = 0; k < s.length; k++) {
    const v = s[k]!;
    const si = s.indexOf(v);
    if (si < bi) s[si] = v * 0.5;
    else if (si > bi) s[si] = v * 1.5;
  }
  return s;
}

/** Emphasis from up to four "!" (0.292 each) and two or more "?" (0.18 each, 0.96 for 4+). */
export function punctuationEmphasis(text: string): number {
  let ep = 0;
  let qm = 0;
  if (text.indexOf("!") < 0 && text.indexOf("?") < 0) return 0; // most sentences: no scan
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 33 /* ! */) ep++;
    else if (c === 63 /* ? */) qm++;
  }
  const epAmp = Math.min(ep, 4) * 0.292;
  const qmAmp = qm > 1 ? (qm <= 3 ? qm * 0.18 : 0.96) : 0;
  return epAmp + qmAmp;
}

/** VADER's scores from token valences (after the "but" rule) and the raw text (for punctuation). */
export function scoreValences(sentiments: readonly number[], text: string): ToneScores {
  if (sentiments.length === 0) return { compound: 0, pos: 0, neu: 0, neg: 0 };
  const punct = punctuationEmphasis(text);
  const compound = compoundOf(sentiments, punct);
  let posSum = 0;
  let negSum = 0;
  let neu = 0;
  for (const s of sentiments) {
    if (s > 0) posSum += s + 1;
    if (s < 0) negSum += s - 1;
    if (s === 0) neu += 1;
  }
  if (posSum > Math.abs(negSum)) posSum += punct;
  else if (posSum < Math.abs(negSum)) negSum -= punct;
  const total = posSum + Math.abs(negSum) + neu;
  return {
    compound: pyRound(compound, 4),
    pos: pyRound(Math.abs(posSum / total), 3),
    neu: pyRound(Math.abs(neu / total), 3),
    neg: pyRound(Math.abs(negSum / total), 3),
  };
}

/**
 * The compound score, unrounded: the valences' sum, pushed away from 0 by the punctuation
 * emphasis, normalised by x / √(x² + 15). Used where only the compound is needed.
 */
export function compoundOf(sentiments: readonly number[], punct = 0): number {
  if (sentiments.length === 0) return 0;
  let sum = 0;
  for (const s of sentiments) sum += s;
  if (sum > 0) sum += punct;
  else if (sum < 0) sum -= punct;
  return normalizeScore(sum);
}

/**
 * VADER's polarity scores of a sentence, as the reference's polarity_scores: emoji replaced by
 * their descriptions, the text stripped, split on whitespace, the rules applied, the scores
 * rounded (compound to 4 decimals, the others to 3, with Python's round).
 *
 * @example scoreTone("VADER is VERY SMART, handsome, and FUNNY!!!").compound // 0.9342 (reference README)
 */
export function scoreTone(
  text: string,
  lexicon: Lexicon = vaderLexicon(),
  emoji: ReadonlyMap<string, string> = emojiDescriptions(),
): ToneScores {
  const t = pyStrip(replaceEmoji(text, emoji));
  const tokens = tokenize(t);
  const sentiments = butCheck(
    tokens.map((w) => w.toLowerCase()),
    tokenValences(tokens, lexicon),
  );
  return scoreValences(sentiments, t);
}

/**
 * Per emoji map: 1 at the code units that begin a single-code-point key, and the lowest such
 * code unit (U+00A9 for the reference's), for a cheap pre-check.
 */
const EMOJI_STARTS = new WeakMap<ReadonlyMap<string, string>, { t: Uint8Array; min: number }>();

function emojiStarts(emoji: ReadonlyMap<string, string>): { t: Uint8Array; min: number } {
  let e = EMOJI_STARTS.get(emoji);
  if (!e) {
    const t = new Uint8Array(65536);
    let min = 65536;
    for (const k of emoji.keys()) {
      const cp = k.codePointAt(0)!;
      if (k.length === (cp > 0xffff ? 2 : 1)) {
        t[k.charCodeAt(0)] = 1;
        min = Math.min(min, k.charCodeAt(0));
      }
    }
    e = { t, min };
    EMOJI_STARTS.set(emoji, e);
  }
  return e;
}

/**
 * Where the text has an emoji of the map: its descriptions put in, as the reference does before
 * scoring, one code point at a time (so only single-code-point entries match; "☺️", ☺ plus a
 * variation selector, reads as "smiling face" followed by the selector): a space is put before a
 * description unless the text so far ends in a space, none after it. Null when there is none.
 * `from[k]` and `to[k]` give the span of the original text that produced character k of the new
 * text (an emoji's span for each character of its description).
 */
export function expandEmoji(
  text: string,
  emoji: ReadonlyMap<string, string> = emojiDescriptions(),
): { text: string; from: Int32Array; to: Int32Array } | null {
  const { t: starts, min } = emojiStarts(emoji);
  let i = 0;
  const n = text.length;
  // Below the lowest key's first code unit (U+00A9 here) one comparison per character.
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= min && starts[c] === 1) break;
  }
  if (i === n) return null;
  let out = "";
  const from: number[] = [];
  const to: number[] = [];
  let prevSpace = true;
  let found = false;
  for (let k = 0; k < n; ) {
    const cp = text.codePointAt(k)!;
    const w = cp > 0xffff && k + 1 < n ? 2 : 1;
    const ch = text.slice(k, k + w);
    const d = starts[text.charCodeAt(k)] === 1 ? emoji.get(ch) : undefined;
    if (d !== undefined) {
      found = true;
      const add = prevSpace ? d : ` ${d}`;
      out += add;
      for (let j = 0; j < add.length; j++) {
        from.push(k);
        to.push(k + w);
      }
      prevSpace = false;
    } else {
      out += ch;
      for (let j = 0; j < w; j++) {
        from.push(k + j);
        to.push(k + j + 1);
      }
      prevSpace = ch === " ";
    }
    k += w;
  }
  return found ? { text: out, from: Int32Array.from(from), to: Int32Array.from(to) } : null;
}

/** {@link expandEmoji}'s text, or the text itself when it has no emoji of the map. */
export function replaceEmoji(
  text: string,
  emoji: ReadonlyMap<string, string> = emojiDescriptions(),
): string {
  return expandEmoji(text, emoji)?.text ?? text;
}

/**
 * Every word the rules compare a lower-cased token with, besides the lexicon's: negations,
 * boosters, the words of idioms and booster phrases, and the words of the special rules.
 */
export function ruleWords(): string[] {
  return [
    ...NEGATE,
    ...IDIOM_WORDS,
    ...[...BOOSTERS.keys(), ...SPECIAL_CASES.keys()].flatMap((k) => k.split(" ")),
    ...["kind", "of", "no", "or", "nor", "least", "at", "very", "never", "so", "this"],
    ...["without", "doubt", "but"],
  ];
}
