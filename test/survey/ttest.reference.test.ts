/**
 * svyTtest against R survey 4.1.1's svyttest (test/fixtures/survey-contrasts/ttest.csv, made by
 * make-reference.R there): two groups (api00 ~ sch.wide, api00 ~ awards) and one sample
 * (api00 ~ 0, I(api00 - 600) ~ 0) on dclus1, dstrat, dclus2 and the JK1 version of dclus1;
 * statistic, df, p-value, estimate, SE and conf.int to 1e-9 relative. Bad input throws InputError.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import type { SurveyDesign } from "../../src/survey/design.ts";
import { svyTtest } from "../../src/survey/ttest.ts";
import { contrastDesigns, contrastReference, num } from "../helpers/api-designs.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared } from "../helpers/shared.ts";

describe.skipIf(!hasShared)("svyTtest vs R svyttest (api)", () => {
  let designs: Record<string, SurveyDesign>;
  let ref: Record<string, string>[];
  beforeAll(async () => {
    designs = await contrastDesigns();
    ref = await contrastReference("ttest.csv");
  });

  it("matches every reference row", () => {
    expect(ref.length).toBe(16);
    for (const r of ref) {
      const t = svyTtest(designs[r.design!]!, r.formula!);
      const what = r.case!;
      expectClose(t.statistic, num(r.statistic), { what: `${what} statistic` });
      expect(t.df, `${what} df`).toBe(num(r.df));
      expectClose(t.p_value, num(r.p_value), { what: `${what} p` });
      expectClose(t.estimate, num(r.estimate), { what: `${what} estimate` });
      expectClose(t.se, num(r.se), { what: `${what} se` });
      expectClose(t.ci[0], num(r.ci_low), { what: `${what} ci_low` });
      expectClose(t.ci[1], num(r.ci_high), { what: `${what} ci_high` });
    }
  });

  it("names the group's levels (second minus first) and accepts mu", () => {
    const d = designs.dclus1!;
    expect(svyTtest(d, "api00 ~ sch.wide").group).toEqual({
      variable: "sch.wide",
      levels: ["No", "Yes"],
    });
    const a = svyTtest(d, "api00 ~ 0", { mu: 600 });
    const b = svyTtest(d, "I(api00 - 600) ~ 0");
    expectClose(a.statistic, b.statistic, { rtol: 1e-13, what: "mu" });
  });

  it("rejects a group with other than two levels, unknown variables and bad formulas", () => {
    const d = designs.dclus1!;
    expect(() => svyTtest(d, "api00 ~ stype")).toThrow(InputError);
    expect(() => svyTtest(d, "api00 ~ stype")).toThrow(
      /stype must have exactly two levels.*E, H, M/,
    );
    expect(() => svyTtest(d, "api00 ~ enroll")).toThrow(/enroll must be binary/);
    expect(() => svyTtest(d, "nope ~ sch.wide")).toThrow(/unknown variable "nope"/);
    expect(() => svyTtest(d, "api00 ~ nope")).toThrow(/unknown variable "nope"/);
    expect(() => svyTtest(d, "api00")).toThrow(/must look like/);
    expect(() => svyTtest(d, "api00 ~ a + b")).toThrow(/one group variable/);
  });
});
