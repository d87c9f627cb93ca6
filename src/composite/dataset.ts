import type { Dataset } from "./types.ts";

/** The dataset restricted to the units at the given row indices (in that order). */
export function selectUnits(ds: Dataset, rows: readonly number[]): Dataset {
  return {
    units: rows.map((r) => ds.units[r]!),
    codes: ds.codes,
    values: ds.values.map((c) => Float64Array.from(rows, (r) => c[r]!)),
  };
}
