import { InputError } from "../core/errors.ts";
import type { Dataset, Framework } from "./types.ts";

/**
 * Compound annual growth rate of a series (COINr `CAGR`): from the first and the latest observed
 * (non-missing) values, (y_latest / y_first)^(1 / (t_latest − t_first)) − 1; 0 when the two
 * values are equal (so two zeros give 0); NaN with fewer than two observations. `t` is in years.
 *
 * @example cagr([100, 105, 110.25], [2000, 2001, 2002]) // 0.05
 * @throws InputError when t has a missing value or a different length
 */
export function cagr(y: ArrayLike<number>, t: ArrayLike<number>): number {
  if (y.length !== t.length)
    throw new InputError(`cagr: y has ${y.length} values and t ${t.length}; they must match`);
  let first = -1;
  let last = -1;
  for (let i = 0; i < t.length; i++) {
    if (Number.isNaN(t[i]!))
      throw new InputError(`cagr: t[${i}] is missing; every value needs a time`);
    if (Number.isNaN(y[i]!)) continue;
    if (first < 0 || t[i]! < t[first]!) first = i;
    if (last < 0 || t[i]! > t[last]!) last = i;
  }
  if (first < 0 || first === last) return Number.NaN;
  const y0 = y[first]!;
  const y1 = y[last]!;
  if (y0 === y1) return 0;
  return (y1 / y0) ** (1 / (t[last]! - t[first]!)) - 1;
}

/** Options of {@link trends}, named after COINr's `get_trends` arguments. */
export interface TrendOptions {
  /** Only these units / indicators (default all). */
  uCodes?: readonly string[];
  iCodes?: readonly string[];
  /** Only these time points (ignored when useLatest is given). */
  time?: readonly number[];
  /**
   * Use only the latest n time points of each series, counted back from its latest observed
   * point; a series with fewer points before that gets no trend (COINr use_latest).
   */
  useLatest?: number;
  /** Multiply each trend by the code's Direction (COINr adjust_directions, default false). */
  adjustDirections?: boolean;
}

/** One unit × indicator trend (COINr's long table: the trend and data availability). */
export interface TrendRow {
  uCode: string;
  iCode: string;
  cagr: number;
  /** Fraction of the unit's time points (in the window used) with a value. */
  avail: number;
  /** First and latest time with a value (NaN with fewer than two values). */
  t_first: number;
  t_latest: number;
}

/**
 * Time trends of a panel data set (COINr `get_trends` with f_trend = "CAGR"): for every unit and
 * indicator, the unit's rows sorted by time give a series; its CAGR ({@link cagr}) over the
 * selected time points (all, `time`, or the latest `useLatest` points ending at the latest
 * observed one), the fraction of those points observed, and the first and latest observed times.
 * Rows ordered by uCode, then indicator in data-set order (R's `merge` sorts by uCode, iCode).
 *
 * Cost O(rows × indicators).
 *
 * @example trends(rawPanel, timeOfRows, fw)[0] // { uCode: "AUT", iCode: "GDP", cagr: 0.012, avail: 1, t_first: 2004, t_latest: 2013 }
 * @throws InputError when time does not have one value per row, or useLatest is not a positive integer
 */
export function trends(
  ds: Dataset,
  time: readonly number[],
  fw: Framework | null,
  opts: TrendOptions = {},
): TrendRow[] {
  if (time.length !== ds.units.length) {
    throw new InputError(
      `trends: ${time.length} times for ${ds.units.length} rows; give the Time of every row`,
    );
  }
  if (opts.useLatest !== undefined && !(Number.isInteger(opts.useLatest) && opts.useLatest >= 1)) {
    throw new InputError(`trends: useLatest must be a positive integer, got ${opts.useLatest}`);
  }
  const codes = opts.iCodes
    ? opts.iCodes.map((c) => {
        if (!ds.codes.includes(c))
          throw new InputError(`trends: iCode "${c}" is not a column of the data set`);
        return c;
      })
    : [...ds.codes];
  const byUnit = new Map<string, number[]>();
  ds.units.forEach((u, i) => {
    if (opts.uCodes && !opts.uCodes.includes(u)) return;
    const rows = byUnit.get(u);
    if (rows) rows.push(i);
    else byUnit.set(u, [i]);
  });
  const units = [...byUnit.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const keep = opts.time && opts.useLatest === undefined ? new Set(opts.time) : null;
  const out: TrendRow[] = [];
  for (const u of units) {
    let rows = byUnit.get(u)!.sort((a, b) => time[a]! - time[b]!);
    if (keep) rows = rows.filter((r) => keep.has(time[r]!));
    const tt = rows.map((r) => time[r]!);
    for (const c of codes) {
      const x = ds.values[ds.codes.indexOf(c)]!;
      let y = rows.map((r) => x[r]!);
      let t = tt;
      let cg = Number.NaN;
      if (opts.useLatest !== undefined) {
        let latest = -1;
        for (let i = y.length - 1; i >= 0 && latest < 0; i--) if (!Number.isNaN(y[i]!)) latest = i;
        const first = latest - opts.useLatest + 1;
        if (latest >= 0 && first >= 0) {
          y = y.slice(first, latest + 1);
          t = t.slice(first, latest + 1);
          cg = cagr(y, t);
        } else {
          y = latest >= 0 ? y.slice(0, latest + 1) : y;
          t = t.slice(0, y.length);
        }
      } else cg = cagr(y, t);
      const dir = opts.adjustDirections ? (fw?.direction.get(c) ?? 1) : 1;
      let n = 0;
      let f = -1;
      let l = -1;
      y.forEach((v, i) => {
        if (Number.isNaN(v)) return;
        n++;
        if (f < 0) f = i;
        l = i;
      });
      out.push({
        uCode: u,
        iCode: c,
        cagr: cg * dir,
        avail: y.length ? n / y.length : Number.NaN,
        t_first: n > 1 ? t[f]! : Number.NaN,
        t_latest: n > 1 ? t[l]! : Number.NaN,
      });
    }
  }
  return out;
}
