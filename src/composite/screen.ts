import { InputError } from "../core/errors.ts";
import { selectUnits } from "./dataset.ts";
import type { Dataset } from "./types.ts";

/**
 * Screening rules, named as in COINr's `Screen(unit_screen = ...)`; `byNZ` and `byNAandNZ` are
 * accepted as aliases of `byzeros` and `byNAandzeros`.
 */
export type ScreenBy = "byNA" | "byzeros" | "byNAandzeros" | "byNZ" | "byNAandNZ" | "none";

export interface ScreenOptions {
  by: ScreenBy;
  /** Minimum data availability a unit needs to stay (COINr default 2/3). */
  dat_thresh?: number;
  /** Minimum fraction of non-zero values among those present (COINr default 0.05). */
  nonzero_thresh?: number;
  /** Units forced in or out regardless of the rule (COINr `Force`; exclusions win). */
  force?: { include?: string[]; exclude?: string[] };
}

/** One row of the screening report (COINr's `DataSummary`). */
export interface ScreenRow {
  uCode: string;
  nMissing: number;
  nZero: number;
  datAvail: number;
  nonZero: number;
  lowData: boolean;
  lowNonZero: boolean;
  included: boolean;
}

/**
 * Removes units with too little data (COINr `Screen`). Over the m indicators of a unit:
 * Dat_Avail = 1 − N_missing / m and Non_Zero = 1 − N_zero / (m − N_missing). A unit has low data
 * when Dat_Avail < dat_thresh and low non-zero when Non_Zero < nonzero_thresh (both strict).
 * `byNA` drops low-data units, `byzeros` low non-zero units, `byNAandzeros` either. Forced units
 * override the rule (inclusions first, then exclusions). Kept units keep their order.
 *
 * @example screen(imputed, { by: "byNA", dat_thresh: 0.9 }).removed // []
 */
export function screen(
  ds: Dataset,
  opts: ScreenOptions,
): { data: Dataset; report: ScreenRow[]; removed: string[] } {
  const datThresh = opts.dat_thresh ?? 2 / 3;
  const nzThresh = opts.nonzero_thresh ?? 0.05;
  if (!(datThresh >= 0 && datThresh <= 1)) {
    throw new InputError(`screen: dat_thresh must be in [0, 1], got ${datThresh}`);
  }
  if (!(nzThresh >= 0 && nzThresh <= 1)) {
    throw new InputError(`screen: nonzero_thresh must be in [0, 1], got ${nzThresh}`);
  }
  const by = opts.by === "byNZ" ? "byzeros" : opts.by === "byNAandNZ" ? "byNAandzeros" : opts.by;
  const m = ds.codes.length;
  const inc = new Set(opts.force?.include ?? []);
  const exc = new Set(opts.force?.exclude ?? []);
  const report: ScreenRow[] = [];
  const keep: number[] = [];
  ds.units.forEach((u, i) => {
    let nMissing = 0;
    let nZero = 0;
    for (let j = 0; j < m; j++) {
      const v = ds.values[j]![i]!;
      if (Number.isNaN(v)) nMissing++;
      else if (v === 0) nZero++;
    }
    const datAvail = 1 - nMissing / m;
    const nonZero = 1 - nZero / (m - nMissing);
    const lowData = datAvail < datThresh;
    // A unit with no data at all has Non_Zero NaN: it counts as low.
    const lowNonZero = !(nonZero >= nzThresh);
    let included =
      by === "none" ||
      (by === "byNA" ? !lowData : by === "byzeros" ? !lowNonZero : !(lowData || lowNonZero));
    if (inc.has(u)) included = true;
    if (exc.has(u)) included = false;
    report.push({ uCode: u, nMissing, nZero, datAvail, nonZero, lowData, lowNonZero, included });
    if (included) keep.push(i);
  });
  const removed = report.filter((r) => !r.included).map((r) => r.uCode);
  return { data: removed.length === 0 ? ds : selectUnits(ds, keep), report, removed };
}
