import { kurtosis, mean, range, sd, skewness } from "../stats/moments.ts";
import { median } from "../stats/quantile.ts";
import type { Dataset } from "./types.ts";

/** Flag thresholds of COINr's `get_stats`. */
export interface StatsOptions {
  t_skew?: number;
  t_kurt?: number;
  t_avail?: number;
  t_zero?: number;
  t_unq?: number;
}

/** One row of the indicator statistics table (COINr `get_stats` columns). */
export interface IndicatorStats {
  iCode: string;
  Min: number;
  Max: number;
  Mean: number;
  Median: number;
  Std: number;
  Skew: number;
  Kurt: number;
  "N.Avail": number;
  "N.NonZero": number;
  "N.Unique": number;
  "N.Same": number;
  "Frc.Avail": number;
  "Frc.NonZero": number;
  "Frc.Unique": number;
  "Frc.Same": number;
  "Flag.Avail": "ok" | "LOW";
  "Flag.NonZero": "ok" | "LOW";
  "Flag.Unique": "ok" | "LOW";
  "Flag.SkewKurt": "ok" | "OUT" | "NA";
}

/**
 * Per-indicator statistics as COINr's `get_stats` (without its 3-significant-figure rounding):
 * min, max, mean, median, sd (n − 1), skew (G1), kurtosis (G2); counts of available, non-zero
 * and unique values and the size of the largest tie group (N.Same); fractions of the available
 * values (Frc.Avail of all units); flags: Avail LOW when Frc.Avail < t_avail (0.65), NonZero LOW
 * when N.NonZero / n < t_zero (0.5), Unique LOW when N.Unique / n < t_unq (0.5), SkewKurt OUT
 * when |skew| > t_skew (2) and kurtosis > t_kurt (3.5). Missing values are skipped.
 *
 * @example indicatorStats(raw)[0] // { iCode: "LPI", Min: 2.067254, ..., "Flag.SkewKurt": "ok" }
 */
export function indicatorStats(ds: Dataset, opts: StatsOptions = {}): IndicatorStats[] {
  const { t_skew = 2, t_kurt = 3.5, t_avail = 0.65, t_zero = 0.5, t_unq = 0.5 } = opts;
  const n = ds.units.length;
  return ds.codes.map((code, j) => {
    const x = ds.values[j]!;
    const counts = new Map<number, number>();
    let avail = 0;
    let nonZero = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (Number.isNaN(v)) continue;
      avail++;
      if (v !== 0) nonZero++;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const same = Math.max(0, ...counts.values());
    const [mn, mx] = range(x);
    const skew = skewness(x);
    const kurt = kurtosis(x);
    return {
      iCode: code,
      Min: mn,
      Max: mx,
      Mean: mean(x),
      Median: median(x),
      Std: sd(x),
      Skew: skew,
      Kurt: kurt,
      "N.Avail": avail,
      "N.NonZero": nonZero,
      "N.Unique": counts.size,
      "N.Same": same,
      "Frc.Avail": avail / n,
      "Frc.NonZero": nonZero / avail,
      "Frc.Unique": counts.size / avail,
      "Frc.Same": same / avail,
      "Flag.Avail": avail / n >= t_avail ? "ok" : "LOW",
      "Flag.NonZero": nonZero / n >= t_zero ? "ok" : "LOW",
      "Flag.Unique": counts.size / n >= t_unq ? "ok" : "LOW",
      "Flag.SkewKurt":
        Number.isNaN(skew) || Number.isNaN(kurt)
          ? "NA"
          : Math.abs(skew) > t_skew && kurt > t_kurt
            ? "OUT"
            : "ok",
    };
  });
}
