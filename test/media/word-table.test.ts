import { describe, expect, it } from "vitest";
import { WordTable } from "../../src/media/word-table.ts";

describe("WordTable", () => {
  const words = [
    "good",
    "bad",
    "n't",
    "γειά",
    "😀",
    ...Array.from({ length: 500 }, (_, i) => `w${i}`),
  ];
  const t = new WordTable([...words, "good"]);

  it("finds each word by a range of a longer string, and returns its one shared string", () => {
    const s = "not good, w17 bad 😀 γειά";
    expect(t.words[t.find(s, 4, 8)]).toBe("good");
    expect(t.find(s, 10, 13)).toBe(words.indexOf("w17"));
    expect(t.get(s, 18, 20, "?")).toBe("😀");
    expect(t.get(s, 21, 25, "?")).toBe("γειά");
  });

  it("answers -1 (or the fallback) for anything else, including prefixes and the empty range", () => {
    const s = "goods go w5000 Bad";
    expect(t.find(s, 0, 5)).toBe(-1);
    expect(t.find(s, 0, 2)).toBe(-1);
    expect(t.find(s, 9, 14)).toBe(-1);
    expect(t.find(s, 15, 18)).toBe(-1); // case-sensitive
    expect(t.find(s, 3, 3)).toBe(-1);
    expect(t.get(s, 0, 5, "")).toBe("");
  });

  it("keeps distinct words once, in insertion order", () => {
    expect(t.words.length).toBe(words.length);
    expect(t.words.slice(0, 3)).toEqual(["good", "bad", "n't"]);
    for (const [k, w] of words.entries()) expect(t.find(w, 0, w.length)).toBe(k);
  });
});
