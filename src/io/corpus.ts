import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";
import { cannotRead } from "../core/errors.ts";
import type { Article, FieldMap } from "../media/corpus-spec.ts";

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
  let files: string[];
  try {
    files = (await stat(path)).isDirectory() ? await listFiles(path) : [path];
  } catch (e) {
    throw cannotRead(path, e);
  }
  for (const file of files) {
    const ext = extname(file).toLowerCase();
    const fromName = fileFields(file, map);
    if (ext === ".jsonl" || ext === ".ndjson") {
      const rl = createInterface({
        input: createReadStream(file, "utf8"),
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      let line = 0;
      for await (const raw of rl) {
        line++;
        if (raw.trim() === "") continue;
        const source = `${basename(file)} line ${line}`;
        let rec: Record<string, unknown>;
        try {
          rec = JSON.parse(raw) as Record<string, unknown>;
        } catch (e) {
          yield { bad: true, source, reason: `not valid JSON (${(e as Error).message})` };
          continue;
        }
        yield toArticle(rec, map, fromName, source, raw);
      }
    } else if (ext === ".csv" || ext === ".tsv") {
      const parser = createReadStream(file).pipe(
        parse({
          bom: true,
          columns: map.columns ? map.columns : true,
          delimiter: ext === ".tsv" ? "\t" : ",",
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
          `${basename(file)} line ${info.lines}`,
          Object.values(record).join(""),
        );
      }
    }
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
