/**
 * News frames: a transparent, multi-label keyword dictionary written for this project (not copied
 * from an existing dictionary), tuned for international-relations coverage such as US–China news.
 * A sentence carries a frame when it contains at least one of the frame's terms. The method, each
 * frame's definition, term list, rationale and known false positives are in
 * docs/methods/frames.md.
 *
 * Matching rules (pure: no I/O, clock or randomness):
 * - Text is split into word tokens (ASCII letters and digits, and letters from U+00C0 on); all
 *   other characters separate words, so matching is whole-word ("chip" never matches "chipset").
 * - Case-insensitive, except acronyms: a one-word term written with two or more capitals and no
 *   lower-case letter ("WHO", "AI", "PLA") only matches that exact spelling (plus a plural "s"), so
 *   "WHO" is not the pronoun "who".
 * - Words of a multi-word term must be separated only by spaces, hyphens, apostrophes or "&":
 *   "supply chain" matches "supply-chain" but not "supply, chain".
 * - Inflection applies to the last word of a term. Plain terms also match their plural (-s; -es
 *   after s, x, z, ch, sh; consonant + y → -ies). A trailing "~" marks a verb that also matches
 *   -ed and -ing (final e dropped: trade → traded, trading; a final consonant after a single vowel
 *   may double: patrol → patrolled). A leading "=" matches the term exactly, with no inflection.
 * - Leftmost-longest: at each word the longest term starting there wins and its words are consumed,
 *   so "trade war" shadows "war" and carries only the frames it is listed under. Stop phrases
 *   ("trade-off", "potato chips", "West Bank") are consumed the same way but carry no frame: they
 *   are the guard against known false positives.
 */

import { WordTable } from "./word-table.ts";

export type Frame =
  | "economy_trade"
  | "technology"
  | "security_military"
  | "politics_governance"
  | "human_rights"
  | "culture_people"
  | "health"
  | "environment";

export const FRAMES: readonly Frame[] = Object.freeze([
  "economy_trade",
  "technology",
  "security_military",
  "politics_governance",
  "human_rights",
  "culture_people",
  "health",
  "environment",
] as const);

/** One piece of evidence: `term` is the dictionary term (without markers), `start` its offset. */
export interface FrameMatch {
  frame: Frame;
  term: string;
  start: number;
}

/** Comma- or newline-separated term lists keep the dictionary readable. */
const list = (s: string): readonly string[] =>
  Object.freeze(
    s
      .split(/[,\n]/)
      .map((t) => t.trim())
      .filter((t) => t.length > 0),
  );

/** The dictionary. A term listed under several frames counts for each of them. */
export const FRAME_TERMS: Readonly<Record<Frame, readonly string[]>> = Object.freeze({
  economy_trade: list(`
    economy, economic, economics, trade~, trader, trade war, tariff, sanction~, export~, exporter,
    import~, importer, export control, entity list, supply chain, market, stock exchange,
    Wall Street, invest~, investment, investor, GDP, growth, recession, inflation, currency, yuan,
    renminbi, dollar, exchange rate, interest rate, bank, finance, financial, fiscal, stimulus,
    budget, tax, debt, debt trap, loan, Belt and Road, BRI, business, company, industry, industrial,
    manufacturing, manufacturer, factory, farmer, soybean, commodity, oil, energy, energy security,
    food security, job security, social security, price, consumer, =sales, =jobs, unemployment, WTO,
    IMF, subsidy, dumping, intellectual property, technology transfer, decouple~, rare earth,
    =securities, e-commerce, economic coercion, boycott~, Chips Act, Made in China 2025, tech war,
    price war
  `),
  technology: list(`
    technology, technological, tech, tech war, semiconductor, chip, chipmaker, microchip, Chips Act,
    5G, 6G, Huawei, ZTE, TikTok, ByteDance, WeChat, Tencent, Alibaba, Baidu, Xiaomi, DJI, SMIC,
    TSMC, Nvidia, artificial intelligence, AI, machine learning, algorithm, quantum computing,
    supercomputer, smartphone, internet, software, app, social media, digital, cyber, cybersecurity,
    cyberattack, hack~, hacker, data security, data privacy, personal data, cloud computing,
    encryption, satellite, space station, space program, robot, robotics, electric vehicle, EV,
    battery, innovation, research and development, R&D, patent, startup, Silicon Valley,
    surveillance, facial recognition, Great Firewall, drone, telecom, telecommunications,
    undersea cable, Made in China 2025, technology transfer, entity list, export control,
    intellectual property, rare earth, biotech, video game, computer virus, e-commerce, science,
    scientist, scientific
  `),
  security_military: list(`
    military, army, navy, naval, air force, armed forces, PLA, People's Liberation Army, troop,
    soldier, war, warfare, Cold War, conflict, invade~, invasion, missile, hypersonic, ICBM,
    nuclear, warhead, arsenal, weapon, =arms, arms trade, ammunition, warship, aircraft carrier,
    submarine, destroyer, frigate, fighter jet, F-35, warplane, bomber, drone, war game, live-fire,
    joint exercise, Taiwan Strait, South China Sea, East China Sea, Korean Peninsula, blockade,
    patrol~, freedom of navigation, coast guard, =security, national security, Security Council,
    defense, defence, Pentagon, deterrence, espionage, spy~, intelligence, CIA, terrorism,
    terrorist, airstrike, air strike, NATO, AUKUS, alliance, Indo-Pacific, cyberattack, hack~,
    hacker, bioweapon, biological weapon, border clash, skirmish, combat, ceasefire, martial law,
    undersea cable
  `),
  politics_governance: list(`
    politics, political, politician, government, governance, election, electoral, vote~, voter,
    ballot, referendum, parliament, congress, senate, senator, lawmaker, legislature, legislation,
    president, presidential, premier, minister, ministry, policy, regime, authoritarian, autocracy,
    democracy, democratic, communist, CCP, CPC, Politburo, ruling party, opposition, Xi Jinping,
    Biden, Trump, White House, State Department, diplomat, diplomacy, diplomatic, ambassador,
    embassy, consulate, summit, treaty, United Nations, UN, Security Council, G7, G20, ASEAN,
    European Union, sovereignty, reunification, Taiwan independence, One China, cross-strait, coup,
    impeachment, corruption, propaganda, state media, protest~, protester, Hong Kong protest,
    national security law, sanction~, boycott~, diplomatic boycott, Belt and Road, debt trap,
    economic coercion, Cold War, Indo-Pacific, war of words, culture war, Confucius Institute,
    soft power, Paris Agreement
  `),
  human_rights: list(`
    human rights, rights activist, rights lawyer, civil rights, civil liberties, women's rights,
    LGBT, gender equality, freedom of speech, free speech, freedom of expression, press freedom,
    freedom of the press, religious freedom, freedom of religion, academic freedom, censorship,
    censor~, dissident, activist, detention, arbitrary detention, detention camp, internment camp,
    re-education camp, concentration camp, labor camp, forced labor, forced labour, genocide,
    crimes against humanity, ethnic cleansing, torture, persecution, persecute~, Uyghur, Uighur,
    Xinjiang, Tibet, Tibetan, Dalai Lama, Falun Gong, political prisoner, crackdown, repression,
    oppression, asylum, refugee, ethnic minority, discrimination, racism, hate crime, anti-Asian,
    Tiananmen, pro-democracy, Amnesty International, Human Rights Watch, surveillance,
    facial recognition, Great Firewall, forced sterilization, Hong Kong protest,
    national security law, imprisonment, police brutality, humanitarian
  `),
  culture_people: list(`
    culture, cultural, cultural exchange, culture war, pop culture, film, filmmaker, movie, cinema,
    Hollywood, box office, music, musician, concert, K-pop, art, artist, museum, exhibition,
    literature, novelist, poet, poetry, language, Mandarin, Confucius Institute, student,
    exchange student, university, education, school, scholar, academic, people-to-people, tourism,
    tourist, travel~, traveler, traveller, visa, diaspora, immigrant, immigration, migrant,
    Olympics, Olympic, World Cup, sport, athlete, football, basketball, NBA, panda, cuisine,
    festival, Lunar New Year, Spring Festival, heritage, tradition, celebrity, television, TV,
    video game, anime, fashion, soft power, youth, religion, temple, church, mosque,
    Asian American, Chinese American
  `),
  health: list(`
    health, healthcare, health care, public health, mental health, pandemic, epidemic, outbreak,
    virus, coronavirus, Covid, =covid19, SARS, Omicron, vaccine, vaccination, vaccinate~,
    booster shot, mRNA, Sinovac, Sinopharm, Pfizer, Moderna, face mask, lockdown, zero-Covid,
    quarantine~, contact tracing, infection, infect~, infectious, hospital, hospitalize~,
    hospitalise~, doctor, nurse, physician, medicine, medical, disease, illness, WHO,
    World Health Organization, CDC, lab leak, Wuhan Institute of Virology, PPE, ventilator,
    mortality, life expectancy, cancer, HIV, AIDS, flu, influenza, bird flu, Ebola, pharmaceutical,
    drugmaker, biotech, clinical trial, pathogen, bioweapon, biological weapon, fentanyl, opioid,
    obesity, epidemiologist, immunity, herd immunity, air pollution, food safety, travel ban
  `),
  environment: list(`
    environment, environmental, climate, climate change, global warming, emission, carbon,
    carbon dioxide, CO2, greenhouse gas, methane, pollution, pollutant, polluter, pollute~,
    air pollution, air quality, smog, coal, fossil fuel, oil spill, renewable, renewable energy,
    clean energy, green energy, solar, solar panel, wind power, wind farm, hydropower, dam,
    nuclear power, nuclear energy, nuclear plant, energy, energy security, net zero,
    carbon neutrality, decarbonization, decarbonisation, Paris Agreement, Cop26, Cop27, Cop28,
    biodiversity, deforestation, wildlife, endangered species, conservation, sustainable,
    sustainability, drought, flood, wildfire, heatwave, heat wave, extreme weather, sea level,
    glacier, plastic, e-waste, electric vehicle, EV, ozone, desertification, water scarcity,
    natural disaster, Three Gorges, ecology, ecological
  `),
});

/**
 * Phrases that contain a term but are not evidence of its frame. They win over the term by the
 * leftmost-longest rule and carry no frame.
 */
export const STOP_PHRASES: readonly string[] = list(`
  trade off, trades off, traded off, trading off, potato chip, chocolate chip, blue chip,
  poker chip, casino chip, bargaining chip, tortilla chip, corn chip, banana chip, wood chip,
  fish and chip, chip in, chips in, chipped in, chipping in, chip away, chips away, chipped away,
  chipping away, chips are down, West Bank, river bank, food bank, conflict of interest,
  conflicts of interest, state of the art, defense lawyer, defence lawyer, defense attorney,
  Premier League, open arms, star wars, tug of war, nuclear family, security guard,
  security deposit, art of the deal
`);

// ---------------------------------------------------------------------------------------------
// Tokeniser (shared by the compiler and the matcher)

/** 1 at the UTF-16 code units that are word characters (see {@link isWordChar}), by table. */
const WORD_CHAR: Uint8Array = (() => {
  const t = new Uint8Array(65536);
  for (let c = 48; c <= 57; c++) t[c] = 1;
  for (let c = 65; c <= 90; c++) t[c] = 1;
  for (let c = 97; c <= 122; c++) t[c] = 1;
  for (let c = 0xc0; c < 65536; c++) {
    t[c] =
      c !== 0xd7 &&
      c !== 0xf7 &&
      !(c >= 0x2000 && c <= 0x2bff) &&
      !(c >= 0x3000 && c <= 0x303f) &&
      c !== 0xfeff &&
      !(c >= 0xff00 && c <= 0xff0f)
        ? 1
        : 0;
  }
  return t;
})();

/** The only code units whose lower case differs from them in {@link WORD_CHAR}: Ω K Å signs. */
const SIGNS = /[\u2126\u212a\u212b]/;

/**
 * ASCII letters and digits, and every code unit from U+00C0 on except × ÷, general punctuation
 * and symbols (U+2000–U+2BFF), CJK punctuation (U+3000–U+303F), the BOM and fullwidth
 * punctuation (U+FF00–U+FF0F).
 */
function isWordChar(c: number): boolean {
  return WORD_CHAR[c] === 1;
}

/** Characters allowed between the words of a multi-word term. */
function isGapChar(c: number): boolean {
  return (
    c === 32 ||
    c === 45 || // -
    c === 39 || // '
    c === 38 || // &
    c === 9 ||
    c === 10 ||
    c === 13 ||
    c === 0xa0 ||
    c === 0x2019 || // ’
    c === 0x2010 ||
    c === 0x2011 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x202f
  );
}

function gapOk(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!isGapChar(text.charCodeAt(k))) return false;
  return true;
}

function words(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (!isWordChar(s.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < s.length && isWordChar(s.charCodeAt(i))) i++;
    out.push(s.slice(start, i));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Compiler: the dictionary becomes a word trie (lower-case) plus an exact-spelling acronym map.

interface Hit {
  readonly stop: boolean;
  /** Bit i set when the hit is evidence for FRAMES[i]. */
  readonly mask: number;
  /** One entry per frame, in FRAMES order. */
  readonly evidence: readonly { readonly frame: Frame; readonly term: string }[];
}

interface TrieNode {
  hit: Hit | null;
  next: Map<string, TrieNode> | null;
}

const VOWELS = "aeiou";
const isConsonant = (ch: string | undefined) =>
  ch !== undefined && /[a-z]/.test(ch) && !VOWELS.includes(ch);

/** Inflected forms of the (lower-case) last word, documented in the module comment. */
export function inflect(word: string, mode: "plural" | "verb" | "exact"): string[] {
  if (mode === "exact") return [word];
  const forms = new Set([word]);
  const last = word.at(-1);
  const prev = word.at(-2);
  const consonantY = last === "y" && isConsonant(prev);
  if (consonantY) forms.add(`${word.slice(0, -1)}ies`);
  else if (/(s|x|z|ch|sh)$/.test(word)) forms.add(`${word}es`);
  else forms.add(`${word}s`);
  if (mode === "verb") {
    if (last === "e") {
      forms.add(`${word}d`);
      forms.add(`${word.slice(0, -1)}ing`);
    } else if (consonantY) {
      forms.add(`${word.slice(0, -1)}ied`);
      forms.add(`${word}ing`);
    } else {
      forms.add(`${word}ed`);
      forms.add(`${word}ing`);
      // consonant-vowel-consonant ending: also the doubled form (ban → banned, patrol → patrolled)
      if (isConsonant(last) && !"wxy".includes(last!) && VOWELS.includes(prev ?? "")) {
        if (!VOWELS.includes(word.at(-3) ?? "a")) {
          forms.add(`${word}${last}ed`);
          forms.add(`${word}${last}ing`);
        }
      }
    }
  }
  return [...forms];
}

interface ParsedTerm {
  /** The term as shown in evidence and docs (markers removed). */
  term: string;
  /** Lower-case words. */
  words: string[];
  mode: "plural" | "verb" | "exact";
  acronym: boolean;
}

export function parseTerm(raw: string): ParsedTerm {
  let term = raw.trim();
  let mode: ParsedTerm["mode"] = "plural";
  if (term.startsWith("=")) {
    mode = "exact";
    term = term.slice(1);
  } else if (term.endsWith("~")) {
    mode = "verb";
    term = term.slice(0, -1);
  }
  const ws = words(term);
  if (ws.length === 0) throw new Error(`frames: empty term "${raw}"`);
  const acronym =
    ws.length === 1 && !/[a-z]/.test(term) && (term.match(/[A-Z]/g)?.length ?? 0) >= 2;
  return { term, words: ws.map((w) => w.toLowerCase()), mode, acronym };
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

const newDraft = () => ({ stop: false, evidence: new Map<number, string>() });

interface Compiled {
  root: Map<string, TrieNode>;
  /** lower-case word → exact spelling → hit (acronyms only). */
  acronyms: Map<string, Map<string, Hit>>;
}

function compile(): Compiled {
  type Draft = { stop: boolean; evidence: Map<number, string> };
  const drafts = new Map<TrieNode, Draft>();
  const root = new Map<string, TrieNode>();
  const acronymDrafts = new Map<string, Map<string, Draft>>();

  const nodeFor = (path: string[]): TrieNode => {
    let map = root;
    let node: TrieNode | undefined;
    for (let i = 0; i < path.length; i++) {
      const w = path[i]!;
      node = map.get(w);
      if (node === undefined) {
        node = { hit: null, next: null };
        map.set(w, node);
      }
      if (i < path.length - 1) {
        node.next ??= new Map();
        map = node.next;
      }
    }
    return node!;
  };

  const add = (draft: Draft, raw: string, frame: number | null) => {
    if (frame === null) {
      if (draft.evidence.size > 0) throw new Error(`frames: stop phrase "${raw}" is also a term`);
      draft.stop = true;
    } else {
      if (draft.stop) throw new Error(`frames: term "${raw}" is also a stop phrase`);
      if (!draft.evidence.has(frame)) draft.evidence.set(frame, parseTerm(raw).term);
    }
  };

  const insert = (raw: string, frame: number | null) => {
    const p = parseTerm(raw);
    const head = p.words.slice(0, -1);
    const lastWord = p.words.at(-1)!;
    if (p.acronym) {
      const forms = p.mode === "exact" ? [p.term] : [p.term, `${p.term}s`];
      for (const f of forms) {
        const byExact = getOrCreate(acronymDrafts, f.toLowerCase(), () => new Map<string, Draft>());
        add(getOrCreate(byExact, f, newDraft), raw, frame);
      }
      return;
    }
    for (const form of inflect(lastWord, p.mode)) {
      add(getOrCreate(drafts, nodeFor([...head, form]), newDraft), raw, frame);
    }
  };

  FRAMES.forEach((frame, i) => {
    const seen = new Set<string>();
    for (const raw of FRAME_TERMS[frame]) {
      const key = parseTerm(raw).term.toLowerCase();
      if (seen.has(key)) throw new Error(`frames: duplicate term "${raw}" in ${frame}`);
      seen.add(key);
      insert(raw, i);
    }
  });
  for (const raw of STOP_PHRASES) insert(raw, null);

  const finish = (d: Draft): Hit => {
    const idx = [...d.evidence.keys()].sort((a, b) => a - b);
    return Object.freeze({
      stop: d.stop,
      mask: idx.reduce((m, i) => m | (1 << i), 0),
      evidence: Object.freeze(idx.map((i) => ({ frame: FRAMES[i]!, term: d.evidence.get(i)! }))),
    });
  };
  for (const [node, d] of drafts) node.hit = finish(d);
  const acronyms = new Map<string, Map<string, Hit>>();
  for (const [lower, byExact] of acronymDrafts) {
    acronyms.set(lower, new Map([...byExact].map(([k, d]) => [k, finish(d)])));
  }
  return { root, acronyms };
}

const { root: ROOT, acronyms: ACRONYMS } = compile();

/** Every word of the dictionary's terms and acronyms (lower case): other words read as "". */
const WORDS: WordTable = (() => {
  const all: string[] = [...ACRONYMS.keys()];
  const walk = (map: ReadonlyMap<string, TrieNode>) => {
    for (const [w, node] of map) {
      all.push(w);
      if (node.next) walk(node.next);
    }
  };
  walk(ROOT);
  return new WordTable(all);
})();

// ---------------------------------------------------------------------------------------------
// Matcher

/**
 * Walks the words of `text` once, left to right, and emits each term matched (leftmost-longest;
 * stop phrases consume their words but are not emitted). `lower` must be `text.toLowerCase()`.
 * Words are looked up in {@link WORDS} by their range of `lower`, so words that no term has cost
 * a hash and nothing else.
 */
function scan(text: string, lower: string, emit: (hit: Hit, start: number) => void): void {
  const n = text.length;
  const sameLength = lower.length === n; // false only for rare characters such as "İ"
  // Words are found on the lower case (a flat string, faster to read than a slice of a
  // paragraph) unless the text has one of the three characters whose lower case is a word
  // character when they are not (the Ohm, Kelvin and Angstrom signs).
  const cls = sameLength && !SIGNS.test(text) ? lower : text;
  /** Index in WORDS of the lower-cased word text[a, b), or −1. */
  const wordAt = (a: number, b: number): number => {
    if (sameLength) return WORDS.find(lower, a, b);
    const w = text.slice(a, b).toLowerCase();
    return WORDS.find(w, 0, w.length);
  };
  let i = 0;
  while (i < n) {
    while (i < n && WORD_CHAR[cls.charCodeAt(i)] !== 1) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && WORD_CHAR[cls.charCodeAt(i)] === 1) i++;
    const k = wordAt(start, i);
    if (k < 0) continue; // starts no term and is no acronym
    const key = WORDS.words[k]!;
    let best: Hit | null = null;
    let bestEnd = i;
    let node = ROOT.get(key);
    let end = i; // end of the last word on the trie path
    while (node !== undefined) {
      if (node.hit !== null) {
        best = node.hit;
        bestEnd = end;
      }
      if (node.next === null) break;
      let p = end;
      while (p < n && WORD_CHAR[cls.charCodeAt(p)] !== 1) p++;
      if (p >= n || !gapOk(text, end, p)) break;
      let q = p;
      while (q < n && WORD_CHAR[cls.charCodeAt(q)] === 1) q++;
      const next = wordAt(p, q);
      node = next < 0 ? undefined : node.next.get(WORDS.words[next]!);
      end = q;
    }
    if (best === null) {
      const byExact = ACRONYMS.get(key);
      if (byExact !== undefined) best = byExact.get(text.slice(start, i)) ?? null;
    }
    if (best === null) continue;
    if (!best.stop) emit(best, start);
    i = bestEnd; // the match's words are consumed
  }
}

/** The frames a text carries, in FRAMES order, each once; [] when none. */
export function detectFrames(text: string): Frame[] {
  const mask = frameMask(text);
  if (mask === 0) return [];
  const out: Frame[] = [];
  for (let i = 0; i < FRAMES.length; i++) if (mask & (1 << i)) out.push(FRAMES[i]!);
  return out;
}

/**
 * The frames of {@link detectFrames} as a bit mask (bit i = FRAMES[i]). `lower`, if given, must
 * be `text.toLowerCase()` (a caller that has it saves lower-casing the text again).
 */
export function frameMask(text: string, lower: string = text.toLowerCase()): number {
  let mask = 0;
  scan(text, lower, (hit) => {
    mask |= hit.mask;
  });
  return mask;
}

/** The evidence: every matched term with its frame and start offset, by offset then FRAMES order. */
export function frameMatches(text: string): FrameMatch[] {
  const out: FrameMatch[] = [];
  scan(text, text.toLowerCase(), (hit, start) => {
    for (const e of hit.evidence) out.push({ frame: e.frame, term: e.term, start });
  });
  return out;
}
