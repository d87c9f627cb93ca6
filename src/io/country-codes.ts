/**
 * Country codes and names as statistical files write them, resolved to ISO 3166-1 alpha-3.
 *
 * The country list is the project's (world-countries, as in the media gazetteer): common and
 * official names, alternative spellings, cca2, cca3 and the UN M49 number. On top of it, the
 * spellings of the World Bank (WDI), the UN (migrant stock, M49 names), UNDP, Transparency
 * International, SCImago and the Elcano Institute ("Korea, Rep.", "Iran (Islamic Republic of)",
 * "Congo (Democratic Republic of the)", "Sudan (South)"...), the legacy codes of older WDI
 * extracts (ROM, ZAR, TMP, ADO, IMY, KSV, WBG) and the news aliases of data/media/aliases.json
 * that name a whole country. Aggregates (World, High income, Euro area, WLD, EUU, OWID_WRL, M49
 * regions) are recognised as such, so a reader can skip and list them instead of matching them.
 *
 * Names are compared after {@link normaliseCountryName} (case, accents, punctuation, "St." =
 * "Saint", a leading "The"). A name that two countries share (after the variants) matches neither.
 * Kosovo is `UNK`, world-countries' code.
 */
import { ALIASES, COUNTRIES } from "../media/gazetteer/build.ts";

/** How a unit column writes countries. */
export type UnitCodeType = "iso3" | "iso2" | "m49" | "name";

/** What a unit cell is: a country (ISO3), an aggregate of countries, or not known. */
export type CountryMatch =
  | { kind: "country"; iso3: string }
  | { kind: "aggregate" }
  | { kind: "unmatched" };

/** Spellings of statistical agencies that world-countries does not hold (or holds for another country). */
const VARIANTS: Record<string, string> = {
  // World Bank WDI
  "Bahamas, The": "BHS",
  "Congo, Dem. Rep.": "COD",
  "Congo, Rep.": "COG",
  "Egypt, Arab Rep.": "EGY",
  "Gambia, The": "GMB",
  "Hong Kong SAR, China": "HKG",
  "Iran, Islamic Rep.": "IRN",
  "Korea, Dem. Rep.": "PRK",
  "Korea, Dem. People's Rep.": "PRK",
  "Korea, Rep.": "KOR",
  "Kyrgyz Republic": "KGZ",
  "Lao PDR": "LAO",
  "Macao SAR, China": "MAC",
  "Macedonia, FYR": "MKD",
  "Micronesia, Fed. Sts.": "FSM",
  "Slovak Republic": "SVK",
  "Venezuela, RB": "VEN",
  "Yemen, Rep.": "YEM",
  "Virgin Islands (U.S.)": "VIR",
  "West Bank and Gaza": "PSE",
  "Faeroe Islands": "FRO",
  "Brunei Darussalam": "BRN",
  "Cabo Verde": "CPV",
  Turkey: "TUR",
  Kosovo: "UNK",
  // UN (M49 names, migrant stock), UNDP
  "Bolivia (Plurinational State of)": "BOL",
  "Iran (Islamic Republic of)": "IRN",
  "Venezuela (Bolivarian Republic of)": "VEN",
  "Micronesia (Fed. States of)": "FSM",
  "Dem. People's Republic of Korea": "PRK",
  "China, Hong Kong SAR": "HKG",
  "China, Macao SAR": "MAC",
  "China, Taiwan Province of China": "TWN",
  "Taiwan, China": "TWN",
  Congo: "COG",
  "Wallis and Futuna Islands": "WLF",
  "Falkland Islands (Malvinas)": "FLK",
  "Holy See": "VAT",
  "China, Hong Kong Special Administrative Region": "HKG",
  "China, Macao Special Administrative Region": "MAC",
  "Micronesia (country)": "FSM",
  // Elcano Global Presence
  Korea: "KOR",
  "Congo (Democratic Republic of the)": "COD",
  "Congo (Republic of the)": "COG",
  "Sudan (South)": "SSD",
  "Serbia (Republic of)": "SRB",
  "Moldova (Republic of)": "MDA",
  // Transparency International, SCImago
  "Congo Republic": "COG",
  "Republic of Congo": "COG",
  "Democratic Republic Congo": "COD",
  "Virgin Islands (British)": "VGB",
  "Saint Martin (Dutch)": "SXM",
  "Saint Martin (French)": "MAF",
  "Vatican City State": "VAT",
  // UN voting data (Bailey, Strezhnev and Voeten)
  Bosnia: "BIH",
  "Korea North": "PRK",
  "Korea South": "KOR",
  "Myanmar (Burma)": "MMR",
};

/** Legacy or agency codes for countries (older WDI extracts, Eurostat). */
const CODE_VARIANTS: Record<string, string> = {
  ADO: "AND",
  ROM: "ROU",
  ZAR: "COD",
  TMP: "TLS",
  IMY: "IMN",
  KSV: "UNK",
  XKX: "UNK",
  WBG: "PSE",
  UK: "GBR",
  EL: "GRC",
};

/** World Bank aggregate codes (regions, income groups, lending groups, small states). */
const AGGREGATE_CODES = new Set(
  (
    "ARB CSS CEB EAR EAS EAP TEA EMU ECS ECA TEC EUU FCS HPC HIC IBD IBT IDB IDX IDA LTE LCN LAC " +
    "TLA LDC LMY LIC LMC MEA MNA TMN MIC NAC INX OED OSS PSS PST PRE SST SAS TSA SSF SSA TSS UMC " +
    "WLD NOC OEC CEA CEU CLA CME CSA CAA AFE AFW EU"
  ).split(" "),
);

/** UN M49 codes of regions and groups (countries are all below 900 and outside this set). */
const M49_REGIONS = new Set([
  1, 2, 5, 9, 11, 13, 14, 15, 17, 18, 19, 21, 29, 30, 34, 35, 39, 53, 54, 57, 61, 142, 143, 145,
  150, 151, 154, 155, 202, 419,
]);

/** Words that make a name an aggregate when it is not a country ("High income", "Euro area"). */
const AGGREGATE_NAME =
  /\b(australia and new zealand|world|income|countries|regions?|area|union|small states|developing|developed|dividend|fragile|indebted|ida|ibrd|oecd|members|classification|total|sub saharan|africa|asia|europe|america|caribbean|pacific|middle east|arab|latin|oceania|melanesia|polynesia|sahel|not classified|sids|lldc|least developed|euro|human development|excluding|other)\b/;

/**
 * A country name in the form used for matching: accents and case dropped, "&" = "and",
 * "St." = "Saint", punctuation (including apostrophes and a trailing "*") dropped, a leading
 * "The" dropped, spaces collapsed.
 *
 * @example normaliseCountryName("  Côte d’Ivoire*") // "cote divoire"
 */
export function normaliseCountryName(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/\bst\.?(?=\s)/g, "saint")
    .replace(/['’‘`]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .replace(/^the /, "");
}

interface Lookup {
  byName: Map<string, string | null>;
  iso3: Map<string, string>;
  iso2: Map<string, string>;
  m49: Map<number, string>;
  name: Map<string, string>;
}

let lookup: Lookup | undefined;

function tables(): Lookup {
  if (lookup) return lookup;
  const byName = new Map<string, string | null>(); // null = shared by several countries
  const add = (name: string, iso3: string) => {
    const k = normaliseCountryName(name);
    if (k.length < 3) return;
    const prev = byName.get(k);
    byName.set(k, prev === undefined || prev === iso3 ? iso3 : null);
  };
  const iso3 = new Map<string, string>();
  const iso2 = new Map<string, string>();
  const m49 = new Map<number, string>();
  const name = new Map<string, string>();
  for (const c of COUNTRIES) {
    iso3.set(c.cca3, c.cca3);
    iso2.set(c.cca2, c.cca3);
    if (c.ccn3) m49.set(Number(c.ccn3), c.cca3);
    name.set(c.cca3, c.name.common);
    add(c.name.common, c.cca3);
    add(c.name.official, c.cca3);
    for (const s of c.altSpellings) if (s.length > 3) add(s, c.cca3);
  }
  // News aliases that name a whole country (not England for GBR, not a leader or company).
  for (const a of ALIASES.aliases) {
    if ((a.via ?? "name") === "name" && !a.entity) add(a.surface, a.target);
  }
  for (const [k, v] of Object.entries(VARIANTS)) byName.set(normaliseCountryName(k), v);
  for (const [k, v] of Object.entries(CODE_VARIANTS)) (k.length === 2 ? iso2 : iso3).set(k, v);
  lookup = { byName, iso3, iso2, m49, name };
  return lookup;
}

/**
 * What a unit cell written as `type` is: a country, an aggregate or unknown. ISO codes are
 * case-insensitive; M49 codes may carry a letter prefix ("un276", Elcano's ids) and leading zeros.
 *
 * @example matchCountry("Korea, Rep.", "name") // { kind: "country", iso3: "KOR" }
 * @example matchCountry("High income", "name") // { kind: "aggregate" }
 */
export function matchCountry(value: string, type: UnitCodeType): CountryMatch {
  const t = tables();
  const v = value.trim();
  const found = (iso3: string | null | undefined): CountryMatch | undefined =>
    iso3 ? { kind: "country", iso3 } : undefined;
  switch (type) {
    case "iso3": {
      const c = v.toUpperCase();
      return (
        found(t.iso3.get(c)) ??
        (AGGREGATE_CODES.has(c) || c.startsWith("OWID_")
          ? { kind: "aggregate" }
          : { kind: "unmatched" })
      );
    }
    case "iso2": {
      const c = v.toUpperCase();
      return found(t.iso2.get(c)) ?? { kind: "unmatched" };
    }
    case "m49": {
      const m = /^[A-Za-z_]*(\d{1,4})$/.exec(v);
      if (!m) return { kind: "unmatched" };
      const n = Number(m[1]);
      return (
        found(t.m49.get(n)) ??
        (M49_REGIONS.has(n) || n >= 900 ? { kind: "aggregate" } : { kind: "unmatched" })
      );
    }
    case "name": {
      const k = normaliseCountryName(v);
      return (
        found(t.byName.get(k)) ??
        (AGGREGATE_NAME.test(k) ? { kind: "aggregate" } : { kind: "unmatched" })
      );
    }
  }
}

/**
 * The ISO3 code of a country written as a name, ISO2, ISO3 or M49 code (`type` "auto" tries
 * codes when the value looks like one, then names), or undefined for an aggregate or an unknown
 * value.
 *
 * @example toIso3("Russian Federation") // "RUS"
 * @example toIso3("CN") // "CHN"
 * @example toIso3("World") // undefined
 */
export function toIso3(value: string, type: UnitCodeType | "auto" = "auto"): string | undefined {
  if (type !== "auto") {
    const m = matchCountry(value, type);
    return m.kind === "country" ? m.iso3 : undefined;
  }
  const v = value.trim();
  const guess: UnitCodeType | undefined = /^[A-Za-z]{3}$/.test(v)
    ? "iso3"
    : /^[A-Za-z]{2}$/.test(v)
      ? "iso2"
      : /^[A-Za-z_]*\d{1,4}$/.test(v)
        ? "m49"
        : undefined;
  if (guess) {
    const m = matchCountry(v, guess);
    if (m.kind === "country") return m.iso3;
  }
  return toIso3(v, "name");
}

/** The common English name of a country (world-countries), or undefined for an unknown code. */
export function countryName(iso3: string): string | undefined {
  return tables().name.get(iso3);
}
