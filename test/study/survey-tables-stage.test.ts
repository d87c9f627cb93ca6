/**
 * The survey tables of a build (survey.tables: topline, banner, crosstab tests) equal the engine
 * functions called directly on the same design, and the stored banner rows read back to the same
 * BannerTable (study/banner-rows.ts). Demo data (synthetic, in the repo), wave 1.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { bannersFromTables } from "../../src/study/banner-rows.ts";
import { loadStudy } from "../../src/study/load.ts";
import { surveyTablesData, waveSurveyTables } from "../../src/study/survey-tables-stage.ts";
import { bannerTable } from "../../src/survey/banner.ts";
import { svyChisq, svyTable } from "../../src/survey/crosstab.ts";
import { buildDesign } from "../../src/survey/design.ts";
import { factor, subsetFrame } from "../../src/survey/frame.ts";
import { topline } from "../../src/survey/topline.ts";

const ROOT = join(import.meta.dirname, "../..");

describe("survey tables of a build equal the engine's", () => {
  it("topline, banner and crosstab tests of demo wave 1", async () => {
    const study = await loadStudy(join(ROOT, "examples/demo"));
    const sv = study.survey!;
    const frame0 = await readSurveyFrame(sv.data);
    const wf = factor(frame0, "wave");
    const k = wf.levels.indexOf("1");
    const frame = subsetFrame(
      frame0,
      Uint8Array.from(wf.codes, (c) => (c === k ? 1 : 0)),
    );
    const design = buildDesign(frame, sv.design);
    const map = sv.ratings;
    const w = waveSurveyTables(
      design,
      {
        map,
        options: { topline: true, banner: true, crosstab: { test: "F", ratings: ["usa_fav"] } },
        iso3: (l) => l,
      },
      "1",
    );
    const direct = topline(design, map);
    expect(w.topline.length).toBe(direct.length);
    const share = 3 + 9; // wave, audience_iso3, level, then TOPLINE_COLUMNS (share is 10th)
    w.topline.forEach((r, i) => {
      expect(r[share]).toBe(direct[i]!.share);
      expect(r[share + 2]).toBe(direct[i]!.moe);
    });
    const b = bannerTable(design, map, {
      columns: ["audience", ...Object.keys(map.segments)],
      rows: "means",
    });
    expect(w.banner).toEqual(b);
    const back = bannersFromTables(surveyTablesData([{ wave: "1", tables: w }]));
    expect(back[0]!.table.rows.map((r) => r.cells.map((c) => [c.estimate, c.letters]))).toEqual(
      b.rows.map((r) => r.cells.map((c) => [c.estimate, c.letters])),
    );
    expect(back[0]!.table.tests.length).toBe(b.tests.length);
    // Crosstab over all respondents: usa_fav by gender, a segment with bands.
    const t = surveyTablesData([{ wave: "1", tables: w }]).survey_crosstab_tests!;
    const row = t.rows.find((r) => r[2] === "Total" && r[6] === "gender")!;
    const seg = map.segments.gender!;
    const x = Float64Array.from(
      (design.frame.columns.get(seg.variable) as { values: Float64Array }).values,
    );
    const cols = new Map(design.frame.columns);
    cols.set("g", {
      kind: "factor",
      codes: Int32Array.from(x, (v) => seg.bands!.findIndex(([lo, hi]) => v >= lo && v <= hi)),
      levels: seg.labels!,
    });
    const d2 = { ...design, frame: { ...design.frame, columns: cols } };
    const test = svyChisq(d2, "usa_fav", "g", "F");
    expect(row[8]).toBe(test.statistic);
    expect(row[12]).toBe(test.p_value);
    const cells = svyTable(d2, "usa_fav", "g");
    const stored = surveyTablesData([{ wave: "1", tables: w }]).survey_crosstab!.rows.filter(
      (r) => r[2] === "Total" && r[6] === "gender",
    );
    expect(stored.map((r) => r[11])).toEqual(cells.cells.map((c) => c.colProp));
  });
});

describe("survey.tables in study.yaml", () => {
  it("a bad option names the key and the line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sp-tables-"));
    writeFileSync(
      join(dir, "study.yaml"),
      "name: x\ntargets: [USA]\nsurvey:\n  data: s.csv\n  design: d.json\n  ratings: r.json\n  tables:\n    banner: { letters: 2 }\n",
    );
    await expect(loadStudy(dir)).rejects.toThrow(
      /survey\.tables\.banner.*line 8|line 8.*survey\.tables\.banner/s,
    );
  });
});
