/**
 * Mentions of countries and technology companies in English news sentences, each mapped to a
 * target ISO3 code (issue "News tone toward countries and their tech companies"). Pure: the
 * gazetteer is compiled from JSON imports (or passed in), so this runs in browsers.
 *
 * The scanner walks the sentence once, token by token (see gazetteer/tokens.ts). Only a word whose
 * first character starts some surface form is looked up; from there the token trie gives the
 * longest surface form at that position (whitespace between tokens is free, so "U.S." and
 * "United  States" match). Matches are taken greedily from left to right, so they never overlap
 * and come sorted by start. Stop phrases ("China Daily", "Bank of America") win the same way and
 * are dropped; guards (gazetteer/guards.ts) drop the ambiguous readings. The rules are documented
 * in src/media/gazetteer/README.md.
 */
import { buildGazetteer } from "./gazetteer/build.ts";
import { passesGuard } from "./gazetteer/guards.ts";
import { CHAR_CLASS, punctToken, SPACE, WORD } from "./gazetteer/tokens.ts";
import type { Gazetteer, GazetteerEntry, TrieNode } from "./gazetteer/types.ts";

export { buildGazetteer, companyRoot } from "./gazetteer/build.ts";
export type { Gazetteer, GazetteerEntry, GazetteerExtra, Guard, Via } from "./gazetteer/types.ts";

export interface Mention {
  start: number;
  end: number;
  text: string;
  target: string;
  via: "name" | "demonym" | "capital" | "leader" | "company";
  entity: string;
}

let defaultGazetteer: Gazetteer | null = null;

/** The gazetteer of the bundled data, built on first use. */
export function getDefaultGazetteer(): Gazetteer {
  defaultGazetteer ??= buildGazetteer();
  return defaultGazetteer;
}

/**
 * Longest surface form starting with the word s[i, j); returns [entry, end] or null. `cls` is
 * the string whose characters are classified: `s` or its lower case of the same length (same
 * classes, and a flat string: faster to read than a slice of a paragraph).
 */
function longest(
  s: string,
  cls: string,
  i: number,
  j: number,
  root: ReadonlyMap<string, TrieNode>,
): [GazetteerEntry, number] | null {
  let node = root.get(s.slice(i, j));
  if (!node) return null;
  let best: GazetteerEntry | null = node.entry;
  let bestEnd = j;
  const n = s.length;
  let pos = j;
  while (node.next) {
    while (pos < n && CHAR_CLASS[cls.charCodeAt(pos)] === SPACE) pos++;
    if (pos >= n) break;
    let tokEnd = pos + 1;
    let tok: string;
    if (CHAR_CLASS[cls.charCodeAt(pos)] === WORD) {
      while (tokEnd < n && CHAR_CLASS[cls.charCodeAt(tokEnd)] === WORD) tokEnd++;
      tok = s.slice(pos, tokEnd);
    } else {
      tok = punctToken(s.charCodeAt(pos));
    }
    const child: TrieNode | undefined = node.next.get(tok);
    if (!child) break;
    node = child;
    pos = tokEnd;
    if (node.entry) {
      best = node.entry;
      bestEnd = pos;
    }
  }
  return best ? [best, bestEnd] : null;
}

/**
 * Country and company mentions in a sentence: non-overlapping, longest first, sorted by start.
 * `lower`, if given, must be `sentence.toLowerCase()`: a caller that has it saves time (lower
 * casing keeps every character's class, so the words are found on it; the matching itself is
 * exact-case, on `sentence`).
 */
export function findMentions(sentence: string, gazetteer?: Gazetteer, lower?: string): Mention[] {
  const g = gazetteer ?? getDefaultGazetteer();
  const { root, starts } = g;
  const s = sentence;
  const n = s.length;
  const cls = lower !== undefined && lower.length === n ? lower : s;
  const out: Mention[] = [];
  let i = 0;
  while (i < n) {
    if (CHAR_CLASS[cls.charCodeAt(i)] === WORD) {
      let j = i + 1;
      while (j < n && CHAR_CLASS[cls.charCodeAt(j)] === WORD) j++;
      if (starts[s.charCodeAt(i)] === 1) {
        const m = longest(s, cls, i, j, root);
        if (m) {
          const [e, end] = m;
          if (e.target !== null && (!e.guard || passesGuard(s, i, end, e.guard))) {
            out.push({
              start: i,
              end,
              text: s.slice(i, end),
              target: e.target,
              via: e.via,
              entity: e.entity,
            });
          }
          i = end;
          continue;
        }
      }
      i = j;
    } else {
      i++;
    }
  }
  return out;
}
