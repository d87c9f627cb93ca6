/**
 * The VADER scorer against the Python reference (vaderSentiment 3.3.2 with its own lexicons,
 * shipped in data/media/vader): the reference README's published outputs, rounding ties derived
 * from exact binary values, emoji, and the reference compound of every human-rated sentence of
 * the VADER study (../shared/data/media/vader: tweets, movie and Amazon review snippets).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/io/table.ts";
import { vaderLexicon } from "../../src/media/lexicon.ts";
import { expandEmoji, scoreTone, tokenize } from "../../src/media/vader.ts";
import { correlation } from "../../src/stats/correlation.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

describe("VADER rules (examples from the reference implementation's README)", () => {
  // Published outputs of vaderSentiment's README example sentences: [compound, pos, neu, neg],
  // or the compound alone where the README line is not quoted here in full.
  const cases: [string, number[]][] = [
    ["VADER is smart, handsome, and funny.", [0.8316, 0.746, 0.254, 0]],
    ["VADER is smart, handsome, and funny!", [0.8439, 0.752, 0.248, 0]],
    ["VADER is very smart, handsome, and funny.", [0.8545, 0.701, 0.299, 0]],
    ["VADER is VERY SMART, handsome, and FUNNY.", [0.9227, 0.754, 0.246, 0]],
    ["VADER is VERY SMART, handsome, and FUNNY!!!", [0.9342, 0.767, 0.233, 0]],
    ["VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", [0.9469, 0.706, 0.294, 0]],
    ["VADER is not smart, handsome, nor funny.", [-0.7424, 0, 0.354, 0.646]],
    ["The book was good.", [0.4404, 0.492, 0.508, 0]],
    // The README's pos/neu for this line (0.363/0.637) predate 3.3's keeping one-letter tokens
    // ("a"): 2.85 / (2.85 + 5) then, 2.85 / (2.85 + 6) = 0.322 now; the compound is unchanged.
    ["At least it isn't a horrible book.", [0.431, 0.322, 0.678, 0]],
    ["The book was only kind of good.", [0.3832]],
    [
      "The plot was good, but the characters are uncompelling and the dialog is not great.",
      [-0.7042, 0.094, 0.579, 0.327],
    ],
    ["Today SUX!", [-0.5461, 0, 0.221, 0.779]],
    ["Today only kinda sux! But I'll get by, lol", [0.5249]],
    ["Make sure you :) or :D today!", [0.8633]],
    ["Not bad at all", [0.431, 0.487, 0.513, 0]],
  ];
  for (const [text, [compound, ...rest]] of cases) {
    it(`scores "${text}" as ${compound}`, () => {
      const s = scoreTone(text);
      expect(s.compound).toBeCloseTo(compound!, 4);
      if (rest.length) expect([s.pos, s.neu, s.neg]).toEqual(rest);
    });
  }
  it("returns zeros for an empty sentence", () => {
    expect(scoreTone("   ")).toEqual({ compound: 0, pos: 0, neu: 0, neg: 0 });
  });
  it("keeps emoticons and contractions when stripping punctuation", () => {
    // The reference keeps a token whole when stripping leaves 2 characters or fewer ("it?!").
    expect(tokenize("Great!! :) isn't it?!")).toEqual(["Great", ":)", "isn't", "it?!"]);
  });
  it("splits on Python's whitespace (U+001C and U+0085 separate, U+FEFF does not)", () => {
    expect(tokenize("good\x1cbad\x85ok\ufeffyes")).toEqual(["good", "bad", "ok\ufeffyes"]);
  });
});

describe("the reference lexicon", () => {
  it("has the entries the npm vader-sentiment lexicon lacked or scored otherwise", () => {
    // vader_lexicon.txt of vaderSentiment 3.3.2 (lines in its emoticon/emoji part).
    const lex = vaderLexicon();
    expect(lex.get("heart")).toBe(3.2);
    expect(lex.get("hearts")).toBe(3.3);
    expect(lex.get("flawed")).toBe(-2.1);
    expect(lex.get("badass")).toBe(1.4);
    expect(lex.size).toBe(7506); // 7,520 lines, 14 words listed twice (the later line wins)
  });
});

describe("rounding as Python's round (ties to even only on exact binary ties)", () => {
  // "ftw" has valence 2.0 and "jj" 1.0 in the lexicon; the other words are not in it. With one
  // sentiment word of valence v and m neutral tokens, pos = (v + 1) / (v + 1 + m) exactly.
  const neutral = (m: number) => Array.from({ length: m }, () => "table").join(" ");
  it("one word of valence 1 and 30 neutral tokens: pos 2/32 = 0.0625 -> 0.062, neu 0.9375 -> 0.938", () => {
    // 0.0625 and 0.9375 are exact in binary, so both are ties: to the even digit.
    const s = scoreTone(`jj ${neutral(30)}`);
    expect(s.pos).toBe(0.062);
    expect(s.neu).toBe(0.938);
    expect(s.neg).toBe(0);
  });
  it("one word of valence 2 and 13 neutral tokens: pos 3/16 = 0.1875 -> 0.188, neu 0.8125 -> 0.812", () => {
    const s = scoreTone(`ftw ${neutral(13)}`);
    expect(s.pos).toBe(0.188);
    expect(s.neu).toBe(0.812);
  });
  it("a value that only looks like a tie rounds by its binary value", () => {
    // 1 neutral token against valence 2: pos = 3/4 exactly -> 0.75; 1/3 is no tie.
    const s = scoreTone("ftw table");
    expect(s.pos).toBe(0.75);
    expect(s.neu).toBe(0.25);
    const t = scoreTone("ftw table table table table table");
    expect(t.pos).toBe(0.375); // 3/8: exact at 3 decimals already
  });
});

describe("emoji, as the reference: replaced by their descriptions before scoring", () => {
  it("puts the description in, with a space before it unless one is there", () => {
    // emoji_utf8_lexicon.txt: 😁 "beaming face with smiling eyes", 💔 "broken heart".
    expect(expandEmoji("so 😁")?.text).toBe("so beaming face with smiling eyes");
    expect(expandEmoji("so😁!")?.text).toBe("so beaming face with smiling eyes!");
    expect(expandEmoji("plain text")).toBeNull();
    const e = expandEmoji("a😁b")!;
    expect(e.text).toBe("a beaming face with smiling eyesb");
    expect([e.from[2], e.to[2]]).toEqual([1, 3]); // description characters span the emoji
    expect([e.from[e.text.length - 1], e.to[e.text.length - 1]]).toEqual([3, 4]);
  });
  it("scores an emoji by its description's words", () => {
    // "broken heart" is a special case of the reference (valence -2.9 on "heart").
    expect(scoreTone("my 💔").compound).toBe(scoreTone("my broken heart").compound);
    expect(scoreTone("😁").compound).toBe(scoreTone("beaming face with smiling eyes").compound);
  });
  it("matches one code point at a time, as the reference (a variation selector stays)", () => {
    // "☺️" is U+263A U+FE0F: U+263A is replaced ("smiling face"), U+FE0F is kept after it.
    expect(expandEmoji("\u263a\ufe0f")?.text).toBe("smiling face\ufe0f");
  });
});

describe.skipIf(!hasShared)(
  "agreement with the Python reference on the VADER study's sentences",
  () => {
    const files = ["amazonReviewSnippets", "movieReviewSnippets", "tweets"] as const;
    it("matches the reference compound to 1e-4 on every one of the 18,513 sentences", () => {
      let total = 0;
      const differ: string[] = [];
      const ours: number[] = [];
      const ref: number[] = [];
      const human: number[] = [];
      for (const f of files) {
        const t = parseCsv(
          readFileSync(sharedPath("media", "vader", `${f}_human_and_python_vader.csv`), "utf8"),
          f,
        );
        for (const row of t.rows) {
          const c = scoreTone(row[3]!).compound;
          const r = Number(row[2]);
          total++;
          ours.push(c);
          ref.push(r);
          human.push(Number(row[1]));
          if (!(Math.abs(c - r) <= 1e-4 + 1e-12)) differ.push(`${f} ${row[0]}: ${c} vs ${r}`);
        }
      }
      expect(total).toBe(18513);
      expect(differ).toEqual([]);
      expect(correlation(ours, human)).toBeCloseTo(correlation(ref, human), 12);
    });
  },
);

describe.skipIf(!hasShared)("the shipped lexicon copies", () => {
  it("equal the reference files in ../shared, and the JSON module is their conversion", async () => {
    const { lexiconJson } = await import("../../scripts/vader-lexicon.ts");
    const root = new URL("../../data/media/", import.meta.url);
    const read = (u: URL | string) => readFileSync(u, "utf8");
    for (const f of ["vader_lexicon.txt", "emoji_utf8_lexicon.txt", "LICENSE-vaderSentiment.txt"])
      expect(read(new URL(`vader/${f}`, root)) === read(sharedPath("media", "vader", f)), f).toBe(
        true,
      );
    expect(read(new URL("vader-lexicon.json", root))).toBe(
      lexiconJson(
        read(new URL("vader/vader_lexicon.txt", root)),
        read(new URL("vader/emoji_utf8_lexicon.txt", root)),
      ),
    );
  });
});
