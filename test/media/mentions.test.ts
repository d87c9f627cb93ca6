import { describe, expect, it } from "vitest";
import { ALIASES, COMPANIES, COUNTRIES, LEADERS } from "../../src/media/gazetteer/build.ts";
import { demonymPlural, usableAltSpelling } from "../../src/media/gazetteer/countries.ts";
import {
  buildGazetteer,
  companyRoot,
  findMentions,
  getDefaultGazetteer,
  type Mention,
} from "../../src/media/mentions.ts";

/** "text→TARGET" per mention, in order. */
const tags = (s: string) => findMentions(s).map((m) => `${m.text}→${m.target}`);
const targets = (s: string) => findMentions(s).map((m) => m.target);

describe("findMentions: basics", () => {
  it("returns offsets, text, target, via and entity", () => {
    const s = "Beijing said Huawei would sue.";
    expect(findMentions(s)).toEqual<Mention[]>([
      { start: 0, end: 7, text: "Beijing", target: "CHN", via: "capital", entity: "China" },
      { start: 13, end: 19, text: "Huawei", target: "CHN", via: "company", entity: "Huawei" },
    ]);
  });
  it("text is the sentence slice", () => {
    const s = "The United States and Japan; Tokyo and Moscow.";
    for (const m of findMentions(s)) expect(s.slice(m.start, m.end)).toBe(m.text);
  });
  it("matches common and official names", () => {
    expect(tags("The People's Republic of China and the Russian Federation met France.")).toEqual([
      "People's Republic of China→CHN",
      "Russian Federation→RUS",
      "France→FRA",
    ]);
  });
  it("prefers the longest match and never overlaps", () => {
    const ms = findMentions("Papua New Guinea, Equatorial Guinea, Guinea-Bissau and Guinea.");
    expect(ms.map((m) => m.target)).toEqual(["PNG", "GNQ", "GNB", "GIN"]);
    for (let k = 1; k < ms.length; k++) expect(ms[k]!.start).toBeGreaterThanOrEqual(ms[k - 1]!.end);
  });
  it("sorts by start", () => {
    const ms = findMentions("Xi met Biden in Bali while Samsung and Sony watched.");
    expect(ms.map((m) => m.start)).toEqual([...ms.map((m) => m.start)].sort((a, b) => a - b));
    expect(ms.map((m) => m.target)).toEqual(["CHN", "USA", "KOR", "JPN"]);
  });
  it("matches on word boundaries only: Niger is not inside Nigeria", () => {
    expect(tags("Nigeria and Niger; Nigerians and Nigeriens.")).toEqual([
      "Nigeria→NGA",
      "Niger→NER",
      "Nigerians→NGA",
      "Nigeriens→NER",
    ]);
    expect(findMentions("Indiana, Omani, Romania")).toEqual([
      expect.objectContaining({ text: "Omani", target: "OMN" }),
      expect.objectContaining({ text: "Romania", target: "ROU" }),
    ]);
  });
  it("matches possessives and curly apostrophes", () => {
    expect(tags("China's exports and Côte d’Ivoire’s cocoa.")).toEqual([
      "China→CHN",
      "Côte d’Ivoire→CIV",
    ]);
  });
  it("is case-sensitive but accepts ALL-CAPS headlines for names of 4+ letters", () => {
    expect(targets("china plates")).toEqual([]);
    expect(targets("CHINA SLAMS GERMANY")).toEqual(["CHN", "DEU"]);
    expect(targets("LOUIS XI")).toEqual([]);
  });
  it("returns nothing for empty or entity-free text", () => {
    expect(findMentions("")).toEqual([]);
    expect(findMentions("   ...  ")).toEqual([]);
    expect(findMentions("The minister said growth would slow next year.")).toEqual([]);
  });
  it("handles mentions at the very end of the text", () => {
    expect(tags("sanctions on the U.S.")).toEqual(["U.S.→USA"]);
    expect(tags("talks with China")).toEqual(["China→CHN"]);
  });
});

describe("demonyms, capitals, leaders", () => {
  it("Chinese → CHN and Americans → USA as demonyms", () => {
    const ms = findMentions("Chinese officials told Americans and Britons.");
    expect(ms.map((m) => [m.target, m.via])).toEqual([
      ["CHN", "demonym"],
      ["USA", "demonym"],
      ["GBR", "demonym"],
    ]);
  });
  it("generated plurals: Germans, Israelis, Pakistanis; no 'Chineses'", () => {
    expect(targets("Germans, Israelis and Pakistanis")).toEqual(["DEU", "ISR", "PAK"]);
    expect(demonymPlural("Chinese")).toBeNull();
    expect(demonymPlural("French")).toBeNull();
    expect(demonymPlural("Czech")).toBe("Czechs");
  });
  it("shared demonyms go to the UN member / larger country", () => {
    expect(targets("Congolese, Dominican, French, Indian and Dutch")).toEqual([
      "COD",
      "DOM",
      "FRA",
      "IND",
      "NLD",
    ]);
  });
  it("capitals are metonyms: Beijing, Moscow, Tokyo", () => {
    const ms = findMentions("Beijing, Moscow and Tokyo reacted.");
    expect(ms.map((m) => [m.target, m.via])).toEqual([
      ["CHN", "capital"],
      ["RUS", "capital"],
      ["JPN", "capital"],
    ]);
  });
  it("government metonyms: Kremlin, White House, Downing Street", () => {
    expect(targets("The Kremlin, the White House and Downing Street")).toEqual([
      "RUS",
      "USA",
      "GBR",
    ]);
  });
  it("ambiguous capitals are left out (Victoria, Kingston, Brussels as the EU)", () => {
    expect(findMentions("Victoria met officials in Kingston and Brussels.")).toEqual([]);
  });
  it("leaders map to their country with the canonical name as entity", () => {
    const ms = findMentions("Xi Jinping, Putin, Modi, Macron, Scholz and Kishida met Lula.");
    expect(ms.map((m) => m.entity)).toEqual([
      "Xi Jinping",
      "Vladimir Putin",
      "Narendra Modi",
      "Emmanuel Macron",
      "Olaf Scholz",
      "Fumio Kishida",
      "Luiz Inácio Lula da Silva",
    ]);
    expect(ms.every((m) => m.via === "leader")).toBe(true);
    expect(ms.map((m) => m.target)).toEqual(["CHN", "RUS", "IND", "FRA", "DEU", "JPN", "BRA"]);
  });
  it("covers 2009-2022 leaders: Obama, Hu Jintao, Cameron, Theresa May, Merkel, Abe, Medvedev", () => {
    expect(
      targets("Obama, Hu Jintao, Cameron, Theresa May, Merkel, Abe, Medvedev and Yoon Suk Yeol"),
    ).toEqual(["USA", "CHN", "GBR", "GBR", "DEU", "JPN", "RUS", "KOR"]);
  });
  it("a bare surname after another given name is someone else", () => {
    expect(tags("Hunter Biden, Akie Abe and Ivanka Trump")).toEqual([]);
    expect(tags("President Biden and Mr. Trump")).toEqual(["Biden→USA", "Trump→USA"]);
  });
  it("ambiguous short names need the full name: May, Johnson, Brown", () => {
    expect(targets("In May, Johnson and Brown said")).toEqual([]);
    expect(targets("Boris Johnson and Gordon Brown")).toEqual(["GBR", "GBR"]);
    expect(targets("Boris Yeltsin")).toEqual([]);
  });
});

describe("ambiguity rules", () => {
  it("'US' in capitals and 'U.S.' are the USA; 'us' is not", () => {
    expect(tags("The US and the U.S. told us")).toEqual(["US→USA", "U.S.→USA"]);
    expect(targets("Let us know; they beat us.")).toEqual([]);
  });
  it("ALL-CAPS 'LET US' / 'JOIN US' are the pronoun; 'US$' is a currency", () => {
    expect(targets("LET US PRAY. JOIN US TODAY")).toEqual([]);
    expect(targets("US SANCTIONS HIT CHINA")).toEqual(["USA", "CHN"]);
    expect(targets("a US$5 billion deal")).toEqual([]);
  });
  it("USA, America, United States of America", () => {
    expect(targets("USA, America and the United States of America")).toEqual(["USA", "USA", "USA"]);
  });
  it("UK, U.K., Britain, Great Britain, England (documented: → GBR)", () => {
    const ms = findMentions("The UK, the U.K., Britain, Great Britain and England.");
    expect(ms.map((m) => m.target)).toEqual(["GBR", "GBR", "GBR", "GBR", "GBR"]);
    expect(ms[4]!.entity).toBe("England");
  });
  it("Georgia the country by default and with country cues", () => {
    expect(targets("Georgia's president spoke in Tbilisi.")).toEqual(["GEO", "GEO"]);
    expect(targets("Russia invaded Georgia in 2008.")).toEqual(["RUS", "GEO"]);
    expect(targets("Trade between Georgia and Armenia grew.")).toEqual(["GEO", "ARM"]);
  });
  it("Georgia the US state with US cues", () => {
    expect(targets("Georgia Senate runoff")).toEqual([]);
    expect(targets("Voters in Georgia backed Republicans.")).toEqual([]);
    expect(targets("She moved to Atlanta, Georgia.")).toEqual([]);
    expect(targets("He lives in Georgia, U.S.")).toEqual([]);
    expect(targets("Georgia Tech won")).toEqual([]);
  });
  it("Jordan the country vs the first name", () => {
    expect(targets("Michael Jordan scored.")).toEqual([]);
    expect(targets("Jordan Peterson spoke.")).toEqual([]);
    expect(targets("Jordan said on Monday that Syria and Jordan agreed.")).toEqual([
      "JOR",
      "SYR",
      "JOR",
    ]);
    expect(targets("King Abdullah of Jordan and Jordan's army")).toEqual(["JOR", "JOR"]);
  });
  it("Chad the country vs the first name", () => {
    expect(targets("Chad Smith and Lake Chad")).toEqual([]);
    expect(targets("Chad and Niger; troops in Chad.")).toEqual(["TCD", "NER", "TCD"]);
  });
  it("Turkey capitalised is the country, turkey the bird, Türkiye too", () => {
    expect(tags("Turkey and Türkiye, not the turkey")).toEqual(["Turkey→TUR", "Türkiye→TUR"]);
    expect(targets("Turkey sandwiches sold out.")).toEqual([]);
    expect(targets("Turkish drones; Turks voted.")).toEqual(["TUR", "TUR"]);
  });
  it("North vs South Korea: Korea alone is KOR; DPRK and Pyongyang are PRK", () => {
    expect(targets("North Korea, South Korea, Korea, DPRK, Pyongyang, Seoul")).toEqual([
      "PRK",
      "KOR",
      "KOR",
      "PRK",
      "PRK",
      "KOR",
    ]);
    expect(targets("North Korean and South Korean troops on the Korean Peninsula")).toEqual([
      "PRK",
      "KOR",
    ]);
  });
  it("China, PRC and mainland China → CHN; Taiwan, Hong Kong separate", () => {
    expect(tags("The PRC, mainland China, Taiwan and Hong Kong")).toEqual([
      "PRC→CHN",
      "mainland China→CHN",
      "Taiwan→TWN",
      "Hong Kong→HKG",
    ]);
  });
  it("organisations named after countries are not mentions (stop-list)", () => {
    expect(findMentions("China Daily, Bank of America, Air China and the Bank of China")).toEqual(
      [],
    );
    expect(findMentions("American Airlines and Voice of America; the South China Sea")).toEqual([]);
  });
  it("state telecoms named after China are company mentions", () => {
    const ms = findMentions("China Mobile and China Telecom were delisted.");
    expect(ms.map((m) => [m.entity, m.via, m.target])).toEqual([
      ["China Mobile", "company", "CHN"],
      ["China Telecom", "company", "CHN"],
    ]);
  });
  it("regions containing country words are not mentions", () => {
    expect(
      targets("Latin America, North America, New Mexico, New Jersey, New England, New Guinea"),
    ).toEqual([]);
    expect(targets("Native Americans and Latin Americans")).toEqual([]);
  });
  it("Washington is the US government metonym", () => {
    const ms = findMentions("Washington imposed tariffs; talks in Washington, D.C. resumed.");
    expect(ms.map((m) => [m.text, m.target, m.via])).toEqual([
      ["Washington", "USA", "capital"],
      ["Washington, D.C.", "USA", "capital"],
    ]);
  });
  it("but not Washington state, the university, George Washington or the Washington Post", () => {
    expect(
      findMentions(
        "George Washington, the Washington Post, Washington state, the University of Washington " +
          "and Redmond, Washington.",
      ),
    ).toEqual([]);
  });
  it("Apple the company, not the fruit", () => {
    expect(targets("Apple said it sells an apple a day.")).toEqual(["USA"]);
    expect(targets("Apple pie and Apple juice")).toEqual([]);
    expect(targets("The Big Apple")).toEqual([]);
  });
  it("Amazon the company, not the rainforest or river", () => {
    expect(targets("Amazon cut jobs.")).toEqual(["USA"]);
    expect(targets("the Amazon rainforest; The Amazon; Amazon river; Amazon basin")).toEqual([]);
    expect(tags("Amazon Web Services and Amazon's cloud")).toEqual([
      "Amazon Web Services→USA",
      "Amazon→USA",
    ]);
  });
  it("Meta the company, not meta-analysis", () => {
    expect(targets("Meta fined; a Meta-analysis found")).toEqual(["USA"]);
  });
  it("Congo alone → DRC; Republic of the Congo → COG", () => {
    expect(
      targets("Congo, the Republic of the Congo, the Democratic Republic of the Congo"),
    ).toEqual(["COD", "COG", "COD"]);
  });
  it("Island/Mann/RSA alternative spellings are not names", () => {
    expect(targets("Island hopping with Thomas Mann and the RSA")).toEqual([]);
    expect(usableAltSpelling("AU")).toBe(false);
    expect(usableAltSpelling("Korea, Republic of")).toBe(false);
    expect(usableAltSpelling("Burma")).toBe(true);
  });
});

describe("companies", () => {
  it("Huawei → company, target CHN, entity Huawei", () => {
    expect(findMentions("Huawei")).toEqual([
      { start: 0, end: 6, text: "Huawei", target: "CHN", via: "company", entity: "Huawei" },
    ]);
  });
  it("Chinese tech companies", () => {
    const s =
      "ZTE, TikTok, ByteDance, Alibaba, Tencent, Baidu, Xiaomi, DJI, BYD, CATL, SMIC, Lenovo";
    const ms = findMentions(s);
    expect(ms).toHaveLength(12);
    expect(ms.every((m) => m.target === "CHN" && m.via === "company")).toBe(true);
  });
  it("US, Korean, Taiwanese, Japanese and European companies", () => {
    expect(
      targets(
        "Apple, Google, Alphabet, Microsoft, Amazon, Meta, Facebook, Nvidia, Intel, Tesla, OpenAI",
      ),
    ).toEqual(Array(11).fill("USA"));
    expect(targets("Samsung, TSMC, Sony, SAP and ASML")).toEqual([
      "KOR",
      "TWN",
      "JPN",
      "DEU",
      "NLD",
    ]);
  });
  it("products roll up to their parents", () => {
    const g = getDefaultGazetteer();
    const ms = findMentions("WeChat, Instagram, WhatsApp and YouTube", g);
    expect(ms.map((m) => companyRoot(m.entity, g))).toEqual([
      "Tencent",
      "Meta",
      "Meta",
      "Alphabet",
    ]);
    expect(companyRoot("TikTok", g)).toBe("ByteDance");
    expect(companyRoot("Huawei", g)).toBe("Huawei");
  });
  it("a company name containing a country or capital wins as the longer match", () => {
    expect(tags("Tokyo Electron and Taiwan Semiconductor Manufacturing")).toEqual([
      "Tokyo Electron→JPN",
      "Taiwan Semiconductor Manufacturing→TWN",
    ]);
  });
  it("Nikola Tesla and Apple Daily are not companies", () => {
    expect(targets("Nikola Tesla; Apple Daily closed")).toEqual([]);
  });
});

describe("buildGazetteer", () => {
  it("accepts extra aliases, companies, leaders, stop phrases and guards", () => {
    const g = buildGazetteer({
      aliases: [{ surface: "Middle Kingdom", target: "CHN" }],
      companies: [{ name: "Acme Robotics", country: "CHE" }],
      leaders: [{ name: "Viola Amherd", target: "CHE", role: "President", from: 2024, to: 2024 }],
      stop: ["Swiss Re"],
      guards: { Japan: { next: ["Times"] } },
    });
    const s = "The Middle Kingdom, Acme Robotics, Viola Amherd, Swiss Re and Japan Times";
    expect(findMentions(s, g).map((m) => [m.target, m.via])).toEqual([
      ["CHN", "name"],
      ["CHE", "company"],
      ["CHE", "leader"],
    ]);
  });
  it("bundled: false uses only the extra data", () => {
    const g = buildGazetteer({
      bundled: false,
      aliases: [{ surface: "Ruritania", target: "RUR" }],
    });
    expect(findMentions("Ruritania and China", g).map((m) => m.target)).toEqual(["RUR"]);
  });
  it("the default gazetteer is built once", () => {
    expect(getDefaultGazetteer()).toBe(getDefaultGazetteer());
  });
});

describe("reviewed data", () => {
  const iso3 = new Set(COUNTRIES.map((c) => c.cca3));
  it("every alias, leader and company targets a world-countries code", () => {
    for (const a of ALIASES.aliases) expect(iso3.has(a.target), a.surface).toBe(true);
    for (const l of LEADERS.leaders) expect(iso3.has(l.target), l.name).toBe(true);
    for (const c of COMPANIES.companies) expect(iso3.has(c.country), c.name).toBe(true);
  });
  it("company parents exist and names are unique", () => {
    const names = new Set(COMPANIES.companies.map((c) => c.name));
    expect(names.size).toBe(COMPANIES.companies.length);
    for (const c of COMPANIES.companies)
      if (c.parent) expect(names.has(c.parent), c.name).toBe(true);
  });
  it("no surface is listed twice across aliases, leaders and companies", () => {
    const seen = new Map<string, string>();
    const add = (s: string, where: string) => {
      expect(seen.get(s), `${s} in ${where}`).toBeUndefined();
      seen.set(s, where);
    };
    for (const a of ALIASES.aliases) add(a.surface, "aliases");
    for (const l of LEADERS.leaders)
      for (const v of [l.name, ...(l.variants ?? [])]) add(v, l.name);
    for (const c of COMPANIES.companies)
      for (const v of [c.name, ...(c.aliases ?? [])]) add(v, c.name);
  });
  it("every guard applies to a surface of the gazetteer", () => {
    const surfaces = new Set(getDefaultGazetteer().entries.map((e) => e.surface));
    for (const k of [...Object.keys(ALIASES.guards), ...Object.keys(COMPANIES.guards ?? {})]) {
      expect(surfaces.has(k), k).toBe(true);
    }
  });
  it("covers every country and the main companies", () => {
    const g = getDefaultGazetteer();
    const covered = new Set(g.entries.map((e) => e.target));
    for (const c of COUNTRIES) expect(covered.has(c.cca3), c.cca3).toBe(true);
    for (const name of ["Huawei", "ByteDance", "Alphabet", "Samsung", "TSMC", "ASML", "SAP"]) {
      expect(g.companies.has(name)).toBe(true);
    }
  });
});
