import { createReadStream } from "node:fs";
import { type FileHandle, open, readdir, stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { parse } from "csv-parse";
import { cannotRead, InputError } from "../core/errors.ts";
import type { Article, FieldMap } from "../media/corpus-spec.ts";
import { isGkg } from "./gdelt.ts";

/** A record the reader could not use, with where it is and why. */
export interface BadRecord {
  bad: true;
  source: string;
  reason: string;
}

/**
 * Streams the articles of a corpus: a CSV file, a JSONL file, or a folder of them (files in
 * name order, recursively). Fields come from the field map (columns, constants, named groups of
 * a file-name pattern, outlet → country). Records are read one at a time (never the whole
 * corpus in memory). Malformed JSON, missing title and text, unparseable dates and invalid UTF-8
 * are yielded as {@link BadRecord}s with file and line.
 */
export async function* readCorpus(
  path: string,
  map: FieldMap,
): AsyncGenerator<Article | BadRecord> {
  for (const file of await corpusFiles(path)) yield* readCorpusFile(file, map);
}

/** The files of a corpus path: the file itself, or a folder's CSV/TSV/JSONL files in name order. */
export async function corpusFiles(path: string): Promise<string[]> {
  try {
    return (await stat(path)).isDirectory() ? await listFiles(path) : [path];
  } catch (e) {
    throw cannotRead(path, e);
  }
}

/** True for the files read as JSON lines (.jsonl, .ndjson). */
export function isJsonl(file: string): boolean {
  const ext = extname(file).toLowerCase();
  return ext === ".jsonl" || ext === ".ndjson";
}

/**
 * Bytes [start, end) of a corpus file that begin at a line start (a shard, src/fleet/shards.ts),
 * `firstLine` the line number of the first line (messages and line-derived ids read as for the
 * whole file). A CSV/TSV range after the first byte takes its column names from the file's header.
 */
export interface FileRange {
  start: number;
  end: number;
  firstLine: number;
}

/** The articles of one corpus file ({@link readCorpus}), or of a range of its lines. */
export async function* readCorpusFile(
  file: string,
  map: FieldMap,
  range?: FileRange,
): AsyncGenerator<Article | BadRecord> {
  const ext = extname(file).toLowerCase();
  const fromName = fileFields(file, map);
  if (isGkg(file))
    throw new InputError(
      `${basename(file)}: a GDELT GKG file has no article text; media score reads its records (src/io/gdelt.ts)`,
    );
  if (isJsonl(file)) {
    for await (const chunk of jsonlChunks(file, map, 1 << 20, range))
      yield* jsonlChunkRecords(chunk, map);
  } else if (ext === ".csv" || ext === ".tsv") {
    const delimiter = ext === ".tsv" ? "\t" : ",";
    const header =
      range && range.start > 0 && !map.columns ? await csvHeader(file, delimiter) : null;
    const lineOffset = range ? range.firstLine - 1 : 0;
    const parser = createReadStream(
      file,
      range ? { start: range.start, end: range.end - 1 } : {},
    ).pipe(
      parse({
        bom: true,
        columns: map.columns ? map.columns : (header ?? true),
        delimiter,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
        info: true,
      }),
    );
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      yield toArticle(
        record,
        map,
        fromName,
        `${basename(file)} line ${info.lines + lineOffset}`,
        Object.values(record).join(""),
      );
    }
  }
}

/** The column names of a CSV/TSV file: its first record. */
async function csvHeader(file: string, delimiter: string): Promise<string[]> {
  const stream = createReadStream(file);
  const parser = stream.pipe(
    parse({ bom: true, delimiter, relax_quotes: true, relax_column_count: true, to_line: 1 }),
  );
  for await (const rec of parser as AsyncIterable<string[]>) {
    stream.destroy();
    return rec;
  }
  return [];
}

/** The article of one JSONL line (line numbers from 1), a bad record, or null for a blank line. */
function jsonlRecord(
  raw: string,
  line: number,
  name: string,
  map: FieldMap,
  fromName: Record<string, string>,
): Article | BadRecord | null {
  if (raw.trim() === "") return null;
  const source = `${name} line ${line}`;
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(raw) as Record<string, unknown>;
  } catch (e) {
    return { bad: true, source, reason: `not valid JSON (${(e as Error).message})` };
  }
  return toArticle(rec, map, fromName, source, raw);
}

/**
 * A run of whole lines of a JSONL file, as bytes, for parsing elsewhere (a worker thread):
 * `firstLine` is the line number of its first line, `name` the file's name, `fromName` the
 * fields taken from it.
 */
export interface JsonlChunk {
  bytes: Uint8Array;
  firstLine: number;
  name: string;
  fromName: Record<string, string>;
}

const LF = 10;
const CR = 13;

/**
 * Reads a JSONL file in chunks of whole lines of about `size` bytes, without decoding or
 * parsing them. Lines end at "\n", "\r\n" or a lone "\r", as Node's readline ends them (so line numbers
 * agree with {@link readCorpusFile}). Each chunk owns its ArrayBuffer (it can be transferred).
 * With a range, only its bytes are read, numbered from its first line.
 */
export async function* jsonlChunks(
  file: string,
  map: FieldMap,
  size = 1 << 20,
  range?: FileRange,
): AsyncGenerator<JsonlChunk> {
  const name = basename(file);
  const fromName = fileFields(file, map);
  let fh: FileHandle;
  try {
    fh = await open(file, "r");
  } catch (e) {
    throw cannotRead(file, e);
  }
  try {
    let line = range?.firstLine ?? 1;
    let pos = range?.start ?? 0;
    const end = range?.end ?? Number.POSITIVE_INFINITY;
    let carry: Uint8Array = new Uint8Array(0);
    for (;;) {
      const buf = new Uint8Array(carry.length + size);
      buf.set(carry);
      let filled = carry.length;
      const want = Math.min(size, end - pos);
      const { bytesRead } = want > 0 ? await fh.read(buf, filled, want, pos) : { bytesRead: 0 };
      pos += bytesRead;
      filled += bytesRead;
      const eof = bytesRead === 0;
      // Cut after the last line end whose kind is certain ("\r" as the last byte may be half
      // of "\r\n"); at the end of the file, everything goes.
      let cut = filled;
      if (!eof) {
        cut = 0;
        for (let k = filled - 1; k >= 0; k--) {
          const c = buf[k]!;
          if (c === LF || (c === CR && k + 1 < filled)) {
            cut = k + 1;
            break;
          }
        }
      }
      carry = buf.slice(cut, filled); // copied: the chunk's buffer may be transferred
      if (cut > 0) {
        const bytes = buf.subarray(0, cut);
        const firstLine = line;
        line += countLines(bytes); // before the consumer may transfer the bytes away
        yield { bytes, firstLine, name, fromName };
      }
      if (eof) break;
    }
  } finally {
    await fh.close();
  }
}

/** Line ends in bytes: "\n", "\r\n" and a lone "\r" count one each. */
function countLines(b: Uint8Array): number {
  let n = 0;
  for (let k = 0; k < b.length; k++) {
    const c = b[k]!;
    if (c === LF) n++;
    else if (c === CR) {
      n++;
      if (b[k + 1] === LF) k++;
    }
  }
  return n;
}

/** The articles and bad records of a {@link JsonlChunk}, as {@link readCorpusFile} reads them. */
export function* jsonlChunkRecords(
  chunk: JsonlChunk,
  map: FieldMap,
): Generator<Article | BadRecord> {
  const b = Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.length);
  // Each line is decoded on its own (line ends are ASCII, so this gives the characters a
  // streaming decoder gives): small strings that die young, never one string of the chunk.
  let line = chunk.firstLine;
  let start = 0;
  const n = b.length;
  while (start < n) {
    let end = start;
    while (end < n && b[end] !== LF && b[end] !== CR) end++;
    const rec = jsonlRecord(
      b.toString("utf8", start, end),
      line++,
      chunk.name,
      map,
      chunk.fromName,
    );
    if (rec) yield rec;
    start = end < n && b[end] === CR && b[end + 1] === LF ? end + 2 : end + 1;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (/\.(csv|tsv|jsonl|ndjson)$/i.test(e.name)) out.push(p);
  }
  return out;
}

function fileFields(file: string, map: FieldMap): Record<string, string> {
  if (!map.filename) return {};
  const m = new RegExp(map.filename).exec(basename(file));
  return m?.groups
    ? Object.fromEntries(Object.entries(m.groups).filter(([, v]) => v !== undefined))
    : {};
}

function toArticle(
  rec: Record<string, unknown>,
  map: FieldMap,
  fromName: Record<string, string>,
  source: string,
  raw: string,
): Article | BadRecord {
  if (raw.includes("\uFFFD")) return { bad: true, source, reason: "invalid UTF-8" };
  const get = (field: keyof FieldMap["fields"]): string => {
    const col = map.fields[field];
    const v =
      col !== undefined ? rec[col] : (map.constants[field] ?? fromName[field] ?? rec[field]);
    return v === undefined || v === null
      ? (map.constants[field] ?? fromName[field] ?? "")
      : String(v).trim();
  };
  const title = get("title");
  const text = get("text");
  if (!title && !text) return { bad: true, source, reason: "no title and no text" };
  const rawDate = get("date");
  const date = normaliseDate(rawDate);
  if (date === null) return { bad: true, source, reason: `unparseable date "${rawDate}"` };
  const outlet = get("outlet");
  const country = get("outlet_country") || map.outlet_country[outlet] || "";
  return { id: get("id") || source, date, outlet, outlet_country: country, title, text, source };
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/**
 * An ISO date (YYYY-MM-DD) from the formats news scrapes use: ISO dates and date-times anywhere
 * in the text ("Updated: 2022-03-07 17:49"), "23-Mar-2022", "Apr 06, 2022 05:10 PM",
 * "20 February 2019". "" when absent, null when unparseable. Dates with a time zone are taken in
 * UTC; others as written.
 */
export function normaliseDate(input: string): string | null {
  const s = input.replace(/^(updated|published|posted|date)\s*:\s*/i, "").trim();
  if (!s) return "";
  const iso = /(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const pad = (v: number) => String(v).padStart(2, "0");
  const dmy = /(\d{1,2})[- ]([A-Za-z]{3})[a-z]*[- ](\d{4})/.exec(s);
  if (dmy && MONTHS.includes(dmy[2]!.toLowerCase())) {
    return `${dmy[3]}-${pad(MONTHS.indexOf(dmy[2]!.toLowerCase()) + 1)}-${pad(Number(dmy[1]))}`;
  }
  const t = Date.parse(s);
  if (Number.isNaN(t)) return null;
  const d = new Date(t);
  return /[zZ]|[+-]\d{2}:?\d{2}$/.test(s)
    ? d.toISOString().slice(0, 10)
    : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
