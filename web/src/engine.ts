/**
 * The weightings calculator's engine: the CLI's own composite code (`buildFramework`,
 * `createReweighter`) fed from result tables as the API serves them. Pure (no Node built-ins), so
 * it bundles for the browser and runs unchanged in Node tests.
 */
import type { AggregateMethod } from "../../src/composite/aggregate.ts";
import { buildFramework } from "../../src/composite/framework.ts";
import { createReweighter, type Reweighter } from "../../src/composite/reweight.ts";
import type { Dataset, Framework, MetaRow, MetaType, Weights } from "../../src/composite/types.ts";

/** A result table as the API serves it: a header and rows of cells (or rows keyed by column). */
export interface TableLike {
  columns: string[];
  rows: readonly (readonly unknown[] | Readonly<Record<string, unknown>>)[];
}

/** The aggregate step of a study's pipeline (`config.index.pipeline.aggregate`). */
export interface AggregateStep {
  method?: AggregateMethod | AggregateMethod[];
  p?: number | number[];
  weights?: string | Weights;
  dat_thresh?: number | number[];
}

const MISSING = new Set(["", "NA", "NaN", "#N/A", "NULL"]);
const META_TYPES: readonly MetaType[] = ["Indicator", "Aggregate", "Group", "Denominator", "Other"];

/** Cell `j` of row `r`, whichever shape the rows come in. */
function cell(t: TableLike, r: number, j: number): unknown {
  const row = t.rows[r]!;
  return Array.isArray(row) ? row[j] : (row as Record<string, unknown>)[t.columns[j]!];
}

/**
 * iMeta rows from the stored `index_framework` table (cells as the CSV held them: strings, with
 * "NA" or "" missing; numbers are accepted too), with the same reading as the CLI's
 * `metaFromTable`.
 *
 * @throws Error naming the row and column of a bad cell
 */
export function metaRowsFromTable(t: TableLike): MetaRow[] {
  const col = (name: string) => t.columns.indexOf(name);
  for (const c of ["iCode", "Level", "Parent", "Type"]) {
    if (col(c) < 0) throw new Error(`index_framework: missing column "${c}"`);
  }
  return t.rows.map((_, r) => {
    const str = (name: string): string | null => {
      const j = col(name);
      if (j < 0) return null;
      const v = cell(t, r, j);
      if (v === null || v === undefined) return null;
      const s = String(v);
      return MISSING.has(s) ? null : s;
    };
    const num = (name: string): number | null => {
      const s = str(name);
      if (s === null) return null;
      const v = Number(s);
      if (!Number.isFinite(v))
        throw new Error(`index_framework row ${r + 1}, column ${name}: "${s}" is not a number`);
      return v;
    };
    const iCode = str("iCode");
    if (iCode === null) throw new Error(`index_framework row ${r + 1}: iCode is empty`);
    const type = str("Type") as MetaType | null;
    if (type === null || !META_TYPES.includes(type))
      throw new Error(`index_framework row ${r + 1}, column Type: "${type ?? ""}" is not a type`);
    return {
      iCode,
      iName: str("iName") ?? iCode,
      type,
      level: num("Level"),
      direction: num("Direction"),
      weight: num("Weight"),
      unit: str("Unit"),
      target: num("Target"),
      denominator: str("Denominator"),
      parent: str("Parent"),
      source: { file: "index_framework", row: r + 1 },
    };
  });
}

/**
 * A dataset from a stage table (`index_stage_normalised`: uCode, then one column per code); the
 * columns kept are `codes` (default: every column but uCode, uName and Time). Missing cells are NaN.
 */
export function datasetFromTable(t: TableLike, codes?: readonly string[]): Dataset {
  const u = t.columns.indexOf("uCode");
  if (u < 0) throw new Error("stage table: missing column uCode");
  const keep = codes
    ? codes.filter((c) => t.columns.includes(c))
    : t.columns.filter((c) => c !== "uCode" && c !== "uName" && c !== "Time");
  const units = t.rows.map((_, r) => String(cell(t, r, u)));
  const values = keep.map((c) => {
    const j = t.columns.indexOf(c);
    return Float64Array.from(t.rows, (_, r) => {
      const v = cell(t, r, j);
      if (v === null || v === undefined || v === "") return Number.NaN;
      const x = Number(v);
      return Number.isFinite(x) ? x : Number.NaN;
    });
  });
  return { units, codes: keep, values };
}

/** What the calculator needs: the framework, the reweighter and the units it ranks. */
export interface IndexEngine {
  framework: Framework;
  reweighter: Reweighter;
  units: readonly string[];
  /** Notes on what the browser cannot reproduce (a named weight set, dat_thresh). */
  notes: string[];
  /** Scores of every aggregate by code and the rank of the top node for weights by code. */
  run(weights: Weights): { scores: Map<string, Float64Array>; rank: Float64Array };
}

/**
 * Builds the calculator's engine from the run's `index_framework` and `index_stage_normalised`
 * tables and its pipeline's aggregate step, with the CLI's `buildFramework` and `createReweighter`.
 * One run costs O(units × nodes).
 *
 * @example indexEngine(fw, normalised, { method: "a_amean" }).run({ Tech: 2 }).rank
 */
export function indexEngine(
  frameworkTable: TableLike,
  normalisedTable: TableLike,
  step: AggregateStep = {},
): IndexEngine {
  const framework = buildFramework(metaRowsFromTable(frameworkTable));
  const normalised = datasetFromTable(normalisedTable, framework.indicators);
  const notes: string[] = [];
  let weights: Weights | undefined;
  if (typeof step.weights === "string")
    notes.push(
      `the pipeline aggregates with the weight set "${step.weights}", which the run does not store; the calculator starts from the iMeta weights`,
    );
  else weights = step.weights;
  if (step.dat_thresh !== undefined)
    notes.push("the pipeline's dat_thresh (minimum data availability) is not applied here");
  const reweighter = createReweighter(normalised, framework, {
    method: step.method,
    p: step.p,
    weights,
  });
  return {
    framework,
    reweighter,
    units: normalised.units,
    notes,
    run(w) {
      const r = reweighter.run(w);
      const scores = new Map(reweighter.aggregates.map((a, i) => [a, r.scores[i]!]));
      return { scores, rank: r.rank };
    },
  };
}
