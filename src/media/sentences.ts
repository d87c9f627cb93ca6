/** Abbreviations that end with a period but do not end a sentence. */
const ABBREVIATIONS = new Set([
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "sr",
  "jr",
  "st",
  "gen",
  "gov",
  "sen",
  "rep",
  "rev",
  "lt",
  "col",
  "capt",
  "sgt",
  "vs",
  "etc",
  "inc",
  "corp",
  "co",
  "ltd",
  "dept",
  "jan",
  "feb",
  "mar",
  "apr",
  "jun",
  "jul",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
  "u.s",
  "u.k",
  "u.n",
  "e.u",
  "a.m",
  "p.m",
  "d.c",
  "i.e",
  "e.g",
  "al",
  "approx",
]);

/**
 * Splits news text into sentences: at ".", "!" or "?" (with any closing quotes or brackets)
 * followed by whitespace and an upper-case letter, digit or opening quote, unless the word before
 * the period is a known abbreviation ("Mr.", "U.S.", "Jan.") or a single initial ("J."); and at
 * blank lines. Returns trimmed, non-empty sentences.
 *
 * @example splitSentences("The U.S. said no. China agreed.") // ["The U.S. said no.", "China agreed."]
 */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n\s*\n|\r\n\s*\r\n/)) {
    const t = para.replace(/\s+/g, " ").trim();
    if (!t) continue;
    let start = 0;
    const re = /[.!?]+["'”’)\]]*\s+(?=["'“‘([]?[A-Z0-9])/g;
    for (let m = re.exec(t); m; m = re.exec(t)) {
      const end = m.index + m[0].trimEnd().length;
      if (t[m.index] === ".") {
        // The word before the period: the non-space run ending there (t's only space is " ").
        let w = m.index;
        while (w > start && t.charCodeAt(w - 1) !== 32) w--;
        const word = t
          .slice(w, m.index)
          .replace(/^["'“‘(]+/, "")
          .toLowerCase();
        if (ABBREVIATIONS.has(word) || /^[a-z]$/.test(word) || /^([a-z]\.)+[a-z]$/.test(word))
          continue;
      }
      out.push(t.slice(start, end).trim());
      start = m.index + m[0].length;
    }
    const rest = t.slice(start).trim();
    if (rest) out.push(rest);
  }
  return out;
}
