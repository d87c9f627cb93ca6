/**
 * The api designs and ratings maps of the topline and banner reference tests
 * (test/fixtures/survey-banner/make-reference.R builds the same in R): dclus1, dstrat, the JK1
 * replicate version of dclus1, and q, a coded rating derived from api00 with 9 = "don't know"
 * where mobility >= 25.
 */
import { readFile } from "node:fs/promises";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { parseCsv } from "../../src/io/table.ts";
import { buildDesign, type SurveyDesign } from "../../src/survey/design.ts";
import { numeric, type SurveyFrame } from "../../src/survey/frame.ts";
import { type RatingsMap, RatingsMapSchema } from "../../src/survey/perceptions.ts";
import { asReplicateDesign } from "../../src/survey/replicates.ts";
import { sharedPath } from "./shared.ts";

function withQ(frame: SurveyFrame): SurveyFrame {
  const api00 = numeric(frame, "api00");
  const mob = numeric(frame, "mobility");
  const q = Float64Array.from(api00, (v, i) =>
    mob[i]! >= 25 ? 9 : v < 550 ? 1 : v < 650 ? 2 : v < 750 ? 3 : 4,
  );
  frame.columns.set("q", { kind: "number", values: q });
  return frame;
}

export async function apiDesigns(): Promise<Record<string, SurveyDesign>> {
  const c1 = withQ(await readSurveyFrame(sharedPath("survey", "api", "apiclus1.csv")));
  const st = withQ(await readSurveyFrame(sharedPath("survey", "api", "apistrat.csv")));
  const dclus1 = buildDesign(c1, { ids: ["dnum"], weights: "pw", fpc: ["fpc"] });
  return {
    dclus1,
    dstrat: buildDesign(st, { ids: [], strata: "stype", weights: "pw", fpc: ["fpc"] }),
    dclus1_jk1: asReplicateDesign(dclus1, "JK1"),
  };
}

/** Column variables of each case, as in make-reference.R. */
export const CASE_COLS: Record<string, string[]> = {
  dclus1: ["stype", "awards"],
  dstrat: ["stype", "sch.wide"],
  dclus1_jk1: ["stype", "awards"],
};

export const ANSWER_MAP: RatingsMap = RatingsMapSchema.parse({
  ratings: [
    { target: "school", attribute: "sch.wide", column: "sch.wide" },
    { target: "school", attribute: "awards", column: "awards" },
    { target: "school", attribute: "q", column: "q", dont_know: [9] },
  ],
});

export const MEAN_MAP: RatingsMap = RatingsMapSchema.parse({
  ratings: ["api00", "api99", "acs.k3"].map((c) => ({
    target: "school",
    attribute: c,
    column: c,
  })),
});

/** A fixture CSV of test/fixtures/survey-banner as records of strings. */
export async function fixture(name: string): Promise<Record<string, string>[]> {
  const path = new URL(`../fixtures/survey-banner/${name}`, import.meta.url).pathname;
  const t = parseCsv(await readFile(path, "utf8"), name);
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j]!])));
}
