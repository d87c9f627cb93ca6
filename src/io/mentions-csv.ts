import { MENTION_COLUMNS, type MentionRow } from "../media/score.ts";
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
