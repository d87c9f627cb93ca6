import { InputError } from "../core/errors.ts";
import type { SurveyDesign } from "./design.ts";
import { factor } from "./frame.ts";

/** Population counts of each level of one or more variables, e.g. { stype: { E: 4421, ... } }. */
export type Margins = Record<string, Record<string, number>>;

/** Indicator columns of a factor's levels (in `levels` order) for rows with weight > 0. */
function indicators(design: SurveyDesign, variable: string, levels: string[]): Float64Array[] {
  const f = factor(design.frame, variable);
  const pos = levels.map((l) => f.levels.indexOf(l));
  return levels.map((_, k) =>
    Float64Array.from(f.codes, (c) => (pos[k]! >= 0 && c === pos[k] ? 1 : 0)),
  );
}

function checkMargin(
  design: SurveyDesign,
  variable: string,
  counts: Record<string, number>,
): string[] {
  const f = factor(design.frame, variable);
  const levels = Object.keys(counts);
  for (const [l, v] of Object.entries(counts)) {
    if (!(v > 0))
      throw new InputError(
        `calibration margin ${variable} = ${l}: population count must be > 0, got ${v}`,
      );
  }
  const sampled = new Set<number>();
  for (let i = 0; i < design.n; i++)
    if (design.weights[i]! > 0 && f.codes[i]! >= 0) sampled.add(f.codes[i]!);
  for (const k of sampled) {
    if (!levels.includes(f.levels[k]!)) {
      throw new InputError(
        `calibration margin ${variable}: the sample has level "${f.levels[k]}" but the margins do not; give a population count for every level (${f.levels.join(", ")})`,
      );
    }
  }
  for (const l of levels) {
    if (!f.levels.includes(l) || !sampled.has(f.levels.indexOf(l))) {
      throw new InputError(
        `calibration margin ${variable} = ${l}: no respondents in this cell (empty cell); merge it with another level`,
      );
    }
  }
  const missing = Array.from(f.codes).findIndex((c, i) => c < 0 && design.weights[i]! > 0);
  if (missing >= 0)
    throw new InputError(
      `row ${missing + 2}, variable ${variable}: missing value in a calibration variable`,
    );
  return levels;
}

/**
 * Post-stratification (R `postStratify`): within each post-stratum g the weights are scaled so
 * they sum to the population count N_g, w*_i = w_i N_g / Σ_{j∈g} w_j. The variance then uses
 * the influence values' residuals from their post-stratum weighted means.
 *
 * @throws InputError for an empty cell, a sample level without a population count, a count <= 0
 */
export function postStratify(
  design: SurveyDesign,
  variable: string,
  counts: Record<string, number>,
): SurveyDesign {
  const levels = checkMargin(design, variable, counts);
  const X = indicators(design, variable, levels);
  const w = design.weights.slice();
  levels.forEach((l, k) => {
    let s = 0;
    for (let i = 0; i < design.n; i++) s += X[k]![i]! * w[i]!;
    const g = counts[l]! / s;
    for (let i = 0; i < design.n; i++) if (X[k]![i]) w[i]! *= g;
  });
  return {
    ...design,
    weights: w,
    calibrations: [...design.calibrations, { kind: "poststratify", X, w }],
  };
}
