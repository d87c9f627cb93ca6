/**
 * News-frame dictionary (src/media/frames.ts): hand-written sentences with their expected frame
 * sets (including the known false-positive guards), the inflection and acronym rules, evidence
 * offsets, and properties (FRAMES order, no duplicates, evidence agrees with detectFrames).
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  detectFrames,
  FRAME_TERMS,
  FRAMES,
  type Frame,
  frameMatches,
  inflect,
  parseTerm,
  STOP_PHRASES,
} from "../../src/media/frames.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const E: Frame = "economy_trade";
const T: Frame = "technology";
const S: Frame = "security_military";
const P: Frame = "politics_governance";
const H: Frame = "human_rights";
const C: Frame = "culture_people";
const M: Frame = "health";
const V: Frame = "environment";

/** Sentence → expected frames (in any order here; the result is checked in FRAMES order). */
const EXAMPLES: [string, Frame[]][] = [
  // economy and trade
  ["Washington raised tariffs on Chinese steel.", [E]],
  ["The trade war between the US and China escalated.", [E]],
  ["Soybean farmers in Iowa lost their biggest export market.", [E]],
  ["The yuan weakened against the dollar as inflation cooled.", [E]],
  ["Sanctions on Russian banks were widened.", [E, P]],
  ["The Belt and Road Initiative funded ports in Asia.", [E, P]],
  ["The semiconductor industry faces a supply chain crunch.", [E, T]],
  // technology
  ["The 5G rollout stalled after TikTok was banned.", [T]],
  [
    "The Commerce Department added Huawei to the entity list and tightened export controls.",
    [E, T],
  ],
  ["Artificial intelligence research accelerated.", [T]],
  ["AI-powered chips from Nvidia are in short supply.", [T]],
  ["Beijing tightened censorship of social media.", [T, H]],
  // security and military
  ["The PLA staged military drills near the Taiwan Strait.", [S]],
  ["Chinese warships patrolled the South China Sea.", [S]],
  ["North Korea tested a ballistic missile.", [S]],
  ["The navy deployed an aircraft carrier.", [S]],
  ["An espionage case involving a spy balloon shocked Washington.", [S]],
  ["Intelligence officials warned of threats.", [S]],
  ["Cyberattacks by state-backed hackers hit the Pentagon.", [T, S]],
  ["The UN Security Council met on Monday.", [S, P]],
  // politics and governance
  ["Lawmakers in parliament voted on the election law.", [P]],
  ["The Chinese Communist Party's economic plan was unveiled.", [E, P]],
  ["Xi Jinping met the US ambassador at the summit.", [P]],
  ["Beijing hosted the Winter Olympics amid a diplomatic boycott.", [P, C]],
  ["Panda diplomacy continued at the zoo.", [P, C]],
  // human rights
  ["Rights groups say Uyghurs are held in detention camps in Xinjiang.", [H]],
  ["The Dalai Lama spoke about Tibet.", [H]],
  ["Hong Kong protests drew a million people.", [P, H]],
  ["Forced labour in cotton fields drew condemnation.", [H]],
  ["Human rights lawyers were detained after the crackdown.", [H]],
  // culture and people
  ["Chinese students flocked to American universities.", [C]],
  ["The film topped the box office in Beijing.", [C]],
  ["Tourism from China rebounded after the Olympics.", [C]],
  ["Film students traveled to the festival.", [C]],
  // health
  ["The WHO declared Covid-19 a pandemic.", [M]],
  ["Sinovac's vaccine was approved.", [M]],
  ["Researchers tracked the outbreak of bird flu.", [M]],
  ["The lab leak theory resurfaced.", [M]],
  // environment
  ["China's carbon emissions rose as coal use increased.", [V]],
  ["The Paris Agreement on climate change was signed.", [P, V]],
  ["Smog and air pollution choked the capital.", [M, V]],
  ["Electric vehicles and solar panels dominate exports.", [E, T, V]],
  // negatives and false-positive guards
  ["The cat sat on the mat.", []],
  ["Potato chips are tasty.", []],
  ["Potato chips and fish and chips were on the menu.", []],
  ["This is a trade-off between speed and accuracy.", []],
  ["There is a trade off between the two.", []],
  ["She used it as a bargaining chip in negotiations.", []],
  ["Blue-chip stocks rallied.", []],
  ["He chipped in with a goal.", []],
  ["Who said that?", []],
  ["A West Bank settlement was expanded.", []],
  ["Conflicts of interest were disclosed.", []],
  ["The state-of-the-art facility opened.", []],
  ["The supply, chain of events, was long.", []],
  ["Microchips are everywhere.", [T]],
  ["The chipset was improved.", []],
  ["", []],
];

describe("detectFrames: hand-written examples", () => {
  for (const [text, expected] of EXAMPLES) {
    it(JSON.stringify(text), () => {
      expect(detectFrames(text)).toEqual(FRAMES.filter((f) => expected.includes(f)));
    });
  }
  it("has at least 40 examples", () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(40);
  });
});

describe("matching rules", () => {
  it("is case-insensitive and whole-word", () => {
    expect(detectFrames("TARIFFS")).toEqual([E]);
    expect(detectFrames("Tariff")).toEqual([E]);
    expect(detectFrames("tariffication")).toEqual([]);
    expect(detectFrames("warranty")).toEqual([]);
  });

  it("matches acronyms only in capitals (plus a plural s)", () => {
    expect(detectFrames("who")).toEqual([]);
    expect(detectFrames("WHO")).toEqual([M]);
    expect(detectFrames("EVs and the UN")).toEqual([T, P, V]);
    expect(detectFrames("un")).toEqual([]);
    expect(detectFrames("The AI's answer")).toEqual([T]);
    expect(detectFrames("ai")).toEqual([]);
  });

  it("inflects the last word: plurals, and verb forms for ~ terms", () => {
    expect(inflect("tariff", "plural").sort()).toEqual(["tariff", "tariffs"]);
    expect(inflect("tax", "plural").sort()).toEqual(["tax", "taxes"]);
    expect(inflect("economy", "plural").sort()).toEqual(["economies", "economy"]);
    expect(inflect("trade", "verb").sort()).toEqual(["trade", "traded", "trades", "trading"]);
    expect(inflect("patrol", "verb")).toContain("patrolled");
    expect(inflect("spy", "verb")).toEqual(expect.arrayContaining(["spies", "spied", "spying"]));
    expect(inflect("arms", "exact")).toEqual(["arms"]);
    expect(detectFrames("Trading resumed")).toEqual([E]);
    expect(detectFrames("Trades resumed")).toEqual([E]);
    expect(detectFrames("Warships patrolling")).toEqual([S]);
    expect(detectFrames("economies")).toEqual([E]);
  });

  it("parses markers and acronyms", () => {
    expect(parseTerm("trade~")).toMatchObject({ term: "trade", mode: "verb", acronym: false });
    expect(parseTerm("=arms")).toMatchObject({ term: "arms", mode: "exact" });
    expect(parseTerm("WHO")).toMatchObject({ acronym: true, words: ["who"] });
    expect(parseTerm("5G")).toMatchObject({ acronym: false, words: ["5g"] });
    expect(parseTerm("R&D")).toMatchObject({ acronym: false, words: ["r", "d"] });
  });

  it("joins multi-word terms across spaces, hyphens and apostrophes but not punctuation", () => {
    expect(detectFrames("supply-chain risks")).toEqual([E]);
    expect(detectFrames("supply\nchain")).toEqual([E]);
    expect(detectFrames("the People's Liberation Army")).toEqual([S]);
    expect(detectFrames("the People’s Liberation Army")).toEqual([S]);
    expect(detectFrames("human, rights")).toEqual([]);
  });

  it("prefers the longest term (trade war is not military; artificial intelligence is not spies)", () => {
    expect(frameMatches("a trade war")).toEqual([{ frame: E, term: "trade war", start: 2 }]);
    expect(frameMatches("artificial intelligence")).toEqual([
      { frame: T, term: "artificial intelligence", start: 0 },
    ]);
    expect(detectFrames("national security law")).toEqual([P, H]);
    expect(detectFrames("national security")).toEqual([S]);
    expect(detectFrames("food security")).toEqual([E]);
    expect(detectFrames("Securities regulators")).toEqual([E]);
  });
});

describe("frameMatches: evidence", () => {
  it("reports frame, dictionary term and offset", () => {
    const text = "The Chinese Communist Party's economic plan";
    expect(frameMatches(text)).toEqual([
      { frame: P, term: "communist", start: 12 },
      { frame: E, term: "economic", start: 30 },
    ]);
  });

  it("lists one entry per frame for multi-frame terms, in FRAMES order", () => {
    expect(frameMatches("Hong Kong protests")).toEqual([
      { frame: P, term: "Hong Kong protest", start: 0 },
      { frame: H, term: "Hong Kong protest", start: 0 },
    ]);
  });

  it("keeps offsets in the original text when lower-casing changes its length", () => {
    const text = "İİ tariffs";
    expect(frameMatches(text)).toEqual([{ frame: E, term: "tariff", start: 3 }]);
  });

  it("returns [] when nothing matches", () => {
    expect(frameMatches("The cat sat on the mat.")).toEqual([]);
  });
});

describe("properties", () => {
  // Deterministic sentences mixing dictionary terms, stop phrases and filler words.
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const terms = FRAMES.flatMap((f) => FRAME_TERMS[f].map((t) => parseTerm(t).term));
  const pool = [...terms, ...STOP_PHRASES, "the", "a", "said", "on", "Monday", ",", "who", "."];
  const sentences = Array.from({ length: 500 }, () =>
    Array.from(
      { length: 1 + Math.floor(rand() * 12) },
      () => pool[Math.floor(rand() * pool.length)],
    )
      .join(" ")
      .replace(/ ([,.])/g, "$1"),
  );

  it("returns frames in FRAMES order without duplicates, matching the evidence", () => {
    for (const s of sentences) {
      const frames = detectFrames(s);
      expect(new Set(frames).size).toBe(frames.length);
      const idx = frames.map((f) => FRAMES.indexOf(f));
      expect(idx).toEqual([...idx].sort((a, b) => a - b));
      const fromEvidence = new Set(frameMatches(s).map((m) => m.frame));
      expect(frames).toEqual(FRAMES.filter((f) => fromEvidence.has(f)));
    }
  });

  it("evidence is ordered by offset and points at the term's first word", () => {
    for (const s of sentences) {
      const ms = frameMatches(s);
      for (let i = 1; i < ms.length; i++)
        expect(ms[i]!.start).toBeGreaterThanOrEqual(ms[i - 1]!.start);
      for (const m of ms) {
        const first = parseTerm(m.term).words[0]!;
        expect(s.slice(m.start).toLowerCase().startsWith(first)).toBe(true);
      }
    }
  });

  it("finds every dictionary term on its own", () => {
    for (const f of FRAMES) {
      for (const raw of FRAME_TERMS[f]) {
        const { term } = parseTerm(raw);
        expect(detectFrames(`... ${term} ...`), `${f}: ${term}`).toContain(f);
      }
    }
  });

  it("stop phrases carry no frame", () => {
    for (const s of STOP_PHRASES) expect(detectFrames(s), s).toEqual([]);
  });

  it("has about 40–80 terms per frame", () => {
    for (const f of FRAMES) {
      expect(FRAME_TERMS[f].length, f).toBeGreaterThanOrEqual(40);
      expect(FRAME_TERMS[f].length, f).toBeLessThanOrEqual(85);
    }
  });

  it("documents every term in docs/methods/frames.md", () => {
    const doc = readFileSync(resolve(ROOT, "docs/methods/frames.md"), "utf8");
    for (const f of FRAMES) {
      expect(doc, f).toContain(`\`${f}\``);
      for (const raw of FRAME_TERMS[f]) expect(doc, `${f}: ${raw}`).toContain(raw);
    }
    for (const s of STOP_PHRASES) expect(doc, s).toContain(s);
  });
});
