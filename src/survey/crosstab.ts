import { InputError } from "../core/errors.ts";
import { pchisqUpper, pfUpper, qt } from "../stats/distributions.ts";
import type { SurveyDesign } from "./design.ts";
import type { Domain } from "./estimators.ts";
import { factor } from "./frame.ts";
import { replicateCovariance, replicateSums } from "./replicate-sums.ts";
import { replicateDfIn } from "./replicates.ts";
import { linearisedVariance, stageCovarianceOfTotals } from "./variance.ts";

/** The tests of independence R's `svychisq` offers (besides its saddlepoint/lincom ones). */
export type ChisqStatistic = "F" | "Chisq" | "Wald" | "adjWald";
export const CHISQ_STATISTICS: readonly ChisqStatistic[] = ["F", "Chisq", "Wald", "adjWald"];

/** One cell of a weighted two-way table. */
export interface CrosstabCell {
  row: string;
  col: string;
  /** Weighted count (R `svytable`). */
  count: number;
  /** Share of the table's weighted total (R `prop.table(svytable(...))`). */
  prop: number;
  /** Share of its column's weighted total: the row level's mean within the column domain. */
  colProp: number;
  /** Design-based SE of colProp (R `svyby(~row, ~col, design, svymean)`). */
  colPropSe: number;
  /** Wald interval colProp ± q · SE, q the t quantile on `df` (default normal, as R's confint). */
  ciLow: number;
  ciHigh: number;
  /** Unweighted respondents in the cell. */
  n: number;
}

/** The cell's fields as table columns (row, col, count, prop, col_prop, col_prop_se, ci_low, ci_high, n). */
export const CROSSTAB_CELL_COLUMNS = [
  "row",
  "col",
  "count",
  "prop",
  "col_prop",
  "col_prop_se",
  "ci_low",
  "ci_high",
  "n",
] as const;

/** A cell's values in the order of CROSSTAB_CELL_COLUMNS. */
export const crosstabCellValues = (c: CrosstabCell): (string | number)[] => [
  c.row,
  c.col,
  c.count,
  c.prop,
  c.colProp,
  c.colPropSe,
  c.ciLow,
  c.ciHigh,
  c.n,
];

/** A weighted table: the row and column levels present and the cells, rows varying fastest. */
export interface Crosstab {
  rowLevels: string[];
  colLevels: string[];
  cells: CrosstabCell[];
}

export interface CrosstabOptions {
  /** Rows in the domain (1) or not (0), as R's subset(); null = every row. */
  domain?: Domain;
  /** Confidence level of the column-% intervals; default 0.95. */
  level?: number;
  /** Degrees of freedom of the interval's t quantile; default Infinity (normal, R's confint). */
  df?: number;
}

/** R's `parameter` of the test: `df` for the chi-square, `ndf`/`ddf` for the F versions. */
export type ChisqResult =
  | { statistic: number; p_value: number; df: number }
  | { statistic: number; p_value: number; ndf: number; ddf: number };

/** The cells of a two-way table: codes, levels and the sums every statistic uses. */
interface CellLayout {
  rowLevels: string[];
  colLevels: string[];
  nr: number;
  nc: number;
  K: number;
  /** Cell r + nr · c of each row used (−1: not used). */
  cell: Int32Array;
  /** Full-sample weighted count of each cell. */
  T: Float64Array;
  /** Unweighted count of each cell. */
  count: Float64Array;
  /** R's N = nrow(design): rows of the (subset) design, missing values included. */
  N: number;
  /** R's nu: first-stage PSUs − strata of the (subset) design, or the replicate df. */
  nu: number;
}

/**
 * Codes the cells of rowVar × colVar, as R's svychisq sees the design. The rows of R's design
 * are the domain's (R's subset() drops the others) or, for a calibrated Taylor design, all rows
 * (R keeps them with weight 0). The levels are the values present among those rows (R: unique()), in
 * factor order; a row is used when it has weight > 0, is in the domain and has both values
 * (na.rm = TRUE). R's N counts the design's rows (missing values included), and nu = distinct
 * first-stage PSUs − distinct strata among them (Taylor) or the replicate df (R `degf`; in a
 * domain, the rank of the domain rows' replicate weights − 1, as R recomputes it on a subset).
 *
 * @throws InputError for an unknown variable, a variable with fewer than two levels, a domain
 *   without respondents
 */
function cellLayout(
  design: SurveyDesign,
  rowVar: string,
  colVar: string,
  domain: Domain,
): CellLayout {
  if (rowVar === colVar)
    throw new InputError(
      `crosstab: rows and columns are the same variable ${rowVar}; give two different variables`,
    );
  const rf = factor(design.frame, rowVar);
  const cf = factor(design.frame, colVar);
  const n = design.n;
  const w = design.weights;
  // R's subset() keeps every row of a calibrated Taylor design (weight 0 outside) and drops
  // the others' rows (always, for replicate designs).
  const keepAll = domain !== null && !design.replicate && design.calibrations.length > 0;
  const inDesign = (i: number) => (domain === null || keepAll ? true : domain[i] === 1);
  const rowSeen = new Uint8Array(rf.levels.length);
  const colSeen = new Uint8Array(cf.levels.length);
  let N = 0;
  for (let i = 0; i < n; i++) {
    if (!inDesign(i)) continue;
    N++;
    const r = rf.codes[i]!;
    const c = cf.codes[i]!;
    if (r >= 0) rowSeen[r] = 1;
    if (c >= 0) colSeen[c] = 1;
  }
  const where = domain ? " in the domain" : "";
  if (N === 0)
    throw new InputError(
      `crosstab of ${rowVar} by ${colVar}: the domain has no respondents; nothing to tabulate`,
    );
  const remap = (seen: Uint8Array, levels: string[], name: string) => {
    const map = new Int32Array(seen.length).fill(-1);
    const kept: string[] = [];
    seen.forEach((s, l) => {
      if (s) {
        map[l] = kept.length;
        kept.push(levels[l]!);
      }
    });
    if (kept.length < 2)
      throw new InputError(
        `variable ${name}: ${kept.length ? `a single level ("${kept[0]}")` : "no values"}${where}; a crosstab needs at least two levels`,
      );
    return { map, kept };
  };
  const rm = remap(rowSeen, rf.levels, rowVar);
  const cm = remap(colSeen, cf.levels, colVar);
  const nr = rm.kept.length;
  const nc = cm.kept.length;
  const K = nr * nc;
  const cell = new Int32Array(n).fill(-1);
  const T = new Float64Array(K);
  const count = new Float64Array(K);
  let used = 0;
  for (let i = 0; i < n; i++) {
    if (w[i] === 0 || (domain && !domain[i])) continue;
    const r = rf.codes[i]!;
    const c = cf.codes[i]!;
    if (r < 0 || c < 0) continue;
    const k = rm.map[r]! + nr * cm.map[c]!;
    cell[i] = k;
    T[k]! += w[i]!;
    count[k]! += 1;
    used++;
  }
  if (used === 0)
    throw new InputError(
      `crosstab of ${rowVar} by ${colVar}: no respondent${where} has both values and a weight > 0`,
    );
  let nu: number;
  if (design.replicate) nu = domain ? replicateDfIn(design.replicate, domain) : design.replicate.df;
  else {
    const s = design.stages[0]!;
    const psu = new Uint8Array(s.nClusters);
    const str = new Uint8Array(s.nStrata);
    let np = 0;
    let ns = 0;
    for (let i = 0; i < n; i++) {
      if (!inDesign(i)) continue;
      const c = s.cluster[i]!;
      const h = s.stratum[i]!;
      if (!psu[c]) {
        psu[c] = 1;
        np++;
      }
      if (!str[h]) {
        str[h] = 1;
        ns++;
      }
    }
    nu = np - ns;
  }
  return { rowLevels: rm.kept, colLevels: cm.kept, nr, nc, K, cell, T, count, N, nu };
}

/**
 * Taylor-linearisation covariance (k × k) of k estimators whose influence value for row i is
 * w_i · L[o, cell_i] (L: k × K, row-major; 0 for rows not used), as {@link linearisedVariance}.
 * Without calibration, one pass per stage builds the cluster totals of the cell weights
 * A[c, j] = Σ_{i ∈ c, cell j} w_i, and the estimators' cluster totals are A Lᵀ: cost
 * O(n + P · K · k + P · k²). A calibrated design needs the n-long influence values (to take
 * their residuals): O(n · k) memory.
 */
function linearCovariance(
  design: SurveyDesign,
  lay: CellLayout,
  L: Float64Array,
  k: number,
): Float64Array {
  const { cell, K } = lay;
  const w = design.weights;
  const n = design.n;
  if (design.calibrations.length) {
    const z = Array.from({ length: k }, (_, o) => {
      const zo = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const j = cell[i]!;
        if (j >= 0) zo[i] = w[i]! * L[o * K + j]!;
      }
      return zo;
    });
    return linearisedVariance(design, z);
  }
  const V = new Float64Array(k * k);
  const nStages = design.multistage ? design.stages.length : 1;
  for (let s = 0; s < nStages; s++) {
    const st = design.stages[s]!;
    const P = st.nClusters;
    const A = new Float64Array(P * K);
    const cl = st.cluster;
    for (let i = 0; i < n; i++) {
      const j = cell[i]!;
      if (j >= 0) A[cl[i]! * K + j]! += w[i]!;
    }
    const tot = new Float64Array(P * k);
    for (let c = 0; c < P; c++) {
      const a = c * K;
      for (let o = 0; o < k; o++) {
        let sum = 0;
        const l = o * K;
        for (let j = 0; j < K; j++) sum += L[l + j]! * A[a + j]!;
        tot[c * k + o] = sum;
      }
    }
    const Vs = stageCovarianceOfTotals(design, s, tot, k);
    for (let i = 0; i < k * k; i++) V[i]! += Vs[i]!;
  }
  return V;
}

/**
 * Replicate-weight covariance (R `svrVar`) of k estimators θ(t) of the cell totals t: the
 * replicate cell totals from one {@link replicateSums} sweep, θ of each, centred on their mean
 * (or on `full` with mse).
 */
function replicateCellCovariance(
  design: SurveyDesign,
  lay: CellLayout,
  theta: (t: Float64Array) => Float64Array,
  full: Float64Array,
): Float64Array {
  const rep = design.replicate!;
  const R = rep.count;
  const K = lay.K;
  const S = replicateSums(rep, lay.cell, K, [null]);
  const k = full.length;
  const thetas = new Float64Array(R * k);
  const t = new Float64Array(K);
  for (let r = 0; r < R; r++) {
    for (let j = 0; j < K; j++) t[j] = S[j * R + r]!;
    thetas.set(theta(t), r * k);
  }
  return replicateCovariance(rep, thetas, k, full);
}

/** Covariance of the cell proportions p = t / Σ t (R `svymean` of the cell indicators). */
function cellPropCovariance(design: SurveyDesign, lay: CellLayout, p: Float64Array): Float64Array {
  const K = lay.K;
  if (design.replicate) {
    return replicateCellCovariance(
      design,
      lay,
      (t) => {
        let s = 0;
        for (let j = 0; j < K; j++) s += t[j]!;
        return t.map((x) => x / s);
      },
      p,
    );
  }
  let total = 0;
  for (let j = 0; j < K; j++) total += lay.T[j]!;
  const L = new Float64Array(K * K);
  for (let o = 0; o < K; o++)
    for (let j = 0; j < K; j++) L[o * K + j] = ((o === j ? 1 : 0) - p[o]!) / total;
  return linearCovariance(design, lay, L, K);
}

/**
 * A weighted two-way table (R `svytable(~row + col, design)`) with each cell's share of the total
 * and of its column, the column share's design-based SE and Wald interval (R
 * `svyby(~row, ~col, design, svymean)` and `confint`): within column c, p_{r|c} = t_rc / t_.c,
 * influence w_i 1[col_i = c] (1[row_i = r] − p_{r|c}) / t_.c, or the replicates' ratios.
 * Missing values: rows lacking either variable are left out (na.rm). Cost O(n + P · K²) for K
 * cells and P PSUs (replicates: O(n + P · R · K)).
 *
 * @throws InputError naming the variable for an unknown variable, one with a single level, or
 *   a domain without respondents
 * @example svyTable(dclus1, "sch.wide", "stype").cells[0] // { row: "No", col: "E", count: 406.16, colProp: 0.0833, colPropSe: 0.0210, ... }
 */
export function svyTable(
  design: SurveyDesign,
  rowVar: string,
  colVar: string,
  opts: CrosstabOptions = {},
): Crosstab {
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new InputError(`level must be in (0, 1), got ${opts.level}`);
  const lay = cellLayout(design, rowVar, colVar, opts.domain ?? null);
  const { nr, nc, K, T } = lay;
  const colTot = new Float64Array(nc);
  let total = 0;
  for (let j = 0; j < K; j++) {
    colTot[Math.floor(j / nr)]! += T[j]!;
    total += T[j]!;
  }
  const colProp = Float64Array.from(T, (t, j) => t / colTot[Math.floor(j / nr)]!);
  let V: Float64Array;
  if (design.replicate) {
    V = replicateCellCovariance(
      design,
      lay,
      (t) => {
        const ct = new Float64Array(nc);
        for (let j = 0; j < K; j++) ct[Math.floor(j / nr)]! += t[j]!;
        return t.map((x, j) => x / ct[Math.floor(j / nr)]!);
      },
      colProp,
    );
  } else {
    const L = new Float64Array(K * K);
    for (let o = 0; o < K; o++) {
      const c = Math.floor(o / nr);
      for (let r = 0; r < nr; r++) {
        const j = r + nr * c;
        L[o * K + j] = ((j === o ? 1 : 0) - colProp[o]!) / colTot[c]!;
      }
    }
    V = linearCovariance(design, lay, L, K);
  }
  const q = qt(1 - (1 - level) / 2, opts.df ?? Number.POSITIVE_INFINITY);
  const cells: CrosstabCell[] = [];
  for (let j = 0; j < K; j++) {
    const se = Math.sqrt(V[j * K + j]!);
    const p = colProp[j]!;
    cells.push({
      row: lay.rowLevels[j % nr]!,
      col: lay.colLevels[Math.floor(j / nr)]!,
      count: T[j]!,
      prop: T[j]! / total,
      colProp: p,
      colPropSe: se,
      ciLow: p - q * se,
      ciHigh: p + q * se,
      n: lay.count[j]!,
    });
  }
  return { rowLevels: lay.rowLevels, colLevels: lay.colLevels, cells };
}

/**
 * Design-based tests of independence of rowVar and colVar (R `svychisq`, survey 4.1), on the
 * nr × nc table of the levels present, p̂ the cell proportions with design covariance V̂, N the
 * design's rows, ν = PSUs − strata (replicate designs: the replicate df):
 * - Pearson X² = Σ (O − E)²/E on the weighted table scaled to total N;
 * - design effects Δ = (Cᵀ D⁻¹ C / N)⁻¹ (Cᵀ D⁻¹ V̂ D⁻¹ C), C the (nr − 1)(nc − 1) interaction
 *   columns with the row and column effects projected out (double-centred), D = diag(p̂);
 * - "F" (Rao–Scott second order, R's default): F = X² / tr Δ on d = (tr Δ)²/tr Δ² and d ν degrees
 *   of freedom (Satterthwaite); returns {statistic, p_value, ndf, ddf};
 * - "Chisq" (first order): statistic X², p = P(χ²_q > X² / mean eig Δ), q = (nr − 1)(nc − 1);
 *   returns {statistic, p_value, df};
 * - "Wald" (Koch et al.): Y_rc = t_rc − t_r. t_.c / t, for r, c ≥ 2, with its linearised (or
 *   replicate) covariance V_Y; W = Yᵀ V_Y⁻¹ Y; F = W / q on q and ν df;
 * - "adjWald" (Fellegi): F = W (ν − q + 1)/(q ν) on q and ν − q + 1 df.
 * Cost O(n + P · K²) plus O(K³) for K cells.
 *
 * @throws InputError naming the variable (unknown, a single level, an empty domain), or for a
 *   singular covariance of the Wald contrasts
 * @example svyChisq(dclus1, "sch.wide", "stype") // { statistic: 5.193, p_value: 0.0217, ndf: 1.495, ddf: 20.92 }
 */
export function svyChisq(
  design: SurveyDesign,
  rowVar: string,
  colVar: string,
  statistic: ChisqStatistic = "F",
  opts: { domain?: Domain } = {},
): ChisqResult {
  if (!CHISQ_STATISTICS.includes(statistic))
    throw new InputError(
      `test statistic must be one of ${CHISQ_STATISTICS.join(", ")}, got "${statistic}"`,
    );
  const lay = cellLayout(design, rowVar, colVar, opts.domain ?? null);
  const { nr, nc, K, T, N, nu } = lay;
  const q = (nr - 1) * (nc - 1);
  let total = 0;
  const rowTot = new Float64Array(nr);
  const colTot = new Float64Array(nc);
  for (let j = 0; j < K; j++) {
    total += T[j]!;
    rowTot[j % nr]! += T[j]!;
    colTot[Math.floor(j / nr)]! += T[j]!;
  }
  if (statistic === "Wald" || statistic === "adjWald") {
    const use: number[] = [];
    for (let c = 1; c < nc; c++) for (let r = 1; r < nr; r++) use.push(r + nr * c);
    /** The linear map (q × K) of the contrasts' influence: ∂Y_rc/∂t at the full sample. */
    const J = new Float64Array(q * K);
    use.forEach((o, a) => {
      const r0 = o % nr;
      const c0 = Math.floor(o / nr);
      for (let j = 0; j < K; j++) {
        const r = j % nr;
        const c = Math.floor(j / nr);
        J[a * K + j] =
          (j === o ? 1 : 0) -
          (r === r0 ? colTot[c0]! / total : 0) -
          (c === c0 ? rowTot[r0]! / total : 0) +
          (rowTot[r0]! * colTot[c0]!) / (total * total);
      }
    });
    const Y = Float64Array.from(
      use,
      (o) => T[o]! - (rowTot[o % nr]! * colTot[Math.floor(o / nr)]!) / total,
    );
    const applyJ = (t: Float64Array) => {
      const out = new Float64Array(q);
      for (let a = 0; a < q; a++) {
        let s = 0;
        for (let j = 0; j < K; j++) s += J[a * K + j]! * t[j]!;
        out[a] = s;
      }
      return out;
    };
    const VY = design.replicate
      ? replicateCellCovariance(design, lay, applyJ, applyJ(T))
      : linearCovariance(design, lay, J, q);
    const x = choleskySolve(VY, Y, q, 1, "the covariance of the Wald contrasts");
    let W = 0;
    for (let a = 0; a < q; a++) W += Y[a]! * x[a]!;
    if (statistic === "Wald") {
      const F = W / q;
      return { statistic: F, p_value: pfUpper(F, q, nu), ndf: q, ddf: nu };
    }
    const ddf = nu - q + 1;
    const F = (W * ddf) / (q * nu);
    return { statistic: F, p_value: pfUpper(F, q, ddf), ndf: q, ddf };
  }
  // Pearson's X² on the table scaled to N (R: chisq.test(svytable(..., Ntotal = N))).
  let X2 = 0;
  for (let j = 0; j < K; j++) {
    const O = (T[j]! * N) / total;
    const E = (rowTot[j % nr]! * colTot[Math.floor(j / nr)]! * N) / (total * total);
    X2 += ((O - E) * (O - E)) / E;
  }
  const p = Float64Array.from(T, (t) => t / total);
  const V = cellPropCovariance(design, lay, p);
  // C: the interaction dummies of cells (r, c), r, c >= 2, double-centred (R: qr.resid on the
  // additive model's columns). C_ja = (δ_{r_j r} − 1/nr)(δ_{c_j c} − 1/nc).
  const C = new Float64Array(K * q);
  let a = 0;
  for (let c = 1; c < nc; c++)
    for (let r = 1; r < nr; r++, a++)
      for (let j = 0; j < K; j++)
        C[j * q + a] =
          ((j % nr === r ? 1 : 0) - 1 / nr) * ((Math.floor(j / nr) === c ? 1 : 0) - 1 / nc);
  const iD = Float64Array.from(p, (x) => (x === 0 ? 0 : 1 / x));
  // B = D⁻¹ C (K × q); denom = Cᵀ B / N; numr = Bᵀ V B.
  const B = Float64Array.from(C, (v, idx) => v * iD[Math.floor(idx / q)]!);
  const denom = new Float64Array(q * q);
  for (let s = 0; s < q; s++)
    for (let t = 0; t < q; t++) {
      let sum = 0;
      for (let j = 0; j < K; j++) sum += C[j * q + s]! * B[j * q + t]!;
      denom[s * q + t] = sum / N;
    }
  const VB = new Float64Array(K * q);
  for (let i = 0; i < K; i++)
    for (let t = 0; t < q; t++) {
      let sum = 0;
      for (let j = 0; j < K; j++) sum += V[i * K + j]! * B[j * q + t]!;
      VB[i * q + t] = sum;
    }
  const numr = new Float64Array(q * q);
  for (let s = 0; s < q; s++)
    for (let t = 0; t < q; t++) {
      let sum = 0;
      for (let i = 0; i < K; i++) sum += B[i * q + s]! * VB[i * q + t]!;
      numr[s * q + t] = sum;
    }
  const Delta = choleskySolve(denom, numr, q, q, "the Rao–Scott denominator");
  let tr = 0;
  let tr2 = 0;
  for (let s = 0; s < q; s++) {
    tr += Delta[s * q + s]!;
    for (let t = 0; t < q; t++) tr2 += Delta[s * q + t]! * Delta[t * q + s]!;
  }
  if (statistic === "F") {
    const d0 = (tr * tr) / tr2;
    const F = X2 / tr;
    return { statistic: F, p_value: pfUpper(F, d0, d0 * nu), ndf: d0, ddf: d0 * nu };
  }
  return { statistic: X2, p_value: pchisqUpper(X2 / (tr / q), q), df: q };
}

/**
 * Solves A X = B for a symmetric positive definite A (p × p) and m right-hand sides (B: p × m,
 * row-major) by Cholesky; a pivot below 1e-13 of the largest diagonal is singular (R's solve()
 * fails there too).
 */
function choleskySolve(
  A: Float64Array,
  B: Float64Array,
  p: number,
  m: number,
  what: string,
): Float64Array {
  const Lc = new Float64Array(p * p);
  let maxDiag = 0;
  for (let i = 0; i < p; i++) maxDiag = Math.max(maxDiag, Math.abs(A[i * p + i]!));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (A[i * p + j]! + A[j * p + i]!) / 2;
      for (let k = 0; k < j; k++) s -= Lc[i * p + k]! * Lc[j * p + k]!;
      if (i === j) {
        if (!(s > 1e-13 * maxDiag))
          throw new InputError(
            `crosstab: ${what} is singular (an empty row, column or cell, or too few PSUs); the test is undefined`,
          );
        Lc[i * p + i] = Math.sqrt(s);
      } else Lc[i * p + j] = s / Lc[j * p + j]!;
    }
  }
  const X = B.slice();
  for (let col = 0; col < m; col++) {
    for (let i = 0; i < p; i++) {
      let s = X[i * m + col]!;
      for (let k = 0; k < i; k++) s -= Lc[i * p + k]! * X[k * m + col]!;
      X[i * m + col] = s / Lc[i * p + i]!;
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = X[i * m + col]!;
      for (let k = i + 1; k < p; k++) s -= Lc[k * p + i]! * X[k * m + col]!;
      X[i * m + col] = s / Lc[i * p + i]!;
    }
  }
  return X;
}
