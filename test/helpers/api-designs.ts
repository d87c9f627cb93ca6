/**
 * The api designs of test/fixtures/survey-contrasts/make-reference.R (R survey 4.1.1): dclus1,
 * dstrat, dclus2, jk1 (as.svrepdesign(dclus1, type = "JK1")) and ps (dclus1 post-stratified to
 * stype: E 4421, H 755, M 1018), and the reference CSVs of that folder.
 */
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { parseCsv } from "../../src/io/table.ts";
import { postStratify } from "../../src/survey/calibrate.ts";
import { buildDesign, type SurveyDesign } from "../../src/survey/design.ts";
import { asReplicateDesign } from "../../src/survey/replicates.ts";
import { sharedPath } from "./shared.ts";

export const CONTRAST_FIXTURES = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../fixtures/survey-contrasts",
);

export async function contrastDesigns(): Promise<Record<string, SurveyDesign>> {
  const api = (f: string) => sharedPath("survey", "api", f);
  const c1 = await readSurveyFrame(api("apiclus1.csv"));
  const st = await readSurveyFrame(api("apistrat.csv"));
  const c2 = await readSurveyFrame(api("apiclus2.csv"));
  const dclus1 = buildDesign(c1, { ids: ["dnum"], weights: "pw", fpc: ["fpc"] });
  return {
    dclus1,
    dstrat: buildDesign(st, { ids: [], strata: "stype", weights: "pw", fpc: ["fpc"] }),
    dclus2: buildDesign(c2, { ids: ["dnum", "snum"], fpc: ["fpc1", "fpc2"] }),
    jk1: asReplicateDesign(dclus1, "JK1"),
    ps: postStratify(dclus1, "stype", { E: 4421, H: 755, M: 1018 }),
  };
}

/** A reference CSV of test/fixtures/survey-contrasts as objects keyed by column (NA kept as "NA"). */
export async function contrastReference(file: string): Promise<Record<string, string>[]> {
  const path = join(CONTRAST_FIXTURES, file);
  const t = parseCsv(await readFile(path, "utf8"), path);
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i] ?? ""])));
}

/** A reference number: "NA" is NaN. */
export const num = (s: string | undefined): number =>
  s === undefined || s === "NA" || s === "" ? Number.NaN : Number(s);
