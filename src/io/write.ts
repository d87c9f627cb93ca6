import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** A cell: numbers are written in full (shortest round-trip) precision, NaN/null as NA. */
export type Cell = string | number | boolean | null | undefined;

/** One CSV field: quoted when it holds a quote, comma or line break, or is the string "NA". */
export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return "NA";
  if (typeof v === "number") return Number.isNaN(v) ? "NA" : String(v);
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  return /[",\n\r]/.test(v) || v === "NA" ? `"${v.replaceAll('"', '""')}"` : v;
}

/** CSV text from a header and rows (RFC 4180 quoting, "\n" line ends). */
export function toCsv(columns: string[], rows: Cell[][]): string {
  const lines = [columns.map(csvCell).join(",")];
  for (const r of rows) lines.push(r.map(csvCell).join(","));
  return `${lines.join("\n")}\n`;
}

/** CSV text from records, columns in the given order. */
export function recordsToCsv(columns: string[], records: Record<string, Cell>[]): string {
  return toCsv(
    columns,
    records.map((r) => columns.map((c) => r[c])),
  );
}

/**
 * Writes a set of files as one directory, atomically: everything goes to a temporary sibling
 * directory, which then replaces `dir` by rename (the old directory is moved aside first and
 * removed after). A failure leaves `dir` as it was.
 */
export async function writeDirAtomic(
  dir: string,
  files: Record<string, string | Uint8Array>,
): Promise<void> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  const old = join(parent, `.${basename(dir)}.old-${process.pid}-${Date.now()}`);
  try {
    // Folders first, then every file at once (one round trip to the thread pool, not one per file).
    const entries = Object.entries(files);
    for (const d of new Set(entries.map(([name]) => dirname(join(tmp, name)))))
      await mkdir(d, { recursive: true });
    await Promise.all(entries.map(([name, text]) => writeFile(join(tmp, name), text)));
    let moved = false;
    try {
      await rename(dir, old);
      moved = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    try {
      await rename(tmp, dir);
    } catch (e) {
      if (moved) await rename(old, dir);
      throw e;
    }
    if (moved) await rm(old, { recursive: true, force: true });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** SHA-256 of a file, hex. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(path)
      .on("data", (d) => h.update(d))
      .on("error", reject)
      .on("end", () => resolve(h.digest("hex")));
  });
}

/**
 * SHA-256 of a file, or of a folder: the hash of "relative-path sha256\n" over its files in
 * sorted order (recursively), so a corpus folder has one fingerprint.
 */
export async function sha256Path(path: string): Promise<string> {
  const { readdir, stat } = await import("node:fs/promises");
  if (!(await stat(path)).isDirectory()) return sha256File(path);
  const files = (await readdir(path, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const h = createHash("sha256");
  for (const f of files) h.update(`${f.slice(path.length + 1)} ${await sha256File(f)}\n`);
  return h.digest("hex");
}

/** Writes one file atomically (temporary sibling, then rename), creating its folder; text or bytes. */
export async function writeFileAtomic(path: string, text: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}
