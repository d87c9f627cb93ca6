/**
 * A study folder's data files as the workbench sees them: the list, uploads (names sanitised,
 * size capped, written atomically into DATA/ and never over an existing file: inputs are never
 * modified) and previews (first rows, detected types, SPSS value labels, row count).
 */
import { createWriteStream } from "node:fs";
import { readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";
import { InputError } from "../core/errors.ts";
import type { SurveyFrame } from "../survey/frame.ts";
import { surveyFrame } from "./frame-cache.ts";

/** The data file kinds the workbench accepts (by extension). */
export const DATA_EXTENSIONS = [
  ".csv",
  ".tsv",
  ".xlsx",
  ".sav",
  ".parquet",
  ".jsonl",
  ".json",
  ".yaml",
  ".yml",
] as const;

/** A file in the study folder. */
export interface StudyFile {
  /** Path relative to the study folder, with "/". */
  path: string;
  bytes: number;
}

/** Folders of a study that are not its inputs. */
const SKIP = new Set(["out", "reports", "node_modules"]);

/** The data and spec files of a study folder (hidden entries, out/ and reports/ skipped). */
export async function listStudyFiles(dir: string): Promise<StudyFile[]> {
  const out: StudyFile[] = [];
  const walk = async (d: string, depth: number) => {
    if (depth > 4) return;
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const abs = join(d, e.name);
      if (e.isDirectory()) {
        if (depth === 0 && SKIP.has(e.name)) continue;
        await walk(abs, depth + 1);
      } else if (e.isFile() && DATA_EXTENSIONS.includes(extname(e.name).toLowerCase() as never)) {
        out.push({ path: relative(dir, abs).split(sep).join("/"), bytes: (await stat(abs)).size });
      }
    }
  };
  await walk(dir, 0);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * A safe file name for an upload, or an InputError saying why not: a plain name (no folder, no
 * leading dot, letters, digits, ".", "_", "-" and spaces, at most 100 characters) with one of
 * {@link DATA_EXTENSIONS}. Spaces become "_".
 */
export function uploadName(name: string): string {
  const n = String(name).normalize("NFC");
  if (!/^[A-Za-z0-9][A-Za-z0-9._ -]{0,99}$/.test(n) || n.includes(".."))
    throw new InputError(
      `file name ${JSON.stringify(n.slice(0, 120))} is not allowed: use letters, digits, ".", "_", "-" (no folders, no leading dot, at most 100 characters)`,
    );
  const ext = extname(n).toLowerCase();
  if (!DATA_EXTENSIONS.includes(ext as never))
    throw new InputError(
      `file ${JSON.stringify(n)}: not a data file the workbench reads (${DATA_EXTENSIONS.join(", ")})`,
    );
  return n.replaceAll(" ", "_");
}

/** Why an upload failed with a status: too large (413) or the file exists (409). */
export class UploadError extends InputError {
  constructor(
    readonly status: 409 | 413,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Writes an upload into `dir/data/<name>` from a byte stream: to a hidden temporary file in the
 * same folder, counting bytes (past `maxBytes` the write stops and the temporary file is removed),
 * then renamed into place only if no file has that name (an existing input is never replaced).
 *
 * @returns the path relative to the study folder, e.g. "data/survey.csv"
 * @throws UploadError (413 too large, 409 exists), InputError (bad name)
 */
export async function saveUpload(
  dir: string,
  name: string,
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<string> {
  const safe = uploadName(name);
  const folder = join(dir, "data");
  const target = join(folder, safe);
  const exists = () =>
    stat(target).then(
      () => true,
      () => false,
    );
  if (await exists())
    throw new UploadError(
      409,
      `data/${safe} exists: inputs are never replaced; upload it under another name`,
    );
  const { mkdir } = await import("node:fs/promises");
  await mkdir(folder, { recursive: true });
  const tmp = join(folder, `.${safe}.upload-${process.pid}-${Date.now()}`);
  const ws = createWriteStream(tmp, { flags: "wx" });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let total = 0;
  try {
    if (body) {
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw new UploadError(413, `upload too large: at most ${maxBytes} bytes`);
        }
        if (!ws.write(value)) await new Promise<void>((r) => ws.once("drain", () => r()));
      }
    }
    await new Promise<void>((resolve, reject) =>
      ws.end((e?: Error | null) => (e ? reject(e) : resolve())),
    );
    if (await exists())
      throw new UploadError(409, `data/${safe} exists: inputs are never replaced`);
    await rename(tmp, target);
  } catch (e) {
    await new Promise<void>((resolve) => {
      if (ws.closed) resolve();
      else ws.destroy().once("close", () => resolve());
    });
    await rm(tmp, { force: true });
    throw e;
  }
  return `data/${safe}`;
}

/** A column of a preview: name, detected type, SPSS label and value labels. */
export interface PreviewColumn {
  name: string;
  type: "number" | "text";
  label?: string;
  /** Value labels (SPSS) or the categories of a text column (at most 50). */
  labels?: [string | number, string][];
  missing: number;
}

/** The first rows of a data file with its columns' types and its row count. */
export interface Preview {
  file: string;
  rows: number;
  columns: PreviewColumn[];
  head: (string | number | null)[][];
}

/** A preview of a survey frame (CSV, TSV, Parquet, SAV). */
export function previewFrame(file: string, frame: SurveyFrame, limit = 20): Preview {
  const columns: PreviewColumn[] = [];
  const cols = [...frame.columns.entries()];
  const m = Math.min(limit, frame.n);
  const head: (string | number | null)[][] = Array.from({ length: m }, () => []);
  for (const [name, c] of cols) {
    if (c.kind === "number") {
      let missing = 0;
      for (let i = 0; i < frame.n; i++) if (Number.isNaN(c.values[i]!)) missing++;
      columns.push({
        name,
        type: "number",
        label: c.label,
        labels: c.labels ? [...c.labels.entries()].slice(0, 50) : undefined,
        missing,
      });
      for (let i = 0; i < m; i++) {
        const v = c.values[i]!;
        head[i]!.push(Number.isNaN(v) ? null : v);
      }
    } else {
      let missing = 0;
      for (let i = 0; i < frame.n; i++) if (c.codes[i]! < 0) missing++;
      columns.push({
        name,
        type: "text",
        label: c.label,
        labels: c.levels.length <= 50 ? c.levels.map((l, k) => [k, l]) : undefined,
        missing,
      });
      for (let i = 0; i < m; i++) {
        const k = c.codes[i]!;
        head[i]!.push(k < 0 ? null : c.levels[k]!);
      }
    }
  }
  return { file, rows: frame.n, columns, head };
}

/**
 * A preview of a data file: CSV, TSV, Parquet and SAV through the survey reader (types as the
 * build reads them, value labels for SAV), XLSX through the table reader, JSONL line by line.
 */
export async function previewFile(
  abs: string,
  file: string,
  limit = 20,
  cacheDir?: string,
): Promise<Preview> {
  const ext = extname(abs).toLowerCase();
  if (ext === ".jsonl") {
    const text = await readFile(abs, "utf8");
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    const objs = lines.slice(0, limit).map((l, i) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new InputError(`${file} line ${i + 1}: not valid JSON`);
      }
    });
    const names = [...new Set(objs.flatMap((o) => Object.keys(o)))];
    return {
      file,
      rows: lines.length,
      columns: names.map((name) => ({
        name,
        type: objs.every((o) => typeof o[name] === "number" || o[name] == null) ? "number" : "text",
        missing: objs.filter((o) => o[name] == null).length,
      })),
      head: objs.map((o) =>
        names.map((n) => {
          const v = o[n];
          if (v == null) return null;
          if (typeof v === "number") return v;
          const s = typeof v === "string" ? v : JSON.stringify(v);
          return s.length > 200 ? `${s.slice(0, 200)}…` : s;
        }),
      ),
    };
  }
  if (ext === ".xlsx") {
    const { readTable } = await import("../io/table.ts");
    const { frameFromTable } = await import("../io/survey-data.ts");
    return previewFrame(file, frameFromTable(await readTable(abs)), limit);
  }
  if (ext === ".csv" || ext === ".tsv" || ext === ".parquet" || ext === ".sav")
    return previewFrame(file, await surveyFrame(abs, cacheDir), limit);
  throw new InputError(`${file}: no preview for ${ext || "this kind of"} file`);
}

/** The file the workbench writes the edited framework (iMeta) into, inside the study folder. */
export const FRAMEWORK_FILE = "framework.csv";

/**
 * Writes an edited framework (iMeta rows: Level, iCode, iName, Direction, Weight, Parent, Type
 * and any other COINr column) as `dir/framework.csv`, atomically, after checking it the way the
 * build reads it (metaFromTable and buildFramework: the same messages). The input iMeta the
 * rows came from is never touched; framework.csv is the workbench's own file.
 *
 * @returns the path relative to the study folder, or the problem
 */
export async function writeFramework(
  dir: string,
  columns: string[],
  rows: (string | number | null)[][],
): Promise<{ path?: string; error?: string }> {
  const { toCsv, writeFileAtomic } = await import("../io/write.ts");
  const { parseCsv } = await import("../io/table.ts");
  const { metaFromTable } = await import("../io/coin.ts");
  const { buildFramework } = await import("../composite/framework.ts");
  const text = toCsv(
    columns,
    rows.map((r) => r.map((v) => (v === null || v === "" ? null : v))),
  );
  try {
    buildFramework(metaFromTable(parseCsv(text, FRAMEWORK_FILE)));
  } catch (e) {
    if (e instanceof InputError) return { error: e.message };
    throw e;
  }
  await writeFileAtomic(join(dir, FRAMEWORK_FILE), text);
  return { path: FRAMEWORK_FILE };
}
