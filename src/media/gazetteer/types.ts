/**
 * Types of the mention gazetteer: surface forms (exact token sequences) mapped to a target ISO3
 * code, with the context guards that resolve ambiguous names (see README.md in this folder).
 */

/** How a mention refers to its target. */
export type Via = "name" | "demonym" | "capital" | "leader" | "company";

/**
 * Context rules for an ambiguous surface. A candidate match is dropped when any rule fires.
 * "Adjacent" words are separated from the match by whitespace only; comparisons are exact-case.
 */
export interface Guard {
  /** Drop when the adjacent previous word is one of these ("the Amazon"). */
  prev?: readonly string[];
  /** Drop when the adjacent next word is one of these ("Amazon rainforest"). */
  next?: readonly string[];
  /** Drop when the character right after the match is one of these ("US$", "Meta-analysis"). */
  nextChar?: string;
  /**
   * Personal-name reading: drop when the adjacent previous word is a capitalised given name
   * ("Michael Jordan") and, with "both", also when the adjacent next word is a capitalised
   * surname ("Jordan Peterson"). Function words, titles and weekdays do not count as names.
   */
  personName?: "prev" | "both";
  /** Drop when the sentence contains any of these words... */
  sentenceCues?: readonly string[];
  /** ...unless it also contains one of these. */
  keepCues?: readonly string[];
  note?: string;
}

/** One surface form of the gazetteer. `target: null` marks a stop phrase ("China Daily"). */
export interface GazetteerEntry {
  surface: string;
  target: string | null;
  via: Via;
  /** Canonical name: the country's common name, the leader's or the company's name. */
  entity: string;
  /** Only this exact spelling: no ALL-CAPS variant. */
  exact?: boolean;
  guard?: Guard;
}

/** A reviewed alias (data/media/aliases.json). */
export interface AliasRecord {
  surface: string;
  target: string;
  via?: Via;
  entity?: string;
  exact?: boolean;
  note?: string;
}

/** A head of state or government (data/media/leaders.json). */
export interface LeaderRecord {
  name: string;
  target: string;
  role: string;
  from: number;
  to: number | null;
  variants?: readonly string[];
  note?: string;
}

/** A technology company or platform (data/media/companies.json). */
export interface CompanyRecord {
  name: string;
  /** ISO3 of the company's own headquarters. */
  country: string;
  /** Name of the parent record, if any. */
  parent?: string;
  aliases?: readonly string[];
  note?: string;
}

export interface AliasFile {
  aliases: readonly AliasRecord[];
  stop: readonly string[];
  /** world-countries alternative spellings left out (English words, surnames...). */
  dropNames: readonly string[];
  /** Capitals not used as metonyms (ambiguous city names, the EU's Brussels...). */
  dropCapitals: readonly string[];
  guards: Readonly<Record<string, Guard>>;
}

export interface LeaderFile {
  leaders: readonly LeaderRecord[];
}

export interface CompanyFile {
  companies: readonly CompanyRecord[];
  /** Records whose bare name is not matched (only their aliases are). */
  noName?: readonly string[];
  guards?: Readonly<Record<string, Guard>>;
}

/** Additions to (or, with `bundled: false`, replacements of) the bundled data. */
export interface GazetteerExtra {
  aliases?: readonly AliasRecord[];
  leaders?: readonly LeaderRecord[];
  companies?: readonly CompanyRecord[];
  /** Extra stop phrases: organisations or titles named after a country. */
  stop?: readonly string[];
  /** Guards by surface; they replace the bundled guard of the same surface. */
  guards?: Readonly<Record<string, Guard>>;
  /** Include world-countries and data/media/*.json (default true). */
  bundled?: boolean;
}

/** A trie node over tokens; `entry` is set where a surface form ends. */
export interface TrieNode {
  entry: GazetteerEntry | null;
  next: Map<string, TrieNode> | null;
}

/** The compiled gazetteer used by findMentions. */
export interface Gazetteer {
  readonly entries: readonly GazetteerEntry[];
  /** Company records by name (to roll products up to their parent). */
  readonly companies: ReadonlyMap<string, CompanyRecord>;
  /** First token → trie node. */
  readonly root: ReadonlyMap<string, TrieNode>;
  /** 1 at the char codes that start some surface form. */
  readonly starts: Uint8Array;
}
