/**
 * Toplines and banner tables as files: CSV (one row per answer and audience for a topline; the
 * banner as printed, each column's estimate, n and letters side by side) and XLSX (the same
 * table, percentages formatted, plus a Legend sheet: the column letters, the test, its level
 * and adjustment).
 */
import type * as ExcelJS from "exceljs";
import type { BannerTable } from "../survey/banner.ts";
import { TOPLINE_COLUMNS, type ToplineRow } from "../survey/topline.ts";
import { type Cell, toCsv } from "./write.ts";

/** A topline as CSV: {@link TOPLINE_COLUMNS}, shares as proportions (0–1) in full precision. */
export function toplineCsv(rows: ToplineRow[]): string {
  return toCsv(
    [...TOPLINE_COLUMNS],
    rows.map((r) => TOPLINE_COLUMNS.map((c) => r[c])),
  );
}

/** Header of a banner column: "label (A)", "Total" for Total, prefixed by the column variable. */
function bannerHeader(t: BannerTable, j: number): string {
  const c = t.columns[j]!;
  if (!c.letter) return c.label;
  return `${c.name}=${c.label} (${c.letter})`;
}

/** Letters of a cell as printed: concatenated when all are single letters, else space-separated. */
export function cellLetters(letters: string[]): string {
  return letters.every((l) => l.length === 1) ? letters.join("") : letters.join(" ");
}

/**
 * A banner as CSV: question, answer, kind, then for every column (Total first) three fields:
 * the estimate (share 0–1 or mean, full precision), the unweighted n and the letters of the
 * columns it is significantly higher than.
 */
export function bannerCsv(t: BannerTable): string {
  const head = ["question", "column", "answer", "code", "kind"];
  for (let j = 0; j < t.columns.length; j++) {
    const h = bannerHeader(t, j);
    head.push(h, `${h} n`, `${h} sig`);
  }
  const rows: Cell[][] = t.rows.map((r) => [
    r.question,
    r.column,
    r.answer,
    r.code,
    r.kind,
    ...r.cells.flatMap((c) => [c.estimate, c.n, cellLetters(c.letters)]),
  ]);
  return toCsv(head, rows);
}

/** The legend: what each letter is and how the test was made. */
function legend(t: BannerTable): [string, string][] {
  return [
    ["Test", t.test],
    ["Confidence level", t.level === null ? "no tests" : String(t.level)],
    ["Adjustment", t.adjust],
    ["Degrees of freedom", String(t.df)],
    [
      "Reading the letters",
      "A letter in a cell names a column of the same column variable that this cell is significantly higher than; the Total column is not tested.",
    ],
  ];
}

/**
 * A banner as an XLSX workbook: sheet "Banner" (per column three cells: % or mean, n, letters;
 * a header row with the column variables and one with the labels and letters) and sheet
 * "Legend" (the letters, the test, level, adjustment).
 */
export async function bannerXlsx(t: BannerTable): Promise<Uint8Array> {
  const { default: excel } = await import("exceljs");
  const wb = new excel.Workbook();
  wb.created = new Date(0);
  wb.modified = new Date(0);
  addBannerSheets(wb, t);
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

/**
 * Adds a banner's two sheets to a workbook (the report's results workbook uses it too): the
 * banner (per column three cells: % or mean, n, letters) and its legend.
 */
export function addBannerSheets(
  wb: ExcelJS.Workbook,
  t: BannerTable,
  names: { banner: string; legend: string } = { banner: "Banner", legend: "Legend" },
): void {
  const ws = wb.addWorksheet(names.banner, { views: [{ state: "frozen", ySplit: 2, xSplit: 3 }] });
  const top: Cell[] = ["", "", ""];
  const sub: Cell[] = ["Question", "Answer", "Kind"];
  t.columns.forEach((c) => {
    top.push(c.letter ? c.name : "Total", null, null);
    sub.push(c.letter ? `${c.label} (${c.letter})` : c.label, "n", "sig");
  });
  ws.addRow(top).font = { bold: true };
  ws.addRow(sub).font = { bold: true };
  for (const r of t.rows) {
    const row = ws.addRow([
      r.question,
      r.kind === "share" ? r.answer : "mean",
      r.kind,
      ...r.cells.flatMap((c) => [
        Number.isNaN(c.estimate) ? null : c.estimate,
        c.n,
        cellLetters(c.letters),
      ]),
    ]);
    r.cells.forEach((_, j) => {
      row.getCell(4 + 3 * j).numFmt = r.kind === "share" ? "0.0%" : "0.00";
    });
  }
  legendSheet(wb, legend(t), t, names.legend);
}

function legendSheet(
  wb: ExcelJS.Workbook,
  rows: [string, string][],
  t: BannerTable | undefined,
  name: string,
): void {
  const lg = wb.addWorksheet(name);
  lg.columns = [{ width: 22 }, { width: 30 }, { width: 30 }];
  for (const [k, v] of rows) lg.addRow([k, v]).getCell(1).font = { bold: true };
  if (!t) return;
  lg.addRow([]);
  lg.addRow(["Letter", "Column variable", "Column"]).font = { bold: true };
  for (const c of t.columns) if (c.letter) lg.addRow([c.letter, c.name, c.label]);
}

/** A topline as an XLSX workbook: sheet "Topline" ({@link TOPLINE_COLUMNS}) and a Legend sheet. */
export async function toplineXlsx(rows: ToplineRow[], level: number): Promise<Uint8Array> {
  const { default: excel } = await import("exceljs");
  const wb = new excel.Workbook();
  wb.created = new Date(0);
  wb.modified = new Date(0);
  addToplineSheets(wb, rows, level);
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

/**
 * Adds a topline's sheets to a workbook (the report's results workbook uses it too): the
 * topline ({@link TOPLINE_COLUMNS}, percentages formatted) and its legend; `extra` columns
 * (e.g. the wave) go first.
 */
export function addToplineSheets(
  wb: ExcelJS.Workbook,
  rows: ToplineRow[],
  level: number,
  names: { topline: string; legend: string } = { topline: "Topline", legend: "Legend" },
  extra: { name: string; values: Cell[] } | null = null,
): void {
  const ws = wb.addWorksheet(names.topline, { views: [{ state: "frozen", ySplit: 1 }] });
  const lead = extra ? [extra.name] : [];
  ws.addRow([...lead, ...TOPLINE_COLUMNS]).font = { bold: true };
  const pct = new Set(["share", "se", "moe", "ci_low", "ci_high"]);
  rows.forEach((r, i) => {
    const row = ws.addRow([
      ...(extra ? [extra.values[i] ?? null] : []),
      ...TOPLINE_COLUMNS.map((c) => r[c]),
    ]);
    TOPLINE_COLUMNS.forEach((c, j) => {
      if (pct.has(c)) row.getCell(lead.length + j + 1).numFmt = "0.0%";
    });
  });
  legendSheet(
    wb,
    [
      ["Share", "Weighted share of the answer among the audience's respondents who were asked"],
      ["Margin of error", `qt(1 − α/2, df) · SE at ${level * 100}% (design-based SE)`],
      ["n", "Unweighted respondents in the base; count: who gave the answer"],
    ],
    undefined,
    names.legend,
  );
}
