import { InputError } from "../core/errors.ts";
import { groupIndices } from "../stats/groups.ts";
import { mean } from "../stats/moments.ts";
import { median } from "../stats/quantile.ts";
import type { Dataset } from "./types.ts";

/** Imputation methods, named as in COINr. */
export type ImputeMethod = "i_mean" | "i_median" | "i_mean_grp" | "i_median_grp" | "i_panel";

export interface ImputeOptions {
  method: ImputeMethod;
  /** Group label per unit for the `_grp` methods (e.g. the EurAsia_group column). */
  groups?: readonly (string | null)[];
  /** For `i_panel`: unit code and time of each row; rows of one unit are interpolated over time. */
  panel?: { unit: readonly string[]; time: readonly number[] };
}

/** Per-indicator count of values that were imputed. */
export interface ImputeReport {
  imputed: Record<string, number>;
  /** Values still missing after imputation (e.g. a group with no data at all). */
  remaining: Record<string, number>;
}

/**
 * Fills missing values column by column (COINr `Impute` with `f_i`):
 * - `i_mean` / `i_median`: the indicator's mean / median over all units with data;
 * - `i_mean_grp` / `i_median_grp`: the mean / median within the unit's group; a unit with no
 *   group, or a group with no data for that indicator, stays missing;
 * - `i_panel`: within each unit, linear interpolation over time between the nearest years with
 *   data, and the nearest observed value (constant extrapolation) before the first and after the
 *   last; a unit with no data for the indicator stays missing.
 * Missing-data policy: only NaN cells change; the report counts what changed and what remains.
 *
 * @example impute(ds, { method: "i_mean_grp", groups: eurAsia })
 */
export function impute(ds: Dataset, opts: ImputeOptions): { data: Dataset; report: ImputeReport } {
  const report: ImputeReport = { imputed: {}, remaining: {} };
  const values = ds.codes.map((code, j) => {
    const x = ds.values[j]!.slice();
    let before = 0;
    for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i]!)) before++;
    if (before > 0) fillColumn(x, opts);
    let after = 0;
    for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i]!)) after++;
    report.imputed[code] = before - after;
    report.remaining[code] = after;
    return x;
  });
  return { data: { units: ds.units, codes: ds.codes, values }, report };
}

function fillColumn(x: Float64Array, opts: ImputeOptions): void {
  switch (opts.method) {
    case "i_mean":
    case "i_median": {
      const v = opts.method === "i_mean" ? mean(x) : median(x);
      for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i]!)) x[i] = v;
      return;
    }
    case "i_mean_grp":
    case "i_median_grp": {
      const groups = opts.groups;
      if (!groups) throw new InputError(`impute: method ${opts.method} needs a group column`);
      const members = groupIndices(groups);
      const f = opts.method === "i_mean_grp" ? mean : median;
      for (const rows of members.values()) {
        const v = f(rows.map((r) => x[r]!));
        for (const r of rows) if (Number.isNaN(x[r]!)) x[r] = v;
      }
      return;
    }
    case "i_panel": {
      const panel = opts.panel;
      if (!panel) throw new InputError("impute: method i_panel needs unit and time columns");
      const byUnit = groupIndices(panel.unit);
      for (const rows of byUnit.values()) {
        rows.sort((a, b) => panel.time[a]! - panel.time[b]!);
        interpolate(x, rows, panel.time);
      }
    }
  }
}

/** Linear interpolation in time over `rows` of one unit, constant beyond the observed ends. */
function interpolate(x: Float64Array, rows: number[], time: readonly number[]): void {
  const obs = rows.filter((r) => !Number.isNaN(x[r]!));
  if (obs.length === 0) return;
  let k = 0;
  for (const r of rows) {
    if (!Number.isNaN(x[r]!)) continue;
    const t = time[r]!;
    while (k + 1 < obs.length && time[obs[k + 1]!]! <= t) k++;
    const a = obs[k]!;
    if (t <= time[a]!) {
      x[r] = x[a]!; // before the first observation
    } else if (k + 1 >= obs.length) {
      x[r] = x[a]!; // after the last observation
    } else {
      const b = obs[k + 1]!;
      const ta = time[a]!;
      const tb = time[b]!;
      x[r] = x[a]! + ((t - ta) / (tb - ta)) * (x[b]! - x[a]!);
    }
  }
}
