/**
 * The reference VADER lexicons (vaderSentiment 3.3.2: vader_lexicon.txt and
 * emoji_utf8_lexicon.txt, MIT, shipped in data/media/vader), imported as the JSON module that
 * scripts/vader-lexicon.ts generates from them, so that the engine needs no file system and
 * bundles for the browser.
 */
import lexiconJson from "../../data/media/vader-lexicon.json" with { type: "json" };
import type { Lexicon } from "./vader.ts";

let lexicon: Lexicon | null = null;
let emoji: ReadonlyMap<string, string> | null = null;

/**
 * The reference lexicon, word → mean valence (−4..4), 7,506 entries (a later duplicate line
 * replaces an earlier one, as the reference's dict). Built once.
 */
export function vaderLexicon(): Lexicon {
  lexicon ??= new Map(lexiconJson.lexicon as [string, number][]);
  return lexicon;
}

/**
 * The reference emoji lexicon, emoji → English description ("😁" → "beaming face with smiling
 * eyes"), 3,570 entries. The reference compares one code point at a time, so only the entries
 * of a single code point can ever match (1,212 of them); the map keeps them all, as it does.
 */
export function emojiDescriptions(): ReadonlyMap<string, string> {
  emoji ??= new Map(lexiconJson.emoji as [string, string][]);
  return emoji;
}
