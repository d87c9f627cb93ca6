import { basename } from "node:path";
import type * as ExcelJS from "exceljs";
import { buildFramework, metaRow } from "../composite/framework.ts";
import type { CoinInput } from "../composite/pipeline.ts";
import type { MetaRow, UnitData } from "../composite/types.ts";
import { cannotRead, InputError } from "../core/errors.ts";

/**
 * The layout of a JRC COIN Tool workbook (`.xlsx`/`.xlsm`) that {@link readCoinTool} reads, as
 * COINr's `import_coin_tool` reads it (COIN Tool v1; 1-based rows, Excel column letters):
 *
 * Sheet "Database", one column per indicator from column E rightwards (up to CY, 99
 * indicators), a column taking part when its code (row 16) is filled:
 * - row 7 weight, row 8 direction (1 or −1), rows 9 and 10 the lower and upper goalposts;
 * - rows 11–14 the indicator's aggregation codes: row 11 the index, row 12 the sub-index
 *   (`si.…`), row 13 the pillar (`p.…`), row 14 the sub-pillar (`sp.…`); a level whose row holds
 *   one code for every indicator is unused and dropped (the index row is always kept);
 * - row 15 the indicator name, row 16 its code (e.g. `Ind.01`);
 * - rows 17–315: one unit per row, its name in column B and code in column C, values from
 *   column E (`n/a` or empty = missing); a row without a unit code ends the data.
 *
 * Sheet "Framework", rows 5–52 (header in row 4): the aggregates, code in column C
 * (`--` = unused row), weight in column E and name in column H. Codes starting `sp.`, `p.`,
 * `si.` and `Index` are the sub-pillars, pillars, sub-indices and the index.
 */
export const COIN_TOOL_LAYOUT = {
  sheet: "Database",
  framework: "Framework",
  firstCol: 5,
  lastCol: 103,
  rows: {
    weight: 7,
    direction: 8,
    gpLower: 9,
    gpUpper: 10,
    index: 11,
    subIndex: 12,
    pillar: 13,
    subPillar: 14,
    name: 15,
    code: 16,
  },
  firstUnitRow: 17,
  lastUnitRow: 315,
  unitName: 2,
  unitCode: 3,
  frameworkRows: [5, 52] as const,
  frameworkCols: { code: 3, weight: 5, name: 8 },
} as const;

/** The iData and iMeta of a COIN Tool workbook, and the framework built from them. */
export interface CoinToolImport extends CoinInput {
  meta: MetaRow[];
  /** Goalposts of each indicator, [lower, upper] (NaN when not given). */
  goalposts: Record<string, [number, number]>;
}

/**
 * Reads a JRC COIN Tool workbook into iData and iMeta (COINr `import_coin_tool`): the layout is
 * {@link COIN_TOOL_LAYOUT}. Indicators become level 1 with their weight, direction and parent
 * (the lowest aggregation level in use); each used aggregation level becomes the next level
 * up, with the Framework sheet's names and weights (weight 1 when it gives none).
 *
 * @example const { framework, data } = await readCoinTool("COIN_Tool_v1_LITE_exampledata.xlsm")
 * @throws InputError naming the file, sheet and cell when the workbook is not a COIN Tool
 *   (no Database sheet, no indicator codes in row 16, no unit codes in column C), or a weight,
 *   direction or value is not a number
 */
export async function readCoinTool(path: string): Promise<CoinToolImport> {
  const file = basename(path);
  const { default: excel } = await import("exceljs");
  const wb = new excel.Workbook();
  try {
    await wb.xlsx.readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code) throw cannotRead(path, e);
    throw new InputError(
      `${file}: not an Excel workbook (${(e as Error).message}); a COIN Tool file (.xlsx or .xlsm) is expected`,
    );
  }
  const L = COIN_TOOL_LAYOUT;
  const ws = wb.getWorksheet(L.sheet);
  if (!ws) {
    throw new InputError(
      `${file}: no sheet "${L.sheet}" (sheets: ${wb.worksheets.map((w) => `"${w.name}"`).join(", ") || "none"}); a COIN Tool workbook has its data on "${L.sheet}"`,
    );
  }
  const where = (r: number, c: number) => `${file} sheet ${L.sheet} cell ${colName(c)}${r}`;
  const text = (r: number, c: number) => cellText(ws.getCell(r, c).value);
  const number = (r: number, c: number, what: string): number => {
    const s = text(r, c);
    if (s === "" || s.toLowerCase() === "n/a") return Number.NaN;
    const v = Number(s);
    if (!Number.isFinite(v)) throw new InputError(`${where(r, c)}: ${what} "${s}" is not a number`);
    return v;
  };
  const cols: number[] = [];
  for (let c = L.firstCol; c <= L.lastCol; c++) if (text(L.rows.code, c) !== "") cols.push(c);
  if (cols.length === 0) {
    throw new InputError(
      `${where(L.rows.code, L.firstCol)}: no indicator codes in row ${L.rows.code} from column E; is this a COIN Tool workbook with its Database sheet filled in?`,
    );
  }
  const units: number[] = [];
  for (let r = L.firstUnitRow; r <= L.lastUnitRow; r++) {
    if (text(r, L.unitCode) === "") break;
    units.push(r);
  }
  if (units.length === 0) {
    throw new InputError(
      `${where(L.firstUnitRow, L.unitCode)}: no unit codes in column C from row ${L.firstUnitRow}`,
    );
  }
  const codes = cols.map((c) => text(L.rows.code, c));
  const dup = codes.find((c, i) => codes.indexOf(c) !== i);
  if (dup)
    throw new InputError(
      `${where(L.rows.code, cols[codes.lastIndexOf(dup)]!)}: duplicate indicator code "${dup}"`,
    );

  // Aggregation levels in use, from the lowest (sub-pillar) up; the index is always kept.
  const levelRows = [L.rows.subPillar, L.rows.pillar, L.rows.subIndex, L.rows.index];
  const used = levelRows.filter(
    (r, k) => k === levelRows.length - 1 || new Set(cols.map((c) => text(r, c))).size > 1,
  );
  for (const r of used) {
    for (const c of cols) {
      if (text(r, c) === "")
        throw new InputError(
          `${where(r, c)}: indicator "${text(L.rows.code, c)}" has no aggregation code in row ${r}`,
        );
    }
  }
  // Framework sheet: names and weights of aggregates.
  const fwSheet = wb.getWorksheet(L.framework);
  const aggInfo = new Map<string, { name: string; weight: number | null }>();
  if (fwSheet) {
    for (let r = L.frameworkRows[0]; r <= L.frameworkRows[1]; r++) {
      const code = cellText(fwSheet.getCell(r, L.frameworkCols.code).value);
      if (code === "" || code === "--") continue;
      const w = cellText(fwSheet.getCell(r, L.frameworkCols.weight).value);
      const wv = w === "" ? null : Number(w);
      if (wv !== null && !Number.isFinite(wv)) {
        throw new InputError(
          `${file} sheet ${L.framework} cell ${colName(L.frameworkCols.weight)}${r}: weight "${w}" of "${code}" is not a number`,
        );
      }
      aggInfo.set(code, {
        name: cellText(fwSheet.getCell(r, L.frameworkCols.name).value) || code,
        weight: wv,
      });
    }
  }
  const meta: MetaRow[] = [];
  const goalposts: Record<string, [number, number]> = {};
  for (const c of cols) {
    const code = text(L.rows.code, c);
    const dir = number(L.rows.direction, c, "direction");
    if (!(dir === 1 || dir === -1 || Number.isNaN(dir)))
      throw new InputError(`${where(L.rows.direction, c)}: direction ${dir} must be 1 or -1`);
    const w = number(L.rows.weight, c, "weight");
    meta.push(
      metaRow(code, "Indicator", 1, text(used[0]!, c), {
        iName: text(L.rows.name, c) || code,
        direction: Number.isNaN(dir) ? 1 : dir,
        weight: Number.isNaN(w) ? 1 : w,
        source: { file: `${file} sheet ${L.sheet}`, row: L.rows.code, column: colName(c) },
      }),
    );
    goalposts[code] = [
      number(L.rows.gpLower, c, "goalpost"),
      number(L.rows.gpUpper, c, "goalpost"),
    ];
  }
  used.forEach((r, k) => {
    const seen = new Set<string>();
    for (const c of cols) {
      const code = text(r, c);
      if (seen.has(code)) continue;
      seen.add(code);
      const info = aggInfo.get(code);
      meta.push(
        metaRow(code, "Aggregate", k + 2, k + 1 < used.length ? text(used[k + 1]!, c) : null, {
          iName: info?.name ?? code,
          weight: info?.weight ?? 1,
          source: { file: `${file} sheet ${L.sheet}`, row: r, column: colName(c) },
        }),
      );
    }
  });
  const framework = buildFramework(meta);
  const uCode = units.map((r) => text(r, L.unitCode));
  const dupU = uCode.find((u, i) => uCode.indexOf(u) !== i);
  if (dupU)
    throw new InputError(
      `${where(units[uCode.lastIndexOf(dupU)]!, L.unitCode)}: duplicate unit code "${dupU}"`,
    );
  const data: UnitData = {
    uCode,
    uName: units.map((r, i) => text(r, L.unitName) || uCode[i]!),
    groups: {},
    denominators: {},
    indicators: {
      units: uCode,
      codes: framework.indicators,
      values: framework.indicators.map((code) => {
        const c = cols[codes.indexOf(code)]!;
        return Float64Array.from(units, (r) => number(r, c, `value of "${code}"`));
      }),
    },
  };
  return { framework, data, meta, goalposts };
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return v.trim();
  if (typeof v === "boolean") return v ? "1" : "0";
  if (typeof v === "object" && "result" in v) return cellText(v.result as ExcelJS.CellValue);
  if (typeof v === "object" && "richText" in v)
    return v.richText
      .map((t) => t.text)
      .join("")
      .trim();
  if (typeof v === "object" && "error" in v) return "";
  return String(v);
}

/** Excel column letters of a 1-based column number. */
function colName(c: number): string {
  let s = "";
  for (let n = c; n > 0; n = Math.floor((n - 1) / 26))
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
