/**
 * Imputation and unit screening against COINr's definitions
 * (docs/methods/coinr-definitions.md §4 and §5). Expected values computed by hand.
 */
import { describe, expect, it } from "vitest";
import { impute } from "../../src/composite/impute.ts";
import { screen } from "../../src/composite/screen.ts";
import type { Dataset } from "../../src/composite/types.ts";
import { expectClose } from "../helpers/expectClose.ts";

const NA = Number.NaN;

function dataset(cols: Record<string, number[]>, units?: string[]): Dataset {
  const n = Object.values(cols)[0]!.length;
  return {
    units: units ?? Array.from({ length: n }, (_, i) => `u${i + 1}`),
    codes: Object.keys(cols),
    values: Object.values(cols).map((v) => Float64Array.from(v)),
  };
}

/** Rows as units: rows[i] is unit i's values over the indicators. */
function byRows(units: string[], rows: number[][]): Dataset {
  const m = rows[0]!.length;
  return {
    units,
    codes: Array.from({ length: m }, (_, j) => `i${j + 1}`),
    values: Array.from({ length: m }, (_, j) => Float64Array.from(rows.map((r) => r[j]!))),
  };
}

function expectVec(actual: ArrayLike<number>, expected: number[], what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  expected.forEach((e, i) => {
    expectClose(actual[i]!, e, { rtol: 1e-12, atol: 1e-15, what: `${what}[${i}]` });
  });
}

describe("impute: i_mean, i_median", () => {
  it("i_mean fills with the mean of present values; present values unchanged", () => {
    // mean(1, 3, 8) = 4 (by hand)
    const r = impute(dataset({ a: [1, NA, 3, 8], b: [2, 2, 2, 2] }), { method: "i_mean" });
    expectVec(r.data.values[0]!, [1, 4, 3, 8], "a");
    expectVec(r.data.values[1]!, [2, 2, 2, 2], "b");
    expect(r.report.imputed).toEqual({ a: 1, b: 0 });
    expect(r.report.remaining).toEqual({ a: 0, b: 0 });
  });

  it("i_median with an even count averages the two middle values", () => {
    // R median(c(1, 3, 8, 10)) = (3 + 8)/2 = 5.5
    const r = impute(dataset({ a: [10, NA, 1, 8, NA, 3] }), { method: "i_median" });
    expectVec(r.data.values[0]!, [10, 5.5, 1, 8, 5.5, 3], "a");
    expect(r.report.imputed).toEqual({ a: 2 });
  });

  it("i_median with an odd count takes the middle value", () => {
    // R median(c(7, 1, 3)) = 3
    const r = impute(dataset({ a: [7, NA, 1, 3] }), { method: "i_median" });
    expectVec(r.data.values[0]!, [7, 3, 1, 3], "a");
  });
});

describe("impute: group methods", () => {
  // groups: a a a b b b null c c
  const G = ["a", "a", "a", "b", "b", "b", null, "c", "c"];
  const X = [1, NA, 4, 10, NA, 7, NA, NA, NA];

  it("i_mean_grp: group mean; a null group and an all-missing group stay missing", () => {
    // a: mean(1, 4) = 2.5; b: mean(10, 7) = 8.5; null group -> NA; c (no data) -> NA
    const r = impute(dataset({ x: X }), { method: "i_mean_grp", groups: G });
    expectVec(r.data.values[0]!, [1, 2.5, 4, 10, 8.5, 7, NA, NA, NA], "x");
    expect(r.report.imputed).toEqual({ x: 2 });
    expect(r.report.remaining).toEqual({ x: 3 });
  });

  it("i_median_grp: group median (even and odd counts)", () => {
    // a: median(1, 4) = 2.5; b: median(10, 7, 2) = 7; null and c stay NA
    const x = [1, NA, 4, 10, NA, 7, NA, NA, NA, 2];
    const g = [...G, "b"];
    const r = impute(dataset({ x }), { method: "i_median_grp", groups: g });
    expectVec(r.data.values[0]!, [1, 2.5, 4, 10, 7, 7, NA, NA, NA, 2], "x");
  });

  it("group methods without a group column throw", () => {
    expect(() => impute(dataset({ x: X }), { method: "i_mean_grp" })).toThrow();
  });
});

describe("impute: i_panel (linear interpolation, constant extrapolation)", () => {
  it("the three doc examples (COINr impute_panel linear, Time 2020:2022)", () => {
    // (3,NA,5) -> (3,4,5); (NA,5,6) -> (5,5,6); (7,8,NA) -> (7,8,8)
    // rows interleaved and out of time order to check sorting by time within a unit
    const unit = ["U1", "U2", "U3", "U1", "U2", "U3", "U1", "U2", "U3"];
    const time = [2022, 2022, 2022, 2020, 2020, 2020, 2021, 2021, 2021];
    const x = [5, 6, NA, 3, NA, 7, NA, 5, 8];
    const r = impute(dataset({ x }), { method: "i_panel", panel: { unit, time } });
    expectVec(r.data.values[0]!, [5, 6, 8, 3, 5, 7, 4, 5, 8], "x");
    expect(r.report.imputed).toEqual({ x: 3 });
  });

  it("unequal time gaps interpolate by calendar distance; all-missing unit stays NA", () => {
    // U4: 2010: 1, 2012: NA, 2015: 11, 2016: NA -> 2012: 1 + (2/5)*10 = 5; 2016: 11 (constant)
    // U5: 2008: NA, 2009: NA, 2010: 4, 2013: 10 -> 4, 4 (backwards constant); 2011: 4 + (1/3)*6 = 6
    // U6: all NA -> NA
    const unit = ["U4", "U4", "U4", "U4", "U5", "U5", "U5", "U5", "U5", "U6", "U6"];
    const time = [2010, 2012, 2015, 2016, 2008, 2009, 2010, 2011, 2013, 2010, 2011];
    const x = [1, NA, 11, NA, NA, NA, 4, NA, 10, NA, NA];
    const r = impute(dataset({ x }), { method: "i_panel", panel: { unit, time } });
    expectVec(r.data.values[0]!, [1, 5, 11, 11, 4, 4, 4, 6, 10, NA, NA], "x");
    expect(r.report.remaining).toEqual({ x: 2 });
  });
});

describe("screen", () => {
  // m = 4 indicators
  const UNITS = ["U1", "U2", "U3", "U4", "U5", "U6", "U7"];
  const DS = byRows(UNITS, [
    [1, 2, 3, 4], // avail 1, nonzero 1
    [1, NA, 3, 4], // avail 0.75
    [NA, NA, 3, 4], // avail 0.5
    [0, 0, 0, 5], // nonzero 0.25
    [0, 0, 0, 0], // nonzero 0
    [NA, NA, NA, NA], // avail 0, nonzero NaN
    [0, NA, 1, 1], // avail 0.75, nonzero 1 - 1/3 = 2/3
  ]);

  it("Dat_Avail = 1 - N_missing/m and Non_Zero = 1 - N_zero/(m - N_missing)", () => {
    const r = screen(DS, { by: "none" });
    const exp = [
      [0, 0, 1, 1],
      [1, 0, 0.75, 1],
      [2, 0, 0.5, 1],
      [0, 3, 1, 0.25],
      [0, 4, 1, 0],
      [4, 0, 0, NA],
      [1, 1, 0.75, 2 / 3],
    ];
    r.report.forEach((row, i) => {
      const e = exp[i]!;
      expect(row.uCode).toBe(UNITS[i]);
      expect(row.nMissing, `${row.uCode} nMissing`).toBe(e[0]);
      expect(row.nZero, `${row.uCode} nZero`).toBe(e[1]);
      expectClose(row.datAvail, e[2]!, { rtol: 1e-12, what: `${row.uCode} datAvail` });
      expectClose(row.nonZero, e[3]!, { rtol: 1e-12, what: `${row.uCode} nonZero` });
    });
    expect(r.removed).toEqual([]);
  });

  it("byNA: strict, availability equal to dat_thresh stays", () => {
    // 0.75 == 0.75 kept; 0.5 and 0 < 0.75 removed
    const r = screen(DS, { by: "byNA", dat_thresh: 0.75 });
    expect(r.removed).toEqual(["U3", "U6"]);
    expect(r.data.units).toEqual(["U1", "U2", "U4", "U5", "U7"]);
    // kept data in original order, values intact: U2 row is (1, NA, 3, 4)
    expectVec(
      r.data.values.map((c) => c[1]!),
      [1, NA, 3, 4],
      "U2 row",
    );
  });

  it("byNA default dat_thresh 2/3: 2 of 3 available passes", () => {
    // R: 1 - 1/3 >= 2/3 (availability equals the threshold), 1 - 2/3 < 2/3 removed
    const ds = byRows(
      ["A", "B", "C"],
      [
        [1, 2, 3],
        [1, NA, 3],
        [NA, NA, 3],
      ],
    );
    expect(screen(ds, { by: "byNA" }).removed).toEqual(["C"]);
  });

  it("byzeros and its alias byNZ: strict, all-NA unit counts as low", () => {
    // U4 0.25 == 0.25 kept; U5 0 < 0.25 removed; U6 NaN removed
    const r = screen(DS, { by: "byzeros", nonzero_thresh: 0.25 });
    expect(r.removed).toEqual(["U5", "U6"]);
    expect(screen(DS, { by: "byNZ", nonzero_thresh: 0.25 }).removed).toEqual(["U5", "U6"]);
    // default nonzero_thresh 0.05: only U5 (0) and U6 (NaN) are low
    expect(screen(DS, { by: "byzeros" }).removed).toEqual(["U5", "U6"]);
    // 0.7: U7 (2/3) and U4 (0.25) become low too
    expect(screen(DS, { by: "byzeros", nonzero_thresh: 0.7 }).removed).toEqual([
      "U4",
      "U5",
      "U6",
      "U7",
    ]);
  });

  it("byNAandzeros and its alias byNAandNZ remove either", () => {
    const opts = { dat_thresh: 0.75, nonzero_thresh: 0.25 };
    expect(screen(DS, { by: "byNAandzeros", ...opts }).removed).toEqual(["U3", "U5", "U6"]);
    expect(screen(DS, { by: "byNAandNZ", ...opts }).removed).toEqual(["U3", "U5", "U6"]);
    const r = screen(DS, { by: "byNAandzeros", ...opts });
    const u3 = r.report.find((x) => x.uCode === "U3")!;
    expect([u3.lowData, u3.lowNonZero, u3.included]).toEqual([true, false, false]);
  });

  it("Force: inclusions override the rule, exclusions are applied last", () => {
    const r = screen(DS, {
      by: "byNA",
      dat_thresh: 0.75,
      force: { include: ["U3", "U2"], exclude: ["U1", "U2"] },
    });
    // byNA removes U3, U6; U3 forced in; U1 forced out; U2 both -> excluded
    expect(r.removed).toEqual(["U1", "U2", "U6"]);
    expect(r.data.units).toEqual(["U3", "U4", "U5", "U7"]);
  });

  it("thresholds outside [0, 1] are rejected", () => {
    expect(() => screen(DS, { by: "byNA", dat_thresh: 1.5 })).toThrow();
    expect(() => screen(DS, { by: "byzeros", nonzero_thresh: -0.1 })).toThrow();
  });
});
