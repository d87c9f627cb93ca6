import { type Cell, toCsv } from "../../io/write.ts";
import type { Rng } from "../../stats/rng.ts";
import { DEMO_COUNTRIES, type DemoCountry } from "./countries.ts";
import { clamp, normal, round } from "./random.ts";

/** Pillar codes and names (level 2 of the demo framework, under `Index`). */
export const DEMO_PILLARS = [
  ["Tech", "Technology"],
  ["EduSci", "Education and Science"],
  ["Culture", "Culture"],
  ["Gov", "Government"],
  ["Engage", "Engagement"],
  ["Enterprise", "Enterprise"],
] as const;

type Pillar = (typeof DEMO_PILLARS)[number][0];

/** A country's synthetic economy, drawn first: the size that absolute indicators scale with. */
interface Economy {
  /** GDP per head, USD. */
  gdpPc: number;
  /** GDP, USD billions. */
  gdpBn: number;
}

/** One indicator: its metadata and how a value is drawn from the traits, the economy and noise z. */
export interface DemoIndicator {
  code: string;
  name: string;
  pillar: Pillar;
  unit: string;
  /** Decimals written. */
  digits: number;
  value: (c: DemoCountry, e: Economy, z: number) => number;
}

const lnGdp = (e: Economy) => Math.log(e.gdpBn);

/**
 * The demo indicators, all "more is better" (Direction 1). Each is a smooth function of the
 * country's latent traits (mostly development) times or plus noise, so that indicators within
 * and across pillars correlate as real soft-power indicators do.
 */
export const DEMO_INDICATORS: readonly DemoIndicator[] = [
  {
    code: "rd_gdp",
    name: "R&D expenditure",
    pillar: "Tech",
    unit: "% of GDP",
    digits: 2,
    value: (c, _e, z) => Math.max(0.05, 0.1 + 3 * c.dev ** 3 + 1.5 * c.tech + 0.25 * z),
  },
  {
    code: "patents_pm",
    name: "Patent applications",
    pillar: "Tech",
    unit: "per million people",
    digits: 1,
    value: (c, _e, z) => Math.exp(1 + 6 * c.dev + 2 * c.tech + 0.4 * z),
  },
  {
    code: "hightech_exports",
    name: "High-technology exports",
    pillar: "Tech",
    unit: "% of manufactured exports",
    digits: 1,
    value: (c, _e, z) => clamp(3 + 22 * c.dev + 40 * c.tech + 4 * z, 0.5, 70),
  },
  {
    code: "ip_receipts_usd_bn",
    name: "Receipts for the use of intellectual property",
    pillar: "Tech",
    unit: "USD billions",
    digits: 2,
    value: (c, e, z) => e.gdpBn * 0.004 * c.dev ** 4 * Math.exp(2 * c.tech + 0.5 * z),
  },
  {
    code: "internet_users",
    name: "Internet users",
    pillar: "Tech",
    unit: "% of population",
    digits: 1,
    value: (c, _e, z) => clamp(15 + 85 * c.dev + 5 * z, 5, 99),
  },
  {
    code: "top_universities",
    name: "Universities in a global top 1,000",
    pillar: "EduSci",
    unit: "count",
    digits: 0,
    value: (c, e, z) => Math.exp(-4.7 + 0.6 * lnGdp(e) + 3 * c.dev + c.reach + 0.3 * z),
  },
  {
    code: "intl_students",
    name: "International students hosted",
    pillar: "EduSci",
    unit: "thousands",
    digits: 1,
    value: (c, e, z) => Math.exp(-3.7 + 0.55 * lnGdp(e) + 3.5 * c.dev + 2 * c.reach + 0.35 * z),
  },
  {
    code: "articles_pm",
    name: "Scientific journal articles",
    pillar: "EduSci",
    unit: "per million people",
    digits: 0,
    value: (c, _e, z) => Math.exp(2.5 + 5 * c.dev + 0.3 * z),
  },
  {
    code: "heritage_sites",
    name: "World Heritage sites",
    pillar: "Culture",
    unit: "count",
    digits: 0,
    value: (c, _e, z) => Math.exp(0.9 + 0.2 * Math.log(c.pop) + 2.2 * c.cult + 0.25 * z),
  },
  {
    code: "tourist_arrivals_m",
    name: "International tourist arrivals",
    pillar: "Culture",
    unit: "millions",
    digits: 1,
    value: (c, _e, z) =>
      Math.exp(-0.1 + 0.25 * Math.log(c.pop) + 2 * c.dev + 1.8 * c.cult + 0.35 * z),
  },
  {
    code: "cultural_exports_usd_bn",
    name: "Exports of cultural goods and services",
    pillar: "Culture",
    unit: "USD billions",
    digits: 2,
    value: (c, e, z) => e.gdpBn * 0.004 * c.cult * Math.exp(0.4 * z),
  },
  {
    code: "governance",
    name: "Government effectiveness",
    pillar: "Gov",
    unit: "score 0-100",
    digits: 1,
    value: (c, _e, z) => clamp(5 + 40 * c.dev + 50 * c.open + 5 * z, 2, 98),
  },
  {
    code: "press_freedom",
    name: "Press freedom",
    pillar: "Gov",
    unit: "score 0-100, 100 = most free",
    digits: 1,
    value: (c, _e, z) => clamp(15 + 15 * c.dev + 65 * c.open + 6 * z, 5, 95),
  },
  {
    code: "hdi",
    name: "Human development index",
    pillar: "Gov",
    unit: "index 0-1",
    digits: 3,
    value: (c, _e, z) => clamp(0.35 + 0.6 * c.dev + 0.02 * z, 0.3, 0.97),
  },
  {
    code: "embassies",
    name: "Embassies abroad",
    pillar: "Engage",
    unit: "count",
    digits: 0,
    value: (c, _e, z) => Math.max(10, 25 + 150 * c.reach + 20 * c.dev + 8 * z),
  },
  {
    code: "aid_usd_bn",
    name: "Development aid given",
    pillar: "Engage",
    unit: "USD billions",
    digits: 2,
    value: (c, e, z) =>
      ((e.gdpBn * 0.0035 * Math.max(0, c.dev - 0.55)) / 0.4) *
      (0.4 + 0.6 * c.open) *
      Math.exp(0.3 * z),
  },
  {
    code: "intl_orgs",
    name: "Memberships of international organisations",
    pillar: "Engage",
    unit: "count",
    digits: 0,
    value: (c, _e, z) => 40 + 60 * c.reach + 40 * c.dev + 6 * z,
  },
  {
    code: "gdp_pc_usd",
    name: "GDP per capita",
    pillar: "Enterprise",
    unit: "USD",
    digits: 0,
    value: (_c, e) => e.gdpPc,
  },
  {
    code: "ease_business",
    name: "Ease of doing business",
    pillar: "Enterprise",
    unit: "score 0-100",
    digits: 1,
    value: (c, _e, z) => clamp(30 + 45 * c.dev + 15 * c.open + 4 * z, 10, 95),
  },
  {
    code: "fdi_inflow_usd_bn",
    name: "Foreign direct investment inflows",
    pillar: "Enterprise",
    unit: "USD billions",
    digits: 1,
    value: (_c, e, z) => e.gdpBn * 0.02 * Math.exp(0.6 * z),
  },
];

/** Share of indicator cells left missing (NA). */
export const DEMO_MISSING_SHARE = 0.02;

/**
 * `data/indicators.csv` (COINr iData: `uCode, uName`, the denominator `population_m`, then the
 * indicators) and the number of missing cells. Every country draws one normal per indicator
 * (plus one for its economy) and then one uniform per cell for missingness, in table order.
 */
export function demoIndicatorsCsv(rng: Rng): { csv: string; missing: number } {
  const rows: Cell[][] = [];
  let missing = 0;
  for (const c of DEMO_COUNTRIES) {
    const gdpPc = 700 * Math.exp(4.5 * c.dev + 0.2 * normal(rng));
    const e: Economy = { gdpPc, gdpBn: (gdpPc * c.pop) / 1000 };
    const values = DEMO_INDICATORS.map((ind) => round(ind.value(c, e, normal(rng)), ind.digits));
    const cells: Cell[] = values.map((v) => {
      if (rng.uniform() >= DEMO_MISSING_SHARE) return v;
      missing++;
      return null;
    });
    rows.push([c.iso3, c.name, c.pop, ...cells]);
  }
  const columns = ["uCode", "uName", "population_m", ...DEMO_INDICATORS.map((i) => i.code)];
  return { csv: toCsv(columns, rows), missing };
}

/**
 * `data/iMeta.csv`: the indicators (level 1) under the six pillars (level 2) under `Index`
 * (level 3), equal weights, all directions 1, and `population_m` as a denominator. There is no
 * polling pillar: a study adds its own.
 */
export function demoMetaCsv(): string {
  const columns = [
    "Level",
    "iCode",
    "iName",
    "Direction",
    "Weight",
    "Unit",
    "Target",
    "Denominator",
    "Parent",
    "Type",
  ];
  const rows: Cell[][] = [
    ...DEMO_INDICATORS.map((i) => [
      1,
      i.code,
      i.name,
      1,
      1,
      i.unit,
      null,
      null,
      i.pillar,
      "Indicator",
    ]),
    ...DEMO_PILLARS.map(([code, name]) => [
      2,
      code,
      name,
      1,
      1,
      "Score",
      null,
      null,
      "Index",
      "Aggregate",
    ]),
    [3, "Index", "Soft Power Index (demo)", 1, 1, "Score", null, null, null, "Aggregate"],
    [null, "population_m", "Population", null, null, "millions", null, null, null, "Denominator"],
  ];
  return toCsv(columns, rows);
}
