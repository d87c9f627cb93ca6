import { inputError } from "../core/errors.ts";
import type { Dataset } from "./types.ts";

/** Options for {@link denominate}. */
export interface DenominateOptions {
  /**
   * Indicator → denominator code. Defaults to the iMeta Denominator column; an explicit map
   * replaces it (COINr's `denoms`/`denomby`). A code mapped to null is left as it is.
   */
  map?: Record<string, string | null>;
}

/**
 * Divides indicators by their denominators (COINr `Denominate`): x'_ij = x_ij / d_i, where d is
 * the unit's value of the indicator's denominator (e.g. GDP, Population). Indicators without a
 * denominator are copied unchanged. Missing data: a NaN numerator or denominator gives NaN; a
 * zero denominator gives NaN (not ±Infinity), so it later counts as missing.
 *
 * @example denominate(raw, { Flights: "Population" }, dens) // Flights per thousand people
 * @throws InputError when a mapped denominator column is absent from iData
 */
export function denominate(
  ds: Dataset,
  map: ReadonlyMap<string, string> | Record<string, string | null>,
  denominators: Record<string, Float64Array>,
): Dataset {
  const get = (code: string): string | null | undefined =>
    map instanceof Map ? map.get(code) : (map as Record<string, string | null>)[code];
  const values = ds.codes.map((code, j) => {
    const x = ds.values[j]!;
    const den = get(code);
    if (den === undefined || den === null) return x.slice();
    const d = denominators[den];
    if (!d)
      inputError({ column: den }, `denominator "${den}" of "${code}" is not a column of iData`);
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = d[i] === 0 ? Number.NaN : x[i]! / d[i]!;
    return out;
  });
  return { units: ds.units, codes: ds.codes, values };
}
