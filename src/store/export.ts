/**
 * Exporting a run as files: `<outDir>` is a symlink to `<study>/.softpower/exports/<run-id>/`,
 * swapped atomically, so a reader of `<outDir>` sees one whole run, old or new, even when the
 * export is killed mid-way.
 */
import {
  lstat,
  mkdir,
  readdir,
  readlink,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { InputError } from "../core/errors.ts";
import { toCsv } from "../io/write.ts";
import type { RunRecord } from "./types.ts";
import { TABLE_NAME } from "./write-run.ts";

export interface ExportOptions {
  /** Folder holding the export folders (default `<parent of outDir>/.softpower/exports`). */
  exportsDir?: string;
  /** Export folders to keep, newest first (default 5); the one `outDir` points at is always kept. */
  keep?: number;
}

/** One entry of `tables.json`. */
export interface ExportedTable {
  name: string;
  file: string;
  columns: string[];
  rows: number;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Whether process `pid` is running (a process of another user counts as running). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes temporaries named `<prefix><pid>-…` left by exports that were killed. */
async function removeStale(dir: string, prefix: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)/.exec(name.slice(prefix.length))?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid))
      await rm(join(dir, name), { recursive: true, force: true });
  }
}

/** A name in `dir` not yet used: `base`, else `base~2`, `base~3`… */
async function freeName(dir: string, base: string): Promise<string> {
  const used = new Set(await readdir(dir));
  if (!used.has(base)) return base;
  for (let k = 2; ; k++) if (!used.has(`${base}~${k}`)) return `${base}~${k}`;
}

/**
 * Writes run `run` as files and points `outDir` at them: `<table>.csv` per result table (via
 * `toCsv`: NA for missing values), `run.json` (the record without tables) and `tables.json`
 * (`{ run, tables: [{ name, file, columns, rows }] }`, written last).
 *
 * The files go to a temporary folder in `exports/`, which is renamed to `exports/<run-id>` (or
 * `<run-id>~2`… when that exists); then a temporary symlink to it is renamed over `outDir`
 * (rename(2) replaces a symlink atomically). When `outDir` is a real folder (the layout before the
 * store), it is first moved to `exports/legacy-<time>`; only during that one-time move can a
 * killed export leave `outDir` missing, with its files kept there. Export folders beyond the
 * newest `keep` are deleted, never the one `outDir` points at; temporaries of killed exports are
 * removed. Needs symlinks (POSIX; on Windows, developer mode).
 *
 * @throws InputError when `outDir` is a file, or for a table name or run id unfit for a file name.
 * @example await exportRun("studies/asem/out", run)
 */
export async function exportRun(
  outDir: string,
  run: RunRecord,
  options: ExportOptions = {},
): Promise<void> {
  const out = resolve(outDir);
  const parent = dirname(out);
  const exportsDir = resolve(options.exportsDir ?? join(parent, ".softpower", "exports"));
  const keep = options.keep ?? 5;
  if (!(Number.isInteger(keep) && keep >= 1))
    throw new InputError(`exportRun: keep must be an integer >= 1, got ${keep}`);
  if (!SAFE_ID.test(run.id))
    throw new InputError(
      `exportRun: run id "${run.id}" cannot name a folder (letters, digits, ".", "_", "-")`,
    );
  const names = Object.keys(run.tables);
  for (const n of names)
    if (!TABLE_NAME.test(n))
      throw new InputError(
        `exportRun: table name "${n}" is not allowed; use lower-case letters, digits and underscores, starting with a letter`,
      );

  await mkdir(exportsDir, { recursive: true });
  await removeStale(exportsDir, ".tmp-");
  await removeStale(parent, `.${basename(out)}.link-`);

  // 1. The new export folder, complete before anyone can see it.
  const tmp = join(exportsDir, `.tmp-${process.pid}-${run.id}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp);
  const index: ExportedTable[] = [];
  let folder: string;
  try {
    for (const name of names) {
      const t = run.tables[name]!;
      await writeFile(join(tmp, `${name}.csv`), toCsv(t.columns, t.rows));
      index.push({ name, file: `${name}.csv`, columns: t.columns, rows: t.rows.length });
    }
    const { tables: _tables, ...record } = run;
    await writeFile(
      join(tmp, "run.json"),
      `${JSON.stringify({ ...record, node: run.node ?? process.version }, null, 2)}\n`,
    );
    await writeFile(
      join(tmp, "tables.json"),
      `${JSON.stringify({ run: run.id, tables: index }, null, 2)}\n`,
    );
    folder = join(exportsDir, await freeName(exportsDir, run.id));
    await rename(tmp, folder);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }

  // 2. outDir: move an old real folder aside once, then swap the symlink.
  const current = await lstat(out).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return null;
    throw e;
  });
  if (current && !current.isSymbolicLink()) {
    if (!current.isDirectory())
      throw new InputError(`exportRun: ${outDir} is a file; move it away to export there`);
    const stamp = new Date().toISOString().replaceAll(":", "").replace(/\..*/, "Z");
    await rename(out, join(exportsDir, await freeName(exportsDir, `legacy-${stamp}`)));
  }
  const link = join(parent, `.${basename(out)}.link-${process.pid}`);
  await rm(link, { force: true });
  await symlink(relative(parent, folder), link, "dir");
  try {
    await rename(link, out);
  } catch (e) {
    await rm(link, { force: true });
    throw e;
  }

  await prune(exportsDir, out, keep);
}

/** Deletes export folders beyond the newest `keep` (by modification time), never `out`'s target. */
async function prune(exportsDir: string, out: string, keep: number): Promise<void> {
  const target = resolve(dirname(out), await readlink(out));
  const folders = [];
  for (const e of await readdir(exportsDir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith(".")) continue;
    const path = join(exportsDir, e.name);
    folders.push({ path, mtime: (await stat(path)).mtimeMs });
  }
  folders.sort((a, b) => b.mtime - a.mtime || b.path.localeCompare(a.path));
  for (const f of folders.slice(keep))
    if (f.path !== target) await rm(f.path, { recursive: true, force: true });
}
