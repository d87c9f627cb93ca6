/**
 * Aggregation methods against COINr's definitions (docs/methods/coinr-definitions.md §3).
 * Expected values are computed by hand from the published formulas (or with python3 where noted).
 */
import { describe, expect, it } from "vitest";
import { aggregate, aggregateNode } from "../../src/composite/aggregate.ts";
import { buildFramework } from "../../src/composite/framework.ts";
import type { Dataset, MetaRow } from "../../src/composite/types.ts";
import { expectClose } from "../helpers/expectClose.ts";

const NA = Number.NaN;

function row(
  iCode: string,
  type: MetaRow["type"],
  level: number | null,
  parent: string | null,
  weight: number | null,
  rowNo: number,
): MetaRow {
  return {
    iCode,
    iName: iCode,
    type,
    level,
    direction: type === "Indicator" ? 1 : null,
    weight,
    unit: null,
    target: null,
    denominator: null,
    parent,
    source: { file: "iMeta.csv", row: rowNo },
  };
}

/**
 * Index (L3) <- P1 (L2, weight 1) <- i1 (w 1), i2 (w 2), i3 (w 1)
 *            <- P2 (L2, weight 1) <- i4 (w 1), i5 (w 3)
 */
const META: MetaRow[] = [
  row("i1", "Indicator", 1, "P1", 1, 2),
  row("i2", "Indicator", 1, "P1", 2, 3),
  row("i3", "Indicator", 1, "P1", 1, 4),
  row("i4", "Indicator", 1, "P2", 1, 5),
  row("i5", "Indicator", 1, "P2", 3, 6),
  row("P1", "Aggregate", 2, "Index", 1, 7),
  row("P2", "Aggregate", 2, "Index", 1, 8),
  row("Index", "Aggregate", 3, null, 1, 9),
];
const FW = buildFramework(META);

/** u1 complete; u2 misses i1 and i4; u3 has only i3 in P1. */
const DATA: Dataset = {
  units: ["u1", "u2", "u3"],
  codes: ["i1", "i2", "i3", "i4", "i5"],
  values: [
    [10, NA, NA],
    [20, 30, NA],
    [40, 60, 5],
    [50, NA, 2],
    [10, 20, 4],
  ].map((v) => Float64Array.from(v)),
};

function col(ds: Dataset, code: string): Float64Array {
  const j = ds.codes.indexOf(code);
  expect(j, `column ${code}`).toBeGreaterThanOrEqual(0);
  return ds.values[j]!;
}

function expectVec(actual: ArrayLike<number>, expected: number[], what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  expected.forEach((e, i) => {
    expectClose(actual[i]!, e, { rtol: 1e-12, atol: 1e-15, what: `${what}[${i}]` });
  });
}

describe("a_amean", () => {
  it("weighted mean; a missing child renormalises the weights over the present ones", () => {
    const out = aggregate(DATA, FW);
    // P1: u1 (10 + 2*20 + 40)/4 = 22.5; u2 (2*30 + 60)/3 = 40; u3 only i3 -> 5 (by hand)
    expectVec(col(out, "P1"), [22.5, 40, 5], "P1");
    // P2: u1 (50 + 3*10)/4 = 20; u2 only i5 -> 20; u3 (2 + 3*4)/4 = 3.5
    expectVec(col(out, "P2"), [20, 20, 3.5], "P2");
    // Index = (P1 + P2)/2: 21.25, 30, 4.25
    expectVec(col(out, "Index"), [21.25, 30, 4.25], "Index");
  });

  it("output columns: indicators, then level 2, then level 3", () => {
    const out = aggregate(DATA, FW);
    expect(out.codes).toEqual(["i1", "i2", "i3", "i4", "i5", "P1", "P2", "Index"]);
    expect(out.units).toEqual(["u1", "u2", "u3"]);
  });

  it("weights override iMeta; codes not given fall back to iMeta", () => {
    // i2 weight 1 (instead of 2), P2 weight 3: P1 u1 (10+20+40)/3 = 70/3, u2 (30+60)/2 = 45,
    // u3 5; P2 as before; Index = (P1 + 3 P2)/4 (by hand)
    const out = aggregate(DATA, FW, { weights: { i2: 1, P2: 3 } });
    expectVec(col(out, "P1"), [70 / 3, 45, 5], "P1 w");
    expectVec(col(out, "Index"), [(70 / 3 + 60) / 4, (45 + 60) / 4, (5 + 10.5) / 4], "Index w");
  });

  it("all children missing gives NA", () => {
    const out = aggregateNode(
      "G",
      [Float64Array.from([NA]), Float64Array.from([NA])],
      [1, 1],
      1,
      "a_amean",
    );
    expectVec(out, [NA], "all NA");
  });
});

describe("dat_thresh (strict: availability < thresh gives NA)", () => {
  it("availability equal to the threshold passes; below gives NA", () => {
    // P1 availability: u1 3/3, u2 2/3, u3 1/3; P2: u1 1, u2 1/2, u3 1
    const out = aggregate(DATA, FW, { dat_thresh: 2 / 3 });
    expectVec(col(out, "P1"), [22.5, 40, NA], "P1 thresh 2/3");
    expectVec(col(out, "P2"), [20, NA, 3.5], "P2 thresh 2/3");
    // Index (children P1, P2): u2 has only P1 (1/2 < 2/3) -> NA; u3 only P2 -> NA
    expectVec(col(out, "Index"), [21.25, NA, NA], "Index thresh 2/3");
    const half = aggregate(DATA, FW, { dat_thresh: 0.5 });
    // P2 u2 availability 1/2 == 0.5 passes
    expectVec(col(half, "P2"), [20, 20, 3.5], "P2 thresh 0.5");
    expectVec(col(half, "P1"), [22.5, 40, NA], "P1 thresh 0.5");
  });

  it("a threshold per level", () => {
    // level 2: none (0); level 3: 1 -> Index NA where a child is NA (none here)
    const out = aggregate(DATA, FW, { dat_thresh: [0, 1] });
    expectVec(col(out, "P1"), [22.5, 40, 5], "P1");
    expectVec(col(out, "Index"), [21.25, 30, 4.25], "Index");
  });
});

describe("a_gmean", () => {
  it("exp(Σ w ln x / Σ w) over present children", () => {
    // u1: (10^1 * 20^2 * 40^1)^(1/4) = 160000^(1/4) = 20 (by hand);
    // u2: (30^2 * 60)^(1/3) = 54000^(1/3) = 37.797631496846186 (python3)
    const cols = [
      [10, NA],
      [20, 30],
      [40, 60],
    ].map((v) => Float64Array.from(v));
    expectVec(
      aggregateNode("P1", cols, [1, 2, 1], 2, "a_gmean"),
      [20, 37.797631496846186],
      "gmean",
    );
  });

  it("throws on a value <= 0 (zero and negative)", () => {
    const zero = [Float64Array.from([0]), Float64Array.from([5])];
    expect(() => aggregateNode("P1", zero, [1, 1], 1, "a_gmean")).toThrow(/P1/);
    const neg = [Float64Array.from([-1]), Float64Array.from([5])];
    expect(() => aggregateNode("P1", neg, [1, 1], 1, "a_gmean")).toThrow();
    expect(() => aggregate(DATA, FW, { method: "a_gmean" })).not.toThrow();
  });
});

describe("a_hmean", () => {
  it("Σ w / Σ (w / x) over present children", () => {
    // u1: 4/(1/10 + 2/20 + 1/40) = 4/0.225 = 17.77777777777778; u2: 3/(2/30 + 1/60) = 36
    const cols = [
      [10, NA],
      [20, 30],
      [40, 60],
    ].map((v) => Float64Array.from(v));
    expectVec(aggregateNode("P1", cols, [1, 2, 1], 2, "a_hmean"), [160 / 9, 36], "hmean");
  });

  it("throws on a zero", () => {
    const zero = [Float64Array.from([0]), Float64Array.from([5])];
    expect(() => aggregateNode("P1", zero, [1, 1], 1, "a_hmean")).toThrow();
  });
});

describe("a_genmean", () => {
  it("(Σ w x^p / Σ w)^(1/p); any missing child gives NA", () => {
    // p = 2, u1: sqrt((100 + 2*400 + 1600)/4) = sqrt(625) = 25; u2 misses i1 -> NA
    const cols = [
      [10, NA],
      [20, 30],
      [40, 60],
    ].map((v) => Float64Array.from(v));
    expectVec(aggregateNode("P1", cols, [1, 2, 1], 2, "a_genmean", 2), [25, NA], "genmean p2");
    // p = -1 equals the harmonic mean: 160/9 (by hand, as a_hmean)
    expectVec(
      aggregateNode("P1", cols, [1, 2, 1], 2, "a_genmean", -1),
      [160 / 9, NA],
      "genmean p-1",
    );
  });

  it("p = 0 is rejected; x <= 0 with p < 0 throws", () => {
    const cols = [Float64Array.from([1]), Float64Array.from([2])];
    expect(() => aggregateNode("G", cols, [1, 1], 1, "a_genmean", 0)).toThrow();
    const zero = [Float64Array.from([0]), Float64Array.from([2])];
    expect(() => aggregateNode("G", zero, [1, 1], 1, "a_genmean", -1)).toThrow();
  });

  it("in the framework: P1 u2 and u3 NA because a child is missing", () => {
    // P1 u1 p = 1 -> arithmetic mean 22.5; u2, u3 miss children -> NA
    const out = aggregate(DATA, FW, { method: "a_genmean", p: 1 });
    expectVec(col(out, "P1"), [22.5, NA, NA], "P1 genmean");
  });
});

describe("a_copeland", () => {
  it("3 units x 3 indicators, outranking with ties counting half", () => {
    // A = (1,5,5), B = (2,4,5), C = (3,3,3); w = (2,1,1) -> (0.5, 0.25, 0.25)
    // O_AB = 0.25 (k2) + 0.25/2 (k3 tie) = 0.375 < 0.5 -> A -1, B +1
    // O_AC = 0.25 (k2) + 0.25 (k3) = 0.5 -> 0 both; O_BC = 0.25 + 0.25 = 0.5 -> 0 both
    // scores: A -1, B +1, C 0 (by hand)
    const cols = [
      [1, 2, 3],
      [5, 4, 3],
      [5, 5, 3],
    ].map((v) => Float64Array.from(v));
    expectVec(aggregateNode("G", cols, [2, 1, 1], 3, "a_copeland"), [-1, 1, 0], "copeland");
  });

  it("equal weights, no ties: a Condorcet order gives 2, 0, -2", () => {
    // A beats B and C on 2 of 3 indicators (O = 2/3 > 0.5); B beats C on 2 of 3 (by hand)
    const cols = [
      [3, 2, 1],
      [3, 2, 1],
      [1, 2, 3],
    ].map((v) => Float64Array.from(v));
    expectVec(aggregateNode("G", cols, [1, 1, 1], 3, "a_copeland"), [2, 0, -2], "copeland eq");
  });

  it("NA comparisons contribute nothing", () => {
    // A = (NA, 1), B = (5, 2), w = (1, 3) -> (0.25, 0.75): O_AB = 0 (k1 NA, k2 A<B) -> A -1, B +1
    const cols = [
      [NA, 5],
      [1, 2],
    ].map((v) => Float64Array.from(v));
    expectVec(aggregateNode("G", cols, [1, 3], 2, "a_copeland"), [-1, 1], "copeland NA");
  });
});

describe("multi-level framework and per-level methods", () => {
  it("level 2 with a_gmean, level 3 with a_amean", () => {
    // One complete unit: i = (10, 20, 40, 8, 2). P1 = 20 (gmean, by hand as above);
    // P2 = (8 * 2^3)^(1/4) = 64^(1/4) = 2*sqrt(2); Index = (20 + 2 sqrt 2)/2 (by hand)
    const ds: Dataset = {
      units: ["u"],
      codes: ["i1", "i2", "i3", "i4", "i5"],
      values: [10, 20, 40, 8, 2].map((v) => Float64Array.from([v])),
    };
    const out = aggregate(ds, FW, { method: ["a_gmean", "a_amean"] });
    expectVec(col(out, "P1"), [20], "P1");
    expectVec(col(out, "P2"), [2 * Math.SQRT2], "P2");
    expectVec(col(out, "Index"), [(20 + 2 * Math.SQRT2) / 2], "Index");
  });

  it("buildFramework gives the tree used above", () => {
    expect(FW.indicators).toEqual(["i1", "i2", "i3", "i4", "i5"]);
    expect(FW.aggregateLevels).toEqual([["P1", "P2"], ["Index"]]);
    expect(FW.top).toBe("Index");
    expect(FW.maxLevel).toBe(3);
    expect(FW.children.get("P1")).toEqual(["i1", "i2", "i3"]);
    expect(FW.parent.get("i5")).toBe("P2");
    expect(FW.weight.get("i2")).toBe(2);
  });
});
