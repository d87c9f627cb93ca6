import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { parse } from "csv-parse/sync";
import type * as ExcelJS from "exceljs";
import { cannotRead, InputError } from "../core/errors.ts";

/** A table read from a file: header, rows of strings (empty string = empty cell), and where. */
export interface Table {
  file: string;
  columns: string[];
  rows: string[][];
  /** The 1-based line (CSV) or row (XLSX) of each data row, for messages. */
  lines: number[];
}

/** How to read a table whose layout is not the default. */
export interface TableOptions {
  /** CSV field delimiter (default: ";" when the header line has ";" and no ",", else ","). */
  delimiter?: string;
  /** Lines (CSV) or rows (XLSX) before the header, e.g. 4 for a World Bank WDI download. */
  skip?: number;
  /** XLSX: fail (listing the sheets) when `sheet` is not in the workbook, instead of reading the first. */
  exactSheet?: boolean;
}

/**
 * Reads a CSV (comma, or semicolon when the header has no comma, or `options.delimiter`) or an
 * XLSX sheet (the sheet named `sheet` if present, else the first) into a {@link Table}. Cells are
 * strings. `options.skip` drops that many lines (rows) before the header; line numbers stay those
 * of the file.
 *
 * @example readTable("wdi/SP.POP.TOTL.csv", undefined, { skip: 4 }) // a raw WDI download
 * @throws InputError when the file cannot be read or parsed, naming the file and line
 */
export async function readTable(
  path: string,
  sheet?: string,
  options: TableOptions = {},
): Promise<Table> {
  const ext = extname(path).toLowerCase();
  const file = basename(path);
  if (ext === ".xlsx") return readXlsx(path, file, sheet, options);
  return parseCsv(await readUtf8(path), file, options);
}

/** A file's text (invalid bytes become U+FFFD); an InputError naming the path when unreadable. */
async function readUtf8(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw cannotRead(path, e);
  }
}

/**
 * A text file's contents; an InputError naming the path when it cannot be read or is not valid
 * UTF-8 (naming the line of the first bad byte).
 */
export async function readText(path: string): Promise<string> {
  const text = await readUtf8(path);
  const bad = text.indexOf("\uFFFD");
  if (bad >= 0) {
    throw new InputError(`${path} line ${text.slice(0, bad).split("\n").length}: invalid UTF-8`);
  }
  return text;
}

/**
 * Parses CSV text; see {@link readTable}. `lineNumbers: false` skips tracking where each record
 * starts (rows are then numbered as if each took one line), for large files.
 */
export function parseCsv(
  text: string,
  file: string,
  { lineNumbers = true, delimiter: given, skip = 0 }: TableOptions & { lineNumbers?: boolean } = {},
): Table {
  if (!(Number.isInteger(skip) && skip >= 0))
    throw new InputError(`${file}: skip must be a whole number of lines >= 0, not ${skip}`);
  let start = 0;
  for (let k = 0; k < skip && start >= 0; k++) start = text.indexOf("\n", start) + 1 || -1;
  const firstLine = start < 0 ? "" : text.slice(start, text.indexOf("\n", start) >>> 0);
  const delimiter = given ?? (!firstLine.includes(",") && firstLine.includes(";") ? ";" : ",");
  let records: { record: string[]; info: { lines: number } }[];
  try {
    const body = text.replace(/^\uFEFF/, "");
    records = lineNumbers
      ? (parse(body, {
          delimiter,
          from_line: skip + 1,
          info: true,
          skip_empty_lines: true,
          relax_column_count: false,
          trim: true,
        }) as unknown as { record: string[]; info: { lines: number } }[])
      : (
          parse(body, {
            delimiter,
            from_line: skip + 1,
            skip_empty_lines: true,
            relax_column_count: false,
            ltrim: true,
            rtrim: true,
          }) as string[][]
        ).map((record, k) => ({ record, info: { lines: skip + k + 1 } }));
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new InputError(
      `${file}${err.lines ? ` line ${err.lines}` : ""}: not valid CSV (${err.message})`,
    );
  }
  const head = records[0];
  if (!head) throw new InputError(`${file}: the file is empty; a header row is expected`);
  return {
    file,
    columns: head.record,
    rows: records.slice(1).map((r) => r.record),
    lines: startLines(
      text,
      records.map((r) => r.info.lines),
    ).slice(1),
  };
}

/**
 * The line where each record starts, from the lines where they end (csv-parse reports the end):
 * the line after the previous record's end, skipping blank lines.
 */
function startLines(text: string, ends: number[]): number[] {
  const blank = text.split(/\r?\n/).map((l) => l.trim() === "");
  let prevEnd = 0;
  return ends.map((end) => {
    let start = prevEnd + 1;
    while (start < end && blank[start - 1]) start++;
    prevEnd = end;
    return start;
  });
}

/**
 * An XLSX sheet through exceljs's streaming reader (rows are read as they are unzipped; only the
 * sheet asked for, and the first sheet as the fallback, are parsed): the same table as loading
 * the whole workbook, whose rows with values it walks.
 */
async function readXlsx(
  path: string,
  file: string,
  sheet: string | undefined,
  { skip = 0, exactSheet = false }: TableOptions,
): Promise<Table> {
  interface SheetRows {
    name: string;
    grid: string[][];
    lines: number[];
  }
  let named: SheetRows | undefined;
  let first: SheetRows | undefined;
  let names: string[] = [];
  // exceljs (CommonJS, ~150 ms to load) only when a workbook is read.
  const { default: excel } = await import("exceljs");
  try {
    const reader = new excel.stream.xlsx.WorkbookReader(path, {
      sharedStrings: "cache",
      styles: "cache",
      hyperlinks: "ignore",
      worksheets: "emit",
      entries: "ignore",
    });
    for await (const ws of reader) {
      const model = (reader as unknown as { model?: { sheets?: { name: string }[] } }).model;
      names = (model?.sheets ?? []).map((m) => m.name);
      const name = (ws as unknown as { name?: string }).name ?? "";
      const isNamed = sheet !== undefined && name === sheet && !named;
      // the first sheet of the workbook's order, unless the named one is already read
      const isFirst = !named && !first && (names.length ? names[0] === name : true);
      if (!isNamed && !isFirst) {
        // Read it through anyway: a worksheet exceljs buffered to a temporary file and left
        // unread has its file deleted under a read stream that opens later, an ENOENT thrown
        // outside any handler (seen as an uncaught exception in the test run).
        for await (const _row of ws) void _row;
        continue;
      }
      const rows: SheetRows = { name, grid: [], lines: [] };
      for await (const row of ws) {
        if (!row.hasValues || row.number <= skip) continue;
        const cells: string[] = [];
        const width = rows.grid.length ? rows.grid[0]!.length : row.cellCount;
        for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value));
        if (!rows.grid.length)
          while (cells.length > 0 && cells[cells.length - 1] === "") cells.pop();
        rows.grid.push(cells);
        rows.lines.push(row.number);
      }
      if (isNamed) named = rows;
      else first = rows;
    }
  } catch {
    // exceljs's streaming reader fails on some valid files (e.g. worksheets zipped before
    // xl/workbook.xml): load the whole workbook, which also words the error for a bad file
    return readXlsxWhole(path, file, sheet, { skip, exactSheet });
  }
  if (exactSheet && sheet !== undefined && !named) {
    throw new InputError(
      `${file}: no sheet "${sheet}" (sheets: ${names.map((n) => `"${n}"`).join(", ")})`,
    );
  }
  const ws = named ?? first;
  if (!ws) throw new InputError(`${file}: the workbook has no sheets`);
  const columns = ws.grid[0];
  if (!columns)
    throw new InputError(`${file} sheet ${ws.name}: the sheet is empty; a header row is expected`);
  return {
    file: `${file} sheet ${ws.name}`,
    columns,
    rows: ws.grid.slice(1),
    lines: ws.lines.slice(1),
  };
}

/** readXlsx by loading the whole workbook (the fallback). */
async function readXlsxWhole(
  path: string,
  file: string,
  sheet: string | undefined,
  { skip = 0, exactSheet = false }: TableOptions,
): Promise<Table> {
  const { default: excel } = await import("exceljs");
  const wb = new excel.Workbook();
  try {
    await wb.xlsx.readFile(path);
  } catch (e) {
    throw new InputError(`${path}: cannot read as XLSX (${(e as Error).message})`);
  }
  if (exactSheet && sheet !== undefined && !wb.getWorksheet(sheet)) {
    throw new InputError(
      `${file}: no sheet "${sheet}" (sheets: ${wb.worksheets.map((w) => `"${w.name}"`).join(", ")})`,
    );
  }
  const ws = (sheet && wb.getWorksheet(sheet)) || wb.worksheets[0];
  if (!ws) throw new InputError(`${file}: the workbook has no sheets`);
  const grid: string[][] = [];
  const lines: number[] = [];
  // columnCount walks every row: once, not per row (per row was quadratic)
  const width = ws.columnCount;
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber <= skip) return;
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value));
    grid.push(cells);
    lines.push(rowNumber);
  });
  const columns = grid[0];
  if (!columns)
    throw new InputError(`${file} sheet ${ws.name}: the sheet is empty; a header row is expected`);
  while (columns.length > 0 && columns[columns.length - 1] === "") columns.pop();
  return {
    file: `${file} sheet ${ws.name}`,
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

/** Strings R writes for a missing value. */
export function isMissing(s: string): boolean {
  return s === "" || s === "NA" || s === "NaN" || s === "#N/A" || s === "NULL";
}

/**
 * A cell as a number (NaN when missing), or undefined when it is not a plain decimal number
 * (hexadecimal, binary, octal, Infinity and text are not numbers here).
 */
export function parseNumber(s: string): number | undefined {
  if (isMissing(s)) return Number.NaN;
  const v = +s;
  if (!Number.isFinite(v)) return undefined;
  const c = s.charCodeAt(s.length - 1);
  // Number() also accepts "0x1F", "0b1", "0o7" and surrounding spaces; a decimal ends in a digit or ".".
  if (!((c >= 48 && c <= 57) || c === 46)) return undefined;
  // Only a leading "0x", "0b" or "0o" (after an optional sign) needs the closer look.
  const first = s.charCodeAt(0) === 43 || s.charCodeAt(0) === 45 ? 1 : 0;
  if (s.charCodeAt(first) === 48 && s.length > first + 1) {
    const c2 = s.charCodeAt(first + 1) | 32;
    if (c2 === 120 || c2 === 98 || c2 === 111) return undefined;
  }
  return v;
}
