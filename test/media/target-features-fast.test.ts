/**
 * The tone features are computed on a fast path (src/media/target-tone.ts prepareSentence):
 * char-code tokenising, one lower-casing per sentence, word-table look-ups in which tokens the
 * rules do not know read as one stand-in. This checks it against the plain definition written
 * with the public VADER pieces (emoji descriptions put in, tokens between Python whitespace,
 * stripPunctuation, per-token lower case, tokenValences, butCheck): the features must be exactly
 * equal, on seeded random sentences made of ordinary, sentiment, negation, booster, idiom and
 * awkward tokens (capital sigma, dotted İ, curly quotes, emoticons, emoji, "n't", the mask word
 * itself, Unicode spaces, including those Python and JavaScript disagree on).
 */
import { describe, expect, it } from "vitest";
import { vaderLexicon } from "../../src/io/lexicon.ts";
import {
  FEATURE_COUNT,
  featuresInto,
  prepareSentence,
  type Span,
  targetFeatures,
} from "../../src/media/target-tone.ts";
import {
  butCheck,
  compoundOf,
  expandEmoji,
  type Lexicon,
  lowerCase,
  punctuationEmphasis,
  stripPunctuation,
  tokenValences,
} from "../../src/media/vader.ts";

/** The features as defined, written plainly (no scratch arrays, no word table). */
function plainFeatures(sentence: string, targets: Span[], lexicon: Lexicon): number[][] {
  // Python's str.isspace() characters (U+001C..U+001F and U+0085 are, U+FEFF is not).
  const notSpace =
    // biome-ignore lint/suspicious/noControlCharactersInRegex: Python's whitespace has U+001C..U+001F
    /[^\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
  const e = expandEmoji(sentence);
  const text = e ? e.text : sentence;
  const spans = [...text.matchAll(notSpace)].map((m) => ({
    token: m[0],
    start: e ? e.from[m.index]! : m.index,
    end: e ? e.to[m.index + m[0].length - 1]! : m.index + m[0].length,
  }));
  const n = spans.length;
  const tokens = spans.map((s) =>
    targets.some((m) => s.start < m.to && s.end > m.from) ? "xxtarget" : stripPunctuation(s.token),
  );
  const lower = tokens.map(lowerCase);
  const val = butCheck(lower, tokenValences(tokens, lexicon, lower));
  const sentenceCompound = compoundOf(val, punctuationEmphasis(text));
  const clause: number[] = [];
  let c = 0;
  const clauseWords = [
    "but",
    "while",
    "although",
    "though",
    "whereas",
    "however",
    "yet",
    "despite",
  ];
  for (let i = 0; i < n; i++) {
    if (clauseWords.includes(lower[i]!)) c++;
    clause.push(c);
    if (/[,;:]$/.test(spans[i]!.token)) c++;
  }
  return targets.map((t) => {
    let a = spans.findIndex((s) => s.end > t.from);
    if (a < 0) a = Math.max(0, n - 1);
    let b = a;
    while (b + 1 < n && spans[b + 1]!.start < t.to) b++;
    const f = [sentenceCompound];
    for (const tau of [4, 10]) {
      let p = 0;
      let q = 0;
      for (let i = 0; i < n; i++) {
        const v = val[i]!;
        if (v === 0) continue;
        const w = Math.exp(-(i < a ? a - i : i > b ? i - b : 0) / tau);
        if (v > 0) p += v * w;
        else q -= v * w;
      }
      f.push(p, q);
    }
    let [lp, ln, rp, rn] = [0, 0, 0, 0];
    const own: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = val[i]!;
      if (clause[i] === clause[a]) own.push(v);
      if (i < a && a - i <= 8) {
        if (v > 0) lp += v;
        else ln -= v;
      }
      if (i > b && i - b <= 8) {
        if (v > 0) rp += v;
        else rn -= v;
      }
    }
    f.push(lp, ln, rp, rn, compoundOf(own));
    return f;
  });
}

const WORDS = [
  ..."the of China said on Tuesday that trade talks with Washington were going well".split(" "),
  ..."good great bad terrible war crisis happy LOVE hate HORRIBLE support attack".split(" "),
  ..."not no never isn't don't N'T can’t without nor or least at very kind of sort".split(" "),
  ..."so this but BUT however while although yet despite extremely VERY slightly".split(" "),
  ..."the shit bad ass kiss of death yeah right to die for beating heart broken".split(" "),
  ...[":)", ":-(", "<3", "!!", "?", "…", "“Great”", "(good)", "bad,", "war;", "ok:", "--"],
  ...["ΟΔΟΣ", "ΟΔΟΣ.", "Σ", "İstanbul", "İYİ", "café", "NAÏVE", "straße", "xxtarget", "XXTARGET"],
  ...[
    "😀",
    "x😁",
    "😁😁!",
    "☺️",
    "Ǆ",
    "ǅ",
    "U.S.",
    "U.S.-China",
    "China's",
    "China’s",
    "5G",
    "A.I.",
    "won't!",
  ],
];
const SPACES = [" ", " ", " ", "  ", "\t", "\u00a0", "\u2009", "\u3000", "\ufeff", "\x1c", "\x85"];

function* sentences(seed: number, count: number): Generator<{ s: string; targets: Span[] }> {
  let x = seed;
  const rnd = () => {
    x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
    return x / 0x80000000;
  };
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)]!;
  for (let k = 0; k < count; k++) {
    const len = 1 + Math.floor(rnd() * 30);
    let s = "";
    for (let i = 0; i < len; i++) s += (i ? pick(SPACES) : "") + pick(WORDS);
    if (rnd() < 0.2) s = ` ${s}!? `;
    const targets: Span[] = [];
    for (let t = Math.floor(rnd() * 4); t > 0; t--) {
      const from = Math.floor(rnd() * s.length);
      targets.push({ from, to: Math.min(s.length + 2, from + 1 + Math.floor(rnd() * 12)) });
    }
    yield { s, targets };
  }
}

describe("target-tone features: fast path = plain definition", () => {
  const lexicon = vaderLexicon();
  it("gives exactly the same features on 5,000 seeded random sentences", () => {
    let checked = 0;
    for (const { s, targets } of sentences(20261128, 5000)) {
      const expected = plainFeatures(s, targets, lexicon);
      expect(
        targetFeatures(s, targets, lexicon).map((f) => Array.from(f)),
        s,
      ).toEqual(expected);
      // As media score calls it: the sentence's lower case given, features into one buffer.
      const p = prepareSentence(s, targets, lexicon, s.toLowerCase());
      const out = new Float64Array(FEATURE_COUNT);
      targets.forEach((t, k) => {
        featuresInto(p, t.from, t.to, out);
        expect(Array.from(out), s).toEqual(expected[k]);
      });
      checked += targets.length;
    }
    expect(checked).toBeGreaterThan(5000);
  });
});
