import { InputError } from "../core/errors.ts";
import { type ByStatistic, type DomainCovariance, domainCovariance } from "./by-covmat.ts";
import type { SurveyDesign } from "./design.ts";
import { type Domain, type Estimate, svyMean } from "./estimators.ts";
import { factor, numeric } from "./frame.ts";
import { replicateMeansTotals } from "./replicate-estimators.ts";
import { stageScales } from "./variance.ts";

/** One domain of a `by` breakdown: its label per by-variable and its row mask. */
export interface ByDomain {
  labels: string[];
  mask: Uint8Array;
  /** Domain index of every row (−1 when a by-variable is missing), shared by all domains. */
  index: Int32Array;
  id: number;
}

/**
 * Domains formed by the combinations of the by-variables present in the data, ordered as R's
 * `svyby` (by the interaction's levels: the first variable varies fastest). Rows with a missing
 * by-value belong to no domain.
 */
export function byDomains(design: SurveyDesign, by: string[]): ByDomain[] {
  if (by.length === 0)
    return [
      {
        labels: [],
        mask: new Uint8Array(design.n).fill(1),
        index: new Int32Array(design.n),
        id: 0,
      },
    ];
  const fs = by.map((b) => factor(design.frame, b));
  const index = new Int32Array(design.n).fill(-1);
  const combos: number[][] = [];
  const sizes = fs.map((f) => f.levels.length);
  // Combination key → first-seen domain: a table when the keys are few (no hashing per row).
  const nKeys = sizes.reduce((a, b) => a * b, 1);
  const table = nKeys <= 1 << 22 ? new Int32Array(nKeys).fill(-1) : null;
  const keyOf = new Map<number, number>();
  for (let i = 0; i < design.n; i++) {
    let key = 0;
    let mult = 1;
    let ok = true;
    for (let b = 0; b < fs.length; b++) {
      const c = fs[b]!.codes[i]!;
      if (c < 0) {
        ok = false;
        break;
      }
      key += c * mult;
      mult *= sizes[b]!;
    }
    if (!ok) continue;
    let d = table ? table[key]! : (keyOf.get(key) ?? -1);
    if (d < 0) {
      d = combos.length;
      if (table) table[key] = d;
      else keyOf.set(key, d);
      combos.push(fs.map((f) => f.codes[i]!));
    }
    index[i] = d;
  }
  // Order like R: by the last variable's level, then ..., then the first (first fastest).
  const order = combos
    .map((_, d) => d)
    .sort((a, b) => {
      for (let v = fs.length - 1; v >= 0; v--) {
        const diff = combos[a]![v]! - combos[b]![v]!;
        if (diff) return diff;
      }
      return 0;
    });
  const remap = new Int32Array(combos.length);
  order.forEach((d, k) => {
    remap[d] = k;
  });
  for (let i = 0; i < design.n; i++) if (index[i]! >= 0) index[i] = remap[index[i]!]!;
  return order.map((d, k) => {
    let mask: Uint8Array | null = null;
    return {
      labels: combos[d]!.map((c, v) => fs[v]!.levels[c]!),
      // Built on first use: the one-pass estimators need only `index`.
      get mask() {
        if (!mask) {
          mask = new Uint8Array(index.length);
          for (let i = 0; i < index.length; i++) if (index[i] === k) mask[i] = 1;
        }
        return mask;
      },
      index,
      id: k,
    };
  });
}

/**
 * Estimates per domain (R `svyby`): each domain keeps the full design for its variance. With a
 * statistic and `{ covmat: true }` (R's `covmat = TRUE`), the domain estimates with their full
 * covariance matrix and R's names (`domainCovariance` in by-covmat.ts).
 *
 * @example svyBy(d, ["stype"], { stat: "mean", variables: ["api00"] }, { covmat: true }).names // ["E", "H", "M"]
 */
export function svyBy(
  design: SurveyDesign,
  by: string[],
  estimate: (domain: Domain) => Estimate[],
): { labels: string[]; estimates: Estimate[] }[];
export function svyBy(
  design: SurveyDesign,
  by: string[],
  estimate: ByStatistic,
  opts: { covmat: true },
): DomainCovariance;
export function svyBy(
  design: SurveyDesign,
  by: string[],
  estimate: ((domain: Domain) => Estimate[]) | ByStatistic,
  opts?: { covmat: true },
): { labels: string[]; estimates: Estimate[] }[] | DomainCovariance {
  if (typeof estimate !== "function") {
    if (!opts?.covmat) throw new Error("svyBy: a statistic spec needs { covmat: true }");
    return domainCovariance(design, by, estimate);
  }
  return byDomains(design, by).map((d) => {
    try {
      return { labels: d.labels, estimates: estimate(d.mask) };
    } catch (e) {
      if (e instanceof InputError) {
        throw new InputError(
          `domain ${by.map((b, i) => `${b} = ${d.labels[i]}`).join(", ")}: ${e.message}`,
        );
      }
      throw e;
    }
  });
}

/**
 * Weighted means of a variable in every domain at once (the same numbers as {@link svyMean}
 * per domain), in O(n + PSUs · domains): for a single-stage design without calibration the
 * PSU totals of each domain's influence values are accumulated in one pass and the stratum sums
 * of squares use Σ(t − t̄)² = Σt² − (Σt)²/n_h over the PSUs the domain touches. Other designs
 * fall back to {@link svyMean} per domain.
 */
export function svyMeanByFast(
  design: SurveyDesign,
  variable: string,
  domains: ByDomain[],
): Estimate[] {
  if (
    design.replicate ||
    design.calibrations.length ||
    design.multistage ||
    design.lonely === "adjust" ||
    domains.length === 0
  ) {
    return domains.map((d) => svyMean(design, variable, d.mask));
  }
  const y = numeric(design.frame, variable);
  const w = design.weights;
  const D = domains.length;
  const idx = domains[0]!.index;
  const sw = new Float64Array(D);
  const swy = new Float64Array(D);
  const cnt = new Float64Array(D);
  for (let i = 0; i < design.n; i++) {
    const d = idx[i]!;
    const yi = y[i]!;
    if (d < 0 || w[i] === 0 || Number.isNaN(yi)) continue;
    sw[d]! += w[i]!;
    swy[d]! += w[i]! * yi;
    cnt[d]! += 1;
  }
  const mean = Float64Array.from(swy, (s, d) => s / sw[d]!);
  const st = design.stages[0]!;
  const P = st.nClusters;
  const t = new Float64Array(D * P);
  const ss = new Float64Array(D);
  for (let i = 0; i < design.n; i++) {
    const d = idx[i]!;
    const yi = y[i]!;
    if (d < 0 || w[i] === 0 || Number.isNaN(yi)) continue;
    const dev = yi - mean[d]!;
    t[d * P + st.cluster[i]!]! += (w[i]! * dev) / sw[d]!;
    ss[d]! += w[i]! * dev * dev;
  }
  const { scale, lonelyAverage } = stageScales(design, 0);
  const H = st.nStrata;
  const s1 = new Float64Array(H);
  const s2 = new Float64Array(H);
  return domains.map((dom, d) => {
    if (cnt[d] === 0)
      throw new InputError(
        `variable ${variable}: domain ${dom.labels.join(".")} has no respondents with data`,
      );
    s1.fill(0);
    s2.fill(0);
    for (let c = 0; c < P; c++) {
      const v = t[d * P + c]!;
      if (v === 0) continue;
      const h = st.clusterStratum[c]!;
      s1[h]! += v;
      s2[h]! += v * v;
    }
    let v = 0;
    for (let h = 0; h < H; h++)
      if (scale[h]! > 0) v += scale[h]! * (s2[h]! - (s1[h]! * s1[h]!) / st.nPSU[h]!);
    v *= lonelyAverage;
    const n = cnt[d]!;
    const s2w = (ss[d]! / sw[d]!) * (n / (n - 1));
    const vsrs = (s2w * (sw[d]! - n)) / (sw[d]! * n);
    return { variable, level: "", estimate: mean[d]!, se: Math.sqrt(v), n, deff: v / vsrs };
  });
}

/**
 * Means or totals of a variable in every domain on a replicate-weight design (the same numbers
 * as {@link svyMean} / {@link svyTotal} per domain): the replicate estimates of all domains come
 * from one sweep over the rows ({@link replicateMeansTotals}).
 *
 * @throws InputError naming the domain when it has no respondents with data
 */
export function svyLinearBy(
  design: SurveyDesign,
  variable: string,
  domains: ByDomain[],
  stat: "mean" | "total",
  by: string[],
): Estimate[] {
  const y = numeric(design.frame, variable);
  const group = domains[0]?.index ?? new Int32Array(design.n);
  const es = replicateMeansTotals(design, y, group, domains.length, stat);
  return es.map((e, d) => {
    if (e.n === 0)
      throw new InputError(
        `${by.length ? `domain ${by.map((b, i) => `${b} = ${domains[d]!.labels[i]}`).join(", ")}: ` : ""}variable ${variable}: the domain has no respondents with data; nothing to estimate`,
      );
    return { variable, level: "", ...e };
  });
}
