import type { SurveyDesign } from "./design.ts";
import { replicateCovariance, replicateSums } from "./replicate-sums.ts";
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
  /** Unweighted respondents with data per domain. */
  n: Float64Array;
  /** Σ w per domain over those respondents. */
  sumW: Float64Array;
  /** D × D covariance of the domain means, row-major (NaN rows/columns for empty domains). */
  cov: Float64Array;
}

/**
 * Weighted means of several variables in the domains of several partitions, each with the full
 * covariance matrix of its domain means (R `svyby(~y, ~g, design, svymean, covmat = TRUE)`):
 * ȳ_d = Σ_{i∈d} w_i y_i / Σ_{i∈d} w_i over rows with weight > 0 and y present (na.rm), with
 * influence values z_{d,i} = w_i (y_i − ȳ_d)/Σ_{i∈d} w_i (0 outside d). Each domain keeps the
 * full design for its variance, as R's svyby.
 *
 * - Linearisation without calibration: one pass over the respondents accumulates, for every
 *   variable, partition, stage cluster c and domain d, S_w = Σ w and S_wy = Σ w y; the cluster
 *   totals of the influence values are then t_{c,d} = (S_wy − ȳ_d S_w)/Σ_d w, and the D × D
 *   covariance is R's svyrecvar on those totals ({@link stageCovarianceOfTotals} per stage, so
 *   strata, fpc, multistage and lonely-PSU rules are the ones of {@link linearisedVariance}). Cost
 *   O(n · variables · partitions + variables · Σ_partitions Σ_stages clusters · D²): no n-long
 *   influence arrays and no pass per pair of domains.
 * - Calibrated designs: the influence values must be residualised row by row, so they are built
 *   per domain (D arrays of n) and passed to {@link linearisedVariance} together.
 * - Replicate designs: the replicate means of all domains from one {@link replicateSums} sweep,
 *   then R's svrVar covariance ({@link replicateCovariance}).
 *
 * @param ys variables (NaN = missing: that row is left out of that variable's means)
 * @returns result[v][p]: variable v in partition p
 */
export function domainMeans(
  design: SurveyDesign,
  ys: Float64Array[],
  partitions: Partition[],
): DomainMeans[][] {
  if (design.replicate) return ys.map((y) => partitions.map((p) => replicateMeans(design, y, p)));
  if (design.calibrations.length)
    return ys.map((y) => partitions.map((p) => calibratedMeans(design, y, p)));
  return linearisedMeans(design, ys, partitions);
}

/** Σ w, Σ w y and counts per domain of one variable in one partition (rows w > 0, y present). */
function sums(design: SurveyDesign, y: Float64Array, p: Partition) {
  const w = design.weights;
  const sw = new Float64Array(p.D);
  const swy = new Float64Array(p.D);
  const cnt = new Float64Array(p.D);
  for (let i = 0; i < design.n; i++) {
    const d = p.index[i]!;
    const yi = y[i]!;
    if (d < 0 || w[i] === 0 || Number.isNaN(yi)) continue;
    sw[d]! += w[i]!;
    swy[d]! += w[i]! * yi;
    cnt[d]! += 1;
  }
  return { sw, swy, cnt };
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
  ys: Float64Array[],
  partitions: Partition[],
): DomainMeans[][] {
  const n = design.n;
  const w = design.weights;
  const nStages = design.multistage ? design.stages.length : 1;
  const V = ys.length;
  const Pn = partitions.length;
  // acc[s][v * Pn + p]: interleaved (S_w, S_wy) per (cluster, domain): index (c · D + d) · 2.
  const acc: Float64Array[][] = [];
  for (let s = 0; s < nStages; s++) {
    const C = design.stages[s]!.nClusters;
    const row: Float64Array[] = [];
    for (let v = 0; v < V; v++)
      for (let p = 0; p < Pn; p++) row.push(new Float64Array(C * partitions[p]!.D * 2));
    acc.push(row);
  }
  const cnt = Array.from({ length: V * Pn }, (_, k) => new Float64Array(partitions[k % Pn]!.D));
  const clusters = design.stages.slice(0, nStages).map((st) => st.cluster);
  const idx = partitions.map((p) => p.index);
  const Ds = partitions.map((p) => p.D);
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    for (let v = 0; v < V; v++) {
      const yi = ys[v]![i]!;
      if (Number.isNaN(yi)) continue;
      const wy = wi * yi;
      for (let p = 0; p < Pn; p++) {
        const d = idx[p]![i]!;
        if (d < 0) continue;
        const k = v * Pn + p;
        cnt[k]![d]! += 1;
        const D = Ds[p]!;
        for (let s = 0; s < nStages; s++) {
          const a = acc[s]![k]!;
          const o = (clusters[s]![i]! * D + d) * 2;
          a[o]! += wi;
          a[o + 1]! += wy;
        }
      }
    }
  }
  const out: DomainMeans[][] = [];
  for (let v = 0; v < V; v++) {
    const row: DomainMeans[] = [];
    for (let p = 0; p < Pn; p++) {
      const k = v * Pn + p;
      const D = Ds[p]!;
      // Domain totals from the first stage's clusters (every row is in one of them).
      const a0 = acc[0]![k]!;
      const C0 = design.stages[0]!.nClusters;
      const sw = new Float64Array(D);
      const swy = new Float64Array(D);
      for (let c = 0; c < C0; c++)
        for (let d = 0; d < D; d++) {
          sw[d]! += a0[(c * D + d) * 2]!;
          swy[d]! += a0[(c * D + d) * 2 + 1]!;
        }
      const est = Float64Array.from(swy, (t, d) => (cnt[k]![d]! > 0 ? t / sw[d]! : Number.NaN));
      const cov = new Float64Array(D * D);
      for (let s = 0; s < nStages; s++) {
        const a = acc[s]![k]!;
        const C = design.stages[s]!.nClusters;
        const totals = new Float64Array(C * D);
        for (let c = 0; c < C; c++)
          for (let d = 0; d < D; d++) {
            if (!(sw[d]! > 0)) continue;
            const o = (c * D + d) * 2;
            totals[c * D + d] = (a[o + 1]! - est[d]! * a[o]!) / sw[d]!;
          }
        const Vs = stageCovarianceOfTotals(design, s, totals, D);
        for (let j = 0; j < D * D; j++) cov[j]! += Vs[j]!;
      }
      emptyCells(est, cov, D);
      row.push({ estimate: est, n: cnt[k]!, sumW: sw, cov });
    }
    out.push(row);
  }
  return out;
}

function calibratedMeans(design: SurveyDesign, y: Float64Array, p: Partition): DomainMeans {
  const { sw, swy, cnt } = sums(design, y, p);
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
  return { estimate: est, n: cnt, sumW: sw, cov };
}

function replicateMeans(design: SurveyDesign, y: Float64Array, p: Partition): DomainMeans {
  const rep = design.replicate!;
  const { sw, swy, cnt } = sums(design, y, p);
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
  return { estimate: est, n: cnt, sumW: sw, cov };
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
    out[d] = rank(vectors) - 1;
  }
  return out;
}

/** Numerical rank of the columns by Gram–Schmidt, a column kept when its residual norm exceeds 1e-5 of its norm. */
function rank(vectors: Float64Array[]): number {
  const basis: Float64Array[] = [];
  for (const w of vectors) {
    const v = w.slice();
    const m = v.length;
    for (const b of basis) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += v[i]! * b[i]!;
      for (let i = 0; i < m; i++) v[i]! -= dot * b[i]!;
    }
    let n0 = 0;
    let n1 = 0;
    for (let i = 0; i < m; i++) {
      n0 += w[i]! * w[i]!;
      n1 += v[i]! * v[i]!;
    }
    const norm = Math.sqrt(n1);
    if (norm > 1e-5 * Math.sqrt(n0)) basis.push(v.map((x) => x / norm));
  }
  return basis.length;
}
