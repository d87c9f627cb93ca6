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

/** Where the names of a spec came from, for messages (CLI options by default). */
export interface SpecLabels {
  outcome: string;
  predictors: string;
  always: string;
  weights: string;
  groups: string;
  by: string;
}

export const CLI_LABELS: SpecLabels = {
  outcome: "--outcome",
  predictors: "--predictors",
  always: "--always",
  weights: "--weights",
  groups: "--groups",
  by: "--by",
};

/** The keys of a drivers analysis in study.yaml. */
export const STUDY_LABELS: SpecLabels = {
  outcome: "outcome",
  predictors: "predictors",
  always: "always",
  weights: "weights",
  groups: "groups",
  by: "by",
};

/** A list for a message: the first 20 names, comma-separated. */
function listOf(names: readonly string[]): string {
  return names.length
    ? `${names.slice(0, 20).join(", ")}${names.length > 20 ? ", ..." : ""}`
    : "none";
}

/**
 * Checks a driver spec against the data before anything is computed: every name a column of
 * the data (outcome, predictors, controls, weights, `by`), no predictor or control listed twice,
 * the outcome not among the predictors or controls, a control not a predictor, every group
 * member a predictor and in one group only, and no constant predictor, control or outcome on
 * the rows the analysis would use (complete and with a positive weight, within `mask`).
 *
 * @throws InputError naming the option, the bad name and what would be valid
 */
export function validateDriverSpec(
  frame: SurveyFrame,
  spec: DriverSpec,
  o: { by?: string; mask?: Uint8Array | null; labels?: SpecLabels } = {},
): void {
  const L = o.labels ?? CLI_LABELS;
  const columns = [...frame.columns.keys()];
  const always = spec.always ?? [];
  const known = (label: string, name: string) => {
    if (frame.columns.has(name)) return;
    const near = columns.find((c) => c.toLowerCase() === name.toLowerCase());
    throw new InputError(
      `${label}: unknown column "${name}"${near ? ` (did you mean "${near}"?)` : ""}; the data has ${columns.length} columns: ${listOf(columns)}`,
    );
  };
  if (spec.predictors.length === 0)
    throw new InputError(`${L.predictors}: give at least one predictor`);
  for (const [label, list] of [
    [L.predictors, spec.predictors],
    [L.always, always],
  ] as const) {
    const seen = new Set<string>();
    for (const v of list) {
      if (seen.has(v))
        throw new InputError(
          `${label}: "${v}" is listed twice; list each name once (the distinct names: ${listOf([...new Set(list)])})`,
        );
      seen.add(v);
    }
  }
  known(L.outcome, spec.outcome);
  for (const v of spec.predictors) known(L.predictors, v);
  for (const v of always) known(L.always, v);
  if (spec.weights) known(L.weights, spec.weights);
  if (o.by) known(L.by, o.by);
  if (spec.predictors.includes(spec.outcome) || always.includes(spec.outcome)) {
    const where = spec.predictors.includes(spec.outcome) ? L.predictors : L.always;
    const others = spec.predictors.filter((v) => v !== spec.outcome);
    throw new InputError(
      `${L.outcome} ${spec.outcome} is also listed in ${where}; it cannot explain itself (predictors other than the outcome: ${listOf(others)})`,
    );
  }
  for (const a of always)
    if (spec.predictors.includes(a))
      throw new InputError(
        `${L.always}: "${a}" is also in ${L.predictors}; a control is not ranked: list it in one of the two`,
      );
  const grouped = new Map<string, string>();
  for (const [g, members] of Object.entries(spec.groups ?? {})) {
    if (members.length === 0) throw new InputError(`${L.groups}: group "${g}" has no members`);
    for (const v of members) {
      if (!frame.columns.has(v))
        throw new InputError(
          `${L.groups}: group "${g}" names "${v}", which is not a column of the data; a group's members must be among ${L.predictors}: ${listOf(spec.predictors)}`,
        );
      if (!spec.predictors.includes(v))
        throw new InputError(
          `${L.groups}: group "${g}" names "${v}", which is not one of ${L.predictors}: ${listOf(spec.predictors)}`,
        );
      if (grouped.has(v))
        throw new InputError(`${L.groups}: "${v}" is in both ${grouped.get(v)} and ${g}`);
      grouped.set(v, g);
    }
  }
  // Constant columns on the rows that would be used: numeric values only (a non-numeric
  // column is reported by driverProblem with its row).
  const names = [spec.outcome, ...spec.predictors, ...always];
  const cols = names.map((v) => {
    const c = getColumn(frame, v);
    return c.kind === "factor" &&
      c.levels.some((l) => l.trim() === "" || !Number.isFinite(Number(l)))
      ? null
      : numeric(frame, v);
  });
  if (cols.some((c) => c === null)) return;
  const w = spec.weights ? numeric(frame, spec.weights) : null;
  const first = new Float64Array(names.length).fill(Number.NaN);
  const varies = new Uint8Array(names.length);
  let used = 0;
  for (let i = 0; i < frame.n; i++) {
    if (o.mask && !o.mask[i]) continue;
    if (w && !(w[i]! > 0)) continue;
    if (cols.some((c) => Number.isNaN(c![i]!))) continue;
    used++;
    cols.forEach((c, k) => {
      const v = c![i]!;
      if (used === 1) first[k] = v;
      else if (v !== first[k]) varies[k] = 1;
    });
  }
  if (used < 2) return; // too few rows: driverProblem says so
  names.forEach((v, k) => {
    if (varies[k]) return;
    const label = k === 0 ? L.outcome : k <= spec.predictors.length ? L.predictors : L.always;
    const varying = spec.predictors.filter((_, j) => varies[j + 1] === 1);
    throw new InputError(
      `${label}: "${v}" is constant (${first[k]} in all ${used} rows used)${k === 0 ? "; there is nothing to explain" : `; a constant explains nothing: drop it (predictors that vary: ${listOf(varying)})`}`,
    );
  });
}

/**
 * Builds a driver problem from respondent data: numeric outcome (binomial: 0/1 or a two-level
 * category), numeric predictors and controls, optional weights (> 0; zero weights leave the
 * row out), rows with a missing value in any of them left out listwise and counted.
 *
 * @throws InputError naming the column for non-numeric data, a non-binary binomial outcome,
 *   negative weights, too few rows, and everything `validateDriverSpec` checks
 */
export function driverProblem(
  frame: SurveyFrame,
  spec: DriverSpec,
  domain: Uint8Array | null = null,
  labels: SpecLabels = CLI_LABELS,
): { pb: DriverProblem; exclusions: Exclusions } {
  const family = spec.family ?? "gaussian";
  const always = spec.always ?? [];
  const groups = spec.groups ?? {};
  validateDriverSpec(frame, spec, { mask: domain, labels });
  const grouped = new Map<string, string>();
  for (const [g, members] of Object.entries(groups)) for (const v of members) grouped.set(v, g);
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
