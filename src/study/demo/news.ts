import type { Rng } from "../../stats/rng.ts";
import { normal, pick } from "./random.ts";

/** The synthetic outlets (invented names) and their ISO3 countries. */
export const DEMO_OUTLETS = [
  ["Thames Ledger", "GBR"],
  ["Northgate Herald", "GBR"],
  ["Hudson Courier", "USA"],
  ["Prairie Tribune", "USA"],
  ["Ganges Gazette", "IND"],
  ["Malabar Post", "IND"],
  ["Highveld Mail", "ZAF"],
  ["Cape Messenger", "ZAF"],
] as const;

export const DEMO_TOPICS = [
  "trade",
  "technology",
  "security",
  "health",
  "culture",
  "human_rights",
] as const;
type Topic = (typeof DEMO_TOPICS)[number];
type Target = "CHN" | "USA";
type Tone = "pos" | "neu" | "neg";

/** Articles in the corpus. */
export const DEMO_ARTICLES = 400;

/**
 * The planted tone model: an article's latent tone toward its main target is the sum of these
 * terms plus N(0, 0.5); each sentence adds N(0, 0.8) and reads negative below −0.45, positive
 * above 0.45, neutral between.
 */
export const DEMO_TONE = {
  base: { CHN: 0.2, USA: 0.15 } as Record<Target, number>,
  topic: {
    CHN: {
      trade: 0,
      technology: -0.1,
      security: -0.3,
      health: 0,
      culture: 0.4,
      human_rights: -0.6,
    },
    USA: {
      trade: -0.1,
      technology: 0.2,
      security: -0.2,
      health: -0.2,
      culture: 0.5,
      human_rights: -0.3,
    },
  } as Record<Target, Record<Topic, number>>,
  year: {
    CHN: { 2019: 0, 2020: -0.7, 2021: -0.3 },
    USA: { 2019: 0, 2020: -0.2, 2021: 0.1 },
  } as Record<Target, Record<number, number>>,
  outletCountry: {
    CHN: { GBR: 0, USA: -0.9, IND: -0.1, ZAF: 0.4 },
    USA: { GBR: 0, USA: 0, IND: 0.1, ZAF: -0.1 },
  } as Record<Target, Record<string, number>>,
};

/** Topic shares by target (health only from February 2020). */
const TOPIC_WEIGHTS: Record<Target, Record<Topic, number>> = {
  CHN: {
    trade: 0.22,
    technology: 0.22,
    security: 0.15,
    health: 0.2,
    culture: 0.1,
    human_rights: 0.11,
  },
  USA: {
    trade: 0.25,
    technology: 0.22,
    security: 0.18,
    health: 0.15,
    culture: 0.15,
    human_rights: 0.05,
  },
};

/** Ways to name each target as the actor of a sentence ({S}), as a place ({P}), and its companies ({C}). */
const ACTORS: Record<Target, string[]> = {
  CHN: ["China", "Beijing", "the Chinese government", "Xi Jinping"],
  USA: ["the United States", "Washington", "the American government", "LEADER"],
};
const HEADLINE_NAMES: Record<Target, string[]> = {
  CHN: ["China", "Beijing", "Xi"],
  USA: ["US", "Washington", "America"],
};
const PLACES: Record<Target, string[]> = {
  CHN: ["China"],
  USA: ["the United States", "America"],
};
const COMPANIES: Record<Target, string[]> = { CHN: ["Huawei", "TikTok"], USA: ["Apple", "Google"] };

/** Sentence templates by topic and tone; {S} actor, {P} place, {C} company. */
const SENTENCES: Record<Topic, Record<Tone, string[]>> = {
  trade: {
    pos: [
      "{S} agreed a trade deal that exporters welcomed as a major boost for growth.",
      "{S} cut tariffs on farm goods, a move that delighted traders and lifted markets.",
      "Analysts praised {S} for opening markets and supporting a strong recovery in trade.",
    ],
    neu: [
      "{S} published monthly figures on trade and investment.",
      "{S} held another round of trade talks this week.",
      "Officials said {S} would review the tariff schedule later this year.",
    ],
    neg: [
      "{S} imposed punishing tariffs that hurt farmers and angered trading partners.",
      "Critics accused {S} of unfair trade practices and of damaging supply chains.",
      "Exporters condemned {S} after the trade talks collapsed in bitter acrimony.",
    ],
  },
  technology: {
    pos: [
      "{S} unveiled an impressive research programme that experts praised as a breakthrough.",
      "{C} launched a popular new phone that reviewers loved.",
      "{S} won praise for brilliant advances in artificial intelligence and clean energy.",
      "{C} earned strong praise for a secure and reliable new network service.",
    ],
    neu: [
      "{S} announced a review of the rules for mobile networks.",
      "{C} released quarterly results on Tuesday.",
      "{S} discussed standards for 5G networks with industry groups.",
      "{C} said it would open a new office next year.",
    ],
    neg: [
      "{S} was accused of stealing technology and threatening the security of networks.",
      "{C} faced harsh criticism over privacy failures and a damaging data scandal.",
      "Regulators warned that {S} posed a serious risk to critical infrastructure.",
      "{C} was fined after a scathing report on spying and abuse of user data.",
    ],
  },
  security: {
    pos: [
      "{S} helped broker a ceasefire that was welcomed as a genuine success for peace.",
      "{S} earned praise for a constructive role in the peace talks.",
    ],
    neu: [
      "{S} held talks with defence ministers from the region.",
      "{S} said naval exercises in the area were being monitored closely.",
    ],
    neg: [
      "{S} was condemned for aggressive military threats that alarmed neighbours.",
      "Critics accused {S} of reckless escalation and dangerous provocations.",
    ],
  },
  health: {
    pos: [
      "{S} sent badly needed vaccines and masks, and grateful recipients praised the generous help.",
      "{S} won praise for an effective and successful vaccination drive.",
    ],
    neu: [
      "{S} reported new figures on coronavirus cases and vaccinations.",
      "{S} updated guidance on travel during the pandemic.",
    ],
    neg: [
      "{S} was blamed for a disastrous response to the outbreak that cost many lives.",
      "Critics accused {S} of hiding the truth about the virus and failing the world.",
    ],
  },
  culture: {
    pos: [
      "A celebrated festival of films from {P} delighted audiences and won warm reviews.",
      "Students praised the excellent universities and friendly welcome they found in {P}.",
    ],
    neu: [
      "A touring exhibition of art from {P} opened at the national museum.",
      "Universities reported the number of students from {P} this year.",
    ],
    neg: [
      "A cultural exchange with {P} was cancelled amid bitter disputes and suspicion.",
      "Critics attacked propaganda spread through cultural institutes funded by {P}.",
    ],
  },
  human_rights: {
    pos: [
      "{S} was praised for releasing detained activists, a welcome and hopeful step.",
      "{S} won praise for protecting the freedom of journalists.",
    ],
    neu: [
      "{S} responded to a report on human rights from an international panel.",
      "{S} said the recommendations of the rights commission would be studied.",
    ],
    neg: [
      "{S} was condemned for brutal repression and abuses against minorities.",
      "Rights groups accused {S} of cruel treatment of protesters and journalists.",
    ],
  },
};

/** Headlines by tone; {S} a short name of the target, {T} the topic in words. */
const HEADLINES: Record<Tone, string[]> = {
  pos: ["{S} wins praise over {T}", "{S} celebrates success on {T}"],
  neu: ["{S} and the latest on {T}", "What {S} said about {T}"],
  neg: ["{S} faces criticism over {T}", "Anger grows at {S} over {T}"],
};
const TOPIC_WORDS: Record<Topic, string> = {
  trade: "trade",
  technology: "technology",
  security: "security",
  health: "the pandemic",
  culture: "culture",
  human_rights: "human rights",
};

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The date `day` days after 2019-01-01 (YYYY-MM-DD), through 2021-12-31. */
function dateOf(day: number): string {
  let year = 2019;
  for (;;) {
    const len = year === 2020 ? 366 : 365;
    if (day < len) break;
    day -= len;
    year++;
  }
  let month = 0;
  for (;;) {
    const len = DAYS_IN_MONTH[month]! + (month === 1 && year === 2020 ? 1 : 0);
    if (day < len) break;
    day -= len;
    month++;
  }
  return `${year}-${String(month + 1).padStart(2, "0")}-${String(day + 1).padStart(2, "0")}`;
}

const TOTAL_DAYS = 365 + 366 + 365;

function toneOf(latent: number): Tone {
  return latent < -0.45 ? "neg" : latent > 0.45 ? "pos" : "neu";
}

/** A template filled in; a name at the start of the sentence is capitalised ("The United States"). */
function fill(template: string, actor: string, place: string, company: string, topic = ""): string {
  const s = template
    .replaceAll("{S}", actor)
    .replaceAll("{P}", place)
    .replaceAll("{C}", company)
    .replaceAll("{T}", topic);
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function pickTopic(rng: Rng, target: Target, date: string): Topic {
  const covid = date >= "2020-02";
  const w = DEMO_TOPICS.map((t) => (t === "health" && !covid ? 0 : TOPIC_WEIGHTS[target][t]));
  let u = rng.uniform() * w.reduce((a, b) => a + b, 0);
  for (let k = 0; k < w.length; k++) {
    u -= w[k]!;
    if (u < 0) return DEMO_TOPICS[k]!;
  }
  return DEMO_TOPICS[w.length - 1]!;
}

/**
 * `data/news.jsonl`: synthetic articles (id, date, outlet, outlet_country, title, text), one
 * JSON object per line in date order. Each has a main target (China 55%, the United States 45%),
 * a topic, and 3–5 sentences from templates whose tone is drawn from {@link DEMO_TONE}; about
 * one sentence in five is about the other target (its own tone), and half the sentences of
 * technology stories name one of the target's companies instead.
 */
export function demoNewsJsonl(rng: Rng): string {
  const articles: {
    date: string;
    outlet: string;
    outlet_country: string;
    title: string;
    text: string;
  }[] = [];
  for (let i = 0; i < DEMO_ARTICLES; i++) {
    const [outlet, country] = pick(rng, DEMO_OUTLETS);
    const date = dateOf(rng.int(TOTAL_DAYS));
    const year = Number(date.slice(0, 4));
    const main: Target = rng.uniform() < 0.55 ? "CHN" : "USA";
    const topic = pickTopic(rng, main, date);
    const leader = date < "2021-01-20" ? "President Trump" : "President Biden";
    const latentOf = (t: Target) =>
      DEMO_TONE.base[t] +
      DEMO_TONE.topic[t][topic] +
      DEMO_TONE.year[t][year]! +
      DEMO_TONE.outletCountry[t][country]! +
      0.5 * normal(rng);
    const latent = { CHN: 0, USA: 0 } as Record<Target, number>;
    latent[main] = latentOf(main);
    const other: Target = main === "CHN" ? "USA" : "CHN";
    latent[other] = latentOf(other);
    const sentence = (t: Target): string => {
      const tone = toneOf(latent[t] + 0.8 * normal(rng));
      const actor = pick(rng, ACTORS[t]).replace("LEADER", leader);
      const company = pick(rng, COMPANIES[t]);
      const place = pick(rng, PLACES[t]);
      const useCompany = topic === "technology" && rng.uniform() < 0.5;
      const pool = SENTENCES[topic][tone].filter((s) => s.includes("{C}") === useCompany);
      return fill(pick(rng, pool), actor, place, company);
    };
    const headTone = toneOf(latent[main] + 0.8 * normal(rng));
    const title = fill(
      pick(rng, HEADLINES[headTone]),
      pick(rng, HEADLINE_NAMES[main]),
      "",
      "",
      TOPIC_WORDS[topic],
    );
    const k = 3 + rng.int(3);
    const sentences: string[] = [];
    for (let s = 0; s < k; s++) {
      const t = s > 0 && rng.uniform() < 0.2 ? other : main;
      // A repeated sentence is drawn again (at most 5 times).
      let text = sentence(t);
      for (let tries = 0; tries < 5 && sentences.includes(text); tries++) text = sentence(t);
      sentences.push(text);
    }
    articles.push({ date, outlet, outlet_country: country, title, text: sentences.join(" ") });
  }
  const sorted = articles
    .map((a, k) => ({ a, k }))
    .sort((x, y) => (x.a.date < y.a.date ? -1 : x.a.date > y.a.date ? 1 : x.k - y.k));
  return sorted
    .map(
      ({ a }, k) => `${JSON.stringify({ id: `demo-${String(k + 1).padStart(4, "0")}`, ...a })}\n`,
    )
    .join("");
}
