/**
 * `softpower report` on examples/pew-2005 (real data: the Pew Global Attitudes 2005 file in
 * ../shared, read in place; skipped with a visible message when ../shared is absent). The study is
 * copied to a temporary folder with the .sav path made absolute, built, and reported in the three
 * formats: a survey-only study, so the report has the findings, the head-to-head section and the
 * methodology, says which engines are not part of the study, and is not labelled synthetic.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECTION_TITLES } from "../../src/report/html.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";
import {
  cli,
  expectA4WithPageNumbers,
  expectFindingsInHtml,
  expectOk,
  expectSelfContained,
  expectWorkbookEqualsRun,
  headings,
  parse,
  pdfText,
  ROOT,
  squash,
  tableRows,
} from "./helpers.ts";

describe.skipIf(!hasShared)("reports of examples/pew-2005 (shared real data)", () => {
  let dir: string;
  let html: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "softpower-report-pew-"));
    for (const f of ["design.json", "ratings.json"])
      cpSync(join(ROOT, "examples/pew-2005", f), join(dir, f));
    const yaml = readFileSync(join(ROOT, "examples/pew-2005/study.yaml"), "utf8");
    const sav = sharedPath("survey/pew-2005/pew_gap_2005_11country.sav");
    const moved = yaml.replace(/^(\s+data:\s*).*pew_gap_2005_11country\.sav\s*$/m, `$1${sav}`);
    expect(moved).toContain(sav);
    writeFileSync(join(dir, "study.yaml"), moved);
    expectOk(cli(["build", dir]));
    expectOk(cli(["report", dir, "--out", join(dir, "r.html")]));
    html = await readFile(join(dir, "r.html"), "utf8");
  }, 240_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("HTML: self-contained, every finding, the survey sections only, not synthetic", async () => {
    expectSelfContained(html);
    await expectFindingsInHtml(dir, html);
    expect(headings(html)).toEqual([
      SECTION_TITLES.summary,
      SECTION_TITLES.survey,
      SECTION_TITLES.topline,
      SECTION_TITLES.banner,
      SECTION_TITLES.methodology,
    ]);
    expect(html).toContain("Not part of this study: composite index, key drivers, news tone.");
    expect(html).not.toContain('<p class="synthetic-flag">');
    expect(html).not.toMatch(/synthetic data\)/i);
  });

  it("HTML: the head-to-head table shows each audience's favourability as stored", async () => {
    const ratings = (await tableRows(dir, "survey_ratings")).filter(
      (r) => r.segment === "all" && r.attribute === "favourability",
    );
    const rows = [...parse(html).querySelectorAll("#survey table tbody tr")].map((tr) =>
      [...tr.querySelectorAll("td")].map((td) => td.textContent ?? ""),
    );
    // Britain: Pew published 55% favourable toward the US, 65% toward China.
    const gbr = rows.find((r) => r[0] === "United Kingdom")!;
    const usa = ratings.find((r) => r.audience_iso3 === "GBR" && r.target === "USA")!;
    const chn = ratings.find((r) => r.audience_iso3 === "GBR" && r.target === "CHN")!;
    expect(gbr[1]).toMatch(new RegExp(`^${Math.round((usa.estimate as number) * 100)}% `));
    expect(gbr[2]).toMatch(new RegExp(`^${Math.round((chn.estimate as number) * 100)}% `));
    expect(gbr[1]).toMatch(/^55% /);
    expect(gbr[2]).toMatch(/^65% /);
    expect(rows.length).toBe(11);
    // The input file is listed with its hash.
    expect(html).toContain("pew_gap_2005_11country.sav");
  });

  it("PDF: A4, page numbers, the headings and the findings", async () => {
    expectOk(cli(["report", dir, "--out", join(dir, "r.pdf")]));
    const { text, info } = pdfText(join(dir, "r.pdf"));
    expectA4WithPageNumbers(text, info);
    const flat = squash(text);
    for (const h of [SECTION_TITLES.summary, SECTION_TITLES.survey, SECTION_TITLES.methodology])
      expect(flat).toContain(h);
    for (const f of await tableRows(dir, "findings"))
      expect(flat).toContain(squash(String(f.statement)));
    expect(text).not.toMatch(/Synthetic data ?[:·]/);
    expect(flat).toMatch(/Synthetic data no/);
  }, 120_000);

  it("XLSX: README and every table, cell by cell", async () => {
    expectOk(cli(["report", dir, "--format", "xlsx", "--out", join(dir, "r.xlsx")]));
    await expectWorkbookEqualsRun(dir, join(dir, "r.xlsx"));
  }, 120_000);
});
