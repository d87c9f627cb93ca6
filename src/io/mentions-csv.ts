import type { Article } from "../media/corpus-spec.ts";
import { forEachMention } from "../media/score.ts";
import type { TargetToneModel } from "../media/target-tone.ts";
import type { Lexicon } from "../media/vader.ts";
import { csvCell } from "./write.ts";

/**
 * Scores a batch of articles ({@link forEachMention}): their mention rows as CSV lines (no
 * header; the contract's columns, quoted as toCsv quotes) and how many rows.
 */
export function scoreBatchCsv(
  articles: Article[],
  lexicon: Lexicon,
  model: TargetToneModel,
): { csv: string; count: number } {
  let csv = "";
  let count = 0;
  for (const a of articles) {
    let prefix: string | null = null;
    forEachMention(a, lexicon, model, (s, m, tone, label, frames) => {
      prefix ??= `${csvCell(a.id)},${csvCell(a.date)},${csvCell(a.outlet)},${csvCell(a.outlet_country)},`;
      csv += `${prefix}${csvCell(m.target)},${csvCell(m.via)},${csvCell(m.entity)},${s},${csvCell(tone)},${label},${frames}\n`;
      count++;
    });
  }
  return { csv, count };
}
