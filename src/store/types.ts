import type { TableData } from "../composite/tables.ts";
import type { Cell } from "../io/write.ts";

export type { Cell, TableData };

/** One input file of a run: its role in the study, where it was read from, its hash and row count. */
export interface RunInput {
  role: string;
  path: string;
  sha256: string;
  rows: number | null;
}

/**
 * One build of a study: what went in (config, inputs, versions), how long each stage took and
 * every result table. `softpower build` makes one and hands it to `writeRun` and `exportRun`.
 */
export interface RunRecord {
  /** Sortable and unique in the store, e.g. "20261128T191502Z-3f2a" (see `makeRunId`). */
  id: string;
  /** ISO 8601 times (`Date.prototype.toISOString`). */
  startedAt: string;
  finishedAt: string;
  /** Study name. */
  study: string;
  /** The validated study config; stored as JSON text. */
  config: unknown;
  /** softpower version (src/core/version.ts). */
  version: string;
  /** Node version; `process.version` when left out. */
  node?: string;
  /** Milliseconds per stage. */
  timings: Record<string, number>;
  inputs: RunInput[];
  /** Result tables by name; names match `[a-z][a-z0-9_]*` (e.g. "index_scores", "findings"). */
  tables: Record<string, TableData>;
  /** Whether the run was built from synthetic (demo) data. */
  synthetic: boolean;
}

/** A run as `readRun` returns it: the record without table data, `tables` being the table names in written order. */
export type RunInfo = Omit<RunRecord, "tables" | "node"> & { node: string; tables: string[] };

/**
 * One line of `listRuns`. `status` is "complete" when every table holds exactly the rows
 * recorded for it (always so for a run written by `writeRun`, which commits all or nothing).
 */
export interface RunSummary {
  id: string;
  startedAt: string;
  finishedAt: string;
  study: string;
  version: string;
  node: string;
  tables: number;
  rows: number;
  synthetic: boolean;
  status: "complete" | "incomplete";
}

/** The value kind of a stored column for one run; decides how values are read back. */
export type ColumnKind = "BIGINT" | "DOUBLE" | "BOOLEAN" | "VARCHAR" | "JSON" | "NULL";

/** A column of a stored table as written by one run. */
export interface StoredColumn {
  name: string;
  kind: ColumnKind;
}
