/**
 * Builds the mention gazetteer: world-countries names, demonyms and capitals, then the reviewed
 * data in data/media (aliases, leaders, companies, stop phrases, guards), then caller additions.
 * Later sources replace earlier ones for the same surface. Pure: the data is imported as JSON.
 */
import type { Country } from "world-countries";
import countriesJson from "world-countries/countries.json" with { type: "json" };
import aliasesJson from "../../../data/media/aliases.json" with { type: "json" };
import companiesJson from "../../../data/media/companies.json" with { type: "json" };
import leadersJson from "../../../data/media/leaders.json" with { type: "json" };
import { countryEntries } from "./countries.ts";
import { tokenize } from "./tokens.ts";
import { compileTrie } from "./trie.ts";
import type {
  AliasFile,
  CompanyFile,
  CompanyRecord,
  Gazetteer,
  GazetteerEntry,
  GazetteerExtra,
  Guard,
  LeaderFile,
} from "./types.ts";

export const COUNTRIES = countriesJson as unknown as readonly Country[];
export const ALIASES = aliasesJson as unknown as AliasFile;
export const LEADERS = leadersJson as unknown as LeaderFile;
export const COMPANIES = companiesJson as unknown as CompanyFile;

/** Build a gazetteer from the bundled data plus `extra`. */
export function buildGazetteer(extra: GazetteerExtra = {}): Gazetteer {
  const bundled = extra.bundled ?? true;
  const names = new Map<string, string>(); // ISO3 → common name
  for (const c of COUNTRIES) names.set(c.cca3, c.name.common);
  const entries = new Map<string, GazetteerEntry>();
  const put = (e: GazetteerEntry) => {
    entries.delete(e.surface); // keep insertion order = precedence order
    entries.set(e.surface, e);
  };

  if (bundled) {
    for (const e of countryEntries(COUNTRIES, {
      dropNames: new Set(ALIASES.dropNames),
      dropCapitals: new Set(ALIASES.dropCapitals),
    }))
      put(e);
  }

  const leaders = [...(bundled ? LEADERS.leaders : []), ...(extra.leaders ?? [])];
  for (const l of leaders) {
    for (const v of [l.name, ...(l.variants ?? [])]) {
      // A bare surname is not the leader after another given name ("Hunter Biden").
      const guard: Guard | undefined =
        tokenize(v).length === 1 ? { personName: "prev" } : undefined;
      put({ surface: v, target: l.target, via: "leader", entity: l.name, ...(guard && { guard }) });
    }
  }

  const companies = new Map<string, CompanyRecord>();
  const noName = new Set(bundled ? (COMPANIES.noName ?? []) : []);
  for (const c of [...(bundled ? COMPANIES.companies : []), ...(extra.companies ?? [])]) {
    companies.set(c.name, c);
    const surfaces = noName.has(c.name) ? (c.aliases ?? []) : [c.name, ...(c.aliases ?? [])];
    for (const s of surfaces)
      put({ surface: s, target: c.country, via: "company", entity: c.name });
  }

  for (const a of [...(bundled ? ALIASES.aliases : []), ...(extra.aliases ?? [])]) {
    put({
      surface: a.surface,
      target: a.target,
      via: a.via ?? "name",
      entity: a.entity ?? names.get(a.target) ?? a.target,
      ...(a.exact && { exact: true }),
    });
  }

  for (const s of [...(bundled ? ALIASES.stop : []), ...(extra.stop ?? [])]) {
    put({ surface: s, target: null, via: "name", entity: s });
  }

  const guards: Record<string, Guard> = {
    ...(bundled ? COMPANIES.guards : {}),
    ...(bundled ? ALIASES.guards : {}),
    ...extra.guards,
  };
  for (const [surface, guard] of Object.entries(guards)) {
    const e = entries.get(surface);
    if (e) entries.set(surface, { ...e, guard: { ...e.guard, ...guard } });
  }

  const list = [...entries.values()];
  const { root, starts } = compileTrie(list);
  return { entries: list, companies, root, starts };
}

/** The top of a company's parent chain ("Instagram" → "Meta"); the name itself if unknown. */
export function companyRoot(entity: string, gazetteer: Gazetteer): string {
  let name = entity;
  for (let i = 0; i < 10; i++) {
    const parent = gazetteer.companies.get(name)?.parent;
    if (!parent || !gazetteer.companies.has(parent)) return name;
    name = parent;
  }
  return name;
}
