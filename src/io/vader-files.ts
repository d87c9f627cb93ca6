/**
 * The VADER lexicon files (vader_lexicon.txt, emoji_utf8_lexicon.txt) read as the reference
 * reads them, for scripts/vader-lexicon.ts, which converts the copies shipped in
 * data/media/vader into the JSON module the engine imports (src/media/lexicon.ts).
 */
import { pyStrip } from "../media/python.ts";

/**
 * Parses a VADER lexicon text as the reference's make_lex_dict: one "word<TAB>valence<TAB>..."
 * per line, the line stripped of surrounding whitespace, blank lines skipped, a later duplicate
 * replacing an earlier one (a Python dict). Returns [word, valence] pairs in first-seen order.
 *
 * @throws Error naming the line when it has no tab or its valence is not a number
 */
export function parseLexicon(text: string): [string, number][] {
  const map = new Map<string, number>();
  text
    .replace(/\n+$/, "")
    .split("\n")
    .forEach((raw, k) => {
      if (!raw) return;
      const parts = pyStrip(raw).split("\t");
      const v = Number(parts[1]);
      if (parts.length < 2 || parts[1]!.trim() === "" || !Number.isFinite(v))
        throw new Error(`parseLexicon: line ${k + 1}: expected "word<TAB>valence", got "${raw}"`);
      map.set(parts[0]!, v);
    });
  return [...map];
}

/**
 * Parses the emoji lexicon as the reference's make_emoji_dict: "emoji<TAB>description" per line,
 * a later duplicate replacing an earlier one. Returns [emoji, description] pairs.
 *
 * @throws Error naming the line when it has no tab
 */
export function parseEmojiLexicon(text: string): [string, string][] {
  const map = new Map<string, string>();
  text
    .replace(/\n+$/, "")
    .split("\n")
    .forEach((raw, k) => {
      const parts = pyStrip(raw).split("\t");
      if (parts.length < 2)
        throw new Error(`parseEmojiLexicon: line ${k + 1}: expected "emoji<TAB>description"`);
      map.set(parts[0]!, parts[1]!);
    });
  return [...map];
}
