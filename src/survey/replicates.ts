import { InputError } from "../core/errors.ts";
import { createRng } from "../stats/rng.ts";
import type { ReplicateWeights, SurveyDesign } from "./design.ts";
import { numeric } from "./frame.ts";

/** Replicate types built from a design, as R's `as.svrepdesign(type = ...)`. */
export type ReplicateType = "JK1" | "JKn" | "BRR" | "Fay" | "bootstrap" | "subbootstrap";

export interface ReplicateOptions {
  /** Fay's factor ρ for BRR (0 = plain BRR). */
  fayRho?: number;
  /** Bootstrap replicates (default 50, as R). */
  replicates?: number;
  seed?: number;
  mse?: boolean;
}

/**
 * A replicate-weight version of a design (R `as.svrepdesign`), from its first-stage PSUs and
 * strata:
 * - JK1 (unstratified): replicate j drops PSU j and multiplies the others by n/(n − 1);
 *   scale (1 − f)(n − 1)/n;
 * - JKn: one replicate per PSU within its stratum, multiplier n_h/(n_h − 1) for the stratum's
 *   other PSUs, rscale (1 − f_h)(n_h − 1)/n_h; fully sampled strata give none;
 * - BRR / Fay (two PSUs per stratum): half-samples from the rows of a Hadamard matrix (Sylvester
 *   or Paley construction of the smallest order above the number of strata; R prefers some
 *   stored matrices, so replicate order can differ from R's while the variance of linear
 *   statistics agrees), multipliers 2 − ρ and ρ, scale 1/(R (1 − ρ)²);
 * - bootstrap (Canty–Davison): n_h PSUs drawn with replacement per stratum, multiplier = count,
 *   scale n̄/((n̄ − 1)(R − 1)), n̄ the harmonic mean of PSUs per stratum;
 * - subbootstrap (Rao–Wu): n_h − 1 draws, multiplier count · n_h/(n_h − 1), scale 1/(R − 1).
 * Bootstrap draws use the seeded generator, so they repeat on every machine (not R's stream).
 *
 * @throws InputError for JK1 on a stratified design, BRR without exactly two PSUs per stratum,
 *   or an unknown type
 */
export function asReplicateDesign(
  design: SurveyDesign,
  type: string,
  opts: ReplicateOptions = {},
): SurveyDesign {
  const st = design.stages[0]!;
  const H = st.nStrata;
  const P = st.nClusters;
  const psuOf = st.cluster;
  const byStratum: number[][] = Array.from({ length: H }, () => []);
  for (let c = 0; c < P; c++) byStratum[st.clusterStratum[c]!]!.push(c);
  const fpcFactor = (h: number) =>
    st.popSize[h] === Number.POSITIVE_INFINITY ? 1 : 1 - st.nPSU[h]! / st.popSize[h]!;
  const multipliers: Float64Array[] = [];
  const rscales: number[] = [];
  let scale = 1;
  const t = type === "jk1" ? "JK1" : type === "jkn" ? "JKn" : type === "brr" ? "BRR" : type;
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
        multipliers.push(m);
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
          multipliers.push(m);
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
      const Hm = hadamard(H);
      const R = Hm.length;
      for (let r = 0; r < R; r++) {
        const m = new Float64Array(P);
        byStratum.forEach((psus, h) => {
          const first = Hm[h + 1]![r] === 1;
          m[psus[0]!] = first ? 2 - rho : rho;
          m[psus[1]!] = first ? rho : 2 - rho;
        });
        multipliers.push(m);
        rscales.push(1);
      }
      scale = 1 / (R * (1 - rho) ** 2);
      break;
    }
    case "bootstrap":
    case "subbootstrap": {
      const R = opts.replicates ?? 50;
      const rng = createRng(opts.seed ?? 1);
      for (let r = 0; r < R; r++) {
        const m = new Float64Array(P);
        for (const psus of byStratum) {
          const nh = psus.length;
          const draws = t === "bootstrap" ? nh : nh - 1;
          for (let k = 0; k < draws; k++)
            m[psus[rng.int(nh)]!]! += t === "bootstrap" ? 1 : nh / (nh - 1);
        }
        multipliers.push(m);
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
  const weights = multipliers.map((m) =>
    Float64Array.from(design.weights, (w, i) => w * m[psuOf[i]!]!),
  );
  return withReplicates(design, {
    type: t,
    weights,
    scale,
    rscales: Float64Array.from(rscales),
    mse: opts.mse ?? false,
    df: replicateDf(weights),
  });
}

function withReplicates(design: SurveyDesign, replicate: ReplicateWeights): SurveyDesign {
  return { ...design, replicate };
}

/**
 * A Hadamard matrix as 0/1 entries with more rows than n (R's `hadamard`): Sylvester doubling
 * from order 2, or Paley's construction (prime p ≡ 3 mod 4) when that is smaller.
 */
export function hadamard(n: number): number[][] {
  let sylvester = 2;
  while (sylvester <= n) sylvester *= 2;
  let p = n;
  const isPrime = (k: number) => {
    if (k < 2) return false;
    for (let d = 2; d * d <= k; d++) if (k % d === 0) return false;
    return true;
  };
  while (!(isPrime(p) && p % 4 === 3)) p++;
  if (p + 1 < sylvester) {
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
  while (M.length < sylvester) {
    M = [...M.map((r) => [...r, ...r]), ...M.map((r) => [...r, ...r.map((v) => 1 - v)])];
  }
  return M;
}

/** Numerical rank of the n × R replicate weight matrix minus 1 (R's degf for replicate designs). */
function replicateDf(weights: Float64Array[]): number {
  // Gram–Schmidt on the replicate columns with a relative tolerance (R uses qr(tol = 1e-5)).
  const basis: Float64Array[] = [];
  for (const w of weights) {
    const v = w.slice();
    for (const b of basis) {
      let dot = 0;
      for (let i = 0; i < v.length; i++) dot += v[i]! * b[i]!;
      for (let i = 0; i < v.length; i++) v[i]! -= dot * b[i]!;
    }
    const norm0 = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    if (norm > 1e-5 * norm0) basis.push(v.map((x) => x / norm));
  }
  return basis.length - 1;
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
  const weights = names.map((name) => {
    const v = numeric(design.frame, name);
    return Float64Array.from(v, (x, i) => {
      if (Number.isNaN(x))
        throw new InputError(`row ${i + 2}, variable ${name}: missing replicate weight`);
      return combined ? x : x * design.weights[i]!;
    });
  });
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
    weights,
    scale,
    rscales: Float64Array.from(spec.rscales ?? new Array<number>(R).fill(1)),
    mse: spec.mse ?? false,
    df: replicateDf(weights),
  });
}
