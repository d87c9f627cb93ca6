import type { Article, FieldMap } from "../media/corpus-spec.ts";
import { forEachMention } from "../media/score.ts";
import type { TargetToneModel } from "../media/target-tone.ts";
import type { Lexicon } from "../media/vader.ts";
import { type BadRecord, type JsonlChunk, jsonlChunkRecords } from "./corpus.ts";
import { csvCell } from "./write.ts";

/**
 * Mention rows of scored articles as UTF-8 CSV lines (no header; the contract's columns, quoted
 * as toCsv quotes), written straight into a byte buffer: the text of a batch never piles up as
 * strings, and a worker can hand the bytes over without copying.
 */
export class MentionCsvWriter {
  private buf: Buffer;
  private len = 0;
  /** Rows not yet encoded: encoding ~16 K characters at a time costs less than row by row. */
  private text = "";
  /** Rows written since the last {@link take}. */
  count = 0;

  constructor(
    private readonly lexicon: Lexicon,
    private readonly model: TargetToneModel,
    private readonly size = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafeSlow(size);
  }

  /** Bytes written since the last {@link take}. */
  get length(): number {
    return this.len + this.text.length;
  }

  /** Scores an article ({@link forEachMention}) and appends its rows. */
  add(a: Article): void {
    let prefix: string | null = null;
    forEachMention(a, this.lexicon, this.model, (s, m, tone, label, frames) => {
      prefix ??= `${csvCell(a.id)},${csvCell(a.date)},${csvCell(a.outlet)},${csvCell(a.outlet_country)},`;
      this.text += `${prefix}${csvCell(m.target)},${csvCell(m.via)},${csvCell(m.entity)},${s},${csvCell(tone)},${label},${frames}\n`;
      this.count++;
    });
    if (this.text.length >= 1 << 14) this.encode();
  }

  private encode(): void {
    const line = this.text;
    this.text = "";
    const need = this.len + 3 * line.length; // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(need, 2 * this.buf.length));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    this.len += this.buf.write(line, this.len, "utf8");
  }

  /** The rows written so far (bytes with their own ArrayBuffer), and starts a new buffer. */
  take(): { csv: Uint8Array; count: number } {
    this.encode();
    const out = { csv: this.buf.subarray(0, this.len), count: this.count };
    this.buf = Buffer.allocUnsafeSlow(this.size);
    this.len = 0;
    this.count = 0;
    return out;
  }
}

/** Scores a batch of articles: their CSV lines ({@link MentionCsvWriter}) and how many rows. */
export function scoreBatchCsv(
  articles: Article[],
  lexicon: Lexicon,
  model: TargetToneModel,
): { csv: Uint8Array; count: number } {
  const w = new MentionCsvWriter(lexicon, model);
  for (const a of articles) w.add(a);
  return w.take();
}

/** Scored rows of a batch: CSV bytes and rows; for a JSONL chunk also its articles and bad records. */
export interface ScoredChunk {
  csv: Uint8Array;
  count: number;
  articles?: number;
  bad?: BadRecord[];
}

/** Parses a chunk of JSONL lines ({@link jsonlChunkRecords}) and scores its articles. */
export function scoreJsonlChunk(
  chunk: JsonlChunk,
  map: FieldMap,
  lexicon: Lexicon,
  model: TargetToneModel,
): ScoredChunk {
  const w = new MentionCsvWriter(lexicon, model);
  const bad: BadRecord[] = [];
  let articles = 0;
  for (const rec of jsonlChunkRecords(chunk, map)) {
    if ("bad" in rec) bad.push(rec);
    else {
      articles++;
      w.add(rec);
    }
  }
  return { ...w.take(), articles, bad };
}
