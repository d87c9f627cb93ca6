import { describe, expect, it } from "vitest";
import { buildFramework, metaRow } from "../../src/composite/framework.ts";
import { buildPanelIndex, isPanel } from "../../src/composite/panel.ts";
import type { CoinInput } from "../../src/composite/pipeline.ts";
import { expectClose } from "../helpers/expectClose.ts";

const m = metaRow;

/** Units A, B, C in 2020 and 2021; a: A missing in 2020 (taken from 2021), b complete. */
function panel(): CoinInput {
  const framework = buildFramework([
    m("a", "Indicator", 1, "I"),
    m("b", "Indicator", 1, "I"),
    m("I", "Aggregate", 2, null),
  ]);
  const uCode = ["A", "B", "C", "A", "B", "C"];
  return {
    framework,
    data: {
      uCode,
      uName: uCode,
      time: [2020, 2020, 2020, 2021, 2021, 2021],
      groups: {},
      denominators: {},
      indicators: {
        units: uCode,
        codes: ["a", "b"],
        values: [
          Float64Array.from([Number.NaN, 2, 4, 6, 3, 5]),
          Float64Array.from([1, 2, 3, 4, 5, 6]),
        ],
      },
    },
  };
}

describe("panel data (COINr purse semantics)", () => {
  it("is recognised by a Time column with several years", () => {
    expect(isPanel(panel().data)).toBe(true);
  });

  it("imputes over time, normalises all years together and ranks within a year", () => {
    const r = buildPanelIndex(panel(), {
      impute: { method: "i_panel" },
      normalise: { method: "n_minmax", params: { l_u: [0, 100] } },
      aggregate: { method: "a_amean" },
    });
    expect(r.years).toEqual([2020, 2021]);
    // A's 2020 value of a is carried back from 2021 (constant extrapolation): 6.
    expect(r.stages.Imputed!.data.values[0]![0]).toBe(6);
    // Global min-max over both years: a in [2, 6], b in [1, 6]. By hand:
    // 2020: A (100 + 0)/2 = 50, B (0 + 20)/2 = 10, C (50 + 40)/2 = 45
    // 2021: A (100 + 60)/2 = 80, B (25 + 80)/2 = 52.5, C (75 + 100)/2 = 87.5
    const y20 = r.byYear.get(2020)!.results;
    const y21 = r.byYear.get(2021)!.results;
    [50, 10, 45].forEach((v, i) => {
      expectClose(y20.scores[0]![i]!, v, { rtol: 1e-12, what: `2020 ${y20.units[i]}` });
    });
    [80, 52.5, 87.5].forEach((v, i) => {
      expectClose(y21.scores[0]![i]!, v, { rtol: 1e-12, what: `2021 ${y21.units[i]}` });
    });
    expect([...y20.rank]).toEqual([1, 3, 2]);
    expect([...y21.rank]).toEqual([2, 3, 1]);
  });

  it("normalises each year apart with global: false", () => {
    const r = buildPanelIndex(panel(), {
      impute: { method: "i_panel" },
      normalise: { method: "n_minmax", params: { l_u: [0, 100] }, global: false },
      aggregate: { method: "a_amean" },
    });
    // 2020: a = (6, 2, 4) → (100, 0, 50); b = (1, 2, 3) → (0, 50, 100): A 50, B 25, C 75 (by hand)
    const y20 = r.byYear.get(2020)!.results;
    [50, 25, 75].forEach((v, i) => {
      expectClose(y20.scores[0]![i]!, v, { rtol: 1e-12, what: `2020 ${y20.units[i]}` });
    });
  });
});
