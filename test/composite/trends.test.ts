/**
 * get_trends to COINr's documented definitions (COINr 1.1 `get_trends`, `CAGR`, `prc_change`,
 * `approx_df`): property tests — exact 5% growth gives CAGR 0.05 through every option, a straight
 * line gives prc_change = 100 b / (a + b t₁) — and the availability columns, use_latest windows,
 * Time, interp_at, adjust_directions and the errors.
 */
import { describe, expect, it } from "vitest";
import { buildFramework, metaRow } from "../../src/composite/framework.ts";
import { interpolateAt, prcChange } from "../../src/composite/trend-metrics.ts";
import { trends } from "../../src/composite/trends.ts";
import type { Dataset } from "../../src/composite/types.ts";
import { expectClose } from "../helpers/expectClose.ts";

const YEARS = [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019];

/** A panel of units × YEARS rows (rows shuffled by unit then reversed year) from f(unit, year). */
function panel(
  units: string[],
  cols: Record<string, (u: number, t: number) => number>,
): { ds: Dataset; time: number[] } {
  const rows: [string, number, number][] = [];
  units.forEach((u, k) => {
    for (const t of [...YEARS].reverse()) rows.push([u, k, t]);
  });
  return {
    ds: {
      units: rows.map((r) => r[0]),
      codes: Object.keys(cols),
      values: Object.values(cols).map((f) => Float64Array.from(rows, ([, k, t]) => f(k, t))),
    },
    time: rows.map((r) => r[2]),
  };
}

describe("trends: property tests", () => {
  it("exactly 5% a year gives CAGR 0.05 for every unit, window and first value", () => {
    const { ds, time } = panel(["A", "B", "C"], {
      g: (k, t) => (k + 1) * 37 * 1.05 ** (t - 2010),
      // Gaps: every third year missing.
      gap: (k, t) => ((t - k) % 3 === 0 ? Number.NaN : 1000 * 1.05 ** (t - 2010)),
    });
    for (const opts of [
      {},
      { useLatest: 4 },
      { useLatest: 8 },
      { time: [2012, 2013, 2017] },
      { interpAt: "all" as const },
    ]) {
      for (const r of trends(ds, time, null, opts))
        expectClose(r.trend, 0.05, {
          rtol: 1e-12,
          what: `${JSON.stringify(opts)} ${r.uCode} ${r.iCode}`,
        });
    }
  });
  it("use_latest equal to the series length uses the whole series", () => {
    const { ds, time } = panel(["A"], { g: (_, t) => 5 * 1.05 ** (t - 2010) });
    expectClose(trends(ds, time, null, { useLatest: 10 })[0]!.trend, 0.05, { rtol: 1e-12 });
    expect(trends(ds, time, null, { useLatest: 11 })[0]!.trend).toBeNaN();
  });
  it("a straight line y = a + b t gives prc_change 100 b per / (a + b t₁), by regression with 3+ points", () => {
    const y = YEARS.map((t) => 200 + 4 * (t - 2010));
    expectClose(prcChange(y, YEARS), 2, { rtol: 1e-12 }); // 4 a year on 200: 2%
    expectClose(prcChange(y, YEARS, 10), 20, { rtol: 1e-12 }); // per decade
    expectClose(prcChange([100, 105], [2000, 2001]), 5, { rtol: 1e-12 }); // two points
    expect(prcChange([3, 3, 3], [1, 2, 3])).toBe(0);
    expect(prcChange([3, Number.NaN], [1, 2])).toBeNaN();
    // Least squares on a noisy series: slope and intercept of lm(y ~ t) by hand.
    // t = 0,1,2,3; y = 1,3,2,5: b = Sxy/Sxx = 5.5/5 = 1.1, a = 2.75 − 1.1·1.5 = 1.1.
    expectClose(prcChange([1, 3, 2, 5], [0, 1, 2, 3]), (100 * 1.1) / 1.1, { rtol: 1e-12 });
    const { ds, time } = panel(["A"], { g: (_, t) => 200 + 4 * (t - 2010) });
    expectClose(trends(ds, time, null, { fTrend: "prc_change" })[0]!.trend, 2, { rtol: 1e-12 });
  });
  it("interpolateAt: linear between observed points, NaN outside, knots unchanged (R approx rule 1)", () => {
    expect(interpolateAt([1, Number.NaN, 3, Number.NaN], [0, 1, 2, 3], [0, 1, 2, 3, 1.5])).toEqual([
      1,
      2,
      3,
      Number.NaN,
      2.5,
    ]);
    expect(interpolateAt([Number.NaN, 3], [0, 1], [0, 1])).toEqual([Number.NaN, Number.NaN]);
  });
});

describe("trends: COINr's options and availability", () => {
  const units = ["A", "A", "A", "A", "A", "B", "B", "B"];
  const time = [2010, 2011, 2012, 2013, 2014, 2012, 2013, 2014];
  const ds: Dataset = {
    units,
    codes: ["x"],
    values: [Float64Array.from([1, Number.NaN, 4, Number.NaN, 16, 10, 20, Number.NaN])],
  };
  it("avail, t_first, t_latest over all rows; the use_latest window's own columns", () => {
    const [a, b] = trends(ds, time, null);
    expectClose(a!.trend, 1, { rtol: 1e-12 }); // 1 → 16 over 4 years: ×2 a year
    expect([a!.avail, a!.t_first, a!.t_latest]).toEqual([3 / 5, 2010, 2014]);
    expect([b!.avail, b!.t_first, b!.t_latest]).toEqual([2 / 3, 2012, 2013]);
    expect(a!.avail_use_latest).toBeNaN();
    const [a3, b3] = trends(ds, time, null, { useLatest: 3 });
    // A's latest 3 rows: 2012..2014 → 4, NA, 16: CAGR over 2 years = 1; window 2/3 observed.
    expectClose(a3!.trend, 1, { rtol: 1e-12 });
    expect([a3!.avail, a3!.avail_use_latest, a3!.t_first_use_latest]).toEqual([3 / 5, 2 / 3, 2012]);
    // B's latest observed is 2013: a window of 3 would start before its first row.
    expect(b3!.trend).toBeNaN();
    expect(b3!.avail_use_latest).toBeNaN();
    // A window of exactly the rows up to the latest point is used (COINr's code would give NA).
    expectClose(trends(ds, time, null, { useLatest: 2 })[1]!.trend, 1, { rtol: 1e-12 });
  });
  it("Time limits the series and the availability; use_latest overrides it for the trend", () => {
    const [a] = trends(ds, time, null, { time: [2010, 2011, 2012] });
    expectClose(a!.trend, 1, { rtol: 1e-12 }); // 1 → 4 over 2 years
    expect([a!.avail, a!.t_first, a!.t_latest]).toEqual([2 / 3, 2010, 2012]);
    const [al] = trends(ds, time, null, { time: [2010, 2011, 2012], useLatest: 5 });
    expectClose(al!.trend, 1, { rtol: 1e-12 }); // all five rows
    expect(al!.avail).toBe(2 / 3);
  });
  it("interp_at fills gaps inside the observed range (not the availability), and adds new times", () => {
    const [a] = trends(ds, time, null, { interpAt: [2011, 2013], useLatest: 2 });
    // 2013 interpolated between 4 (2012) and 16 (2014): 10; the latest two points 10 → 16.
    expectClose(a!.trend, 0.6, { rtol: 1e-12 });
    expect(a!.avail_use_latest).toBe(1 / 2);
    const [, b] = trends(ds, time, null, { interpAt: [2011] });
    // B has no 2011 row: added, as missing (not interpolated: before its first value).
    expect(b!.avail).toBe(2 / 4);
  });
  it("adjust_directions multiplies by the Direction", () => {
    const fw = buildFramework([
      metaRow("x", "Indicator", 1, "I", { direction: -1 }),
      metaRow("I", "Aggregate", 2, null),
    ]);
    expectClose(trends(ds, time, fw, { adjustDirections: true })[0]!.trend, -1, { rtol: 1e-12 });
    expectClose(trends(ds, time, fw)[0]!.trend, 1, { rtol: 1e-12 });
  });
  it("names what is wrong", () => {
    expect(() => trends(ds, time, null, { useLatest: 0 })).toThrow(
      /useLatest must be a positive integer/,
    );
    expect(() => trends(ds, time, null, { fTrend: "slope" as never })).toThrow(/CAGR, prc_change/);
    expect(() => trends(ds, time, null, { time: [2009] })).toThrow(
      /time 2009 not found.*2010, 2011/,
    );
    expect(() => trends(ds, time, null, { interpAt: [2020] })).toThrow(
      /interpAt 2020 outside.*2010 to 2014/,
    );
    expect(() => trends(ds, time, null, { per: 0 })).toThrow(/per must be a non-zero number/);
    expect(() =>
      trends({ ...ds, units: ["A", ...units.slice(1)] }, [2010, 2010, ...time.slice(2)], null),
    ).toThrow(/unit "A" has two rows for time 2010/);
  });
});
