/**
 * Statistical kernels: skewness and kurtosis (Excel SKEW/KURT = e1071 type 2, as COINr's
 * skew/kurt), quantile type 7 (R default), rank with R's ties methods, descending ranks.
 * Expected values computed by hand or with python3 from the published formulas.
 */
import { describe, expect, it } from "vitest";
import { kurtosis, mean, range, sd, skewness, variance } from "../../src/stats/moments.ts";
import { median, quantile } from "../../src/stats/quantile.ts";
import { rank, rankDescending } from "../../src/stats/rank.ts";
import { expectClose } from "../helpers/expectClose.ts";

const NA = Number.NaN;

function expectVec(actual: ArrayLike<number>, expected: number[], what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  expected.forEach((e, i) => {
    expectClose(actual[i]!, e, { rtol: 1e-12, atol: 1e-15, what: `${what}[${i}]` });
  });
}

describe("skewness (Excel SKEW / e1071 type 2)", () => {
  it("matches the formula sqrt(n) Σd³/(Σd²)^1.5 · sqrt(n(n-1))/(n-2)", () => {
    // python3 with the e1071 type 2 formula
    expectClose(skewness([1, 2, 3, 10]), 1.763632614803888, { rtol: 1e-12, what: "1,2,3,10" });
    expectClose(skewness([2, 4, 4, 4, 5, 5, 7, 9]), 0.8184875533567997, {
      rtol: 1e-12,
      what: "2,4,4,4,5,5,7,9",
    });
    // doc example (1..10, 30, 100): 3.0632410342394985
    const doc = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100];
    expectClose(skewness(doc), 3.0632410342394985, { rtol: 1e-12, what: "doc" });
  });

  it("skips NaN; NaN when n < 3 or all equal; symmetric -> 0", () => {
    expectClose(skewness([1, NA, 2, 3, 10]), 1.763632614803888, { rtol: 1e-12, what: "NA" });
    expect(skewness([1, 2, NA])).toBeNaN();
    expect(skewness([4, 4, 4, 4])).toBeNaN();
    expect(skewness([-1, -1, 0, 1, 1])).toBe(0);
    // mirror image flips the sign
    expectClose(skewness([-1, -2, -3, -10]), -1.763632614803888, { rtol: 1e-12, what: "neg" });
  });
});

describe("kurtosis (Excel KURT / e1071 type 2, excess)", () => {
  it("matches ((n+1)(r-3)+6)(n-1)/((n-2)(n-3)), r = n Σd⁴/(Σd²)²", () => {
    // python3: (1,2,3,10) -> 3.228; (2,4,4,4,5,5,7,9) -> 0.940625; doc example 9.741390834569144
    expectClose(kurtosis([1, 2, 3, 10]), 3.228, { rtol: 1e-12, what: "1,2,3,10" });
    expectClose(kurtosis([2, 4, 4, 4, 5, 5, 7, 9]), 0.940625, { rtol: 1e-12, what: "8 values" });
    const doc = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100];
    expectClose(kurtosis(doc), 9.741390834569144, { rtol: 1e-12, what: "doc" });
    // (-1,-1,0,1,1): r = 1.25 -> ((6)(-1.75)+6)(4)/(3·2) = -3 (by hand)
    expectClose(kurtosis([-1, -1, 0, 1, 1]), -3, { rtol: 1e-12, what: "-3" });
  });

  it("skips NaN; NaN when n < 4 or all equal", () => {
    expectClose(kurtosis([NA, 1, 2, 3, 10, NA]), 3.228, { rtol: 1e-12, what: "NA" });
    expect(kurtosis([1, 2, 3])).toBeNaN();
    expect(kurtosis([2, 2, 2, 2, 2])).toBeNaN();
  });
});

describe("mean, variance, sd, range", () => {
  it("R mean/var/sd (n - 1) with na.rm", () => {
    // (3,7,1,9): mean 5, var 40/3 (by hand)
    expectClose(mean([3, 7, NA, 1, 9]), 5, { rtol: 1e-12, what: "mean" });
    expectClose(variance([3, 7, NA, 1, 9]), 40 / 3, { rtol: 1e-12, what: "var" });
    expectClose(sd([3, 7, NA, 1, 9]), Math.sqrt(40 / 3), { rtol: 1e-12, what: "sd" });
    expect(variance([1])).toBeNaN();
    expect(mean([NA])).toBeNaN();
    expect(range([3, NA, -2, 8])).toEqual([-2, 8]);
    expect(range([NA, NA]).every(Number.isNaN)).toBe(true);
  });
});

describe("quantile type 7 (R default)", () => {
  it("known R values", () => {
    // R: quantile(1:10, c(0.05, 0.95)) = 1.45, 9.55; quantile(1:10, 0.1) = 1.9
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expectClose(quantile(x, 0.05), 1.45, { rtol: 1e-12, what: "q05" });
    expectClose(quantile(x, 0.95), 9.55, { rtol: 1e-12, what: "q95" });
    expectClose(quantile(x, 0.1), 1.9, { rtol: 1e-12, what: "q10" });
    // R: quantile(c(1,2,3,4), 0.5) = 2.5
    expectClose(quantile([1, 2, 3, 4], 0.5), 2.5, { rtol: 1e-12, what: "q50" });
  });

  it("unsorted input with NaN: h = (n-1)p on the sorted present values", () => {
    // sorted (1,3,5,7): p = 0.3 -> h = 0.9 -> 1 + 0.9·2 = 2.8; p = 0.75 -> h = 2.25 -> 5.5
    expectClose(quantile([7, NA, 1, 5, 3], 0.3), 2.8, { rtol: 1e-12, what: "q30" });
    expectClose(quantile([7, NA, 1, 5, 3], 0.75), 5.5, { rtol: 1e-12, what: "q75" });
    // negative values sort numerically: (-10, -2, 3): p = 0.5 -> -2
    expect(quantile([3, -10, -2], 0.5)).toBe(-2);
  });

  it("p = 0 and 1 give min and max; empty gives NaN; p outside [0,1] throws", () => {
    expect(quantile([4, 2, 9], 0)).toBe(2);
    expect(quantile([4, 2, 9], 1)).toBe(9);
    expect(quantile([NA, NA], 0.5)).toBeNaN();
    expect(() => quantile([1, 2], 1.5)).toThrow();
    expect(() => quantile([1, 2], -0.1)).toThrow();
  });

  it("median: even count averages the middle two", () => {
    // R: median(c(10, 1, 8, 3)) = 5.5; median(c(7, 1, 3)) = 3
    expect(median([10, 1, 8, 3])).toBe(5.5);
    expect(median([7, 1, 3])).toBe(3);
  });
});

describe("rank (R rank, na.last = 'keep')", () => {
  // R docs semantics for x = c(10, 30, 20, 30)
  const X = [10, 30, 20, 30];

  it("ties methods", () => {
    expectVec(rank(X, "average"), [1, 3.5, 2, 3.5], "average");
    expectVec(rank(X), [1, 3.5, 2, 3.5], "default average");
    expectVec(rank(X, "min"), [1, 3, 2, 3], "min");
    expectVec(rank(X, "max"), [1, 4, 2, 4], "max");
    expectVec(rank(X, "first"), [1, 3, 2, 4], "first");
  });

  it("NA kept and not counted; three-way ties", () => {
    // R: rank(c(5, NA, 5, 1, 5), ties = "average", na.last = "keep") = 3 NA 3 1 3
    expectVec(rank([5, NA, 5, 1, 5], "average"), [3, NA, 3, 1, 3], "average NA");
    expectVec(rank([5, NA, 5, 1, 5], "min"), [2, NA, 2, 1, 2], "min NA");
    expectVec(rank([5, NA, 5, 1, 5], "max"), [4, NA, 4, 1, 4], "max NA");
  });
});

describe("rankDescending (rank(-x, ties = 'min'), NA kept)", () => {
  it("highest gets 1, ties share the smallest rank, next rank skipped", () => {
    // R: rank(-c(10, 30, 20, 30), ties.method = "min") = 4 1 3 1
    expectVec(rankDescending([10, 30, 20, 30]), [4, 1, 3, 1], "desc");
    // "sport" ranking 1, 2, 2, 4 with NA kept
    expectVec(rankDescending([9, 5, NA, 5, 1]), [1, 2, NA, 2, 4], "desc NA");
  });
});
