import { InputError } from "../core/errors.ts";
import { createRng } from "../stats/rng.ts";
import type { ReplicateLayout, ReplicateWeights, SurveyDesign } from "./design.ts";
import { numeric } from "./frame.ts";

/** Replicate types built from a design, as R's `as.svrepdesign(type = ...)`. */
export type ReplicateType = "JK1" | "JKn" | "BRR" | "Fay" | "bootstrap" | "subbootstrap";

export interface ReplicateOptions {
  /** Fay's factor ρ for BRR (0 = plain BRR). */
  fayRho?: number;
  /**
   * Number of replicates: bootstrap and subbootstrap (default 50, as R), or the order of the
   * Hadamard matrix for BRR / Fay (default: the smallest order we build above the number of
   * strata; see {@link hadamardOrders}). JK1 and JKn have one replicate per PSU and take none.
   */
  replicates?: number;
  /** Seed of the bootstrap draws (default 1). */
  seed?: number;
  mse?: boolean;
}

/** Replicate types built from a design (R `as.svrepdesign`). */
export const REPLICATE_TYPES = ["JK1", "JKn", "BRR", "Fay", "bootstrap", "subbootstrap"] as const;

/** Replicate types whose number of replicates can be chosen. */
export const SIZABLE_REPLICATES = ["bootstrap", "subbootstrap", "BRR", "Fay"] as const;

/**
 * What is wrong with a replicate count or seed for a replicate type, or null when they fit:
 * a count is an integer >= 2 and applies to bootstrap, subbootstrap (replicates) and BRR / Fay
 * (the Hadamard order: a power of 2 or p + 1 for a prime p ≡ 3 mod 4, above the number of
 * strata, which the design decides); a seed is an integer and applies to the bootstraps. The
 * message does not name the option: the CLI and study.yaml add their own names.
 */
export function replicateOptionProblem(
  type: string,
  count: number | undefined,
  seed: number | undefined,
): { option: "count" | "seed"; message: string } | null {
  if (count !== undefined) {
    if (!(Number.isInteger(count) && count >= 2))
      return { option: "count", message: `must be an integer >= 2, got ${count}` };
    if (!(SIZABLE_REPLICATES as readonly string[]).includes(type))
      return {
        option: "count",
        message: `applies to ${SIZABLE_REPLICATES.join(", ")} replicates, not ${type} (${type} has one replicate per PSU)`,
      };
    if ((type === "BRR" || type === "Fay") && hadamardOrders(count, 1)[0] !== count)
      return {
        option: "count",
        message: `for ${type} is the order of a Hadamard matrix: a power of 2 or p + 1 with p a prime ≡ 3 (mod 4), above the number of strata (${hadamardOrders(2, 12).join(", ")}, ...); got ${count}`,
      };
  }
  if (seed !== undefined) {
    if (!Number.isSafeInteger(seed))
      return { option: "seed", message: `must be an integer, got ${seed}` };
    if (type !== "bootstrap" && type !== "subbootstrap")
      return {
        option: "seed",
        message: `applies to bootstrap and subbootstrap replicates, not ${type} (its replicates are not random)`,
      };
  }
  return null;
}

/**
 * A replicate-weight version of a design (R `as.svrepdesign`), from its first-stage PSUs and
 * strata:
 * - JK1 (unstratified): replicate j drops PSU j and multiplies the others by n/(n − 1);
 *   scale (1 − f)(n − 1)/n;
 * - JKn: one replicate per PSU within its stratum, multiplier n_h/(n_h − 1) for the stratum's
 *   other PSUs, rscale (1 − f_h)(n_h − 1)/n_h; fully sampled strata give none;
 * - BRR / Fay (two PSUs per stratum): half-samples from rows 2..H+1 of a Hadamard matrix
 *   (Sylvester or Paley construction; by default of the smallest order above the number of
 *   strata H, or of the order `replicates` when given; R prefers some stored matrices, so
 *   replicate order and count can differ from R's while the variance of linear statistics
 *   agrees), multipliers 2 − ρ and ρ, scale 1/(R (1 − ρ)²);
 * - bootstrap (Canty–Davison): n_h PSUs drawn with replacement per stratum, multiplier = count,
 *   scale n̄/((n̄ − 1)(R − 1)), n̄ the harmonic mean of PSUs per stratum;
 * - subbootstrap (Rao–Wu): n_h − 1 draws, multiplier count · n_h/(n_h − 1), scale 1/(R − 1).
 * Bootstrap draws use the seeded generator, so they repeat on every machine (not R's stream).
 * The replicates are held as P × R multipliers of the PSUs (no n × R weight matrix); cost
 * O(P · R) plus the draws.
 *
 * @throws InputError for JK1 on a stratified design, BRR without exactly two PSUs per stratum,
 *   a replicate count on JK1/JKn, a count that is not an integer >= 2, a BRR order that is not
 *   one we build or not above the number of strata, or an unknown type
 */
export function asReplicateDesign(
  design: SurveyDesign,
  type: string,
  opts: ReplicateOptions = {},
): SurveyDesign {
  const st = design.stages[0]!;
  const H = st.nStrata;
  const P = st.nClusters;
  const byStratum: number[][] = Array.from({ length: H }, () => []);
  for (let c = 0; c < P; c++) byStratum[st.clusterStratum[c]!]!.push(c);
  const fpcFactor = (h: number) =>
    st.popSize[h] === Number.POSITIVE_INFINITY ? 1 : 1 - st.nPSU[h]! / st.popSize[h]!;
  /** Replicates as columns of multipliers over the PSUs (copied into a P × R matrix below). */
  const columns: Float64Array[] = [];
  const rscales: number[] = [];
  let scale = 1;
  const t = type === "jk1" ? "JK1" : type === "jkn" ? "JKn" : type === "brr" ? "BRR" : type;
  const count = opts.replicates;
  if (count !== undefined) {
    if (t === "JK1" || t === "JKn")
      throw new InputError(
        `replicate count: ${t} has one replicate per PSU (${P} here) and takes no count; a count applies to ${SIZABLE_REPLICATES.join(", ")}`,
      );
    if (!(Number.isInteger(count) && count >= 2))
      throw new InputError(`replicate count must be an integer >= 2, got ${count}`);
  }
  switch (t) {
    case "JK1": {
      if (H > 1)
        throw new InputError(
          "--replicates JK1 needs an unstratified design; use JKn for a stratified one",
        );
      const n = P;
      for (let j = 0; j < n; j++) {
        const m = new Float64Array(P).fill(n / (n - 1));
        m[j] = 0;
        columns.push(m);
        rscales.push(1);
      }
      scale = (fpcFactor(0) * (n - 1)) / n;
      break;
    }
    case "JKn": {
      byStratum.forEach((psus, h) => {
        const nh = psus.length;
        const f = fpcFactor(h);
        if (f === 0) return;
        if (nh < 2) {
          if (design.lonely === "fail") {
            throw new InputError(
              `--replicates JKn: a stratum has only one PSU; set "lonely_psu" in design.json`,
            );
          }
          return;
        }
        for (const j of psus) {
          const m = new Float64Array(P).fill(1);
          for (const c of psus) m[c] = c === j ? 0 : nh / (nh - 1);
          columns.push(m);
          rscales.push((f * (nh - 1)) / nh);
        }
      });
      break;
    }
    case "BRR":
    case "Fay": {
      const rho = opts.fayRho ?? 0;
      if (!(rho >= 0 && rho < 1)) throw new InputError(`Fay's rho must be in [0, 1), got ${rho}`);
      byStratum.forEach((psus) => {
        if (psus.length !== 2) {
          throw new InputError(
            `--replicates BRR needs exactly two PSUs in every stratum; a stratum has ${psus.length}`,
          );
        }
      });
      if (count !== undefined && !(count > H && hadamardOrders(count, 1)[0] === count)) {
        throw new InputError(
          `replicate count ${count} for BRR: the count is the order of a Hadamard matrix, which must be above the number of strata (${H}) and a power of 2 or p + 1 with p a prime ≡ 3 (mod 4); valid counts from ${H + 1}: ${hadamardOrders(H + 1, 6).join(", ")}, ...`,
        );
      }
      const Hm = count === undefined ? hadamard(H) : hadamardOfOrder(count);
      const R = Hm.length;
      for (let r = 0; r < R; r++) {
        const m = new Float64Array(P);
        byStratum.forEach((psus, h) => {
          const first = Hm[h + 1]![r] === 1;
          m[psus[0]!] = first ? 2 - rho : rho;
          m[psus[1]!] = first ? rho : 2 - rho;
        });
        columns.push(m);
        rscales.push(1);
      }
      scale = 1 / (R * (1 - rho) ** 2);
      break;
    }
    case "bootstrap":
    case "subbootstrap": {
      const R = count ?? 50;
      const rng = createRng(opts.seed ?? 1);
      for (let r = 0; r < R; r++) {
        const m = new Float64Array(P);
        for (const psus of byStratum) {
          const nh = psus.length;
          const draws = t === "bootstrap" ? nh : nh - 1;
          for (let k = 0; k < draws; k++)
            m[psus[rng.int(nh)]!]! += t === "bootstrap" ? 1 : nh / (nh - 1);
        }
        columns.push(m);
        rscales.push(1);
      }
      if (t === "bootstrap") {
        const nbar = 1 / (byStratum.reduce((s, p) => s + 1 / p.length, 0) / H);
        scale = nbar / ((nbar - 1) * (R - 1));
      } else scale = 1 / (R - 1);
      break;
    }
    default:
      throw new InputError(
        `--replicates must be one of JK1, JKn, BRR, Fay, bootstrap, subbootstrap; got "${type}"`,
      );
  }
  const R = columns.length;
  const multipliers = new Float64Array(P * R);
  columns.forEach((m, r) => {
    for (let c = 0; c < P; c++) multipliers[c * R + r] = m[c]!;
  });
  return withReplicates(design, {
    type: t,
    layout: { kind: "psu", base: design.weights, psu: st.cluster, nPsu: P, multipliers },
    scale,
    rscales: Float64Array.from(rscales),
    mse: opts.mse ?? false,
  });
}

/** The parts of a replicate design that are given; weights and df are derived on first use. */
interface ReplicateParts {
  type: string;
  layout: ReplicateLayout;
  scale: number;
  rscales: Float64Array;
  mse: boolean;
  /** Known weight columns (when the layout was built from them). */
  weights?: Float64Array[];
  /** Where the df comes from, when not from these weights (R keeps a design's degf). */
  df?: () => number;
}

/** Replicate weights over a layout, with the per-replicate weight arrays and df built lazily. */
export function makeReplicateWeights(parts: ReplicateParts): ReplicateWeights {
  const { layout } = parts;
  const count = parts.rscales.length;
  let weights = parts.weights ?? null;
  let df: number | null = null;
  return {
    type: parts.type,
    count,
    layout,
    scale: parts.scale,
    rscales: parts.rscales,
    mse: parts.mse,
    get weights() {
      weights ??= Array.from({ length: count }, (_, r) => replicateColumn(layout, r, count));
      return weights;
    },
    get df() {
      df ??= parts.df ? parts.df() : replicateDf(layout, count);
      return df;
    },
  };
}

/** The analysis weights of replicate r (n values). */
function replicateColumn(layout: ReplicateLayout, r: number, R: number): Float64Array {
  if (layout.kind === "psu") {
    const { base, psu, multipliers } = layout;
    const out = new Float64Array(base.length);
    for (let i = 0; i < base.length; i++) out[i] = base[i]! * multipliers[psu[i]! * R + r]!;
    return out;
  }
  const { matrix } = layout;
  const out = new Float64Array(matrix.length / R);
  for (let i = 0; i < out.length; i++) out[i] = matrix[i * R + r]!;
  return out;
}

/** Replicate weight columns (each of n) as the n × R row-major "rows" layout. */
export function rowsLayout(columns: Float64Array[]): ReplicateLayout {
  const R = columns.length;
  const n = columns[0]?.length ?? 0;
  const matrix = new Float64Array(n * R);
  for (let i0 = 0; i0 < n; i0 += 256) {
    const i1 = Math.min(n, i0 + 256);
    for (let r = 0; r < R; r++) {
      const col = columns[r]!;
      for (let i = i0; i < i1; i++) matrix[i * R + r] = col[i]!;
    }
  }
  return { kind: "rows", matrix };
}

/**
 * The replicates with every replicate's weights passed through `f` (a calibration applied to
 * each replicate, as R); the df stays that of the original replicates, as R keeps degf.
 */
export function recalibratedReplicates(
  rep: ReplicateWeights,
  f: (w: Float64Array) => Float64Array,
): ReplicateWeights {
  const weights = rep.weights.map(f);
  return makeReplicateWeights({
    type: rep.type,
    layout: rowsLayout(weights),
    scale: rep.scale,
    rscales: rep.rscales,
    mse: rep.mse,
    weights,
    df: () => rep.df,
  });
}

function withReplicates(design: SurveyDesign, parts: ReplicateParts): SurveyDesign {
  return { ...design, replicate: makeReplicateWeights(parts) };
}

/**
 * A Hadamard matrix as 0/1 entries with more rows than n (R's `hadamard`): Sylvester doubling
 * from order 2, or Paley's construction (prime p ≡ 3 mod 4) when that is smaller.
 */
export function hadamard(n: number): number[][] {
  return hadamardOfOrder(hadamardOrders(n + 1, 1)[0]!);
}

/**
 * The Hadamard orders we build, ascending, from `from` on (at most `count` of them): powers of
 * 2 (Sylvester) and p + 1 for primes p ≡ 3 (mod 4) (Paley).
 */
export function hadamardOrders(from: number, count: number): number[] {
  const out: number[] = [];
  for (let k = Math.max(2, Math.ceil(from)); out.length < count; k++)
    if (isPowerOfTwo(k) || (isPrime(k - 1) && (k - 1) % 4 === 3)) out.push(k);
  return out;
}

const isPowerOfTwo = (k: number) => k >= 1 && (k & (k - 1)) === 0;

function isPrime(k: number): boolean {
  if (k < 2) return false;
  for (let d = 2; d * d <= k; d++) if (k % d === 0) return false;
  return true;
}

/**
 * The Hadamard matrix of a given order as 0/1 entries: Sylvester doubling from order 2 when it
 * is a power of 2, else Paley's construction for order p + 1 (p a prime ≡ 3 mod 4).
 */
export function hadamardOfOrder(order: number): number[][] {
  if (!isPowerOfTwo(order)) {
    const p = order - 1;
    if (!(isPrime(p) && p % 4 === 3))
      throw new Error(`hadamardOfOrder: no construction for order ${order}`);
    const residues = new Set<number>([0]);
    for (let k = 1; k < p; k++) residues.add((k * k) % p);
    const M: number[][] = [new Array(p + 1).fill(1)];
    for (let i = 0; i < p; i++) {
      const row = [1];
      for (let j = 0; j < p; j++) row.push(residues.has((i + j) % p) ? 0 : 1);
      M.push(row);
    }
    return M;
  }
  let M = [
    [1, 1],
    [1, 0],
  ];
  while (M.length < order) {
    M = [...M.map((r) => [...r, ...r]), ...M.map((r) => [...r, ...r.map((v) => 1 - v)])];
  }
  return M;
}

/**
 * Numerical rank of the n × R replicate weight matrix minus 1 (R's degf for replicate designs),
 * by Gram–Schmidt on the replicate columns with a relative tolerance (R uses qr(tol = 1e-5)).
 * With the "psu" layout the columns are w_i · M[psu_i, r], whose inner products are those of
 * the P-vectors sqrt(Σ_{i∈c} w_i²) · M[c, r]: the same rank from P × R numbers. With `keep`, only
 * the rows where keep is 1 (R recomputes degf on a subset of a replicate design).
 */
function replicateDf(layout: ReplicateLayout, R: number, keep: Uint8Array | null = null): number {
  let vectors: Float64Array[];
  if (layout.kind === "psu") {
    const { base, psu, nPsu: P, multipliers } = layout;
    const s = new Float64Array(P);
    for (let i = 0; i < base.length; i++) if (!keep || keep[i]) s[psu[i]!]! += base[i]! * base[i]!;
    for (let c = 0; c < P; c++) s[c] = Math.sqrt(s[c]!);
    vectors = Array.from({ length: R }, (_, r) =>
      Float64Array.from(s, (sc, c) => sc * multipliers[c * R + r]!),
    );
  } else {
    const n = layout.matrix.length / R;
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (!keep || keep[i]) rows.push(i);
    vectors = Array.from({ length: R }, (_, r) =>
      Float64Array.from(rows, (i) => layout.matrix[i * R + r]!),
    );
  }
  return numericalRank(vectors) - 1;
}

/**
 * The df of a replicate design restricted to the rows where keep is 1 (R's degf of
 * subset(design, ...): the rank of those rows' replicate weights − 1).
 */
export function replicateDfIn(rep: ReplicateWeights, keep: Uint8Array): number {
  return replicateDf(rep.layout, rep.count, keep);
}

/** Supplied replicate weights (R `svrepdesign`), as design.json's "replicates" describes them. */
export interface SuppliedReplicates {
  /** Replicate weight columns, or a regular expression matching their names. */
  columns?: string[];
  pattern?: string;
  type:
    | "BRR"
    | "Fay"
    | "JK1"
    | "JKn"
    | "bootstrap"
    | "ACS"
    | "successive-difference"
    | "JK2"
    | "other";
  scale?: number;
  rscales?: number[];
  rho?: number;
  /** Whether the columns are full analysis weights (default, as R) or multipliers. */
  combined_weights?: boolean;
  mse?: boolean;
}

/**
 * A design using replicate-weight columns published with the data (R `svrepdesign`), with R's
 * default scales: BRR 1/R, Fay 1/(R(1 − ρ)²), JK1 (R − 1)/R, bootstrap 1/(R − 1),
 * ACS and successive-difference 4/R, JK2, JKn and other 1 (JKn needs rscales).
 */
export function suppliedReplicateDesign(
  design: SurveyDesign,
  spec: SuppliedReplicates,
): SurveyDesign {
  const names =
    spec.columns ??
    [...design.frame.columns.keys()].filter(
      (k) => spec.pattern && new RegExp(spec.pattern).test(k),
    );
  if (names.length < 2) {
    throw new InputError(
      `design replicates: found ${names.length} replicate weight columns${spec.pattern ? ` matching /${spec.pattern}/` : ""}; need at least 2`,
    );
  }
  const R = names.length;
  const combined = spec.combined_weights ?? true;
  const n = design.n;
  const cols = names.map((name) => {
    const v = numeric(design.frame, name);
    for (let i = 0; i < n; i++)
      if (Number.isNaN(v[i]!))
        throw new InputError(`row ${i + 2}, variable ${name}: missing replicate weight`);
    return v;
  });
  const matrix = new Float64Array(n * R);
  const w = design.weights;
  // Transposed in blocks of rows, so the writes stay within a block of the matrix.
  for (let i0 = 0; i0 < n; i0 += 256) {
    const i1 = Math.min(n, i0 + 256);
    for (let r = 0; r < R; r++) {
      const v = cols[r]!;
      for (let i = i0; i < i1; i++) matrix[i * R + r] = combined ? v[i]! : v[i]! * w[i]!;
    }
  }
  let scale = spec.scale;
  switch (spec.type) {
    case "BRR":
      scale = 1 / R;
      break;
    case "Fay": {
      if (spec.rho === undefined) throw new InputError('design replicates: type "Fay" needs "rho"');
      scale = 1 / (R * (1 - spec.rho) ** 2);
      break;
    }
    case "JK1":
      scale ??= (R - 1) / R;
      break;
    case "bootstrap":
      scale ??= 1 / (R - 1);
      break;
    case "ACS":
    case "successive-difference":
      scale ??= 4 / R;
      break;
    case "JKn":
      if (!spec.rscales)
        throw new InputError('design replicates: type "JKn" needs "rscales" (one per replicate)');
      scale ??= 1;
      break;
    default:
      scale ??= 1;
  }
  if (spec.rscales && spec.rscales.length !== R) {
    throw new InputError(
      `design replicates: ${spec.rscales.length} rscales for ${R} replicate columns`,
    );
  }
  return withReplicates(design, {
    type: spec.type,
    layout: { kind: "rows", matrix },
    scale,
    rscales: Float64Array.from(spec.rscales ?? new Array<number>(R).fill(1)),
    mse: spec.mse ?? false,
  });
}

/**
 * Numerical rank of the columns by Gram–Schmidt: a column counts when its residual norm exceeds
 * 1e-5 of its norm (R's `qr(..., tol = 1e-5)$rank` on replicate weights, as `degf` uses).
 */
export function numericalRank(vectors: Float64Array[]): number {
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
