import { kurtosis, range, skewness } from "../stats/moments.ts";
import type { Dataset } from "./types.ts";

/** Second-stage transformations, named as in COINr. */
export type TreatTransform = "log_CT" | "log_CT_plus" | "log_CT_orig" | "boxcox" | "none";

/** Treatment options, COINr's names and defaults. */
export interface TreatOptions {
  /** Maximum points winsorised per indicator (default 5). */
  winmax?: number;
  /** Fail needs |skew| >= skew_thresh (default 2)... */
  skew_thresh?: number;
  /** ...and kurtosis >= kurt_thresh (default 3.5). */
  kurt_thresh?: number;
  /** Winsorise winmax points whatever the skew and kurtosis (default false). */
  force_win?: boolean;
  /** Applied to the original values when winsorising does not pass (default log_CT). */
  f2?: TreatTransform;
  /** Box–Cox lambda when f2 is boxcox (default 1). */
  lambda?: number;
  /** Apply f2 to the winsorised values instead of the originals (default false). */
  combine_treat?: boolean;
  /** Per-indicator overrides, or "none" to leave an indicator untreated. */
  indiv?: Record<string, Omit<TreatOptions, "indiv"> | "none">;
}

/** One row of the treatment table (COINr's Dets_Table, plus counts). */
export interface TreatDetail {
  iCode: string;
  pass0: boolean | null;
  skew0: number;
  kurt0: number;
  /** Points winsorised (COINr's winsorise.nwin), null when winsorisation did not run. */
  nwin: number | null;
  pass1: boolean | null;
  skew1: number;
  kurt1: number;
  /** The transformation applied after winsorising failed, or null. */
  transform: TreatTransform | null;
  pass2: boolean | null;
  skew2: number;
  kurt2: number;
  /** Per unit: "winhi", "winlo", the transform's label, or "". */
  points: string[];
}

interface SkewKurt {
  pass: boolean | null;
  skew: number;
  kurt: number;
}

/**
 * COINr's `check_SkewKurt`: passes when |G1| < skew_thresh OR G2 < kurt_thresh (both strict), so
 * an indicator fails only when |skew| >= skew_thresh AND kurtosis >= kurt_thresh. Null (cannot
 * tell) when skew or kurtosis is undefined (fewer than 4 values or all equal).
 */
export function checkSkewKurt(x: ArrayLike<number>, skewThresh = 2, kurtThresh = 3.5): SkewKurt {
  const skew = skewness(x);
  const kurt = kurtosis(x);
  if (Number.isNaN(skew) || Number.isNaN(kurt)) return { pass: null, skew, kurt };
  return { pass: Math.abs(skew) < skewThresh || kurt < kurtThresh, skew, kurt };
}

/**
 * COINr's `winsorise`: while the vector fails the skew–kurtosis check (or `force`), and fewer than
 * `winmax` points are winsorised, move the extreme on the side the skew points to (skew >= 0: the
 * maximum) onto the next value inwards; all points tied at the extreme move together. The count
 * `nwin` is, as in COINr, the number of points in the last high-side set plus the last low-side
 * set (points winsorised earlier are tied at the new extreme and are counted again).
 * NaN values are ignored and kept.
 *
 * @example winsorise(Float64Array.from([1,2,3,4,5,6,7,8,9,10,30,100]), 5).nwin // 1 (100 → 30 passes)
 */
export function winsorise(
  x: Float64Array,
  winmax: number,
  skewThresh = 2,
  kurtThresh = 3.5,
  force = false,
): { x: Float64Array; nwin: number; points: string[] } {
  const y = x.slice();
  let hi: number[] = [];
  let lo: number[] = [];
  let nwin = 0;
  let passing = checkSkewKurt(y, skewThresh, kurtThresh).pass === true;
  while ((!passing || force) && nwin < winmax) {
    const s = skewness(y);
    const high = s >= 0;
    const [mn, mx] = range(y);
    const extreme = high ? mx : mn;
    const set: number[] = [];
    let next = high ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    for (let i = 0; i < y.length; i++) {
      const v = y[i]!;
      if (Number.isNaN(v)) continue;
      if (v === extreme) set.push(i);
      else if (high ? v > next : v < next) next = v;
    }
    if (!Number.isFinite(next)) break; // every value equal: nothing to move onto
    for (const i of set) y[i] = next;
    if (high) hi = set;
    else lo = set;
    nwin = hi.length + lo.length;
    passing = checkSkewKurt(y, skewThresh, kurtThresh).pass === true;
  }
  const points = new Array<string>(y.length).fill("");
  for (const i of hi) points[i] = "winhi";
  for (const i of lo) points[i] = "winlo";
  return { x: y, nwin, points };
}

/**
 * Log transforms of COINr, with m = min(x), M = max(x) over present values:
 * - `log_CT`: ln(x − m + 0.01 (M − m));
 * - `log_CT_plus`: as log_CT when skew > 0, else −ln(M + 0.01 (M − m) − x) (label log_CT_neg);
 * - `log_CT_orig`: ln(x − m + 1);
 * - `boxcox` (makepos): z = x − m + 1, then ln z if λ = 0 else (z^λ − 1)/λ.
 */
export function transform(
  x: Float64Array,
  f: TreatTransform,
  lambda = 1,
): { x: Float64Array; label: string } {
  const [m, M] = range(x);
  const a = 0.01 * (M - m);
  const out = new Float64Array(x.length);
  let label: string = f;
  switch (f) {
    case "log_CT":
      for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]! - m + a);
      break;
    case "log_CT_plus":
      if (skewness(x) > 0) {
        for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]! - m + a);
        label = "log_CT";
      } else {
        for (let i = 0; i < x.length; i++) out[i] = -Math.log(M + a - x[i]!);
        label = "log_CT_neg";
      }
      break;
    case "log_CT_orig":
      for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]! - m + 1);
      break;
    case "boxcox":
      for (let i = 0; i < x.length; i++) {
        const z = x[i]! - m + 1;
        out[i] = lambda === 0 ? Math.log(z) : (z ** lambda - 1) / lambda;
      }
      label = "";
      break;
    case "none":
      out.set(x);
      label = "";
  }
  return { x: out, label };
}

/**
 * Outlier treatment (COINr `Treat` with its defaults): per indicator, check skew and kurtosis;
 * if it fails, winsorise (up to winmax points); if that still fails, apply f2 (default log_CT)
 * to the ORIGINAL values (or to the winsorised ones with combine_treat) and record a final
 * check. An indicator whose check is undefined (too few or all-equal values) is left untreated.
 * Cost O(winmax · n) per indicator.
 *
 * @example treat(ds, { winmax: 5 }).details[1] // { iCode: "Flights", pass0: false, nwin: 1, ... }
 */
export function treat(
  ds: Dataset,
  opts: TreatOptions = {},
): { data: Dataset; details: TreatDetail[] } {
  const details: TreatDetail[] = [];
  const values = ds.codes.map((code, j) => {
    const x = ds.values[j]!;
    const o = opts.indiv?.[code];
    if (o === "none") return x;
    const r = treatOne(code, x, { ...opts, ...(o ?? {}) });
    if (r.detail) details.push(r.detail);
    return r.x;
  });
  return { data: { units: ds.units, codes: ds.codes, values }, details };
}

function treatOne(
  code: string,
  x: Float64Array,
  o: TreatOptions,
): { x: Float64Array; detail: TreatDetail | null } {
  const winmax = o.winmax ?? 5;
  const st = o.skew_thresh ?? 2;
  const kt = o.kurt_thresh ?? 3.5;
  const c0 = checkSkewKurt(x, st, kt);
  const detail: TreatDetail = {
    iCode: code,
    pass0: c0.pass,
    skew0: c0.skew,
    kurt0: c0.kurt,
    nwin: null,
    pass1: null,
    skew1: Number.NaN,
    kurt1: Number.NaN,
    transform: null,
    pass2: null,
    skew2: Number.NaN,
    kurt2: Number.NaN,
    points: new Array<string>(x.length).fill(""),
  };
  if (c0.pass === null) return { x, detail: null };
  if (c0.pass) return { x, detail };
  const w = winsorise(x, winmax, st, kt, o.force_win ?? false);
  const c1 = checkSkewKurt(w.x, st, kt);
  detail.nwin = w.nwin;
  detail.pass1 = c1.pass;
  detail.skew1 = c1.skew;
  detail.kurt1 = c1.kurt;
  detail.points = w.points;
  const f2 = o.f2 ?? "log_CT";
  // As COINr: a check that cannot be computed after winsorising returns the original values.
  if (c1.pass === null) return { x, detail };
  if (c1.pass || f2 === "none") return { x: w.x, detail };
  const t = transform(o.combine_treat ? w.x : x, f2, o.lambda ?? 1);
  const c2 = checkSkewKurt(t.x, st, kt);
  detail.transform = f2;
  detail.pass2 = c2.pass;
  detail.skew2 = c2.skew;
  detail.kurt2 = c2.kurt;
  // COINr's Treated_Points: "<f1 label>+<f2 label>", so a point only logged reads "+log_CT".
  detail.points = detail.points.map((p) => (t.label === "" ? p : `${p}+${t.label}`));
  return { x: t.x, detail };
}
