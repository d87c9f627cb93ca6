import { InputError } from "../core/errors.ts";
import { getColumn, numeric, type SurveyFrame } from "../survey/frame.ts";
import type { DriverProblem } from "./analysis.ts";

export interface DriverSpec {
  outcome: string;
  predictors: string[];
  /** Groups of predictors reported as one: name → members (each must be a predictor). */
  groups?: Record<string, string[]>;
  /** Controls in every model. */
  always?: string[];
  weights?: string;
  family?: "gaussian" | "binomial";
}

/** Why rows were left out (listwise), for the output's metadata. */
export interface Exclusions {
  total: number;
  used: number;
  missing: Record<string, number>;
  zeroWeight: number;
  outsideDomain: number;
}

/**
 * Builds a driver problem from respondent data: numeric outcome (binomial: 0/1 or a two-level
 * category), numeric predictors and controls, optional weights (> 0; zero weights leave the
 * row out), rows with a missing value in any of them left out listwise and counted.
 *
 * @throws InputError naming the column for non-numeric data, a non-binary binomial outcome,
 *   negative weights, unknown or overlapping groups, or too few rows
 */
export function driverProblem(
  frame: SurveyFrame,
  spec: DriverSpec,
  domain: Uint8Array | null = null,
): { pb: DriverProblem; exclusions: Exclusions } {
  const family = spec.family ?? "gaussian";
  const always = spec.always ?? [];
  const groups = spec.groups ?? {};
  const grouped = new Map<string, string>();
  for (const [g, members] of Object.entries(groups)) {
    if (members.length === 0) throw new InputError(`--groups: group "${g}" has no members`);
    for (const v of members) {
      if (!spec.predictors.includes(v))
        throw new InputError(`--groups: "${v}" (group ${g}) is not one of --predictors`);
      if (grouped.has(v))
        throw new InputError(`--groups: "${v}" is in both ${grouped.get(v)} and ${g}`);
      grouped.set(v, g);
    }
  }
  for (const a of always)
    if (spec.predictors.includes(a))
      throw new InputError(`--always: "${a}" is also a predictor; a control is not ranked`);
  if (spec.predictors.length === 0)
    throw new InputError("--predictors: give at least one predictor");
  if (spec.predictors.includes(spec.outcome) || always.includes(spec.outcome)) {
    throw new InputError(
      `--outcome ${spec.outcome} is also listed as a predictor or control; it cannot explain itself`,
    );
  }
  const names = [...spec.predictors, ...always];
  const cols = names.map((v) => numericColumn(frame, v));
  let y: Float64Array;
  const oc = getColumn(frame, spec.outcome);
  if (family === "binomial" && oc.kind === "factor") {
    if (oc.levels.length !== 2)
      throw new InputError(
        `--outcome ${spec.outcome}: a binomial outcome needs two categories, found ${oc.levels.length}`,
      );
    y = Float64Array.from(oc.codes, (c) => (c < 0 ? Number.NaN : c));
  } else y = numericColumn(frame, spec.outcome);
  if (family === "binomial") {
    const bad = y.findIndex((v) => !Number.isNaN(v) && v !== 0 && v !== 1);
    if (bad >= 0)
      throw new InputError(
        `row ${bad + 2}, column ${spec.outcome}: a binomial outcome must be 0 or 1, got ${y[bad]}`,
      );
  }
  let w: Float64Array | null = null;
  if (spec.weights) {
    w = numericColumn(frame, spec.weights);
    const neg = w.findIndex((v) => v < 0);
    if (neg >= 0)
      throw new InputError(
        `row ${neg + 2}, column ${spec.weights}: weight ${w[neg]} is negative; weights must be >= 0`,
      );
  }
  const missing: Record<string, number> = {};
  const rows: number[] = [];
  let zeroWeight = 0;
  let outsideDomain = 0;
  const checks: [string, Float64Array][] = [
    [spec.outcome, y],
    ...names.map((n, k) => [n, cols[k]!] as [string, Float64Array]),
  ];
  if (spec.weights && w) checks.push([spec.weights, w]);
  for (let i = 0; i < frame.n; i++) {
    if (domain && !domain[i]) {
      outsideDomain++;
      continue;
    }
    const miss = checks.find(([, c]) => Number.isNaN(c[i]!));
    if (miss) {
      missing[miss[0]] = (missing[miss[0]] ?? 0) + 1;
      continue;
    }
    if (w && w[i] === 0) {
      zeroWeight++;
      continue;
    }
    rows.push(i);
  }
  const players: { name: string; vars: number[] }[] = [];
  const seen = new Set<string>();
  spec.predictors.forEach((p, k) => {
    const g = grouped.get(p);
    if (!g) players.push({ name: p, vars: [k] });
    else if (!seen.has(g)) {
      seen.add(g);
      players.push({ name: g, vars: groups[g]!.map((v) => spec.predictors.indexOf(v)) });
    }
  });
  if (rows.length < names.length + 2) {
    throw new InputError(
      `only ${rows.length} complete rows for ${names.length} predictors and controls; need at least ${names.length + 2}`,
    );
  }
  return {
    pb: {
      names,
      cols,
      y,
      w,
      rows: Int32Array.from(rows),
      players,
      always: always.map((_, k) => spec.predictors.length + k),
      family,
    },
    exclusions: {
      total: frame.n - outsideDomain,
      used: rows.length,
      missing,
      zeroWeight,
      outsideDomain,
    },
  };
}

function numericColumn(frame: SurveyFrame, name: string): Float64Array {
  const c = getColumn(frame, name);
  if (c.kind === "factor") {
    const k = c.levels.findIndex((l) => l.trim() === "" || !Number.isFinite(Number(l)));
    if (k >= 0) {
      const row = c.codes.indexOf(k);
      throw new InputError(
        `row ${row + 2}, column ${name}: "${c.levels[k]}" is not a number; driver analysis needs numeric columns`,
      );
    }
  }
  return numeric(frame, name);
}
