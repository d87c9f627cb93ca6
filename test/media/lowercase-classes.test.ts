/**
 * Mention detection and the tone features find words and tokens on a sentence's lower case
 * (src/media/mentions.ts, target-tone.ts): that is only right if lower casing keeps the class
 * of every character (word / space / other, ASCII punctuation or not) and maps surrogate pairs
 * to surrogate pairs, whenever the lower case has the sentence's length.
 */
import { describe, expect, it } from "vitest";
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
