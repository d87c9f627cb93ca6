import { InputError } from "../core/errors.ts";
import { cagr, interpolateAt, prcChange } from "./trend-metrics.ts";
import type { Dataset, Framework } from "./types.ts";

export { cagr, prcChange } from "./trend-metrics.ts";

/** Trend metrics COINr exports for `get_trends(f_trend = ...)`. */
export const TREND_METRICS = ["CAGR", "prc_change"] as const;
export type TrendMetric = (typeof TREND_METRICS)[number];

/** Options of {@link trends}, named after COINr's `get_trends` arguments. */
export interface TrendOptions {
  /** Only these units / indicators (default all). */
  uCodes?: readonly string[];
  iCodes?: readonly string[];
  /**
   * Only these time points (COINr Time; each must be a time of the data). Ignored for the trend
   * when useLatest is given (it still limits the availability columns), as COINr.
   */
  time?: readonly number[];
  /**
   * Use only the latest n time points of each series, counted back from its latest observed
   * (or interpolated) point; a series with fewer points before that gets no trend (COINr
   * use_latest).
   */
  useLatest?: number;
  /** "CAGR" (default, {@link cagr}) or "prc_change" ({@link prcChange}) (COINr f_trend). */
  fTrend?: TrendMetric;
  /** prc_change only: the period the change is expressed per (COINr's `per`, default 1). */
  per?: number;
  /**
   * Linearly interpolate missing points at these times, or at every time of the data with
   * "all" (COINr interp_at; no extrapolation beyond a series' observed range). Times not yet
   * in a unit's series are added to it (as missing, for the availability columns).
   */
  interpAt?: readonly number[] | "all";
  /** Multiply each trend by the code's Direction (COINr adjust_directions, default false). */
  adjustDirections?: boolean;
}

/** One unit × indicator trend (COINr's long table: the trend and data availability). */
export interface TrendRow {
  uCode: string;
  iCode: string;
  /** The f_trend metric (CAGR by default). */
  trend: number;
  /** Share of the unit's time points (those of `time`, if given) with an observed value. */
  avail: number;
  /** First and latest time with an observed value (NaN with fewer than two values). */
  t_first: number;
  t_latest: number;
  /** With useLatest: the share observed in the window, and its first observed time (else NaN). */
  avail_use_latest: number;
  t_first_use_latest: number;
}

/**
 * Time trends of a panel data set (COINr `get_trends`): for every unit and indicator, the
 * unit's rows sorted by time give a series (with `interpAt`, missing points linearly
 * interpolated at those times); its trend metric (`fTrend`: CAGR or prc_change) over the
 * selected time points — all, those of `time`, or the latest `useLatest` points ending at the
 * latest non-missing one (rows i_latest − n + 1 … i_latest; none if that reaches before the
 * first row) — times the Direction when `adjustDirections`. NaN with fewer than two values.
 * Availability as COINr: avail, t_first and t_latest from the observed (not interpolated)
 * values of the unit's rows in `time` (all rows if not given); with useLatest also
 * avail_use_latest and t_first_use_latest for the window.
 * Rows ordered by uCode, then indicator in data-set order.
 *
 * Two details of COINr's code are not followed, as they contradict its documentation: COINr
 * requires the use_latest window to start after the first row (`i_first > 1`), so a series of
 * exactly n points gets NA; and with `Time` it subsets the series by position in Time rather
 * than by time. Here a window starting at the first row is used, and Time selects by time.
 *
 * Cost O(rows × indicators) (plus the interpolation, O(points · log points) per series).
 *
 * @example trends(rawPanel, timeOfRows, fw)[0] // { uCode: "AUT", iCode: "GDP", trend: 0.012, avail: 1, t_first: 2004, t_latest: 2013, ... }
 * @throws InputError when time does not have one value per row, a (unit, time) pair repeats, a time or interpAt point is not in the data's range, or useLatest, fTrend or per is invalid
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
  const { useLatest, fTrend = "CAGR", per = 1 } = opts;
  if (useLatest !== undefined && !(Number.isInteger(useLatest) && useLatest >= 1)) {
    throw new InputError(`trends: useLatest must be a positive integer, got ${useLatest}`);
  }
  if (!TREND_METRICS.includes(fTrend)) {
    throw new InputError(
      `trends: fTrend must be one of ${TREND_METRICS.join(", ")}, got "${fTrend}"`,
    );
  }
  if (!(Number.isFinite(per) && per !== 0))
    throw new InputError(`trends: per must be a non-zero number, got ${per}`);
  const allTimes = [...new Set(time)].sort((a, b) => a - b);
  if (opts.time) {
    const bad = opts.time.filter((t) => !allTimes.includes(t));
    if (bad.length > 0) {
      throw new InputError(
        `trends: time ${bad.join(", ")} not found in the data (its times: ${allTimes.join(", ")})`,
      );
    }
  }
  const interp = opts.interpAt === "all" ? allTimes : opts.interpAt;
  if (interp) {
    const lo = allTimes[0]!;
    const hi = allTimes[allTimes.length - 1]!;
    const bad = interp.filter((t) => !(t >= lo && t <= hi));
    if (bad.length > 0) {
      throw new InputError(
        `trends: interpAt ${bad.join(", ")} outside the time range of the data (${lo} to ${hi})`,
      );
    }
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
  const metric = (y: number[], t: number[]) =>
    fTrend === "CAGR" ? cagr(y, t) : prcChange(y, t, per);
  const inTime = opts.time ? new Set(opts.time) : null;
  const units = [...byUnit.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: TrendRow[] = [];
  for (const u of units) {
    const rows = byUnit.get(u)!.sort((a, b) => time[a]! - time[b]!);
    for (let k = 1; k < rows.length; k++) {
      if (time[rows[k]!] === time[rows[k - 1]!])
        throw new InputError(`trends: unit "${u}" has two rows for time ${time[rows[k]!]}`);
    }
    // The unit's time grid: its rows' times, plus interpolation points not among them.
    const rowAt = new Map(rows.map((r) => [time[r]!, r]));
    const grid = interp
      ? [...new Set([...rowAt.keys(), ...interp])].sort((a, b) => a - b)
      : [...rowAt.keys()];
    const sel = inTime ? grid.flatMap((t, i) => (inTime.has(t) ? [i] : [])) : grid.map((_, i) => i);
    for (const c of codes) {
      const x = ds.values[ds.codes.indexOf(c)]!;
      const raw = grid.map((t) => {
        const r = rowAt.get(t);
        return r === undefined ? Number.NaN : x[r]!;
      });
      let y = raw;
      if (interp) {
        const at = interpolateAt(raw, grid, interp);
        const pos = new Map(interp.map((t, i) => [t, at[i]!]));
        y = grid.map((t, i) => pos.get(t) ?? raw[i]!);
      }
      // Availability over the unit's rows in `time`, from the observed values.
      const [avail, tFirst, tLatest] = availability(
        sel.map((i) => raw[i]!),
        sel.map((i) => grid[i]!),
      );
      let tt = grid;
      if (inTime && useLatest === undefined) {
        y = sel.map((i) => y[i]!);
        tt = sel.map((i) => grid[i]!);
      }
      let trend = Number.NaN;
      let availLatest = Number.NaN;
      let tFirstLatest = Number.NaN;
      if (count(y) >= 2) {
        if (useLatest !== undefined) {
          let latest = y.length - 1;
          while (Number.isNaN(y[latest]!)) latest--;
          const first = latest - useLatest + 1;
          if (first >= 0) {
            const yw = y.slice(first, latest + 1);
            const tw = tt.slice(first, latest + 1);
            availLatest = count(raw.slice(first, latest + 1)) / useLatest;
            if (count(yw) > 1) {
              tFirstLatest = tw[yw.findIndex((v) => !Number.isNaN(v))]!;
              trend = metric(yw, tw);
            }
          }
        } else trend = metric(y, tt);
      }
      const dir = opts.adjustDirections ? (fw?.direction.get(c) ?? 1) : 1;
      out.push({
        uCode: u,
        iCode: c,
        trend: trend * dir,
        avail,
        t_first: tFirst,
        t_latest: tLatest,
        avail_use_latest: availLatest,
        t_first_use_latest: tFirstLatest,
      });
    }
  }
  return out;
}

function count(y: readonly number[]): number {
  let n = 0;
  for (const v of y) if (!Number.isNaN(v)) n++;
  return n;
}

/** Share observed, and first and latest observed time (NaN with fewer than two observed). */
function availability(y: number[], t: number[]): [number, number, number] {
  const obs = t.filter((_, i) => !Number.isNaN(y[i]!));
  const share = y.length ? obs.length / y.length : Number.NaN;
  return obs.length > 1 ? [share, obs[0]!, obs[obs.length - 1]!] : [share, Number.NaN, Number.NaN];
}
