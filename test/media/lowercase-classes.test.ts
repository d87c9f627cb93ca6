/**
 * Mention detection, the tone features and the frames find words and tokens on a sentence's
 * lower case (src/media/mentions.ts, target-tone.ts, frames.ts): that is only right if lower
 * casing keeps the class of every character (word / space / other, ASCII punctuation or not)
 * and maps surrogate pairs to surrogate pairs, whenever the lower case has the sentence's
 * length; the frames' own word characters differ only at three signs, which frames.ts checks.
 */
import { describe, expect, it } from "vitest";
import { detectFrames } from "../../src/media/frames.ts";
import { CHAR_CLASS } from "../../src/media/gazetteer/tokens.ts";
import { PUNCTUATION_CODE } from "../../src/media/vader.ts";

describe("lower casing keeps character classes", () => {
  it("for every BMP code unit whose lower case is one unit", () => {
    const differ: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const l = String.fromCharCode(c).toLowerCase();
      if (l.length !== 1) continue; // only U+0130 İ: the callers then fall back to the sentence
      const d = l.charCodeAt(0);
      if (
        CHAR_CLASS[c] !== CHAR_CLASS[d] ||
        (PUNCTUATION_CODE[c] ?? 0) !== (PUNCTUATION_CODE[d] ?? 0)
      )
        differ.push(c.toString(16));
    }
    expect(differ).toEqual([]);
  });

  it("for astral characters: two units stay two units", () => {
    const differ: string[] = [];
    for (let cp = 0x10000; cp < 0x110000; cp++) {
      const s = String.fromCodePoint(cp);
      if (s.toLowerCase().length !== 2) differ.push(cp.toString(16));
    }
    expect(differ).toEqual([]);
  });
});

describe("frames find words on the lower case except around the Ohm, Kelvin and Angstrom signs", () => {
  // These three are not word characters, but their lower cases (ω, k, å) are.
  for (const sign of ["\u2126", "\u212a", "\u212b"]) {
    it(`U+${sign.charCodeAt(0).toString(16).toUpperCase()} still separates words`, () => {
      expect(detectFrames(`trade${sign}war`)).toEqual(["economy_trade", "security_military"]);
    });
  }
});
