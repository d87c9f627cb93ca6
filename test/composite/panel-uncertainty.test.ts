/**
 * Uncertainty and sensitivity analysis of panel builds (refused before issue 16): per year, one
 * design applied to the whole panel build.
 */
import { describe, expect, it } from "vitest";
import { syntheticCoin } from "../../bench/synthetic.ts";
import { buildPanelIndex } from "../../src/composite/panel.ts";
import { analysePanelUncertainty, panelYears } from "../../src/composite/panel-uncertainty.ts";
import type { CoinInput, Pipeline } from "../../src/composite/pipeline.ts";
import { analyseUncertainty } from "../../src/composite/uncertainty.ts";
import { UncertaintySpecSchema } from "../../src/composite/uncertainty-spec.ts";

/** A panel of `years` copies of a synthetic cross-section, each year's values scaled differently. */
function panelOf(years: number[], scale: (k: number) => number, units = 30, inds = 12): CoinInput {
  const base = syntheticCoin(units, inds, 7);
  const d = base.data;
  const uCode = years.flatMap(() => d.uCode);
  return {
    framework: base.framework,
    data: {
      uCode,
      uName: uCode,
      time: years.flatMap((y) => d.uCode.map(() => y)),
      groups: { Region: years.flatMap(() => d.groups.Region!) },
      denominators: {},
      indicators: {
        units: uCode,
        codes: d.indicators.codes,
        values: d.indicators.values.map((c) =>
          Float64Array.from(
            years.flatMap((_, k) =>
              Array.from(c, (v, i) => v * scale(k) * (1 + ((i * 7 + k * 3) % 5) / 50)),
            ),
          ),
        ),
      },
    },
  };
}

const spec = UncertaintySpecSchema.parse({
  type: "uncertainty",
  runs: 60,
  factors: [
    {
      name: "Normalisation",
      step: "normalise",
      alternatives: [
        { method: "n_minmax", params: { l_u: [1, 100] } },
        { method: "n_zscore", params: { m_sd: [10, 2] } },
      ],
    },
    { name: "Weights", noise: { levels: [2], factor: 0.25 } },
  ],
});

const pipeline: Pipeline = {
  impute: { method: "i_mean" },
  treat: { winmax: 5, skew_thresh: 2, kurt_thresh: 3.5 },
  normalise: { method: "n_minmax", params: { l_u: [1, 100] }, global: false },
  aggregate: { method: "a_amean" },
};

describe("analysePanelUncertainty", () => {
  it("with per-year normalisation, each year's rank summary is the cross-section analysis of that year", async () => {
    const input = panelOf([2020, 2021], (k) => 1 + k);
    // Alternatives replace the whole step: they too normalise year by year here.
    const perYear = UncertaintySpecSchema.parse({
      ...spec,
      factors: [
        {
          name: "Normalisation",
          step: "normalise",
          alternatives: [
            { method: "n_minmax", params: { l_u: [1, 100] }, global: false },
            { method: "n_zscore", params: { m_sd: [10, 2] }, global: false },
          ],
        },
        spec.factors[1],
      ],
    });
    const panel = await analysePanelUncertainty(perYear, pipeline, input, 3);
    const years = panelYears(input);
    for (const [y, inp] of years.inputs.entries()) {
      const { global: _g, ...norm } = pipeline.normalise!;
      const cross = await analyseUncertainty(spec, { ...pipeline, normalise: norm }, inp, 3);
      // (spec and perYear draw the same design: same factors, sizes and seed.)
      expect(panel.years[y]!.rankStats).toEqual(cross.rankStats);
    }
    // The two years differ in data, so their summaries differ (the test could fail).
    expect(panel.years[0]!.rankStats).not.toEqual(panel.years[1]!.rankStats);
  });

  it("with global normalisation, the nominal ranks are the panel build's and the numbers repeat with the seed", async () => {
    const input = panelOf([2019, 2020, 2021], (k) => 1 + 0.3 * k);
    const p: Pipeline = {
      ...pipeline,
      normalise: { method: "n_minmax", params: { l_u: [1, 100] } },
    };
    const built = buildPanelIndex(input, p);
    const a = await analysePanelUncertainty(spec, p, input, 11);
    const b = await analysePanelUncertainty(spec, p, input, 11);
    expect(a.years.map((y) => y.year)).toEqual([2019, 2020, 2021]);
    for (const y of a.years) {
      const res = built.byYear.get(y.year)!.results;
      expect(y.rankStats.map((s) => s.nominal_rank)).toEqual(Array.from(res.rank));
      expect(y.failed).toBe(0);
    }
    expect(a).toEqual(b);
    const c = await analysePanelUncertainty(spec, p, input, 12);
    expect(c.years[0]!.rankStats).not.toEqual(a.years[0]!.rankStats);
  });

  it("Sobol: indices per year", async () => {
    const input = panelOf([2020, 2021], (k) => 1 + k);
    const sobol = UncertaintySpecSchema.parse({ ...spec, type: "sobol", runs: 40, nboot: 50 });
    const r = await analysePanelUncertainty(sobol, pipeline, input, 5);
    for (const y of r.years) {
      expect(y.sensitivity!.map((s) => s.factor)).toEqual(["Normalisation", "Weights"]);
      for (const s of y.sensitivity!) expect(Number.isFinite(s.STi)).toBe(true);
    }
  });
});

describe("runPanelUncertainty on worker threads", () => {
  it("gives the numbers of one thread on 2 threads", async () => {
    const { runPanelUncertainty } = await import("../../src/core/parallel.ts");
    const input = panelOf([2020, 2021, 2022], (k) => 1 + 0.2 * k);
    const one = await runPanelUncertainty(spec, pipeline, input, 9, { threads: 1 });
    const two = await runPanelUncertainty(spec, pipeline, input, 9, { threads: 2 });
    expect(two.threads).toBe(2);
    expect(two.years).toEqual(one.years);
  }, 60_000);
});
