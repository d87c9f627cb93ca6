/**
 * Country surface forms from the world-countries package: common and official names, the
 * alternative spellings that are real names (not 2-letter codes, inverted "Korea, Republic of"
 * forms, non-Latin scripts, or words reviewed out in aliases.json), English demonyms with their
 * plurals, and capitals as metonyms ("Beijing said") for sovereign states. When a surface belongs
 * to several countries ("Congolese", "Dominican", "French") the UN member, then the larger
 * country, wins.
 */
import type { Country } from "world-countries";
import type { GazetteerEntry } from "./types.ts";

/** Territories with a capital that news uses as a metonym though world-countries marks them non-independent. */
const CAPITAL_TERRITORIES = new Set(["TWN", "PSE", "UNK"]);

const LATIN = /^[\p{Script=Latin}\p{M}\p{N}\s'’.\-()]+$/u;

/** Is an alternative spelling a usable English-news name? */
export function usableAltSpelling(s: string): boolean {
  if (s.length <= 2) return false; // ISO 3166 alpha-2 codes
  if (s.includes(",")) return false; // "Korea, Republic of"
  if (/^the\b/i.test(s)) return false; // "The Netherlands": the bare name is already there
  if (!LATIN.test(s)) return false;
  const first = s[0]!;
  return first !== first.toLowerCase(); // "weSwatini"
}

/** English plural of a demonym used as a noun ("Americans"), or null ("Chinese", "French", "Swiss"). */
export function demonymPlural(d: string): string | null {
  if (/(ese|sh|ss|ench|tch|men|z|x|y|s)$/.test(d)) return null;
  if (/(n|r|i|e|t|k|ch|o|c)$/.test(d)) return `${d}s`;
  return null;
}

function priority(c: Country): number {
  return (c.unMember ? 1e12 : c.independent ? 1e11 : 0) + c.area;
}

export interface CountrySurfaceOptions {
  dropNames: ReadonlySet<string>;
  dropCapitals: ReadonlySet<string>;
}

/** Entries for all countries, one per surface (collisions resolved by priority). */
export function countryEntries(
  countries: readonly Country[],
  opts: CountrySurfaceOptions,
): GazetteerEntry[] {
  const best = new Map<string, { entry: GazetteerEntry; rank: number }>();
  const add = (c: Country, surface: string, via: GazetteerEntry["via"]) => {
    const s = surface.trim();
    if (!s || opts.dropNames.has(s)) return;
    const rank = priority(c) + (via === "name" ? 1e13 : 0); // a name beats a demonym or capital
    const prev = best.get(s);
    if (prev && prev.rank >= rank) return;
    best.set(s, { entry: { surface: s, target: c.cca3, via, entity: c.name.common }, rank });
  };
  for (const c of countries) {
    add(c, c.name.common, "name");
    add(c, c.name.official, "name");
    const eng = c.name.native.eng;
    if (eng) {
      add(c, eng.common, "name");
      add(c, eng.official, "name");
    }
    for (const alt of c.altSpellings) if (usableAltSpelling(alt)) add(c, alt, "name");
    const dem = c.demonyms.eng;
    if (dem) {
      for (const form of new Set([dem.m, dem.f])) {
        for (const d of form.split(/,\s*|\s+or\s+/)) {
          if (!d) continue;
          add(c, d, "demonym");
          const pl = demonymPlural(d);
          if (pl) add(c, pl, "demonym");
        }
      }
    }
    if (c.independent || CAPITAL_TERRITORIES.has(c.cca3)) {
      for (const cap of c.capital) if (!opts.dropCapitals.has(cap)) add(c, cap, "capital");
    }
  }
  return [...best.values()].map((b) => b.entry);
}
