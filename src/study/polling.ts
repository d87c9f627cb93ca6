import type { TableData } from "../composite/tables.ts";
import { inputError } from "../core/errors.ts";
import { parseNumber, readTable } from "../io/table.ts";
import type { RatingRow } from "../survey/perceptions.ts";

/**
 * The polling pillar: how survey perceptions enter the index. For each target t and attribute a,
 *
 *   poll(t, a) = Σ_k w_k · r(t, a, k) / Σ_k w_k   over audiences k that rated t on a,
 *
 * where r is the audience's overall (segment "all") estimate in the chosen wave and w_k = 1
 * (equal) or the audience's population. A target rated by no audience gets no value.
 *
 * @example pollingValues(ratings, { attributes: ["favourability"], weights: "equal" })
 * // Map { "favourability" => Map { "USA" => 0.62, "CHN" => 0.49 } }
 */
export function pollingValues(
  ratings: RatingRow[],
  o: {
    attributes?: string[];
    weights: "equal" | "population";
    population?: Record<string, number>;
    audienceIso3: (label: string) => string | null;
  },
): { values: Map<string, Map<string, number>>; table: TableData; missingPopulation: string[] } {
  const acc = new Map<string, Map<string, { sw: number; swr: number; k: number }>>();
  const missing = new Set<string>();
  for (const r of ratings) {
    if (r.segment !== "all" || !Number.isFinite(r.estimate)) continue;
    if (o.attributes && !o.attributes.includes(r.attribute)) continue;
    let w = 1;
    if (o.weights === "population") {
      const iso = o.audienceIso3(r.audience);
      const p = iso ? o.population?.[iso] : undefined;
      if (p === undefined) {
        missing.add(r.audience);
        continue;
      }
      w = p;
    }
    const byTarget = acc.get(r.attribute) ?? new Map();
    acc.set(r.attribute, byTarget);
    const a = byTarget.get(r.target) ?? { sw: 0, swr: 0, k: 0 };
    byTarget.set(r.target, a);
    a.sw += w;
    a.swr += w * r.estimate;
    a.k++;
  }
  const values = new Map<string, Map<string, number>>();
  const rows: TableData["rows"] = [];
  for (const [attr, byTarget] of acc) {
    const m = new Map<string, number>();
    values.set(attr, m);
    for (const [t, a] of byTarget) {
      m.set(t, a.swr / a.sw);
      rows.push([t, attr, a.swr / a.sw, a.k, o.weights]);
    }
  }
  return {
    values,
    table: { columns: ["uCode", "attribute", "value", "audiences", "weights"], rows },
    missingPopulation: [...missing],
  };
}

/**
 * Reads audience populations from a CSV/XLSX with columns `iso3` and `population`.
 *
 * @throws InputError naming the file, row and column of a bad cell
 */
export async function readPopulation(path: string): Promise<Record<string, number>> {
  const t = await readTable(path);
  const ci = t.columns.indexOf("iso3");
  const cp = t.columns.indexOf("population");
  if (ci < 0 || cp < 0)
    inputError(
      { file: t.file, row: 1 },
      'a population table needs columns "iso3" and "population"',
    );
  const out: Record<string, number> = {};
  t.rows.forEach((r, k) => {
    const iso = r[ci] ?? "";
    const v = parseNumber(r[cp] ?? "");
    if (!/^[A-Z]{3}$/.test(iso))
      inputError({ file: t.file, row: t.lines[k], column: "iso3" }, `"${iso}" is not an ISO3 code`);
    if (v === undefined || !(v > 0))
      inputError(
        { file: t.file, row: t.lines[k], column: "population" },
        `"${r[cp]}" must be a positive number`,
      );
    out[iso] = v;
  });
  return out;
}
