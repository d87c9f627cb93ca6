/**
 * Character classes and tokens shared by the gazetteer compiler and the mention scanner. A token
 * is a maximal run of word characters (letters, digits, combining marks: so "Niger" never matches
 * inside "Nigeria") or a single other non-space character ("U.S." is U . S .). Curly apostrophes
 * read as "'" and the Unicode hyphens as "-".
 */

/** 1 = word character, 2 = whitespace, 0 = other (punctuation, symbols, lone surrogates). */
export const CHAR_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(65536);
  const word = /[\p{L}\p{N}\p{M}]/u;
  const space = /\s/u;
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const ch = String.fromCharCode(c);
    if (word.test(ch)) t[c] = 1;
    else if (space.test(ch)) t[c] = 2;
  }
  return t;
})();

export const WORD = 1;
export const SPACE = 2;

/** The token text of a single non-word character, normalised. */
export function punctToken(code: number): string {
  if (code === 0x2019 || code === 0x2018 || code === 0x02bc) return "'";
  if (code === 0x2010 || code === 0x2011) return "-";
  return String.fromCharCode(code);
}

/** The tokens of a surface form. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const k = CHAR_CLASS[c]!;
    if (k === SPACE) {
      i++;
    } else if (k === WORD) {
      let j = i + 1;
      while (j < n && CHAR_CLASS[text.charCodeAt(j)] === WORD) j++;
      out.push(text.slice(i, j));
      i = j;
    } else {
      out.push(punctToken(c));
      i++;
    }
  }
  return out;
}

/** "Title" case: an upper-case first letter followed by a lower-case letter ("Michael", not "US"). */
export function isTitleWord(word: string): boolean {
  if (word.length < 2) return false;
  const a = word[0]!;
  const b = word[1]!;
  return a !== a.toLowerCase() && b !== b.toUpperCase();
}
