/**
 * The report's pieces on small hand-made inputs: chart rendering is deterministic and free of
 * ids that clash or namespaces that carry URLs, the Sobol chart (no example study runs Sobol)
 * matches its snapshot, sections a study lacks are left out and named "not part of this study",
 * sheet names fit Excel, periods parse, numbers format one way.
 */

import * as Plot from "@observablehq/plot";
import { describe, expect, it } from "vitest";
import { OKABE_ITO, palette, periodDate, renderSvg, sobolChart } from "../../src/report/charts.ts";
import { fixed, int, pct, rankInterval, sig, signed } from "../../src/report/format.ts";
import { renderHtml, SECTION_TITLES } from "../../src/report/html.ts";
import type { IndexModel, ReportModel } from "../../src/report/model.ts";
import { describeTable, sheetNames } from "../../src/report/xlsx.ts";
import { expectSelfContained, headings, normaliseSvg } from "./helpers.ts";

const index: IndexModel = {
  units: [
    { uCode: "AAA", uName: "Aland", score: 80, rank: 1, rankMedian: 1, rankLow: 1, rankHigh: 2 },
    { uCode: "BBB", uName: "Bland", score: 70, rank: 2, rankMedian: 2, rankLow: 1, rankHigh: 3 },
    { uCode: "CCC", uName: "Cland", score: 60, rank: 3, rankMedian: 3, rankLow: 2, rankHigh: 3 },
  ],
  hasUncertainty: true,
  top: { code: "Index", name: "Test index" },
  pillars: [],
  profiles: [],
  compare: [],
  framework: [],
  sensitivity: [
    {
      factor: "Weights",
      si: 0.1,
      sti: 0.2,
      siLow: 0.05,
      siHigh: 0.15,
      stiLow: 0.15,
      stiHigh: 0.25,
    },
    {
      factor: "Aggregation",
      si: 0.5,
      sti: 0.7,
      siLow: 0.4,
      siHigh: 0.6,
      stiLow: 0.6,
      stiHigh: 0.8,
    },
  ],
};

function model(over: Partial<ReportModel>): ReportModel {
  return {
    runId: "20260101T000000Z-abcd",
    study: "Unit study",
    description: "",
    synthetic: false,
    version: "0.1.0",
    node: "v20.0.0",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:01.000Z",
    timings: { total_ms: 1000 },
    targets: ["AAA"],
    audiences: [],
    level: 0.95,
    config: { name: "Unit study", targets: ["AAA"], seed: 1 },
    inputs: [{ role: "study", path: "study.yaml", sha256: "ab".repeat(32), rows: null }],
    specs: [],
    tables: [{ name: "findings", columns: ["id"], rows: 1 }],
    findings: [
      {
        id: "f1",
        section: "index",
        statement: "Aland ranks 1st of 3 <on> the index & more.",
        value: 1,
        low: 1,
        high: 2,
        n: 3,
        sourceTable: "index_scores",
        sourceRows: "uCode=AAA",
      },
    ],
    ...over,
  };
}

describe("charts", () => {
  it("render the same SVG twice, with ids renamed per chart and no xmlns or style", () => {
    const opts: Plot.PlotOptions = {
      marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y", clip: true })],
    };
    const a = renderSvg("chart-x", opts);
    const b = renderSvg("chart-x", opts);
    expect(a).toBe(b);
    expect(a).not.toMatch(/xmlns|<style|plot-clip/);
    expect(a).toMatch(/id="chart-x-1"/);
    expect(a).toMatch(/url\(#chart-x-1\)/);
    // Coordinates rounded to 2 decimals (tick label text is Plot's own).
    expect(a).not.toMatch(/<[^>]*\d\.\d{3,}[^>]*>/);
    expect(a).toMatch(/^<svg role="img" aria-label="[^"]*"/);
  });

  it("Sobol indices: one row per factor, largest total effect first (snapshot)", async () => {
    const c = sobolChart(index);
    expect(c.svg).not.toBeNull();
    expect(c.caption).toMatch(/2 uncertain assumptions.*3 units/);
    const labels = [...c.svg!.matchAll(/<text[^>]*>([A-Za-z]+)<\/text>/g)].map((m) => m[1]);
    expect(labels.indexOf("Aggregation")).toBeLessThan(labels.indexOf("Weights"));
    await expect(normaliseSvg(c.svg!)).toMatchFileSnapshot("__snapshots__/unit-chart-sobol.svg");
  });

  it("draw nothing (svg null) when there is no data", () => {
    expect(sobolChart({ ...index, sensitivity: [] }).svg).toBeNull();
  });

  it("use the Okabe–Ito palette in order", () => {
    expect([...palette(["USA", "CHN", "X"]).values()]).toEqual(OKABE_ITO.slice(0, 3));
  });

  it("parse period keys as UTC dates", () => {
    expect(periodDate("2022")?.toISOString()).toBe("2022-01-01T00:00:00.000Z");
    expect(periodDate("2022-03")?.toISOString()).toBe("2022-03-01T00:00:00.000Z");
    expect(periodDate("2022-03-14")?.toISOString()).toBe("2022-03-14T00:00:00.000Z");
    // ISO week 1 of 2022 starts on Monday 3 January 2022.
    expect(periodDate("2022-W01")?.toISOString()).toBe("2022-01-03T00:00:00.000Z");
    expect(periodDate("2020-W53")?.toISOString()).toBe("2020-12-28T00:00:00.000Z");
    expect(periodDate("spring")).toBeNull();
  });
});

describe("HTML of a study with an index only", () => {
  const html = renderHtml(model({ index }));

  it("keeps only the sections the study has and names the others", () => {
    expect(headings(html)).toEqual([
      SECTION_TITLES.summary,
      SECTION_TITLES.ranking,
      SECTION_TITLES.sensitivity,
      SECTION_TITLES.methodology,
    ]);
    expect(html).toContain("Not part of this study: survey perceptions, key drivers, news tone.");
    expect(html).not.toContain(`<p class="synthetic-flag">`);
    expectSelfContained(html);
  });

  it("escapes text and shows the Sobol analysis", () => {
    expect(html).toContain("Aland ranks 1st of 3 &lt;on&gt; the index &amp; more.");
    expect(html).toContain('id="chart-sobol"');
  });

  it("labels a synthetic run in every section", () => {
    const s = renderHtml(model({ index, synthetic: true }));
    expect((s.match(/<p class="synthetic-flag">/g) ?? []).length).toBe(1 + 4);
  });
});

describe("workbook sheet names", () => {
  it("fit in 31 characters, stay unique (case-insensitively) and keep README free", () => {
    const names = sheetNames([
      "index_analysis_effective_weights",
      "index_analysis_effective_weights_2",
      "README",
      "short",
      "Short",
    ]);
    expect([...names.values()]).toEqual([
      "index_analysis_effective_weig~1",
      "index_analysis_effective_weig~2",
      "README~1",
      "short",
      "Short~1",
    ]);
    for (const n of names.values()) expect(n.length).toBeLessThanOrEqual(31);
  });

  it("describe known tables and stage tables", () => {
    expect(describeTable("index_stage_treated")).toContain("after the treated step");
    expect(describeTable("something_new")).toBe("A result table of the run.");
  });
});

describe("number formats", () => {
  it("round one way everywhere", () => {
    expect(fixed(-0.0004, 3)).toBe("0.000");
    expect(fixed(Number.NaN, 1)).toBe("–");
    expect(signed(0.1234, 2)).toBe("+0.12");
    expect(signed(-0.001, 2)).toBe("0.00");
    expect(int(11516)).toBe("11,516");
    expect(pct(0.189)).toBe("19%");
    expect(sig(0.0012345)).toBe("0.00123");
    expect(sig(1234.5)).toBe("1,235");
    expect(rankInterval(3, 3)).toBe("3");
    expect(rankInterval(3, 7)).toBe("3–7");
  });
});
