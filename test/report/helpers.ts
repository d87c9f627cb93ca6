/**
 * Shared checks of the report formats against the run they come from (the store, read back with
 * readRunTable): used by the demo test and the pew-2005 test.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ExcelJS from "exceljs";
import { parseHTML } from "linkedom";
import { expect } from "vitest";
import { sheetNames } from "../../src/report/xlsx.ts";
import { storePath } from "../../src/store/db.ts";
import { readRun, readRunTable } from "../../src/store/read.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin", "softpower.js");

/** Runs the CLI as a child process (TZ=UTC, no colour). */
export function cli(args: string[], timeout = 180_000): SpawnSyncReturns<string> {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, TZ: "UTC", NO_COLOR: "1", FORCE_COLOR: "0" },
    encoding: "utf8",
    timeout,
  });
  if (r.error) throw r.error;
  return r;
}

export function expectOk(r: SpawnSyncReturns<string>): void {
  expect(r.status, `exit code; stderr:\n${r.stderr}`).toBe(0);
}

/** Records of a stored table. */
export async function tableRows(dir: string, table: string) {
  const t = await readRunTable(storePath(dir), "latest", table);
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j]])));
}

/** Text as the HTML holds it in a text node. */
export const escText = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** Whitespace collapsed (PDF text wraps lines and pads columns). */
export const squash = (s: string) => s.replace(/\s+/g, " ").trim();

/**
 * Every reference the document makes: values of src/href/xlink:href/action/poster/srcset
 * attributes and url(...) in CSS or attributes, wherever they appear.
 */
export function references(html: string): string[] {
  const refs: string[] = [];
  for (const m of html.matchAll(
    /\b(?:src|href|xlink:href|action|poster|srcset|data)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/gi,
  ))
    refs.push(m[2] ?? m[3] ?? m[4] ?? "");
  for (const m of html.matchAll(/url\(\s*(['"]?)([^)'"]*)\1\s*\)/gi)) refs.push(m[2] ?? "");
  return refs;
}

/**
 * The HTML makes no external request of any kind: no URL scheme or protocol-relative "//" in any
 * reference (only in-document "#anchors"), no script, no stylesheet link, no @import, and no
 * "http://" or "https://" anywhere in the document (not even as an SVG namespace).
 */
export function expectSelfContained(html: string): void {
  for (const ref of references(html)) expect(ref, `reference "${ref}"`).toMatch(/^#[\w-]*$/);
  expect(html).not.toMatch(/https?:\/\//i);
  expect(html).not.toMatch(/<script\b/i);
  expect(html).not.toMatch(/<link\b/i);
  expect(html).not.toMatch(/@import|@font-face/i);
  expect(html).not.toMatch(/<(img|iframe|object|embed|video|audio|source)\b/i);
}

/** The HTML parsed (linkedom), for structural checks. */
export function parse(html: string) {
  return parseHTML(html).document;
}

/** The section headings (h2) without their numbers. */
export function headings(html: string): string[] {
  return [...parse(html).querySelectorAll("section > h2")].map((h) =>
    (h.textContent ?? "").replace(/^\d+\.\s*/, ""),
  );
}

/** Every finding statement of the run appears verbatim (escaped) in the HTML. */
export async function expectFindingsInHtml(dir: string, html: string): Promise<string[]> {
  const statements = (await tableRows(dir, "findings")).map((r) => String(r.statement));
  expect(statements.length).toBeGreaterThan(0);
  for (const s of statements) expect(html, s).toContain(escText(s));
  return statements;
}

/** pdftotext -layout and pdfinfo of a PDF file. */
export function pdfText(path: string): { text: string; info: string } {
  const t = spawnSync("pdftotext", ["-layout", path, "-"], { encoding: "utf8" });
  const i = spawnSync("pdfinfo", [path], { encoding: "utf8" });
  if (t.status !== 0) throw new Error(`pdftotext failed: ${t.stderr}`);
  if (i.status !== 0) throw new Error(`pdfinfo failed: ${i.stderr}`);
  return { text: t.stdout, info: i.stdout };
}

/** A4 (595.28 × 841.89 pt, ±1 pt) on every page, page numbers "Page k of N" on all N pages. */
export function expectA4WithPageNumbers(text: string, info: string): number {
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  expect(pages).toBeGreaterThan(0);
  const size = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info);
  expect(size, info).not.toBeNull();
  expect(Math.abs(Number(size![1]) - 595.28)).toBeLessThan(1);
  expect(Math.abs(Number(size![2]) - 841.89)).toBeLessThan(1);
  for (let k = 1; k <= pages; k++) expect(text).toContain(`Page ${k} of ${pages}`);
  return pages;
}

/** Cell values as exceljs reads them back: empty → null; rich/shared strings → their text. */
function cellValue(v: ExcelJS.CellValue): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "object" && "richText" in v) return v.richText.map((t) => t.text).join("");
  return v;
}

/**
 * The workbook opens; its first sheet is README and mentions the run id; every table of the run
 * is one sheet (named as `sheetNames` says, ≤ 31 characters, unique) whose header and every cell
 * equal the stored table: numbers as numbers, booleans as booleans, nulls as empty cells.
 */
export async function expectWorkbookEqualsRun(dir: string, xlsxPath: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await readFile(xlsxPath)) as unknown as ExcelJS.Buffer);
  const info = await readRun(storePath(dir), "latest");
  const names = sheetNames(info.tables);
  // The stored tables, then the formatted topline and banner sheets (with their legends).
  const sheets = wb.worksheets.map((w) => w.name);
  expect(sheets.slice(0, info.tables.length + 1)).toEqual([
    "README",
    ...info.tables.map((t) => names.get(t)),
  ]);
  for (const extra of sheets.slice(info.tables.length + 1))
    expect(extra).toMatch(/^(Topline|Banner)( w[^ ]+)?( legend)?$/);
  if (info.tables.includes("survey_banner")) expect(sheets).toContain("Topline");
  const readme = wb.getWorksheet("README")!;
  const readmeText: string[] = [];
  readme.eachRow((row) => {
    for (const v of (row.values as ExcelJS.CellValue[]).slice(1))
      readmeText.push(String(cellValue(v) ?? ""));
  });
  expect(readmeText).toContain(info.id);
  if (info.synthetic) expect(readmeText).toContain("SYNTHETIC DATA");
  for (const name of names.values()) {
    expect(name.length).toBeLessThanOrEqual(31);
  }
  expect(new Set([...names.values()].map((n) => n.toLowerCase())).size).toBe(names.size);
  for (const table of info.tables) {
    const stored = await readRunTable(storePath(dir), info.id, table);
    const ws = wb.getWorksheet(names.get(table)!)!;
    expect(ws, table).toBeDefined();
    expect(ws.rowCount, `${table} rows`).toBe(stored.rows.length + 1);
    const header = (ws.getRow(1).values as ExcelJS.CellValue[]).slice(1).map(cellValue);
    expect(header, `${table} header`).toEqual(stored.columns);
    stored.rows.forEach((r, i) => {
      const row = ws.getRow(i + 2);
      const got = stored.columns.map((_, j) => cellValue(row.getCell(j + 1).value));
      const want = r.map((v) =>
        v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))
          ? null
          : typeof v === "object"
            ? JSON.stringify(v)
            : v,
      );
      if (JSON.stringify(got) !== JSON.stringify(want))
        expect(got, `${table} row ${i + 1}`).toEqual(want);
    });
  }
}

/** SVG made comparable: ids and their references dropped, numbers to 1 decimal, one tag a line. */
export function normaliseSvg(svg: string): string {
  return `${svg
    .replace(/\sid="[^"]*"/g, "")
    .replace(/url\(#[^)]*\)/g, "url(#)")
    .replace(/href="#[^"]*"/g, 'href="#"')
    .replace(/-?\d+\.\d+/g, (n) => {
      const r = Math.round(Number(n) * 10) / 10;
      return (Object.is(r, -0) ? 0 : r).toFixed(1);
    })
    .replace(/></g, ">\n<")}\n`;
}
