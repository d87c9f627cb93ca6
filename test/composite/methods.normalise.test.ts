/**
 * Normalisation methods against COINr's definitions (docs/methods/coinr-definitions.md §2).
 * Every expected value is computed by hand from the published formula (or with python3 where
 * noted), never by running our code.
 */
import { describe, expect, it } from "vitest";
import { normalise, normaliseVector } from "../../src/composite/normalise.ts";
import type { Dataset } from "../../src/composite/types.ts";
import { expectClose } from "../helpers/expectClose.ts";

const NA = Number.NaN;
const UNITS = ["A", "B", "C", "D", "E"];
/** One indicator over units A..E, C missing: min 1, max 9 over present values. */
const X = [3, 7, NA, 1, 9];

function dataset(cols: Record<string, number[]>, units: string[] = UNITS): Dataset {
  return {
    units,
    codes: Object.keys(cols),
    values: Object.values(cols).map((v) => Float64Array.from(v)),
  };
}

function expectVec(actual: ArrayLike<number>, expected: number[], what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  expected.forEach((e, i) => {
    expectClose(actual[i]!, e, { rtol: 1e-12, atol: 1e-15, what: `${what}[${i}]` });
  });
}

const dir = (d: number) => new Map([["x", d]]);

describe("n_minmax", () => {
  it("maps min..max onto l..u and keeps NA", () => {
    // R: (x - min)/(max - min)*(u - l) + l with min 1, max 9; computed by hand
    const out = normalise(dataset({ x: X }), { method: "n_minmax", params: { l_u: [0, 100] } });
    expectVec(out.values[0]!, [25, 75, NA, 0, 100], "minmax [0,100]");
    const out2 = normaliseVector(Float64Array.from(X), "n_minmax", { l_u: [1, 10] });
    // (x-1)/8*9 + 1: 3 -> 3.25, 7 -> 7.75, 1 -> 1, 9 -> 10 (by hand)
    expectVec(out2, [3.25, 7.75, NA, 1, 10], "minmax [1,10]");
  });

  it("defaults to l_u = [0, 100]", () => {
    // R default n_minmax(x, l_u = c(0, 100)); by hand as above
    expectVec(normaliseVector(Float64Array.from(X), "n_minmax"), [25, 75, NA, 0, 100], "default");
  });

  it("Direction -1 multiplies x by -1 before normalising", () => {
    // -x = (-3, -7, NA, -1, -9): min -9, max -1; (-x + 9)/8*100 by hand
    const out = normalise(dataset({ x: X }), { method: "n_minmax", directions: dir(-1) });
    expectVec(out.values[0]!, [75, 25, NA, 100, 0], "minmax dir -1");
  });

  it("a constant vector gives NaN (0/0), NA stays NA", () => {
    // COINr: range 0 -> warning and vector of NaN
    const out = normaliseVector(Float64Array.from([4, 4, NA, 4]), "n_minmax");
    expectVec(out, [NA, NA, NA, NA], "constant");
  });
});

describe("n_zscore", () => {
  it("(x - mean)/sd * s + m with sd denominator n - 1, NA kept", () => {
    // present values 3,7,1,9: mean 5, sd = sqrt(40/3); (x-5)/sd*2 + 10, computed with python3
    const out = normaliseVector(Float64Array.from(X), "n_zscore", { m_sd: [10, 2] });
    expectVec(
      out,
      [8.904554884989668, 11.095445115010332, NA, 7.809109769979336, 12.190890230020663],
      "zscore",
    );
  });

  it("defaults to m_sd = [0, 1]; Direction -1 flips the sign", () => {
    // (x - 5)/sqrt(40/3): 3 -> -2/sqrt(40/3) etc.; with Direction -1 the z-scores change sign
    const s = Math.sqrt(40 / 3);
    const out = normalise(dataset({ x: X }), { method: "n_zscore", directions: dir(-1) });
    expectVec(out.values[0]!, [2 / s, -2 / s, NA, 4 / s, -4 / s], "zscore dir -1");
  });

  it("a constant vector gives NaN", () => {
    // sd = 0 -> 0/0
    expectVec(normaliseVector(Float64Array.from([2, 2, 2]), "n_zscore"), [NA, NA, NA], "const");
  });
});

describe("n_scaled", () => {
  it("uses the given l, u, not the data range", () => {
    // (x - 0)/(20 - 0)*100 by hand: 3 -> 15, 7 -> 35, 1 -> 5, 9 -> 45
    const out = normaliseVector(Float64Array.from(X), "n_scaled", { npara: [0, 20] });
    expectVec(out, [15, 35, NA, 5, 45], "scaled [0,20]");
    // (x - 2)/(6 - 2)*100: 3 -> 25, 7 -> 125, 1 -> -25, 9 -> 175 (outside 0..100 allowed)
    const out2 = normaliseVector(Float64Array.from(X), "n_scaled", { npara: [2, 6] });
    expectVec(out2, [25, 125, NA, -25, 175], "scaled [2,6]");
  });

  it("Direction -1 negates x first", () => {
    // -x with npara [-10, 0]: (-x + 10)/10*100: 3 -> 70, 7 -> 30, 1 -> 90, 9 -> 10
    const out = normalise(dataset({ x: X }), {
      method: "n_scaled",
      params: { npara: [-10, 0] },
      directions: dir(-1),
    });
    expectVec(out.values[0]!, [70, 30, NA, 90, 10], "scaled dir -1");
  });
});

describe("n_rank, n_borda, n_prank (ties 'min', NA kept)", () => {
  // R: rank(c(10,30,20,30), ties.method = "min", na.last = "keep") = 1 3 2 3
  const Y = [10, 30, 20, 30, NA];

  it("n_rank", () => {
    expectVec(normaliseVector(Float64Array.from(Y), "n_rank"), [1, 3, 2, 3, NA], "rank");
  });

  it("n_borda = rank - 1", () => {
    expectVec(normaliseVector(Float64Array.from(Y), "n_borda"), [0, 2, 1, 2, NA], "borda");
  });

  it("n_prank = (rank - 1)/(N - 1) with N the number of present values (4)", () => {
    // (1-1)/3, (3-1)/3, (2-1)/3, (3-1)/3 by hand
    expectVec(
      normaliseVector(Float64Array.from(Y), "n_prank"),
      [0, 2 / 3, 1 / 3, 2 / 3, NA],
      "prank",
    );
  });

  it("n_prank with a single present value is NaN (0/0)", () => {
    expectVec(normaliseVector(Float64Array.from([5, NA]), "n_prank"), [NA, NA], "prank N=1");
  });

  it("Direction -1 ranks the negated values", () => {
    // R: rank(c(-10,-30,-20,-30), ties.method = "min") = 4 1 3 1
    const ds = dataset({ x: Y });
    expectVec(
      normalise(ds, { method: "n_rank", directions: dir(-1) }).values[0]!,
      [4, 1, 3, 1, NA],
      "rank dir -1",
    );
    expectVec(
      normalise(ds, { method: "n_borda", directions: dir(-1) }).values[0]!,
      [3, 0, 2, 0, NA],
      "borda dir -1",
    );
    expectVec(
      normalise(ds, { method: "n_prank", directions: dir(-1) }).values[0]!,
      [1, 0, 2 / 3, 0, NA],
      "prank dir -1",
    );
  });
});

describe("n_dist2max", () => {
  it("1 - (max - x)/(max - min)", () => {
    // max 9, min 1: 1 - 6/8, 1 - 2/8, 1 - 8/8, 1 - 0 by hand
    expectVec(normaliseVector(Float64Array.from(X), "n_dist2max"), [0.25, 0.75, NA, 0, 1], "d2m");
  });

  it("Direction -1 and constant vector", () => {
    // -x: max -1, min -9: 1 - (-1 + x)/8 -> 3: 0.75, 7: 0.25, 1: 1, 9: 0
    const out = normalise(dataset({ x: X }), { method: "n_dist2max", directions: dir(-1) });
    expectVec(out.values[0]!, [0.75, 0.25, NA, 1, 0], "d2m dir -1");
    expectVec(normaliseVector(Float64Array.from([3, 3, 3]), "n_dist2max"), [NA, NA, NA], "const");
  });
});

describe("n_dist2ref (reference unit by uCode)", () => {
  it("1 - (x_ref - x)/(x_ref - min), uncapped and capped", () => {
    // ref unit B (x = 7), min 1: A 1 - 4/6 = 1/3, B 1, D 0, E 1 + 2/6 = 4/3 (by hand)
    const ds = dataset({ x: X });
    const out = normalise(ds, { method: "n_dist2ref", params: { iref: "B" } });
    expectVec(out.values[0]!, [1 / 3, 1, NA, 0, 4 / 3], "d2ref");
    const capped = normalise(ds, { method: "n_dist2ref", params: { iref: "B", cap_max: true } });
    expectVec(capped.values[0]!, [1 / 3, 1, NA, 0, 1], "d2ref capped");
  });

  it("Direction -1: reference taken on the negated values", () => {
    // -x = (-3,-7,NA,-1,-9), ref B: -7, min -9: 1 - (-7 - (-x))/2 -> A 3, B 1, D 4, E 0
    const out = normalise(dataset({ x: X }), {
      method: "n_dist2ref",
      params: { iref: "B" },
      directions: dir(-1),
    });
    expectVec(out.values[0]!, [3, 1, NA, 4, 0], "d2ref dir -1");
  });

  it("a missing reference value gives all NA; an unknown unit throws", () => {
    // COINr: xref NA -> warning, all NA
    const out = normalise(dataset({ x: X }), { method: "n_dist2ref", params: { iref: "C" } });
    expectVec(out.values[0]!, [NA, NA, NA, NA, NA], "d2ref NA ref");
    expect(() =>
      normalise(dataset({ x: X }), { method: "n_dist2ref", params: { iref: "ZZZ" } }),
    ).toThrow();
  });
});

describe("n_dist2targ", () => {
  it("direction 1: (x - min)/(targ - min), cap_max caps above 1", () => {
    // min 1, targ 8: 2/7, 6/7, 0, 8/7 (by hand)
    const x = Float64Array.from(X);
    expectVec(normaliseVector(x, "n_dist2targ", { targ: 8 }), [2 / 7, 6 / 7, NA, 0, 8 / 7], "d2t");
    expectVec(
      normaliseVector(x, "n_dist2targ", { targ: 8, cap_max: true }),
      [2 / 7, 6 / 7, NA, 0, 1],
      "d2t capped",
    );
  });

  it("direction -1: (max - x)/(max - targ), cap_max caps above 1 only", () => {
    // max 9, targ 2: (9-3)/7, (9-7)/7, (9-1)/7, 0 (by hand)
    const x = Float64Array.from(X);
    expectVec(
      normaliseVector(x, "n_dist2targ", { targ: 2, direction: -1 }),
      [6 / 7, 2 / 7, NA, 8 / 7, 0],
      "d2t dir -1",
    );
    expectVec(
      normaliseVector(x, "n_dist2targ", { targ: 2, direction: -1, cap_max: true }),
      [6 / 7, 2 / 7, NA, 1, 0],
      "d2t dir -1 capped",
    );
  });

  it("iMeta Target with Direction -1: targ = Target x Direction, net (max - x)/(max - Target)", () => {
    // doc §2.2: net effect for Direction -1 is (max(x) - x)/(max(x) - Target); Target 2, max 9
    const out = normalise(dataset({ x: X }), {
      method: "n_dist2targ",
      directions: dir(-1),
      targets: new Map([["x", 2]]),
    });
    expectVec(out.values[0]!, [6 / 7, 2 / 7, NA, 8 / 7, 0], "d2t iMeta dir -1");
  });

  it("iMeta Target with Direction 1 and cap_max", () => {
    // (x - 1)/(8 - 1) capped at 1 (by hand)
    const out = normalise(dataset({ x: X }), {
      method: "n_dist2targ",
      params: { cap_max: true },
      targets: new Map([["x", 8]]),
    });
    expectVec(out.values[0]!, [2 / 7, 6 / 7, NA, 0, 1], "d2t iMeta capped");
  });
});

describe("n_fracmax", () => {
  it("x / max(x)", () => {
    // max 9: 3/9, 7/9, 1/9, 1 (by hand)
    expectVec(
      normaliseVector(Float64Array.from(X), "n_fracmax"),
      [1 / 3, 7 / 9, NA, 1 / 9, 1],
      "fracmax",
    );
  });

  it("Direction -1: (-x)/max(-x)", () => {
    // -x = (-3,-7,NA,-1,-9), max(-x) = -1: -x/-1 = x (by hand)
    const out = normalise(dataset({ x: X }), { method: "n_fracmax", directions: dir(-1) });
    expectVec(out.values[0]!, [3, 7, NA, 1, 9], "fracmax dir -1");
  });
});

describe("n_goalposts", () => {
  it("(x - l)/(u - l), truncated to [0, 1] with trunc2posts, times the scale", () => {
    // l 2, u 8, a 100: 3 -> 100/6, 7 -> 500/6, 1 -> -1/6 -> 0, 9 -> 7/6 -> 1 (by hand)
    const x = Float64Array.from(X);
    expectVec(
      normaliseVector(x, "n_goalposts", { gposts: [2, 8, 100] }),
      [100 / 6, 500 / 6, NA, 0, 100],
      "gp trunc",
    );
    expectVec(
      normaliseVector(x, "n_goalposts", { gposts: [2, 8, 100], trunc2posts: false }),
      [100 / 6, 500 / 6, NA, -100 / 6, 700 / 6],
      "gp no trunc",
    );
  });

  it("function direction -1: (x - u)/(l - u)", () => {
    // (x - 8)/(2 - 8): 3 -> 5/6, 7 -> 1/6, 1 -> 7/6 -> 1, 9 -> -1/6 -> 0; times 1
    expectVec(
      normaliseVector(Float64Array.from(X), "n_goalposts", { gposts: [2, 8, 1], direction: -1 }),
      [5 / 6, 1 / 6, NA, 1, 0],
      "gp fn dir -1",
    );
  });

  it("indicator Direction -1 negates the goalposts (use_iMeta): (u - x)/(u - l)", () => {
    // doc §2.2: net y = (upper - x)/(upper - lower), truncated, times scale; l 2, u 8, a 100
    const ds = dataset({ x: X });
    const out = normalise(ds, {
      method: "n_goalposts",
      params: { gposts: [2, 8, 100] },
      directions: dir(-1),
    });
    expectVec(out.values[0]!, [500 / 6, 100 / 6, NA, 100, 0], "gp Direction -1");
    const raw = normalise(ds, {
      method: "n_goalposts",
      params: { gposts: [2, 8, 100], trunc2posts: false },
      directions: dir(-1),
    });
    expectVec(raw.values[0]!, [500 / 6, 100 / 6, NA, 700 / 6, -100 / 6], "gp Direction -1 raw");
  });
});

describe("normalise flow", () => {
  it("per-indicator specs override the global spec; 'none' returns x * Direction", () => {
    // a: global minmax (by hand as above); b: indiv n_fracmax; c: "none" with Direction -1
    const ds = dataset({ a: X, b: [2, 4, 8, NA, 1], c: [1, 2, 3, 4, 5] });
    const out = normalise(ds, {
      method: "n_minmax",
      directions: new Map([["c", -1]]),
      indiv: { b: { method: "n_fracmax" }, c: "none" },
    });
    expectVec(out.values[0]!, [25, 75, NA, 0, 100], "a");
    expectVec(out.values[1]!, [0.25, 0.5, 1, NA, 0.125], "b");
    expectVec(out.values[2]!, [-1, -2, -3, -4, -5], "c");
    expect(out.codes).toEqual(["a", "b", "c"]);
    expect(out.units).toEqual(UNITS);
  });
});
