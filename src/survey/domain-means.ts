import type { SurveyDesign } from "./design.ts";
import { replicateCovariance, replicateSums } from "./replicate-sums.ts";
import { numericalRank } from "./replicates.ts";
import { linearisedVariance, stageCovarianceOfTotals } from "./variance.ts";

/**
 * A partition of the respondents into D domains (the levels of a column variable, or one
 * "Total" domain): `index[i]` is row i's domain, −1 for none.
 */
export interface Partition {
  index: Int32Array;
  D: number;
}

/** The means of one variable in the D domains of a partition, with their joint covariance. */
export interface DomainMeans {
  /** Weighted mean per domain (NaN when the domain has no respondent with data). */
  estimate: Float64Array;
  /** Unweighted respondents with data per domain (the base). */
  n: Float64Array;
  /** Unweighted respondents whose value is 1 (for an answer's indicator: who gave the answer). */
  count: Float64Array;
  /** Σ w per domain over the base. */
  sumW: Float64Array;
  /** D × D covariance of the domain means, row-major (NaN rows/columns for empty domains). */
  cov: Float64Array;
}

/**
 * What to average: a variable (NaN = missing), or a categorical variable's codes (0..K − 1,
 * −1 = missing), which stands for the K indicators of its categories over one base.
 */
export type MeanInput = { values: Float64Array } | { codes: Int32Array; K: number };

/** The variables an input stands for: one, or the K indicators of a categorical input. */
function outputs(input: MeanInput): number {
  return "values" in input ? 1 : input.K;
}

/**
 * Weighted means of several variables in the domains of several partitions, each with the full
 * covariance matrix of its domain means (R `svyby(~y, ~g, design, svymean, covmat = TRUE)`):
 * ȳ_d = Σ_{i∈d} w_i y_i / Σ_{i∈d} w_i over rows with weight > 0 and y present (na.rm), with
 * influence values z_{d,i} = w_i (y_i − ȳ_d)/Σ_{i∈d} w_i (0 outside d). Each domain keeps the
 * full design for its variance, as R's svyby. A categorical input gives the means of its K
 * indicators (the shares of its categories, as R's svymean of I(x == k)).
 *
 * - Linearisation without calibration: one pass over the respondents accumulates, for every
 *   input, partition, stage cluster c and domain d, S_w = Σ w and S_wy = Σ w y (for a
 *   categorical input Σ w per category, one update per row); the cluster totals of the
 *   influence values are then t_{c,d} = (S_wy − ȳ_d S_w)/Σ_d w, and the D × D covariance is R's
 *   svyrecvar on those totals ({@link stageCovarianceOfTotals} per stage, so strata, fpc,
 *   multistage and lonely-PSU rules are the ones of {@link linearisedVariance}). Cost
 *   O(n · inputs · partitions + outputs · Σ_partitions Σ_stages clusters · D²): no n-long
 *   influence arrays and no pass per pair of domains.
 * - Calibrated designs: the influence values must be residualised row by row, so they are built
 *   per domain (D arrays of n) and passed to {@link linearisedVariance} together.
 * - Replicate designs: the replicate means of all domains from one {@link replicateSums} sweep
 *   per output, then R's svrVar covariance ({@link replicateCovariance}).
 *
 * @returns result[o][p]: output o (inputs in order, a categorical input's K categories in
 *   order) in partition p
 */
export function domainMeans(
  design: SurveyDesign,
  inputs: MeanInput[],
  partitions: Partition[],
): DomainMeans[][] {
  if (!design.replicate && !design.calibrations.length)
    return linearisedMeans(design, inputs, partitions);
  const ys = inputs.flatMap((inp) =>
    "values" in inp
      ? [inp.values]
      : Array.from({ length: inp.K }, (_, k) =>
          Float64Array.from(inp.codes, (c) => (c < 0 ? Number.NaN : c === k ? 1 : 0)),
        ),
  );
  const one = design.replicate ? replicateMeans : calibratedMeans;
  return ys.map((y) => partitions.map((p) => one(design, y, p)));
}

/** Σ w, Σ w y and counts per domain of one variable in one partition (rows w > 0, y present). */
function sums(design: SurveyDesign, y: Float64Array, p: Partition) {
  const w = design.weights;
  const sw = new Float64Array(p.D);
  const swy = new Float64Array(p.D);
  const cnt = new Float64Array(p.D);
  const ones = new Float64Array(p.D);
  for (let i = 0; i < design.n; i++) {
    const d = p.index[i]!;
    const yi = y[i]!;
    if (d < 0 || w[i] === 0 || Number.isNaN(yi)) continue;
    sw[d]! += w[i]!;
    swy[d]! += w[i]! * yi;
    cnt[d]! += 1;
    if (yi === 1) ones[d]! += 1;
  }
  return { sw, swy, cnt, ones };
}

function emptyCells(est: Float64Array, cov: Float64Array, D: number): void {
  for (let d = 0; d < D; d++) {
    if (!Number.isNaN(est[d]!)) continue;
    for (let e = 0; e < D; e++) {
      cov[d * D + e] = Number.NaN;
      cov[e * D + d] = Number.NaN;
    }
  }
}

function linearisedMeans(
  design: SurveyDesign,
  inputs: MeanInput[],
  partitions: Partition[],
): DomainMeans[][] {
  const n = design.n;
  const w = design.weights;
  const nStages = design.multistage ? design.stages.length : 1;
  const J = inputs.length;
  const Pn = partitions.length;
  const Ks = inputs.map(outputs);
  const Ds = partitions.map((p) => p.D);
  // Per (input j, partition p) = slot j · Pn + p and stage s: Σ w per (cluster, domain) and
  // Σ w y per (cluster, domain, output); counts per domain and per (domain, output).
  const accW: Float64Array[][] = [];
  const accY: Float64Array[][] = [];
  for (let s = 0; s < nStages; s++) {
    const C = design.stages[s]!.nClusters;
    const aw: Float64Array[] = [];
    const ay: Float64Array[] = [];
    for (let j = 0; j < J; j++)
      for (let p = 0; p < Pn; p++) {
        aw.push(new Float64Array(C * Ds[p]!));
        ay.push(new Float64Array(C * Ds[p]! * Ks[j]!));
      }
    accW.push(aw);
    accY.push(ay);
  }
  const cnt: Float64Array[] = [];
  const ones: Float64Array[] = [];
  for (let j = 0; j < J; j++)
    for (let p = 0; p < Pn; p++) {
      cnt.push(new Float64Array(Ds[p]!));
      ones.push(new Float64Array(Ds[p]! * Ks[j]!));
    }
  const clusters = design.stages.slice(0, nStages).map((st) => st.cluster);
  for (let j = 0; j < J; j++) {
    const inp = inputs[j]!;
    const K = Ks[j]!;
    const vals = "values" in inp ? inp.values : null;
    const codes = "codes" in inp ? inp.codes : null;
    for (let p = 0; p < Pn; p++) {
      const idx = partitions[p]!.index;
      const D = Ds[p]!;
      const slot = j * Pn + p;
      const cn = cnt[slot]!;
      const on = ones[slot]!;
      for (let s = 0; s < nStages; s++) {
        const cl = clusters[s]!;
        const aw = accW[s]![slot]!;
        const ay = accY[s]![slot]!;
        const counting = s === 0;
        // One tight loop per (input, partition, stage): two updates per row.
        if (vals) {
          for (let i = 0; i < n; i++) {
            const wi = w[i]!;
            const d = idx[i]!;
            const yi = vals[i]!;
            if (wi === 0 || d < 0 || Number.isNaN(yi)) continue;
            const o = cl[i]! * D + d;
            aw[o]! += wi;
            ay[o]! += wi * yi;
            if (counting) {
              cn[d]! += 1;
              if (yi === 1) on[d]! += 1;
            }
          }
        } else {
          const cd = codes!;
          for (let i = 0; i < n; i++) {
            const wi = w[i]!;
            const d = idx[i]!;
            const k = cd[i]!;
            if (wi === 0 || d < 0 || k < 0) continue;
            const o = cl[i]! * D + d;
            aw[o]! += wi;
            ay[o * K + k]! += wi;
            if (counting) {
              cn[d]! += 1;
              on[d * K + k]! += 1;
            }
          }
        }
      }
    }
  }
  const out: DomainMeans[][] = [];
  for (let j = 0; j < J; j++) {
    const K = Ks[j]!;
    const rows: DomainMeans[][] = Array.from({ length: K }, () => []);
    for (let p = 0; p < Pn; p++) {
      const slot = j * Pn + p;
      const D = Ds[p]!;
      // Domain totals from the first stage's clusters (every row is in one of them); the
      // accumulators are read in order, all K outputs at once.
      const aw0 = accW[0]![slot]!;
      const ay0 = accY[0]![slot]!;
      const C0 = design.stages[0]!.nClusters;
      const sw = new Float64Array(D);
      const swy = new Float64Array(D * K);
      for (let c = 0; c < C0; c++)
        for (let d = 0; d < D; d++) {
          const o = c * D + d;
          sw[d]! += aw0[o]!;
          for (let k = 0; k < K; k++) swy[d * K + k]! += ay0[o * K + k]!;
        }
      const cn = cnt[slot]!;
      const est = Array.from({ length: K }, (_, k) =>
        Float64Array.from({ length: D }, (_, d) =>
          cn[d]! > 0 ? swy[d * K + k]! / sw[d]! : Number.NaN,
        ),
      );
      // est as [d · K + k], in the accumulators' order.
      const estDK = new Float64Array(D * K);
      for (let d = 0; d < D; d++) for (let k = 0; k < K; k++) estDK[d * K + k] = est[k]![d]!;
      const cov = Array.from({ length: K }, () => new Float64Array(D * D));
      for (let s = 0; s < nStages; s++) {
        const aw = accW[s]![slot]!;
        const ay = accY[s]![slot]!;
        const C = design.stages[s]!.nClusters;
        const CD = C * D;
        // Output k's cluster totals at [k · C · D + c · D + d].
        const totals = new Float64Array(K * CD);
        for (let c = 0; c < C; c++)
          for (let d = 0; d < D; d++) {
            const swd = sw[d]!;
            if (!(swd > 0)) continue;
            const o = c * D + d;
            const awo = aw[o]!;
            for (let k = 0; k < K; k++)
              totals[k * CD + o] = (ay[o * K + k]! - estDK[d * K + k]! * awo) / swd;
          }
        for (let k = 0; k < K; k++) {
          const Vs = stageCovarianceOfTotals(design, s, totals.subarray(k * CD, (k + 1) * CD), D);
          const cv = cov[k]!;
          for (let e = 0; e < D * D; e++) cv[e]! += Vs[e]!;
        }
      }
      const on = ones[slot]!;
      for (let k = 0; k < K; k++) {
        emptyCells(est[k]!, cov[k]!, D);
        const count =
          K === 1 && "values" in inputs[j]!
            ? on.slice()
            : Float64Array.from({ length: D }, (_, d) => on[d * K + k]!);
        rows[k]!.push({ estimate: est[k]!, n: cn, count, sumW: sw, cov: cov[k]! });
      }
    }
    out.push(...rows);
  }
  return out;
}

function calibratedMeans(design: SurveyDesign, y: Float64Array, p: Partition): DomainMeans {
  const { sw, swy, cnt, ones } = sums(design, y, p);
  const D = p.D;
  const w = design.weights;
  const est = Float64Array.from(swy, (t, d) => (cnt[d]! > 0 ? t / sw[d]! : Number.NaN));
  const z = Array.from({ length: D }, () => new Float64Array(design.n));
  for (let i = 0; i < design.n; i++) {
    const d = p.index[i]!;
    const yi = y[i]!;
    if (d < 0 || w[i] === 0 || Number.isNaN(yi)) continue;
    z[d]![i] = (w[i]! * (yi - est[d]!)) / sw[d]!;
  }
  const cov = linearisedVariance(design, z);
  emptyCells(est, cov, D);
  return { estimate: est, n: cnt, count: ones, sumW: sw, cov };
}

function replicateMeans(design: SurveyDesign, y: Float64Array, p: Partition): DomainMeans {
  const rep = design.replicate!;
  const { sw, swy, cnt, ones } = sums(design, y, p);
  const D = p.D;
  const w = design.weights;
  const est = Float64Array.from(swy, (t, d) => (cnt[d]! > 0 ? t / sw[d]! : Number.NaN));
  const used = Int32Array.from(p.index, (d, i) =>
    d < 0 || w[i] === 0 || Number.isNaN(y[i]!) ? -1 : d,
  );
  const R = rep.count;
  const S = replicateSums(rep, used, D, [y, null]);
  const thetas = new Float64Array(R * D);
  for (let d = 0; d < D; d++)
    for (let r = 0; r < R; r++)
      thetas[r * D + d] = cnt[d]! > 0 ? S[(d * R + r) * 2]! / S[(d * R + r) * 2 + 1]! : 0;
  const cov = replicateCovariance(
    rep,
    thetas,
    D,
    est.map((e) => (Number.isNaN(e) ? 0 : e)),
  );
  emptyCells(est, cov, D);
  return { estimate: est, n: cnt, count: ones, sumW: sw, cov };
}

/**
 * Degrees of freedom of each domain (R `degf(subset(design, domain))`): distinct first-stage
 * PSUs minus strata among the domain's rows with weight > 0 (and y present, when given: the
 * subset of respondents with data). On replicate designs, R's degf of the subset: the numerical
 * rank of the replicate weight matrix restricted to the domain's rows, minus 1. One pass over the
 * rows (plus, for replicates, Gram–Schmidt on R vectors of the domain's PSUs or rows).
 */
export function domainDf(
  design: SurveyDesign,
  p: Partition,
  y: Float64Array | null = null,
): Float64Array {
  if (design.replicate) return replicateDomainDf(design, p, y);
  const st = design.stages[0]!;
  const seenPsu = new Int32Array(st.nClusters).fill(-1);
  const psuCount = new Float64Array(p.D);
  const strataCount = new Float64Array(p.D);
  // A PSU or stratum can be in several domains: mark per (domain, unit) with sets keyed densely.
  const seenP = new Set<number>();
  const seenS = new Set<number>();
  for (let i = 0; i < design.n; i++) {
    const d = p.index[i]!;
    if (d < 0 || design.weights[i] === 0 || (y && Number.isNaN(y[i]!))) continue;
    const c = st.cluster[i]!;
    if (seenPsu[c] !== d) {
      const key = c * p.D + d;
      if (!seenP.has(key)) {
        seenP.add(key);
        psuCount[d]! += 1;
      }
      seenPsu[c] = d;
    }
    const hk = st.stratum[i]! * p.D + d;
    if (!seenS.has(hk)) {
      seenS.add(hk);
      strataCount[d]! += 1;
    }
  }
  return Float64Array.from(psuCount, (c, d) => c - strataCount[d]!);
}

/**
 * R's degf(subset(repdesign, domain)): rank of the domain rows' replicate analysis weights
 * minus 1, by Gram–Schmidt on the replicate columns with R's relative tolerance 1e-5 (as the
 * design's own df). With the "psu" layout a column's inner products are those of the P-vectors
 * sqrt(Σ_{i∈c ∩ domain} w_i²) · M[c, r].
 */
function replicateDomainDf(
  design: SurveyDesign,
  p: Partition,
  y: Float64Array | null,
): Float64Array {
  const rep = design.replicate!;
  const R = rep.count;
  const layout = rep.layout;
  const inDomain = (i: number, d: number) =>
    p.index[i] === d && design.weights[i] !== 0 && !(y && Number.isNaN(y[i]!));
  const out = new Float64Array(p.D);
  for (let d = 0; d < p.D; d++) {
    let vectors: Float64Array[];
    if (layout.kind === "psu") {
      const { base, psu, nPsu: P, multipliers } = layout;
      const s = new Float64Array(P);
      for (let i = 0; i < design.n; i++) if (inDomain(i, d)) s[psu[i]!]! += base[i]! * base[i]!;
      const used: number[] = [];
      for (let c = 0; c < P; c++) if (s[c]! > 0) used.push(c);
      vectors = Array.from({ length: R }, (_, r) =>
        Float64Array.from(used, (c) => Math.sqrt(s[c]!) * multipliers[c * R + r]!),
      );
    } else {
      const rows: number[] = [];
      for (let i = 0; i < design.n; i++) if (inDomain(i, d)) rows.push(i);
      vectors = Array.from({ length: R }, (_, r) =>
        Float64Array.from(rows, (i) => layout.matrix[i * R + r]!),
      );
    }
    out[d] = numericalRank(vectors) - 1;
  }
  return out;
}
