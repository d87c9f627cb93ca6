/**
 * svyTable and svyChisq against R survey 4.1.1 (test/fixtures/survey-tables/chisq.csv and
 * table.csv, made by make-reference.R there on the api samples in ../shared/data/survey/api):
 * every statistic, p-value and degree of freedom, and every cell's weighted count, column
 * proportion, its SE and 95% interval, to 1e-8 relative. Designs as in make-reference.R:
 *   dclus1 = svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
 *   dstrat = svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
 *   dclus2 = svydesign(ids = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
 *   jk1 = as.svrepdesign(dclus1, type = "JK1"); jkn = as.svrepdesign(dstrat, type = "JKn")
 *   ps = postStratify(dclus1, ~stype, E 4421, H 755, M 1018)
 *   rk = rake(dclus1, ~stype E 4421, H 755, M 1018; ~sch.wide No 1072, Yes 5122)
 *   lin = calibrate(dclus1, ~stype + api99, (Intercept) 6194, stypeH 755, stypeM 1018,
 *     api99 3914069)
 *   subset(dclus1, stype == "E"), subset(ps, stype == "E"), subset(jk1, stype == "E"),
 *   subset(jkn, stype == "E") (domains here; R recomputes a replicate subset's degf)
 *   dclus1na: dclus1 with sch.wide missing on every 11th row and awards on every 7th
 *   band = cut(api00, c(-Inf, 550, 650, 750, Inf), labels = a, b, c, d)
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { parseCsv } from "../../src/io/table.ts";
import { calibrate, postStratify, rake } from "../../src/survey/calibrate.ts";
import { svyChisq, svyTable } from "../../src/survey/crosstab.ts";
import { buildDesign, type SurveyDesign } from "../../src/survey/design.ts";
import type { Domain } from "../../src/survey/estimators.ts";
import { factor, numeric, type SurveyFrame } from "../../src/survey/frame.ts";
import { asReplicateDesign } from "../../src/survey/replicates.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/survey-tables");
const api = (f: string) => sharedPath("survey", "api", f);
const RTOL = 1e-8;

/** R's cut(api00, c(-Inf, 550, 650, 750, Inf), labels = c("a", "b", "c", "d")). */
function addBand(frame: SurveyFrame): void {
  const y = numeric(frame, "api00");
  frame.columns.set("band", {
    kind: "factor",
    levels: ["a", "b", "c", "d"],
    codes: Int32Array.from(y, (v) => (v <= 550 ? 0 : v <= 650 ? 1 : v <= 750 ? 2 : 3)),
  });
}

function levelMask(frame: SurveyFrame, variable: string, level: string): Uint8Array {
  const f = factor(frame, variable);
  return Uint8Array.from(f.codes, (c) => (f.levels[c] === level ? 1 : 0));
}

interface Case {
  design: SurveyDesign;
  row: string;
  col: string;
  domain: Domain;
}

describe.skipIf(!hasShared)("svyTable / svyChisq against R survey (api)", () => {
  const cases: Record<string, Case> = {};
  let chisq: string[][] = [];
  let table: string[][] = [];
  beforeAll(async () => {
    const c1 = await readSurveyFrame(api("apiclus1.csv"));
    const st = await readSurveyFrame(api("apistrat.csv"));
    const c2 = await readSurveyFrame(api("apiclus2.csv"));
    for (const f of [c1, st, c2]) addBand(f);
    const dclus1 = buildDesign(c1, { ids: ["dnum"], weights: "pw", fpc: ["fpc"] });
    const dstrat = buildDesign(st, { ids: [], strata: "stype", weights: "pw", fpc: ["fpc"] });
    const dclus2 = buildDesign(c2, { ids: ["dnum", "snum"], fpc: ["fpc1", "fpc2"] });
    const jk1 = asReplicateDesign(dclus1, "JK1");
    const c1na = await readSurveyFrame(api("apiclus1.csv"));
    for (const [v, every] of [
      ["sch.wide", 11],
      ["awards", 7],
    ] as const) {
      const f = factor(c1na, v);
      for (let i = every - 1; i < c1na.n; i += every) f.codes[i] = -1;
    }
    const dclus1na = buildDesign(c1na, { ids: ["dnum"], weights: "pw", fpc: ["fpc"] });
    const jkn = asReplicateDesign(dstrat, "JKn");
    const ps = postStratify(dclus1, "stype", { E: 4421, H: 755, M: 1018 });
    const rk = rake(dclus1, {
      stype: { E: 4421, H: 755, M: 1018 },
      "sch.wide": { No: 1072, Yes: 5122 },
    });
    const lin = calibrate(dclus1, {
      "(Intercept)": 6194,
      stypeH: 755,
      stypeM: 1018,
      api99: 3914069,
    });
    const E = levelMask(c1, "stype", "E");
    const sE = levelMask(st, "stype", "E");
    const c = (design: SurveyDesign, row: string, col: string, domain: Domain = null) => ({
      design,
      row,
      col,
      domain,
    });
    Object.assign(cases, {
      dclus1_schwide_stype: c(dclus1, "sch.wide", "stype"),
      dstrat_stype_compimp: c(dstrat, "stype", "comp.imp"),
      dclus2_stype_awards: c(dclus2, "stype", "awards"),
      dclus1E_schwide_awards: c(dclus1, "sch.wide", "awards", E),
      dstrat_stype_band: c(dstrat, "stype", "band"),
      dclus2_band_stype: c(dclus2, "band", "stype"),
      jk1_schwide_stype: c(jk1, "sch.wide", "stype"),
      jk1_band_stype: c(jk1, "band", "stype"),
      ps_schwide_awards: c(ps, "sch.wide", "awards"),
      ps_band_awards: c(ps, "band", "awards"),
      psE_schwide_awards: c(ps, "sch.wide", "awards", E),
      jk1E_schwide_awards: c(jk1, "sch.wide", "awards", E),
      jknE_schwide_awards: c(jkn, "sch.wide", "awards", sE),
      dclus1na_schwide_awards: c(dclus1na, "sch.wide", "awards"),
      rake_band_awards: c(rk, "band", "awards"),
      linear_band_stype: c(lin, "band", "stype"),
    });
    const ch = parseCsv(await readFile(join(FIXTURES, "chisq.csv"), "utf8"), "chisq.csv");
    expect(ch.columns).toEqual(["case", "statistic", "value", "p_value", "df1", "df2"]);
    chisq = ch.rows;
    const tb = parseCsv(await readFile(join(FIXTURES, "table.csv"), "utf8"), "table.csv");
    expect(tb.columns).toEqual([
      "case",
      "row",
      "col",
      "count",
      "col_prop",
      "col_prop_se",
      "ci_low",
      "ci_high",
    ]);
    table = tb.rows;
  });

  it("covers every case of the fixtures (16 cases x 4 statistics)", () => {
    expect(new Set(chisq.map((r) => r[0])).size).toBe(Object.keys(cases).length);
    expect(chisq.length).toBe(64);
    for (const r of [...chisq, ...table]) expect(cases[r[0]!], r[0]).toBeDefined();
  });

  it("svyChisq: statistic, p-value and df of F, Chisq, Wald and adjWald", () => {
    for (const [name, stat, value, p, df1, df2] of chisq) {
      const k = cases[name!]!;
      const what = `${name} ${stat}`;
      const r = svyChisq(k.design, k.row, k.col, stat as "F", { domain: k.domain });
      expectClose(r.statistic, Number(value), { rtol: RTOL, what: `${what} statistic` });
      expectClose(r.p_value, Number(p), { rtol: RTOL, what: `${what} p` });
      if (stat === "Chisq") {
        expect(Object.keys(r)).toEqual(["statistic", "p_value", "df"]);
        expect("df" in r && r.df).toBe(Number(df1));
        expect(df2).toBe("NA");
      } else {
        expect(Object.keys(r)).toEqual(["statistic", "p_value", "ndf", "ddf"]);
        if (!("ndf" in r)) throw new Error("no ndf");
        expectClose(r.ndf, Number(df1), { rtol: RTOL, what: `${what} ndf` });
        expectClose(r.ddf, Number(df2), { rtol: RTOL, what: `${what} ddf` });
      }
    }
  });

  it("svyTable: weighted counts, column proportions, SEs and 95% intervals", () => {
    for (const name of Object.keys(cases)) {
      const k = cases[name]!;
      const t = svyTable(k.design, k.row, k.col, { domain: k.domain });
      const ref = table.filter((r) => r[0] === name);
      expect(t.cells.length, name).toBe(ref.length);
      t.cells.forEach((cell, j) => {
        const [, row, col, count, prop, se, lo, hi] = ref[j]!;
        const what = `${name} ${row}/${col}`;
        expect([cell.row, cell.col], what).toEqual([row, col]);
        expectClose(cell.count, Number(count), { rtol: RTOL, what: `${what} count` });
        expectClose(cell.colProp, Number(prop), { rtol: RTOL, what: `${what} col %` });
        expectClose(cell.colPropSe, Number(se), { rtol: RTOL, what: `${what} se` });
        expectClose(cell.ciLow, Number(lo), { rtol: RTOL, what: `${what} ci_low` });
        expectClose(cell.ciHigh, Number(hi), { rtol: RTOL, what: `${what} ci_high` });
      });
      const total = t.cells.reduce((s, x) => s + x.count, 0);
      for (const x of t.cells) expectClose(x.prop, x.count / total, { rtol: 1e-12 });
    }
  });
});

describe("svyChisq / svyTable input errors", () => {
  it("name the variable: unknown, single level, empty domain, unknown statistic", async () => {
    const { frameFromColumns } = await import("../../src/survey/frame.ts");
    const frame = frameFromColumns({
      a: ["x", "y", "x", "y", "x", "y"],
      b: ["u", "u", "u", "u", "u", "u"],
      c: ["p", "q", "q", "p", "p", "q"],
      w: [1, 2, 1, 2, 1, 2],
    });
    const d = buildDesign(frame, { weights: "w" });
    expect(() => svyChisq(d, "a", "nope")).toThrow(/unknown variable "nope"/);
    expect(() => svyChisq(d, "a", "b")).toThrow(/variable b: a single level \("u"\)/);
    expect(() => svyTable(d, "b", "a")).toThrow(/variable b/);
    expect(() => svyChisq(d, "a", "c", "F", { domain: new Uint8Array(6) })).toThrow(
      /no respondents/,
    );
    expect(() => svyChisq(d, "a", "c", "G" as "F")).toThrow(/F, Chisq, Wald, adjWald/);
    expect(() => svyChisq(d, "a", "a")).toThrow(/same variable a/);
  });
});
