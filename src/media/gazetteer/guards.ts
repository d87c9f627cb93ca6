/**
 * Evaluation of the context guards of ambiguous surfaces (see Guard in types.ts and README.md).
 */
import { CHAR_CLASS, isTitleWord, SPACE, WORD } from "./tokens.ts";
import type { Guard } from "./types.ts";

/**
 * Capitalised words that may precede or follow a name without making it a personal name:
 * sentence-initial function words, titles, directions and weekdays.
 */
const NOT_A_NAME = new Set(
  (
    "The In On At From To For With And But Or Nor As By Of Into Onto Across Including Like Unlike " +
    "Neighbouring Neighboring Both While When Where Why How What Whether If After Before Since " +
    "Until Although Though Because Also Even Only Then Now Today Yesterday Tomorrow Meanwhile " +
    "Visiting Leaving Against Between Among Amid Despite Without Within Under Over About Through " +
    "Does Did Do Will Would Could Should Can May Might Must Has Have Had Is Was Are Were Not No Yes " +
    "Northern Southern Eastern Western Central North South East West Former Ex " +
    "President Premier Chancellor Minister Prime Secretary Mr Mrs Ms Dr Sir Dame Lady Lord King " +
    "Queen Emperor Prince Princess General Gen Senator Sen Leader Chairman Supreme Vice Deputy " +
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April June " +
    "July August September October November December Government Administration Cabinet Ministry " +
    "Army Armed Embassy Foreign Defence Defense National State Parliament Congress Republic " +
    "Kingdom Hashemite Team Officials Authorities Police Military Forces Airways"
  ).split(" "),
);

/** A word read as part of a personal name: "Michael", or an initial such as the O of O'Keeffe. */
function nameLike(w: string): boolean {
  if (w.length === 1) return w !== w.toLowerCase();
  return isTitleWord(w) && !NOT_A_NAME.has(w);
}

/** The word adjacent (whitespace only) before `start`, or null. */
export function prevWord(s: string, start: number): string | null {
  let j = start - 1;
  while (j >= 0 && CHAR_CLASS[s.charCodeAt(j)] === SPACE) j--;
  if (j < 0 || j === start - 1 || CHAR_CLASS[s.charCodeAt(j)] !== WORD) return null;
  const end = j + 1;
  while (j >= 0 && CHAR_CLASS[s.charCodeAt(j)] === WORD) j--;
  return s.slice(j + 1, end);
}

/** The word adjacent (whitespace only) after `end`, or null. */
export function nextWord(s: string, end: number): string | null {
  let j = end;
  const n = s.length;
  while (j < n && CHAR_CLASS[s.charCodeAt(j)] === SPACE) j++;
  if (j >= n || j === end || CHAR_CLASS[s.charCodeAt(j)] !== WORD) return null;
  const start = j;
  while (j < n && CHAR_CLASS[s.charCodeAt(j)] === WORD) j++;
  return s.slice(start, j);
}

function sentenceHas(s: string, words: readonly string[]): boolean {
  for (const w of words) {
    let from = 0;
    for (;;) {
      const i = s.indexOf(w, from);
      if (i < 0) break;
      const before = i === 0 ? 0 : CHAR_CLASS[s.charCodeAt(i - 1)];
      const after = i + w.length >= s.length ? 0 : CHAR_CLASS[s.charCodeAt(i + w.length)];
      if (before !== WORD && after !== WORD) return true;
      from = i + 1;
    }
  }
  return false;
}

/** True when the match s[start, end) survives the guard. */
export function passesGuard(s: string, start: number, end: number, g: Guard): boolean {
  if (g.nextChar && end < s.length && g.nextChar.includes(s[end]!)) return false;
  if (g.prev || g.personName) {
    const p = prevWord(s, start);
    if (p !== null) {
      if (g.prev?.includes(p)) return false;
      if (g.personName && nameLike(p)) return false;
    }
  }
  if (g.next || g.personName === "both") {
    const q = nextWord(s, end);
    if (q !== null) {
      if (g.next?.includes(q)) return false;
      if (g.personName === "both" && nameLike(q)) return false;
    }
  }
  if (g.sentenceCues && sentenceHas(s, g.sentenceCues)) {
    return g.keepCues ? sentenceHas(s, g.keepCues) : false;
  }
  return true;
}
