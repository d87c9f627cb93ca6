import { buildFramework } from "../composite/framework.ts";
import type { CoinInput } from "../composite/pipeline.ts";
import type { Framework, MetaRow, MetaType, UnitData } from "../composite/types.ts";
import { inputError, type Source } from "../core/errors.ts";
import { isMissing, parseNumber, readTable, type Table } from "./table.ts";

const META_TYPES: MetaType[] = ["Indicator", "Aggregate", "Group", "Denominator", "Other"];
const META_REQUIRED = ["iCode", "Level", "Parent", "Type"];

/**
 * iMeta rows from a table (COINr columns Level, iCode, iName, Direction, Weight, Unit, Target,
 * Denominator, Parent, Type; "NA" or empty = missing).
 *
 * @throws InputError naming the file, row and column of a bad cell
 */
export function metaFromTable(t: Table): MetaRow[] {
  for (const c of META_REQUIRED) {
    if (!t.columns.includes(c)) {
      inputError(
        { file: t.file, row: 1 },
        `missing column "${c}"; iMeta needs ${META_REQUIRED.join(", ")}`,
      );
    }
  }
  const col = (name: string) => t.columns.indexOf(name);
  return t.rows.map((cells, r) => {
    const source: Source = { file: t.file, row: t.lines[r]! };
    const str = (name: string): string | null => {
      const j = col(name);
      if (j < 0) return null;
      const v = cells[j] ?? "";
      return isMissing(v) ? null : v;
    };
    const num = (name: string): number | null => {
      const s = str(name);
      if (s === null) return null;
      const v = parseNumber(s);
      if (v === undefined) inputError({ ...source, column: name }, `"${s}" is not a number`);
      return v;
    };
    const iCode = str("iCode");
    if (iCode === null)
      inputError({ ...source, column: "iCode" }, "iCode is empty; every row needs a code");
    const type = str("Type");
    if (type === null || !META_TYPES.includes(type as MetaType)) {
      inputError(
        { ...source, column: "Type" },
        `Type "${type ?? ""}" must be one of ${META_TYPES.join(", ")}`,
      );
    }
    return {
      iCode,
      iName: str("iName") ?? iCode,
      type: type as MetaType,
      level: num("Level"),
      direction: num("Direction"),
      weight: num("Weight"),
      unit: str("Unit"),
      target: num("Target"),
      denominator: str("Denominator"),
      parent: str("Parent"),
      source,
    };
  });
}

/**
 * iData from a table, checked against the framework: uCode (required, unique), uName, Time,
 * group columns (Type Group), denominators and indicator columns (numbers or NA).
 *
 * @throws InputError for a missing indicator column, a duplicate unit, a non-numeric cell or an
 *   iData column that iMeta does not describe
 */
export function dataFromTable(t: Table, fw: Framework): UnitData {
  const col = new Map(t.columns.map((c, j) => [c, j]));
  const where = (row: number, column: string): Source => ({
    file: t.file,
    row: t.lines[row] ?? row + 2,
    column,
  });
  if (!col.has("uCode"))
    inputError({ file: t.file, row: 1 }, 'missing column "uCode" (the unit codes)');
  for (const code of fw.indicators) {
    if (!col.has(code)) {
      const row = fw.meta.find((m) => m.iCode === code)?.source;
      inputError(
        { file: t.file, row: 1 },
        `indicator "${code}" (iMeta ${row ? `row ${row.row}` : ""}) has no column in iData`,
      );
    }
  }
  const known = new Set(["uCode", "uName", "Time", ...fw.meta.map((m) => m.iCode)]);
  for (const c of t.columns) {
    if (!known.has(c)) {
      inputError(
        { file: t.file, row: 1, column: c },
        `column "${c}" is not in iMeta; describe it there (Type Group, Denominator or Other) or remove it`,
      );
    }
  }
  const uc = col.get("uCode")!;
  const seen = new Map<string, number>();
  const hasTime = col.has("Time");
  const uCode = t.rows.map((cells, r) => {
    const u = cells[uc] ?? "";
    if (isMissing(u)) inputError(where(r, "uCode"), "uCode is empty; every unit needs a code");
    const key = hasTime ? `${u}\u0000${cells[col.get("Time")!]}` : u;
    const prev = seen.get(key);
    if (prev !== undefined) {
      inputError(
        where(r, "uCode"),
        `duplicate unit "${u}"${hasTime ? " for this Time" : ""} (first at row ${t.lines[prev]})`,
      );
    }
    seen.set(key, r);
    return u;
  });
  const numeric = (code: string): Float64Array => {
    const j = col.get(code)!;
    return Float64Array.from(t.rows, (cells, r) => {
      const s = cells[j] ?? "";
      const v = parseNumber(s);
      if (v === undefined)
        inputError(where(r, code), `"${s}" is not a number (use NA or an empty cell for missing)`);
      return v;
    });
  };
  const name = col.get("uName");
  const data: UnitData = {
    uCode,
    uName: t.rows.map((cells, r) => (name === undefined ? uCode[r]! : (cells[name] ?? uCode[r]!))),
    groups: {},
    denominators: {},
    indicators: { units: uCode, codes: fw.indicators, values: fw.indicators.map(numeric) },
  };
  data.indicators.values.forEach((col, j) => {
    if (col.every((v) => Number.isNaN(v))) {
      inputError(
        { file: t.file, row: 1, column: fw.indicators[j]! },
        `indicator "${fw.indicators[j]}" has no data (every cell is missing); give it data or remove it from iMeta`,
      );
    }
  });
  if (hasTime) {
    data.time = Array.from(numeric("Time"));
    data.time.forEach((v, r) => {
      if (!Number.isFinite(v))
        inputError(where(r, "Time"), "Time is missing; panel data needs a Time for every row");
    });
  }
  for (const g of fw.groups) {
    const j = col.get(g);
    if (j !== undefined)
      data.groups[g] = t.rows.map((cells) => (isMissing(cells[j] ?? "") ? null : cells[j]!));
  }
  for (const d of fw.denominators) if (col.has(d)) data.denominators[d] = numeric(d);
  for (const [ind, den] of fw.denominator) {
    if (!col.has(den)) {
      inputError(
        { file: t.file, row: 1 },
        `denominator "${den}" (of "${ind}") has no column in iData`,
      );
    }
  }
  return data;
}

/** Reads iData and iMeta files (CSV or XLSX) into a validated {@link CoinInput}. */
export async function readCoin(dataPath: string, metaPath: string): Promise<CoinInput> {
  const meta = metaFromTable(await readTable(metaPath, "iMeta"));
  const framework = buildFramework(meta);
  const data = dataFromTable(await readTable(dataPath, "iData"), framework);
  return { framework, data };
}

/**
 * Named weight sets from a table: an `iCode` column and one column per set (e.g. "Original",
 * "Equal", "Expert"); every iCode must be in the framework and every weight a number >= 0.
 *
 * @throws InputError naming the file, row and column of a bad cell
 */
export function weightSetsFromTable(
  t: Table,
  fw: Framework,
): Record<string, Record<string, number>> {
  const ic = t.columns.indexOf("iCode");
  if (ic < 0)
    inputError(
      { file: t.file, row: 1 },
      'missing column "iCode"; a weights table has iCode and one column per weight set',
    );
  const sets = t.columns.filter((c, j) => j !== ic && c !== "");
  const out: Record<string, Record<string, number>> = Object.fromEntries(sets.map((s) => [s, {}]));
  t.rows.forEach((cells, r) => {
    const src: Source = { file: t.file, row: t.lines[r]! };
    const code = cells[ic] ?? "";
    if (!fw.level.has(code))
      inputError(
        { ...src, column: "iCode" },
        `"${code}" is not an indicator or aggregate of iMeta`,
      );
    for (const s of sets) {
      const cell = cells[t.columns.indexOf(s)] ?? "";
      if (isMissing(cell)) continue;
      const v = parseNumber(cell);
      if (v === undefined || !(v >= 0))
        inputError({ ...src, column: s }, `weight "${cell}" must be a number >= 0`);
      out[s]![code] = v;
    }
  });
  return out;
}
