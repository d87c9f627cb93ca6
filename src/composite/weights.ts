import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { correlation } from "../stats/correlation.ts";
import { mean, sd } from "../stats/moments.ts";
import { type NelderMeadResult, nelderMead } from "../stats/nelder-mead.ts";
import type { AggregateMethod } from "./aggregate.ts";
import { createReweighter } from "./reweight.ts";
import type { Dataset, Framework, Weights } from "./types.ts";

/**
 * Effective weights (COINr `get_eff_weights`): each weight is first divided by the sum of its
 * siblings' weights, then multiplied by its parent's effective weight, top down; so at every
 * level the effective weights sum to 1 and an indicator's is the product along its lineage.
 *
 * @example effectiveWeights(fw).LPI // 1/8 · 1/5 · 1/2 for ASEM
 */
export function effectiveWeights(fw: Framework, weights: Weights = {}): Weights {
  const w = (c: string) => weights[c] ?? fw.weight.get(c) ?? 1;
  const out: Weights = { [fw.top]: 1 };
  for (const level of [...fw.aggregateLevels].reverse()) {
    for (const agg of level) {
      const kids = fw.children.get(agg)!;
      const sum = kids.reduce((s, k) => s + w(k), 0);
      for (const k of kids) out[k] = (w(k) / sum) * out[agg]!;
    }
  }
  return out;
}

/** PCA of one group of codes: loadings of the first component and variance explained. */
export interface PcaGroup {
  parent: string | null;
  codes: string[];
  /** First-component loadings (unit length), used as weights. */
  weights: number[];
  /** Eigenvalues of the correlation matrix, largest first. */
  eigenvalues: number[];
  /** Share of variance explained by each component. */
  varianceExplained: number[];
  /** Units used (rows with any missing value are dropped, as R's na.omit). */
  nUnits: number;
}

/**
 * PCA weights (COINr `get_PCA`): for the codes at `level`, by parent group (or all together),
 * rows with any missing value are dropped, the columns standardised (sd with n − 1) and the
 * first principal component of their correlation matrix taken; its loadings (unit length, not
 * squared or rescaled) become the weights. R's SVD leaves the sign arbitrary; here it is chosen
 * so that the loadings sum to a positive number.
 */
export function pcaWeights(
  ds: Dataset,
  fw: Framework,
  level: number,
  byGroups = true,
): { weights: Weights; groups: PcaGroup[] } {
  const codes = (level === 1 ? fw.indicators : (fw.aggregateLevels[level - 2] ?? [])).filter((c) =>
    ds.codes.includes(c),
  );
  if (codes.length === 0) throw new Error(`pcaWeights: no codes at level ${level} in the data set`);
  const groups = new Map<string | null, string[]>();
  for (const c of codes) {
    const key = byGroups ? (fw.parent.get(c) ?? null) : null;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const weights: Weights = {};
  const out: PcaGroup[] = [];
  for (const [parent, group] of groups) {
    const cols = group.map((c) => ds.values[ds.codes.indexOf(c)]!);
    const rows: number[] = [];
    for (let i = 0; i < ds.units.length; i++)
      if (cols.every((c) => !Number.isNaN(c[i]!))) rows.push(i);
    const k = group.length;
    const z = cols.map((c) => {
      const v = Float64Array.from(rows, (r) => c[r]!);
      const m = mean(v);
      const s = sd(v);
      return v.map((x) => (x - m) / s);
    });
    const R = new Matrix(k, k);
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        let s = 0;
        for (let r = 0; r < rows.length; r++) s += z[a]![r]! * z[b]![r]!;
        const v = s / (rows.length - 1);
        R.set(a, b, v);
        R.set(b, a, v);
      }
    }
    const evd = new EigenvalueDecomposition(R, { assumeSymmetric: true });
    const vals = evd.realEigenvalues;
    const order = vals.map((_, i) => i).sort((a, b) => vals[b]! - vals[a]!);
    const vec = evd.eigenvectorMatrix.getColumn(order[0]!);
    const sign = vec.reduce((s, v) => s + v, 0) < 0 ? -1 : 1;
    const load = vec.map((v) => v * sign);
    group.forEach((c, i) => {
      weights[c] = load[i]!;
    });
    const eig = order.map((i) => vals[i]!);
    const total = eig.reduce((s, v) => s + v, 0);
    out.push({
      parent,
      codes: group,
      weights: load,
      eigenvalues: eig,
      varianceExplained: eig.map((v) => v / total),
      nUnits: rows.length,
    });
  }
  return { weights, groups: out };
}

export interface OptimiseOptions {
  /** Target relative importance of each code at the level (default equal); ignored by infomax. */
  itarg?: number[];
  /** "balance" (match itarg) or "infomax" (maximise the sum of correlations). Default balance. */
  optype?: "balance" | "infomax";
  method?: "pearson" | "spearman" | "kendall";
  /** Nelder–Mead relative tolerance (COINr default 0.1) and evaluation limit (500). */
  toler?: number;
  maxiter?: number;
  aggregation?: AggregateMethod | AggregateMethod[];
  weights?: Weights;
}

/**
 * Weights optimised toward a target influence of each child (COINr `get_opt_weights`): for the
 * codes at `level`, candidate weights w (normalised to sum 1) are aggregated with the reweight
 * fast path, r_i = corr(code_i, index) (pairwise complete, no significance filter), and
 * "balance" minimises ln(Σ (t_i − r_i/Σr)² / N) with t the normalised targets, "infomax"
 * minimises −Σ r_i; by R's Nelder–Mead (`optim` defaults of COINr: reltol 0.1, maxit 500),
 * starting from t (balance) or the current weights (infomax).
 */
export function optimiseWeights(
  normalised: Dataset,
  fw: Framework,
  level: number,
  opts: OptimiseOptions = {},
): { weights: Weights; correlations: number[]; target: number[]; optim: NelderMeadResult } {
  const codes = level === 1 ? fw.indicators : (fw.aggregateLevels[level - 2] ?? []);
  if (codes.length < 2 || level >= fw.maxLevel) {
    throw new Error(
      `optimiseWeights: level ${level} must be below the top and have at least 2 codes`,
    );
  }
  const rw = createReweighter(normalised, fw, { method: opts.aggregation, weights: opts.weights });
  const pos = codes.map((c) => rw.codes.indexOf(c));
  const N = codes.length;
  const t0 = opts.itarg ?? new Array<number>(N).fill(1);
  if (t0.length !== N)
    throw new Error(
      `optimiseWeights: itarg needs ${N} values (one per code at level ${level}), got ${t0.length}`,
    );
  const tsum = t0.reduce((a, b) => a + b, 0);
  const target = t0.map((v) => v / tsum);
  const method = opts.method ?? "pearson";
  const aggIndex = new Map(rw.aggregates.map((a, i) => [a, i]));
  const levelCol = (c: string, scores: Float64Array[]) =>
    level === 1 ? normalised.values[normalised.codes.indexOf(c)]! : scores[aggIndex.get(c)!]!;
  let last: number[] = [];
  const corrFor = (w: Float64Array) => {
    const sum = w.reduce((a, b) => a + b, 0);
    const all = rw.nominal.slice();
    pos.forEach((p, i) => {
      all[p] = w[i]! / sum;
    });
    const { scores } = rw.run(all);
    const index = scores[scores.length - 1]!;
    return codes.map((c) => correlation(levelCol(c, scores), index, method));
  };
  const optype = opts.optype ?? "balance";
  const objective = (w: Float64Array) => {
    const r = corrFor(w);
    if (optype === "infomax") {
      last = r;
      return -r.reduce((a, b) => a + b, 0);
    }
    const rs = r.reduce((a, b) => a + b, 0);
    const rn = r.map((v) => v / rs);
    last = rn;
    return Math.log(rn.reduce((s, v, i) => s + (target[i]! - v) ** 2, 0) / N);
  };
  const init =
    optype === "infomax"
      ? Float64Array.from(pos, (p) => rw.nominal[p]!)
      : Float64Array.from(target);
  const optim = nelderMead(objective, init, {
    reltol: opts.toler ?? 0.1,
    maxit: opts.maxiter ?? 500,
  });
  const psum = optim.par.reduce((a, b) => a + b, 0);
  const weights: Weights = {};
  codes.forEach((c, i) => {
    weights[c] = optim.par[i]! / psum;
  });
  return { weights, correlations: last, target, optim };
}
