/**
 * Toplines against R survey 4.1.1 (test/fixtures/survey-banner/make-reference.R): every
 * answer's share of the answer indicators' svymean by domain, its SE, and the margin of error
 * as confint(svyby(...), df = degf(design)) or, per domain, confint(svymean(..., subset),
 * df = degf(subset)); on dclus1, dstrat and dclus1's JK1 replicates, don't know kept and dropped.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import type { SurveyDesign } from "../../src/survey/design.ts";
import { buildDesign } from "../../src/survey/design.ts";
import { frameFromColumns } from "../../src/survey/frame.ts";
import { RatingsMapSchema } from "../../src/survey/perceptions.ts";
import { type ToplineRow, topline } from "../../src/survey/topline.ts";
import { ANSWER_MAP, apiDesigns, CASE_COLS, fixture } from "../helpers/api-tables.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared } from "../helpers/shared.ts";

describe.skipIf(!hasShared)("topline: R survey references on the api designs", () => {
  let designs: Record<string, SurveyDesign>;
  let ref: Record<string, string>[];
  const runs = new Map<string, ToplineRow[]>();
  beforeAll(async () => {
    designs = await apiDesigns();
    ref = await fixture("topline.csv");
    for (const [c, d] of Object.entries(designs))
      for (const dk of ["keep", "drop"] as const)
        for (const df of ["design", "domain"] as const)
          runs.set(
            `${c}/${dk}/${df}`,
            topline(d, ANSWER_MAP, { columns: CASE_COLS[c]!, total: true, dontKnow: dk, df }),
          );
  });

  it("matches every share, SE, interval and n of R to 1e-9", () => {
    let checked = 0;
    for (const r of ref) {
      // text questions have no don't-know codes: R writes them once (dk = keep), the same for drop
      const dks = r.question === "q" ? [r.dk] : ["keep", "drop"];
      for (const dk of dks)
        for (const df of ["design", "domain"] as const) {
          const rows = runs.get(`${r.case}/${dk}/${df}`)!;
          const got = rows.find(
            (x) =>
              x.column === r.question &&
              x.code === r.code &&
              (r.colvar === "Total"
                ? x.audience_variable === ""
                : x.audience_variable === r.colvar) &&
              x.audience === r.col,
          );
          const what = `${r.case} ${r.question}=${r.code} (${dk}) ${r.colvar}=${r.col} df ${df}`;
          expect(got, what).toBeDefined();
          expectClose(got!.share, Number(r.estimate), { what: `${what} share`, atol: 1e-15 });
          expectClose(got!.se, Number(r.se), { what: `${what} se`, atol: 1e-15 });
          const lo = Number(df === "design" ? r.ci_low : r.ci_low_domain);
          const hi = Number(df === "design" ? r.ci_high : r.ci_high_domain);
          expectClose(got!.ci_low, lo, { what: `${what} ci_low`, atol: 1e-14 });
          expectClose(got!.ci_high, hi, { what: `${what} ci_high`, atol: 1e-14 });
          expect(got!.df).toBe(Number(df === "design" ? r.df_design : r.df_domain));
          expect(got!.n, what).toBe(Number(r.n));
          checked++;
        }
    }
    expect(checked).toBeGreaterThan(600);
  });

  it("lists exactly R's answers: don't know (9) kept in the base, or dropped from it", () => {
    const keep = runs
      .get("dclus1/keep/design")!
      .filter((x) => x.column === "q" && x.audience === "Total");
    const drop = runs
      .get("dclus1/drop/design")!
      .filter((x) => x.column === "q" && x.audience === "Total");
    expect(keep.map((x) => x.code)).toEqual(["1", "2", "3", "4", "9"]);
    expect(keep.find((x) => x.code === "9")!.dont_know).toBe(true);
    expect(drop.map((x) => x.code)).toEqual(["1", "2", "3", "4"]);
    expectClose(
      keep.reduce((s, x) => s + x.share, 0),
      1,
      { rtol: 1e-12, what: "shares sum to 1" },
    );
    expect(drop[0]!.n).toBeLessThan(keep[0]!.n);
    // answer counts add up to the base
    expect(keep.reduce((s, x) => s + x.count, 0)).toBe(keep[0]!.n);
  });

  it("orders rows by question, then audience, then answer", () => {
    const rows = runs.get("dstrat/keep/design")!.filter((x) => x.column === "sch.wide");
    expect(rows.slice(0, 4).map((x) => `${x.audience}:${x.code}`)).toEqual([
      "Total:No",
      "Total:Yes",
      "E:No",
      "E:Yes",
    ]);
  });
});

describe("topline: input checks and defaults", () => {
  const frame = frameFromColumns({
    country: ["A", "A", "A", "B", "B", "B"],
    fav: [1, 2, 8, 1, 1, 2],
  });
  const design = buildDesign(frame, {});
  const map = RatingsMapSchema.parse({
    audience: "country",
    dont_know_codes: [8],
    ratings: [{ target: "USA", attribute: "fav", column: "fav" }],
  });

  it("uses the map's audience by default and keeps don't know in the base", () => {
    const rows = topline(design, map);
    const a = rows.filter((r) => r.audience === "A");
    expect(a.map((r) => [r.code, r.share])).toEqual([
      ["1", 1 / 3],
      ["2", 1 / 3],
      ["8", 1 / 3],
    ]);
    expect(a.every((r) => r.n === 3)).toBe(true);
  });

  it("drops don't know from the base when asked", () => {
    const a = topline(design, map, { dontKnow: "drop" }).filter((r) => r.audience === "A");
    expect(a.map((r) => [r.code, r.share])).toEqual([
      ["1", 0.5],
      ["2", 0.5],
    ]);
  });

  it("names the bad column or level", () => {
    expect(() => topline(design, map, { columns: ["nope"] })).toThrow(InputError);
    expect(() => topline(design, map, { columns: ["nope"] })).toThrow(/--cols: "nope".*country/);
    expect(() => topline(design, map, { level: 1.5 })).toThrow(/--level must be in \(0, 1\)/);
  });
});
