import type { Article } from "../media/corpus-spec.ts";
import { MENTION_COLUMNS, type MentionRow, scoreArticle } from "../media/score.ts";
import type { TargetToneModel } from "../media/target-tone.ts";
import type { Lexicon } from "../media/vader.ts";
import { toCsv } from "./write.ts";

/** CSV lines (no header) of mention rows, in the contract's column order. */
export function mentionsCsv(rows: MentionRow[]): string {
  return rows.length
    ? toCsv(
        [],
        rows.map((r) => MENTION_COLUMNS.map((c) => r[c])),
      ).slice(1)
    : "";
}

/** Scores a batch of articles ({@link scoreArticle}): their CSV lines and how many rows. */
export function scoreBatchCsv(
  articles: Article[],
  lexicon: Lexicon,
  model: TargetToneModel,
): { csv: string; count: number } {
  const rows = articles.flatMap((a) => scoreArticle(a, lexicon, model));
  return { csv: mentionsCsv(rows), count: rows.length };
}
