import type { Dataset } from "./types.ts";

/** A copy of the dataset whose columns can be changed without touching the original. */
export function cloneDataset(ds: Dataset): Dataset {
  return { units: ds.units, codes: ds.codes, values: ds.values.map((c) => c.slice()) };
}

/** Column of `code`; throws if absent (an internal error: callers check codes first). */
export function column(ds: Dataset, code: string): Float64Array {
  const j = ds.codes.indexOf(code);
  if (j < 0) throw new Error(`column: "${code}" is not in the dataset`);
  return ds.values[j]!;
}

/** The dataset restricted to the units at the given row indices (in that order). */
export function selectUnits(ds: Dataset, rows: readonly number[]): Dataset {
  return {
    units: rows.map((r) => ds.units[r]!),
    codes: ds.codes,
    values: ds.values.map((c) => Float64Array.from(rows, (r) => c[r]!)),
  };
}

/** The dataset restricted to the given codes (in that order). */
export function selectCodes(ds: Dataset, codes: readonly string[]): Dataset {
  return { units: ds.units, codes: [...codes], values: codes.map((c) => column(ds, c)) };
}

/** Rows as plain records (uCode first), for writing tables. */
export function datasetRows(ds: Dataset): Record<string, string | number>[] {
  return ds.units.map((u, i) => {
    const row: Record<string, string | number> = { uCode: u };
    ds.codes.forEach((c, j) => {
      row[c] = ds.values[j]![i]!;
    });
    return row;
  });
}
