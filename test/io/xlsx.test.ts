/**
 * readTable on XLSX (src/io/table.ts) reads with exceljs's streaming reader; it must give the
 * table that loading the whole workbook gave (the reading before, kept here as the reference):
 * cell types, empty rows, gaps, skip, sheet choice and order, and the messages.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTable, type Table } from "../../src/io/table.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

/** The XLSX reading before the streaming reader: the whole workbook loaded. */
async function readWhole(path: string, sheet?: string, skip = 0): Promise<Table> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const ws = (sheet && wb.getWorksheet(sheet)) || wb.worksheets[0]!;
  const grid: string[][] = [];
  const lines: number[] = [];
  const width = ws.columnCount;
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber <= skip) return;
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value));
    grid.push(cells);
    lines.push(rowNumber);
  });
  const columns = grid[0]!;
  while (columns.length > 0 && columns[columns.length - 1] === "") columns.pop();
  return {
    file: `${basename(path)} sheet ${ws.name}`,
    columns,
    rows: grid.slice(1).map((r) => r.slice(0, columns.length)),
    lines: lines.slice(1),
  };
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return v.trim();
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object" && "result" in v) return cellText(v.result as ExcelJS.CellValue);
  if (typeof v === "object" && "richText" in v) return v.richText.map((t) => t.text).join("");
  return String(v);
}

let TMP: string;
let book: string;
beforeAll(async () => {
  TMP = await mkdtemp(join(tmpdir(), "softpower-xlsx-"));
  book = join(TMP, "types.xlsx");
  const wb = new ExcelJS.Workbook();
  const notes = wb.addWorksheet("Notes");
  notes.addRow(["read me"]);
  const data = wb.addWorksheet("iData");
  data.getRow(1).values = ["uCode", "uName", "x", "when", "flag", "", "y"];
  data.getRow(2).values = ["AAA", "  Alpha  ", 1.5, new Date(Date.UTC(2020, 0, 2)), true, null, 7];
  data.getRow(3).values = [
    "BBB",
    { richText: [{ text: "Be" }, { text: "ta" }] },
    { formula: "2*3", result: 6 },
  ];
  // an empty row between, a row with only a styled empty cell, a row wider than the header
  data.getRow(5).values = ["CCC", "Gamma", -0.25, null, false, "extra", 8, "beyond", 9];
  data.getCell("B6").fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFF0000" } };
  data.getRow(7).values = ["DDD", "", "", "", "", "", ""];
  data.getRow(8).values = ["EEE", "Epsilon", 1e-300, null, null, null, 12345678901234567000];
  const wide = wb.addWorksheet("Wide");
  for (let r = 1; r <= 300; r++)
    wide.addRow(Array.from({ length: 20 }, (_, c) => (r === 1 ? `c${c}` : r * c)));
  await wb.xlsx.writeFile(book);
});
afterAll(async () => {
  await rm(TMP, { recursive: true, force: true });
});

describe("readTable on XLSX (streaming) gives the whole-workbook table", () => {
  it.each([
    ["iData", 0],
    ["Wide", 0],
    ["Notes", 0],
    [undefined, 0],
    ["Missing", 0],
    ["iData", 2],
  ] as const)("sheet %s, skip %d", async (sheet, skip) => {
    expect(await readTable(book, sheet, { skip })).toEqual(await readWhole(book, sheet, skip));
  });

  it("falls back to the first sheet of the workbook's order", async () => {
    const p = join(TMP, "order.xlsx");
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("B").addRow(["b"]);
    wb.addWorksheet("A").addRow(["a"]);
    (wb.getWorksheet("A") as unknown as { orderNo: number }).orderNo = 0;
    await wb.xlsx.writeFile(p);
    const want = await readWhole(p, "Z");
    expect(await readTable(p, "Z")).toEqual(want);
  });

  it("lists the sheets when exactSheet is set and the sheet is absent", async () => {
    await expect(readTable(book, "Nope", { exactSheet: true })).rejects.toThrow(
      'types.xlsx: no sheet "Nope" (sheets: "Notes", "iData", "Wide")',
    );
  });

  it("says the sheet is empty when it has no rows with values", async () => {
    const p = join(TMP, "empty.xlsx");
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("iData");
    await wb.xlsx.writeFile(p);
    await expect(readTable(p, "iData")).rejects.toThrow(
      "empty.xlsx sheet iData: the sheet is empty; a header row is expected",
    );
  });
});

describe.skipIf(!hasShared)("readTable on the shared XLSX files", () => {
  it.each([
    ["indicators/elcano/calculus2021.xlsx", "Soft IEPE QUOTE"], // zipped sheets-first: the fallback
    ["indicators/misc/scimagojr_country_rank_1996-2022.xlsx", undefined],
    ["indicators/softpower30/SP_Industry_Country_2015_2019.xlsx", undefined],
    ["indicators/softpower30/SoftPower_Data_Graph.xlsx", undefined],
  ])("%s: the whole-workbook table", async (f, sheet) => {
    const p = sharedPath(f);
    expect(await readTable(p, sheet)).toEqual(await readWhole(p, sheet));
  });
});
