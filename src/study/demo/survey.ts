import { type Cell, toCsv } from "../../io/write.ts";
import type { Rng } from "../../stats/rng.ts";
import { clamp, normal } from "./random.ts";

/** The eight attributes each target is rated on (columns `usa_<attribute>`, `chn_<attribute>`). */
export const DEMO_ATTRIBUTES = [
  "economy",
  "business",
  "influence",
  "education",
  "science",
  "technology",
  "culture",
  "governance",
] as const;
export type DemoAttribute = (typeof DEMO_ATTRIBUTES)[number];

/** The two rated countries, as column prefixes and ISO3 codes. */
export const DEMO_TARGETS = [
  ["usa", "USA"],
  ["chn", "CHN"],
] as const;

/** Technology companies rated for favourability, with their home country's prefix. */
export const DEMO_COMPANIES = [
  ["huawei", "chn"],
  ["tiktok", "chn"],
  ["apple", "usa"],
  ["google", "usa"],
] as const;

/** The "don't know" code of every rating. */
export const DONT_KNOW = 9;

/**
 * One audience: its sample size, strata (each with its PSU count), and how it sees the two
 * targets: a general shift for each, and `chnTechLead`, added to China's economy (×0.8), science
 * (×0.7) and technology (×1) ratings.
 */
export interface DemoAudience {
  iso3: string;
  n: number;
  psusPerStratum: number[];
  usa: number;
  chn: number;
  chnTechLead: number;
}

export const DEMO_AUDIENCES: readonly DemoAudience[] = [
  { iso3: "GBR", n: 152, psusPerStratum: [4, 3, 3], usa: 0, chn: -0.15, chnTechLead: -0.15 },
  { iso3: "DEU", n: 148, psusPerStratum: [5, 5], usa: -0.15, chn: -0.1, chnTechLead: 0.1 },
  { iso3: "FRA", n: 141, psusPerStratum: [4, 3, 3], usa: -0.15, chn: -0.1, chnTechLead: 0 },
  { iso3: "JPN", n: 160, psusPerStratum: [5, 5], usa: 0.1, chn: -0.45, chnTechLead: -0.2 },
  { iso3: "KOR", n: 137, psusPerStratum: [5, 5], usa: 0.15, chn: -0.35, chnTechLead: -0.15 },
  { iso3: "IND", n: 171, psusPerStratum: [4, 3, 3], usa: 0.15, chn: -0.4, chnTechLead: -0.1 },
  { iso3: "BRA", n: 155, psusPerStratum: [4, 3, 3], usa: 0, chn: 0.05, chnTechLead: 0.65 },
  { iso3: "ZAF", n: 146, psusPerStratum: [5, 5], usa: -0.05, chn: 0.1, chnTechLead: 0.6 },
  { iso3: "NGA", n: 163, psusPerStratum: [4, 3, 3], usa: 0.1, chn: 0.2, chnTechLead: 0.6 },
  { iso3: "MEX", n: 127, psusPerStratum: [5, 5], usa: -0.1, chn: 0, chnTechLead: 0.55 },
];

/** How much of an audience's `chnTechLead` each of China's attribute ratings receives. */
export const DEMO_LEAD_LOADINGS: Partial<Record<DemoAttribute, number>> = {
  technology: 1,
  economy: 0.8,
  science: 0.7,
};

/** Mean latent rating (1–4 scale, before rounding) of each attribute in a neutral audience. */
export const DEMO_BASE_MEANS: Record<"usa" | "chn", Record<DemoAttribute, number>> = {
  usa: {
    economy: 2.95,
    business: 2.9,
    influence: 3,
    education: 3.15,
    science: 3,
    technology: 3.05,
    culture: 3.15,
    governance: 2.55,
  },
  chn: {
    economy: 2.85,
    business: 2.55,
    influence: 2.8,
    education: 2.45,
    science: 2.75,
    technology: 2.85,
    culture: 2.45,
    governance: 2.2,
  },
};

/** Wave 2 (after the shock): China's governance rating falls by this much, everything else by `DEMO_SHOCK_CHN`. */
export const DEMO_SHOCK_CHN_GOVERNANCE = -0.25;
export const DEMO_SHOCK_CHN = -0.1;

/**
 * Weight of each attribute rating in overall favourability, by wave: before the shock culture
 * and education matter most, after it science, technology and governance (competence).
 */
export const DEMO_FAV_WEIGHTS: Record<1 | 2, Record<DemoAttribute, number>> = {
  1: {
    economy: 0.08,
    business: 0.04,
    influence: 0.04,
    education: 0.34,
    science: 0.05,
    technology: 0.05,
    culture: 0.42,
    governance: 0.08,
  },
  2: {
    economy: 0.08,
    business: 0.04,
    influence: 0.04,
    education: 0.08,
    science: 0.3,
    technology: 0.34,
    culture: 0.1,
    governance: 0.28,
  },
};

/** SDs of the latent rating model: respondent halo per target, shared mood, PSU, item noise, favourability noise. */
const SD = { halo: 0.45, mood: 0.2, psu: 0.1, item: 0.6, fav: 0.45 };

/** How each company's latent favourability follows its home country's (intercept, slope, noise SD). */
export const DEMO_COMPANY_MODEL: Record<string, [number, number, number]> = {
  huawei: [2.55, 0.55, 0.65],
  tiktok: [2.45, 0.45, 0.7],
  apple: [2.95, 0.5, 0.6],
  google: [3, 0.45, 0.6],
};

/** Age effects: under-30s rate China's technology and American culture higher, and TikTok (50+ lower). */
export const DEMO_YOUTH = {
  chnTechnology: 0.15,
  usaCulture: 0.1,
  tiktok: 0.35,
  tiktokOver50: -0.2,
};

/** Share of respondents prone to "don't know", and their and everyone else's per-item rate. */
const DK = { proneShare: 0.12, prone: 0.2, other: 0.008 };

const toScale = (x: number) => clamp(Math.round(x), 1, 4);

/** The column names of survey.csv, in order. */
export function demoSurveyColumns(): string[] {
  return [
    "id",
    "wave",
    "country",
    "weight",
    "stratum",
    "psu",
    "age",
    "gender",
    "education",
    ...DEMO_TARGETS.flatMap(([p]) => DEMO_ATTRIBUTES.map((a) => `${p}_${a}`)),
    ...DEMO_TARGETS.map(([p]) => `${p}_fav`),
    ...DEMO_COMPANIES.map(([c]) => `${c}_fav`),
  ];
}

/**
 * `data/survey.csv`: respondents of the 10 audiences in two waves, stratified cluster samples
 * (2–3 strata per country, 10 PSUs) with raked-looking weights (mean 1 in each country), and
 * 1–4 ratings (4 = very good / very favourable, 9 = don't know) drawn from a latent model:
 * rating = round(base + audience shift + halo + mood + PSU effect + noise), favourability =
 * round(2.5 + Σ weight(wave) × (rating − 2.7) + noise), company favourability a function of the
 * home country's latent favourability.
 */
export function demoSurveyCsv(rng: Rng): string {
  const rows: Cell[][] = [];
  let id = 0;
  for (const aud of DEMO_AUDIENCES) {
    const strata = aud.psusPerStratum.map((psus, s) => ({
      label: `${aud.iso3}-${s + 1}`,
      effects: Array.from({ length: psus }, () => SD.psu * normal(rng)),
      // Disproportionate allocation: some strata are oversampled.
      base: [1, 1.25, 0.8][s]!,
    }));
    const clusters = strata.flatMap((st) => st.effects.map((eff, k) => ({ st, psu: k + 1, eff })));
    const young = aud.chnTechLead > 0.3; // the lead audiences have younger samples
    const pHigh = young ? 0.22 : 0.38;
    const pLow = young ? 0.35 : 0.2;
    const start = rows.length;
    const raw: number[] = [];
    for (let i = 0; i < aud.n; i++) {
      const cl = clusters[rng.int(clusters.length)]!;
      const wave = rng.uniform() < 0.5 ? 1 : 2;
      const u = (rng.uniform() + rng.uniform()) / 2;
      const age = 18 + Math.floor(68 * (young ? u ** 1.25 : u));
      const gender = rng.uniform() < 0.5 ? 1 : 2;
      const ue = rng.uniform();
      const education = ue < pLow ? 1 : ue < 1 - pHigh ? 2 : 3;
      raw.push(
        cl.st.base *
          (education === 3 ? 0.8 : education === 1 ? 1.25 : 1) *
          (age < 30 ? 1.15 : 1) *
          Math.exp(0.15 * normal(rng)),
      );
      const dkRate = rng.uniform() < DK.proneShare ? DK.prone : DK.other;
      const dk = (v: number) => (rng.uniform() < dkRate ? DONT_KNOW : v);
      const mood = SD.mood * normal(rng);
      const ratings: number[] = [];
      const favLatent: Record<string, number> = {};
      for (const [p] of DEMO_TARGETS) {
        const halo = SD.halo * normal(rng) + mood + cl.eff;
        const shift = p === "usa" ? aud.usa : aud.chn;
        let fav = 2.5;
        for (const a of DEMO_ATTRIBUTES) {
          let mu = DEMO_BASE_MEANS[p][a] + shift;
          if (p === "chn") {
            mu += aud.chnTechLead * (DEMO_LEAD_LOADINGS[a] ?? 0);
            if (wave === 2) mu += a === "governance" ? DEMO_SHOCK_CHN_GOVERNANCE : DEMO_SHOCK_CHN;
            if (age < 30 && a === "technology") mu += DEMO_YOUTH.chnTechnology;
          } else if (age < 30 && a === "culture") mu += DEMO_YOUTH.usaCulture;
          const r = toScale(mu + halo + SD.item * normal(rng));
          fav += DEMO_FAV_WEIGHTS[wave][a] * (r - 2.7);
          ratings.push(dk(r));
        }
        favLatent[p] = fav + SD.fav * normal(rng);
      }
      const favs = DEMO_TARGETS.map(([p]) => dk(toScale(favLatent[p]!)));
      const companies = DEMO_COMPANIES.map(([c, home]) => {
        const [a, b, sd] = DEMO_COMPANY_MODEL[c]!;
        let ageShift = 0;
        if (c === "tiktok" && age < 30) ageShift = DEMO_YOUTH.tiktok;
        else if (c === "tiktok" && age >= 50) ageShift = DEMO_YOUTH.tiktokOver50;
        return dk(toScale(a + b * (favLatent[home]! - 2.5) + ageShift + sd * normal(rng)));
      });
      id++;
      rows.push([
        id,
        wave,
        aud.iso3,
        0,
        cl.st.label,
        cl.psu,
        age,
        gender,
        education,
        ...ratings,
        ...favs,
        ...companies,
      ]);
    }
    // Weights scaled to mean 1 within the country, as if raked to its own sample size.
    const mean = raw.reduce((s, w) => s + w, 0) / raw.length;
    raw.forEach((w, i) => {
      rows[start + i]![3] = Math.round((w / mean) * 10000) / 10000;
    });
  }
  return toCsv(demoSurveyColumns(), rows);
}
