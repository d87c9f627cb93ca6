/**
 * Real data: Pew Global Attitudes 2005 (../shared/data/survey/pew-2005). Pew's published 2005
 * figures for % favourable (very + somewhat, weighted, don't know and refused kept in the base,
 * rounded to whole percent; CODEBOOK.md): US seen by Britain 55, Germany 41, India 71; China seen
 * by Britain 65, US 43.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { buildDesign, type SurveyDesign } from "../../src/survey/design.ts";
import {
  type HeadToHeadRow,
  perceptions,
  type RatingRow,
  RatingsMapSchema,
} from "../../src/survey/perceptions.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

describe.skipIf(!hasShared)("Pew Global Attitudes 2005: perceptions of the US and China", () => {
  let design: SurveyDesign;
  let ratings: RatingRow[];
  let h2h: HeadToHeadRow[];
  beforeAll(async () => {
    const { readFile } = await import("node:fs/promises");
    const frame = await readSurveyFrame(
      sharedPath("survey", "pew-2005", "pew_gap_2005_11country.sav"),
    );
    expect(frame.n).toBe(11516);
    design = buildDesign(
      frame,
      JSON.parse(await readFile("examples/pew-2005/design.json", "utf8")),
    );
    const map = RatingsMapSchema.parse(
      JSON.parse(await readFile("examples/pew-2005/ratings.json", "utf8")),
    );
    ({ ratings, headToHead: h2h } = perceptions(design, map, ["gender"]));
  }, 60_000);

  const share = (audience: string, target: string) =>
    ratings.find(
      (r) =>
        r.audience === audience &&
        r.segment === "all" &&
        r.target === target &&
        r.attribute === "favourability" &&
        r.measure === "share",
    )!;

  it("reproduces Pew's published % favourable to the whole percent", () => {
    expect(Math.round(share("Britain", "USA").estimate * 100)).toBe(55);
    expect(Math.round(share("Germany", "USA").estimate * 100)).toBe(41);
    expect(Math.round(share("India", "USA").estimate * 100)).toBe(71);
    expect(Math.round(share("Britain", "CHN").estimate * 100)).toBe(65);
    expect(Math.round(share("US", "CHN").estimate * 100)).toBe(43);
  });

  it("counts every respondent of a country in the share's base (don't know kept)", () => {
    expect(share("Britain", "USA").n).toBe(750);
    expect(share("India", "USA").n).toBe(2042);
  });

  it("compares the US and China as rated by the same respondents, with a paired SE", () => {
    const row = h2h.find(
      (r) =>
        r.audience === "Britain" &&
        r.segment === "all" &&
        r.attribute === "favourability" &&
        r.target_a === "USA" &&
        r.target_b === "CHN",
    )!;
    const a = share("Britain", "USA");
    const b = share("Britain", "CHN");
    expect(row.diff).toBeCloseTo(a.estimate - b.estimate, 12);
    expect(row.leader).toBe("CHN");
    expect(row.significant).toBe(true);
    // The two ratings are positively correlated, so the paired SE is below the independent one.
    expect(row.se).toBeLessThan(Math.sqrt(a.se ** 2 + b.se ** 2));
    expect(row.ci_high).toBeLessThan(0);
  });

  it("breaks ratings down by the map's segments", () => {
    const segs = new Set(ratings.filter((r) => r.audience === "Britain").map((r) => r.segment));
    expect([...segs].sort()).toEqual(["all", "gender=Female", "gender=Male"]);
    const m = ratings.find(
      (r) =>
        r.audience === "Britain" &&
        r.segment === "gender=Male" &&
        r.target === "USA" &&
        r.attribute === "favourability" &&
        r.measure === "share",
    )!;
    const f = ratings.find(
      (r) =>
        r.audience === "Britain" &&
        r.segment === "gender=Female" &&
        r.target === "USA" &&
        r.attribute === "favourability" &&
        r.measure === "share",
    )!;
    expect(m.n + f.n).toBe(750);
  });
});
