import type { Source } from "../core/errors.ts";

/** Row types of a COINr iMeta table. */
export type MetaType = "Indicator" | "Aggregate" | "Group" | "Denominator" | "Other";

/** One row of iMeta, as COINr defines it. `source` says where it came from, for messages. */
export interface MetaRow {
  iCode: string;
  iName: string;
  type: MetaType;
  /** 1 for indicators, 2.. for aggregates; null for Group/Denominator/Other. */
  level: number | null;
  /** 1 or -1 (indicators; aggregates are usually 1). */
  direction: number | null;
  weight: number | null;
  unit: string | null;
  target: number | null;
  /** iCode of the denominator column this indicator is divided by, or null. */
  denominator: string | null;
  parent: string | null;
  /** Further weight sets, by name (iMeta columns beyond the standard ones are not used). */
  source?: Source;
}

/**
 * Units × variables, column-major: `values[j]` is variable `codes[j]` for every unit, NaN missing.
 * One dataset is one COINr `dset` (Raw, Denominated, …, Aggregated).
 */
export interface Dataset {
  units: readonly string[];
  codes: readonly string[];
  values: Float64Array[];
}

/** COINr-style iData: units with names, group columns, indicator and denominator values. */
export interface UnitData {
  uCode: string[];
  uName: string[];
  /** Optional Time column (panel data). */
  time?: number[];
  /** Group columns (e.g. EurAsia_group), one string (or null when missing) per unit. */
  groups: Record<string, (string | null)[]>;
  /** Denominator columns, one value per unit. */
  denominators: Record<string, Float64Array>;
  /** Indicator columns in iMeta order. */
  indicators: Dataset;
}

/** The validated framework tree built from iMeta. */
export interface Framework {
  meta: MetaRow[];
  /** Level-1 indicator codes in iMeta order. */
  indicators: string[];
  /** Aggregate codes per level, index 0 = level 2 ... top level last. */
  aggregateLevels: string[][];
  /** Code of the single top-level node. */
  top: string;
  /** Number of levels (1 = indicators only). */
  maxLevel: number;
  /** Children of each aggregate, in iMeta order. */
  children: Map<string, string[]>;
  parent: Map<string, string>;
  level: Map<string, number>;
  weight: Map<string, number>;
  direction: Map<string, number>;
  target: Map<string, number>;
  denominator: Map<string, string>;
  name: Map<string, string>;
  groups: string[];
  denominators: string[];
}

/** A named set of weights (iCode → weight), e.g. the iMeta weights or an alternative set. */
export type Weights = Record<string, number>;
