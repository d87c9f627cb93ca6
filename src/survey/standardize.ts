import { z } from "zod";
import { InputError } from "../core/errors.ts";
import { postStratify } from "./calibrate.ts";
import type { SurveyDesign } from "./design.ts";
import { type FactorColumn, factor } from "./frame.ts";

/**
 * `--standardize` / a standardisation spec: `{"by": "stype", "over": "sch.wide",
 * "population": {"E": 4421, "H": 755, "M": 1018}}`; `by` and `over` may list several variables,
 * then the population is keyed by the by-levels joined with ":" (e.g. "No:Yes").
 */
export const StandardizeSpecSchema = z
  .object({
    by: z.union([z.string(), z.array(z.string()).min(1)]),
    over: z.union([z.string(), z.array(z.string())]).optional(),
    population: z.record(z.string(), z.number()),
  })
  .strict();

export type StandardizeSpec = z.infer<typeof StandardizeSpecSchema>;

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** Cell codes of the cross of several factors (first varies fastest, as R's svytable). */
function cross(facs: FactorColumn[], n: number): { codes: Int32Array; labels: string[] } {
  const codes = new Int32Array(n);
  let size = 1;
  const strides = facs.map((f) => {
    const s = size;
    size *= f.levels.length;
    return s;
  });
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let k = 0; k < facs.length; k++) {
      const x = facs[k]!.codes[i]!;
      if (x < 0) {
        c = -1;
        break;
      }
      c += x * strides[k]!;
    }
    codes[i] = c;
  }
  const labels = Array.from({ length: size }, (_, c) =>
    facs.map((f, k) => f.levels[Math.floor(c / strides[k]!) % f.levels.length]!).join(":"),
  );
  return { codes, labels };
}

/**
 * Direct standardisation of domains (R `svystandardize(design, by, over, population)`): within
 * each domain o of `over` (the whole sample when `over` is empty), the distribution of `by` is
 * made that of the population. It is post-stratification on the cells (b, o) to the totals
 * N_bo = (P_b / Σ_b P_b) · N̂_o, N̂_o = Σ_{i∈o} w_i the domain's current estimated size (so the
 * domain totals stay where they are), with R's `partial = TRUE`: cells without respondents are
 * dropped. The variance is post-stratification's (a replicate design has every replicate
 * post-stratified to the same N_bo, as R). R takes `population` in the order of the levels; we
 * take it by name and require exactly the data's levels of `by` (their combinations joined
 * with ":" for several by-variables).
 *
 * @throws InputError for a by-level missing from `population` or absent from the data, a
 *   population share <= 0 where the sample has respondents, or a missing by/over value
 */
export function svyStandardize(
  design: SurveyDesign,
  byIn: string | string[],
  overIn: string | string[] | undefined,
  population: Record<string, number>,
): SurveyDesign {
  const by = list(byIn);
  const over = list(overIn);
  if (by.length === 0) throw new InputError("standardize: give at least one variable in `by`");
  const n = design.n;
  const byCells = cross(
    by.map((v) => factor(design.frame, v)),
    n,
  );
  const overCells = cross(
    over.map((v) => factor(design.frame, v)),
    n,
  );
  const byName = by.join(":");
  for (const l of byCells.labels) {
    if (!(l in population))
      throw new InputError(
        `standardize population: the data has ${byName} = "${l}" but the population does not; give a count for every level (${byCells.labels.join(", ")})`,
      );
  }
  let popTotal = 0;
  for (const [l, v] of Object.entries(population)) {
    if (!byCells.labels.includes(l))
      throw new InputError(
        `standardize population: "${l}" is not a level of ${byName} in the data (levels: ${byCells.labels.join(", ")})`,
      );
    if (!(Number.isFinite(v) && v >= 0))
      throw new InputError(
        `standardize population ${byName} = ${l}: must be a number >= 0, got ${v}`,
      );
    popTotal += v;
  }
  if (!(popTotal > 0)) throw new InputError("standardize population: the counts sum to 0");
  for (const [name, cells] of [
    [byName, byCells],
    [over.join(":"), overCells],
  ] as const) {
    const bad = cells.codes.findIndex((c, i) => c < 0 && design.weights[i]! > 0);
    if (bad >= 0)
      throw new InputError(
        `row ${bad + 2}, variable ${name}: missing value in a standardisation variable`,
      );
  }
  const B = byCells.labels.length;
  const O = overCells.labels.length;
  const domainSize = new Float64Array(O);
  const cellSize = new Float64Array(B * O);
  const w = design.weights;
  for (let i = 0; i < n; i++) {
    if (!(w[i]! > 0)) continue;
    domainSize[overCells.codes[i]!]! += w[i]!;
    cellSize[overCells.codes[i]! * B + byCells.codes[i]!]! += w[i]!;
  }
  const codes = Int32Array.from(byCells.codes, (b, i) =>
    b < 0 || overCells.codes[i]! < 0 ? -1 : overCells.codes[i]! * B + b,
  );
  const levels = Array.from({ length: B * O }, (_, c) => `${c}`);
  const counts: Record<string, number> = {};
  for (let o = 0; o < O; o++) {
    for (let b = 0; b < B; b++) {
      if (!(cellSize[o * B + b]! > 0)) continue;
      const share = population[byCells.labels[b]!]! / popTotal;
      if (!(share > 0))
        throw new InputError(
          `standardize population ${byName} = ${byCells.labels[b]}: the count is 0 but the data has respondents at this level`,
        );
      counts[`${o * B + b}`] = share * domainSize[o]!;
    }
  }
  const cellName = "\u0000standardize-cells";
  const columns = new Map(design.frame.columns);
  columns.set(cellName, { kind: "factor", codes, levels });
  const d = postStratify({ ...design, frame: { ...design.frame, columns } }, cellName, counts);
  return { ...d, frame: design.frame };
}

/** Applies a standardisation spec (see {@link StandardizeSpecSchema}). */
export function applyStandardize(design: SurveyDesign, spec: StandardizeSpec): SurveyDesign {
  return svyStandardize(design, spec.by, spec.over, spec.population);
}
