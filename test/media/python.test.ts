/**
 * Python 3 built-ins the reference VADER relies on (src/media/python.ts). Expected values are
 * derived from the exact binary values of the doubles, not from our output: a double is
 * m·2^e, so its decimal expansion is finite and known.
 */
import { describe, expect, it } from "vitest";
import { pyRound, pyRoundExact, pySplit, pyStrip } from "../../src/media/python.ts";

describe("pyRound = Python's round(x, n)", () => {
  it("sends exact binary ties to the even digit", () => {
    // 0.0625 = 1/16, 0.9375 = 15/16, 0.1875 = 3/16, 0.8125 = 13/16, 0.125 = 1/8, 2.5 = 5/2:
    // all exact in binary and halfway at the rounded digit.
    expect(pyRound(0.0625, 3)).toBe(0.062);
    expect(pyRound(0.9375, 3)).toBe(0.938);
    expect(pyRound(0.1875, 3)).toBe(0.188);
    expect(pyRound(0.8125, 3)).toBe(0.812);
    expect(pyRound(0.125, 2)).toBe(0.12);
    expect(pyRound(0.375, 2)).toBe(0.38);
    expect(pyRound(2.5, 0)).toBe(2);
    expect(pyRound(3.5, 0)).toBe(4);
    expect(pyRound(0.5, 0)).toBe(0);
  });
  it("rounds a decimal that is no binary tie by its binary value", () => {
    // The double nearest 2.675 is 2.67499999999999982236431605997495353221893310546875 (below
    // the tie); the double nearest 0.0005 is 0.000500000000000000010408340855860842566… (above).
    expect(pyRound(2.675, 2)).toBe(2.67);
    expect(pyRound(1.005, 2)).toBe(1); // 1.00499999999999989341858963598497211933135986328125
    expect(pyRound(0.0005, 3)).toBe(0.001);
    expect(pyRound(0.0015, 3)).toBe(0.002); // 0.00150000000000000003122502256758252769…
    expect(pyRound(0.8315584, 4)).toBe(0.8316);
  });
  it("is symmetric in sign and keeps the sign of zero", () => {
    expect(pyRound(-0.0625, 3)).toBe(-0.062);
    expect(pyRound(-2.675, 2)).toBe(-2.67);
    expect(Object.is(pyRound(-0.0001, 3), -0)).toBe(true);
    expect(Object.is(pyRound(0, 3), 0)).toBe(true);
  });
  it("passes non-finite values through and rejects bad ndigits", () => {
    expect(pyRound(Number.NaN, 3)).toBeNaN();
    expect(pyRound(Number.POSITIVE_INFINITY, 3)).toBe(Number.POSITIVE_INFINITY);
    expect(() => pyRound(1, -1)).toThrow(/ndigits/);
    expect(() => pyRound(1, 1.5)).toThrow(/ndigits/);
  });
  it("takes the fast path only where it agrees with the exact expansion", () => {
    // Seeded: random doubles at many scales, and every multiple of 1/2^(n+1) in [0, 4).
    let x = 12345;
    const rnd = () => {
      x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
      return x / 0x80000000;
    };
    for (let k = 0; k < 20000; k++) {
      const v = (rnd() - 0.3) * 10 ** (Math.floor(rnd() * 8) - 4);
      const n = Math.floor(rnd() * 7);
      expect(Object.is(pyRound(v, n), pyRoundExact(v, n))).toBe(true);
    }
    for (let n = 0; n <= 4; n++)
      for (let j = 0; j < 4 * 2 ** (n + 1); j++) {
        const v = j / 2 ** (n + 1);
        expect(pyRound(v, n)).toBe(pyRoundExact(v, n));
      }
  });
});

describe("pySplit / pyStrip = str.split() / str.strip()", () => {
  it("uses Python's whitespace set", () => {
    expect(pySplit("  a\tb\n\nc\x1cd\x85e\u3000f  ")).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect(pySplit("a\ufeffb")).toEqual(["a\ufeffb"]); // U+FEFF is no whitespace in Python
    expect(pySplit(" \t ")).toEqual([]);
    expect(pyStrip("\x85 x \x1f")).toBe("x");
    expect(pyStrip("\ufeffx")).toBe("\ufeffx");
  });
});
