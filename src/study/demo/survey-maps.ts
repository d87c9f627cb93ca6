import type { DesignSpec } from "../../survey/design.ts";
import type { RatingsMap } from "../../survey/perceptions.ts";
import { formatJson } from "./json.ts";
import { DEMO_ATTRIBUTES, DEMO_COMPANIES, DEMO_TARGETS, DONT_KNOW } from "./survey.ts";

/** Registry names (data/media/companies.json) of the rated companies. */
const COMPANY_NAMES: Record<string, string> = {
  huawei: "Huawei",
  tiktok: "TikTok",
  apple: "Apple",
  google: "Google",
};

/** `data/design.json`: PSUs nested in strata, design weights, no finite-population correction. */
export function demoDesignJson(): string {
  const spec: DesignSpec = {
    ids: ["psu"],
    strata: "stratum",
    weights: "weight",
    fpc: null,
    nest: true,
  };
  return formatJson(spec);
}

/**
 * `data/ratings.json`: audiences by `country`, mean ratings on the 1–4 scale (codes are their
 * own scores, 4 = very good), top box 3–4 for shares, don't know (9) dropped from means; one
 * item per target × attribute plus favourability; segments by age band, gender and education.
 */
export function demoRatingsJson(): string {
  const map: Omit<RatingsMap, "audience_label" | "dont_know" | "ci_method"> = {
    audience: "country",
    measure: "mean",
    top_box: [3, 4],
    dont_know_codes: [DONT_KNOW],
    ratings: [
      ...DEMO_TARGETS.flatMap(([p, iso3]) =>
        [...DEMO_ATTRIBUTES, "favourability"].map((attribute) => ({
          target: iso3,
          attribute,
          column: `${p}_${attribute === "favourability" ? "fav" : attribute}`,
        })),
      ),
      // Companies are targets too (named as in the company registry): the study's technology
      // pillar rolls their favourability up to the home country.
      ...DEMO_COMPANIES.map(([c]) => ({
        target: COMPANY_NAMES[c] ?? c,
        attribute: "favourability",
        column: `${c}_fav`,
      })),
    ],
    segments: {
      age_band: {
        variable: "age",
        bands: [
          [18, 29],
          [30, 49],
          [50, 85],
        ],
        labels: ["18-29", "30-49", "50+"],
      },
      gender: {
        variable: "gender",
        bands: [
          [1, 1],
          [2, 2],
        ],
        labels: ["male", "female"],
      },
      education: {
        variable: "education",
        bands: [
          [1, 1],
          [2, 2],
          [3, 3],
        ],
        labels: ["low", "middle", "high"],
      },
    },
    level: 0.95,
  };
  return formatJson(map);
}
