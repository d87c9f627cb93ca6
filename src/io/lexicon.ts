import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Lexicon } from "../media/vader.ts";

const require = createRequire(import.meta.url);
let cached: Lexicon | null = null;

/**
 * The VADER lexicon shipped with the maintained npm package `vader-sentiment`
 * (vader_lexicon.txt: token, mean valence, sd, ratings; later duplicates win, as the reference's
 * dictionary). Loaded once.
 */
export function vaderLexicon(): Lexicon {
  if (cached) return cached;
  const path = require.resolve("vader-sentiment/vader_lexicon.txt");
  cached = parseLexicon(readFileSync(path, "utf8"));
  return cached;
}

/** Parses a VADER lexicon text: one "word<TAB>valence<TAB>..." per line. */
export function parseLexicon(text: string): Lexicon {
  const map = new Map<string, number>();
  for (const raw of text.replace(/\n+$/, "").split("\n")) {
    if (!raw) continue;
    const parts = raw.trim().split("\t");
    if (parts.length < 2) continue;
    map.set(parts[0]!, Number(parts[1]));
  }
  return map;
}
