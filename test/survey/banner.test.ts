/**
 * Banner tables against R survey 4.1.1 (test/fixtures/survey-banner/make-reference.R): each
 * letter must equal (p < α and difference > 0) of the pairwise svycontrast test it stands for
 * (svyby(~y, ~col, design, svymean, covmat = TRUE), t = est/se, p = 2 * pt(-|t|, degf(design))),
 * with no adjustment, Bonferroni and Holm (R p.adjust over a row's pairs within a column
 * variable); cell estimates and the tests' differences, SEs and p-values to 1e-9; on dclus1,
 * dstrat and the JK1 replicates of dclus1, for answer rows (don't know kept and dropped) and
 * means of rating items.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { parseCsv } from "../../src/io/table.ts";
import { tCdf } from "../../src/stats/stdlib.ts";
import {
  adjustP,
  type BannerAdjust,
  type BannerTable,
  bannerTable,
  columnLetter,
} from "../../src/survey/banner.ts";
import { buildDesign, type SurveyDesign } from "../../src/survey/design.ts";
import { frameFromColumns, numeric } from "../../src/survey/frame.ts";
import { RatingsMapSchema } from "../../src/survey/perceptions.ts";
import { ANSWER_MAP, apiDesigns, CASE_COLS, fixture, MEAN_MAP } from "../helpers/api-tables.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

type Ref = Record<string, string>;

/** R's p.adjust, written out independently for the check: Bonferroni and Holm. */
function rAdjust(p: number[], method: BannerAdjust): number[] {
  const m = p.length;
  if (method === "none") return p;
  if (method === "bonferroni") return p.map((x) => Math.min(1, x * m));
  const o = [...p.keys()].sort((a, b) => p[a]! - p[b]!);
  const adj = new Array<number>(m);
  let cm = 0;
  for (let j = 0; j < m; j++) {
    cm = Math.max(cm, (m - j) * p[o[j]!]!);
    adj[o[j]!] = Math.min(1, cm);
  }
  return adj;
}

describe.skipIf(!hasShared)("banner letters: R svycontrast references on the api designs", () => {
  let designs: Record<string, SurveyDesign>;
  let ref: Ref[];
  const tables = new Map<string, BannerTable>();
  beforeAll(async () => {
    designs = await apiDesigns();
    ref = await fixture("contrasts.csv");
    for (const [c, d] of Object.entries(designs))
      for (const adjust of ["none", "bonferroni", "holm"] as const) {
        for (const dk of ["keep", "drop"] as const)
          tables.set(
            `${c}/share/${dk}/${adjust}`,
            bannerTable(d, ANSWER_MAP, { columns: CASE_COLS[c]!, adjust, dontKnow: dk }),
          );
        tables.set(
          `${c}/mean/keep/${adjust}`,
          bannerTable(d, MEAN_MAP, { columns: CASE_COLS[c]!, adjust, rows: "means" }),
        );
      }
  });

  /** The R rows of one banner row (case, kind, question, code, dk) and column variable. */
  function groups(): Map<string, Ref[]> {
    const g = new Map<string, Ref[]>();
    for (const r of ref) {
      const dks = r.rowkind === "share" && r.question !== "q" ? ["keep", "drop"] : [r.dk];
      for (const dk of dks) {
        const k = [r.case, r.rowkind, dk, r.question, r.code, r.colvar].join("|");
        g.set(k, [...(g.get(k) ?? []), r]);
      }
    }
    return g;
  }

  for (const adjust of ["none", "bonferroni", "holm"] as const)
    it(`every letter is (p < 0.05 and difference > 0) of R's test, adjust ${adjust}`, () => {
      let letters = 0;
      let pairs = 0;
      for (const [k, rs] of groups()) {
        const [c, kind, dk, question, code, colvar] = k.split("|") as string[];
        const t = tables.get(`${c}/${kind}/${dk}/${adjust}`)!;
        const ri = t.rows.findIndex(
          (r) => r.column === question && (kind === "mean" || r.code === code),
        );
        expect(ri, k).toBeGreaterThanOrEqual(0);
        const row = t.rows[ri]!;
        const col = (label: string) =>
          t.columns.findIndex((x) => x.name === colvar && x.label === label);
        const padj = rAdjust(
          rs.map((r) => Number(r.p)),
          adjust,
        );
        rs.forEach((r, j) => {
          const a = col(r.a!);
          const b = col(r.b!);
          const what = `${k} ${r.a} vs ${r.b} (${adjust})`;
          expectClose(row.cells[a]!.estimate, Number(r.estimate_a), { what, atol: 1e-15 });
          expectClose(row.cells[b]!.estimate, Number(r.estimate_b), { what, atol: 1e-15 });
          const test = t.tests.find((x) => x.row === ri && x.a === a && x.b === b)!;
          expect(test, what).toBeDefined();
          expectClose(test.diff, Number(r.diff), { what: `${what} diff`, atol: 1e-15 });
          expectClose(test.se, Number(r.se), { what: `${what} se`, atol: 1e-15 });
          expectClose(test.p, Number(r.p), { what: `${what} p`, rtol: 1e-8, atol: 1e-15 });
          expect(t.df).toBe(Number(r.df));
          const sig = padj[j]! < 0.05;
          const la = columnLetter(a - 1);
          const lb = columnLetter(b - 1);
          expect(t.columns[a]!.letter).toBe(la);
          expect(row.cells[a]!.letters.includes(lb), `${what}: ${lb} in ${r.a}`).toBe(
            sig && Number(r.diff) > 0,
          );
          expect(row.cells[b]!.letters.includes(la), `${what}: ${la} in ${r.b}`).toBe(
            sig && Number(r.diff) < 0,
          );
          letters += Number(sig);
          pairs++;
        });
        // No letters beyond those R's tests give.
        const groupCols = t.columns.flatMap((x, i) => (x.name === colvar ? [i] : []));
        const shown = groupCols.reduce((s, i) => s + row.cells[i]!.letters.length, 0);
        expect(shown, k).toBe(
          rs.filter((_, j) => padj[j]! < 0.05 && Number(rs[j]!.diff) !== 0).length,
        );
      }
      expect(pairs).toBe(231);
      expect(letters).toBeGreaterThan(20);
    });

  it("has a Total column first with no letter, then lettered columns per variable", () => {
    const t = tables.get("dclus1/share/keep/none")!;
    expect(t.columns.map((c) => `${c.name}:${c.label}:${c.letter}`)).toEqual([
      ":Total:",
      "stype:E:A",
      "stype:H:B",
      "stype:M:C",
      "awards:No:D",
      "awards:Yes:E",
    ]);
    expect(t.rows[0]!.cells[0]!.letters).toEqual([]);
  });

  it("leaves a column with no respondents empty and untested (acs.k3 is missing for H and M)", () => {
    const t = tables.get("dclus1/mean/keep/none")!;
    const row = t.rows.find((r) => r.column === "acs.k3")!;
    expect(row.cells[2]!.n).toBe(0);
    expect(row.cells[2]!.estimate).toBeNaN();
    const ri = t.rows.indexOf(row);
    expect(t.tests.some((x) => x.row === ri && (x.a === 2 || x.b === 2))).toBe(false);
  });
});

describe("banner: letters, adjustment and input checks", () => {
  it("names columns A..Z, then AA, AB, ...", () => {
    expect([0, 1, 25, 26, 27, 51, 52].map(columnLetter)).toEqual([
      "A",
      "B",
      "Z",
      "AA",
      "AB",
      "AZ",
      "BA",
    ]);
  });

  it("adjusts p-values as R's p.adjust", () => {
    // p.adjust(c(0.01, 0.04, 0.03, 0.2), "holm") = 0.04 0.09 0.09 0.2; "bonferroni" = 0.04 0.16 0.12 0.8
    const p = [0.01, 0.04, 0.03, 0.2];
    adjustP(p, "holm").forEach((x, i) => {
      expectClose(x, [0.04, 0.09, 0.09, 0.2][i]!, { rtol: 1e-12 });
    });
    adjustP(p, "bonferroni").forEach((x, i) => {
      expectClose(x, [0.04, 0.16, 0.12, 0.8][i]!, { rtol: 1e-12 });
    });
  });

  const frame = frameFromColumns({
    seg: ["a", "a", "a", "b", "b", "b"],
    fav: ["x", "y", "x", "y", "y", "x"],
  });
  const design = buildDesign(frame, {});
  const map = RatingsMapSchema.parse({ ratings: [{ target: "t", attribute: "f", column: "fav" }] });

  it("rejects bad options with the flag and what would be valid", () => {
    expect(() => bannerTable(design, map, { columns: ["nope"] })).toThrow(InputError);
    expect(() => bannerTable(design, map, { columns: ["nope"] })).toThrow(/--cols: "nope"/);
    expect(() => bannerTable(design, map, { columns: ["seg"], letters: 2 })).toThrow(
      /--letters must be a confidence level/,
    );
    expect(() =>
      bannerTable(design, map, { columns: ["seg"], adjust: "sidak" as BannerAdjust }),
    ).toThrow(/--adjust must be none, bonferroni or holm/);
    expect(() => bannerTable(design, map, { columns: ["seg"], rows: "means" })).toThrow(
      /text categories; means need numeric codes/,
    );
  });

  it("computes no tests without letters", () => {
    const t = bannerTable(design, map, { columns: ["seg"], letters: null });
    expect(t.tests).toEqual([]);
    expect(t.rows[0]!.cells.map((c) => c.estimate)).toEqual([0.5, 2 / 3, 1 / 3]);
  });
});

describe.skipIf(!hasShared)("softpower survey banner|topline on Pew Global Attitudes 2005", () => {
  const ROOT = new URL("../..", import.meta.url).pathname;
  const sav = sharedPath("survey", "pew-2005", "pew_gap_2005_11country.sav");
  let dir: string;
  let banner: { columns: string[]; rows: string[][] };
  let top: { columns: string[]; rows: string[][] };
  let frame: Awaited<ReturnType<typeof readSurveyFrame>>;
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ["bin/softpower.js", "survey", ...args], {
      cwd: ROOT,
      encoding: "utf8",
    });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "softpower-banner-"));
    const common = [
      "--data",
      sav,
      "--design",
      "examples/pew-2005/design.json",
      "--map",
      "examples/pew-2005/ratings.json",
    ];
    const b = cli([
      "banner",
      ...common,
      "--cols",
      "audience,gender",
      "--adjust",
      "holm",
      "--out",
      join(dir, "b.csv"),
    ]);
    expect(b.status, b.stderr).toBe(0);
    const t = cli(["topline", ...common, "--out", join(dir, "t.csv")]);
    expect(t.status, t.stderr).toBe(0);
    const x = cli(["banner", ...common, "--cols", "audience", "--out", join(dir, "b.xlsx")]);
    expect(x.status, x.stderr).toBe(0);
    banner = parseCsv(await readFile(join(dir, "b.csv"), "utf8"), "b.csv");
    top = parseCsv(await readFile(join(dir, "t.csv"), "utf8"), "t.csv");
    frame = await readSurveyFrame(sav);
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Weighted share of Q == code among a country's respondents with an answer, by direct sums. */
  function direct(q: string, code: number, country: string) {
    const c = frame.columns.get("country")!;
    const levels = c.kind === "factor" ? c.levels : null;
    const cv = c.kind === "number" ? c.values : null;
    const lab = (i: number) =>
      levels
        ? levels[(c as { codes: Int32Array }).codes[i]!]
        : c.kind === "number"
          ? c.labels?.get(cv![i]!)
          : "";
    const x = numeric(frame, q);
    const w = numeric(frame, "weight");
    let sw = 0;
    let sy = 0;
    let n = 0;
    const rows: number[] = [];
    for (let i = 0; i < frame.n; i++) {
      if (lab(i) !== country || Number.isNaN(x[i]!)) continue;
      sw += w[i]!;
      if (x[i] === code) sy += w[i]!;
      n++;
      rows.push(i);
    }
    const p = sy / sw;
    // No clusters or strata: V = n/(n − 1) Σ z², z = w (y − p)/Σw over the whole sample.
    let ss = 0;
    for (const i of rows) ss += ((w[i]! * ((x[i] === code ? 1 : 0) - p)) / sw) ** 2;
    return { p, n, v: (ss * frame.n) / (frame.n - 1) };
  }

  it("has Total, the 11 countries and both genders as columns, lettered A...", () => {
    const heads = banner.columns.filter((c) => !/ (n|sig)$/.test(c)).slice(5);
    expect(heads[0]).toBe("Total");
    expect(heads).toHaveLength(1 + 11 + 2);
    expect(heads[1]).toMatch(/^audience=.* \(A\)$/);
    expect(heads.at(-1)).toMatch(/^gender=.* \(M\)$/);
  });

  it("gives the shares, n and letters of a direct computation (USA favourable, Britain vs Germany)", () => {
    const col = (label: string) => banner.columns.indexOf(label);
    const br = banner.columns.find((c) => /^audience=Britain \(/.test(c))!;
    const de = banner.columns.find((c) => /^audience=Germany \(/.test(c))!;
    const row = banner.rows.find((r) => r[1] === "Q5a" && r[3] === "1")!;
    const b = direct("Q5a", 1, "Britain");
    const g = direct("Q5a", 1, "Germany");
    expectClose(Number(row[col(br)]), b.p, { rtol: 1e-12, what: "Britain very favourable" });
    expectClose(Number(row[col(de)]), g.p, { rtol: 1e-12, what: "Germany very favourable" });
    expect(Number(row[col(`${br} n`)])).toBe(750);
    // Disjoint domains of a design without clusters: covariance 0, so t = diff / sqrt(Va + Vb).
    const t = (b.p - g.p) / Math.sqrt(b.v + g.v);
    const df = frame.n - 1;
    const p = 2 * tCdf(-Math.abs(t), df);
    const pairs = (11 * 10) / 2;
    const rowSig = p * pairs < 0.05; // Holm's smallest step is Bonferroni: only a sufficient check
    const letterOf = (h: string) => /\((\w+)\)$/.exec(h)![1]!;
    expect(rowSig, `Britain vs Germany p = ${p}`).toBe(true);
    {
      const [hi, lo] = b.p > g.p ? [br, de] : [de, br];
      expect(row[col(`${hi} sig`)]).toContain(letterOf(lo));
    }
    // Pew's published 55% favourable (very + somewhat) for the US in Britain, from the topline.
    const fav = top.rows
      .filter((r) => r[0] === "Q5a" && r[8] === "Britain" && ["1", "2"].includes(r[4]!))
      .reduce((s, r) => s + Number(r[9]), 0);
    expect(Math.round(fav * 100)).toBe(55);
  });

  it("writes the XLSX banner with a Legend sheet naming the letters and the test", async () => {
    const { default: excel } = await import("exceljs");
    const wb = new excel.Workbook();
    await wb.xlsx.readFile(join(dir, "b.xlsx"));
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Banner", "Legend"]);
    const legend = wb.getWorksheet("Legend")!;
    const cells = legend.getSheetValues().flatMap((r) => (Array.isArray(r) ? r.slice(1) : []));
    expect(cells).toContain("Adjustment");
    expect(cells).toContain("none");
    expect(cells).toContain("0.95");
    expect(cells).toContain("Britain");
    const banner = wb.getWorksheet("Banner")!;
    expect(banner.getRow(2).getCell(4).value).toBe("Total");
    expect(String(banner.getRow(2).getCell(7).value)).toMatch(/\(A\)$/);
  });

  it("writes a topline whose shares sum to 1 per country and question, don't know kept", () => {
    const sums = new Map<string, number>();
    for (const r of top.rows)
      sums.set(`${r[0]}|${r[8]}`, (sums.get(`${r[0]}|${r[8]}`) ?? 0) + Number(r[9]));
    expect(sums.size).toBe(6 * 11);
    for (const [k, s] of sums) expectClose(s, 1, { rtol: 1e-9, what: k });
    expect(top.rows.some((r) => r[6] === "TRUE")).toBe(true);
  });
});
