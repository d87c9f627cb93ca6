import { InputError } from "../core/errors.ts";
import { mean, range, sd } from "../stats/moments.ts";
import { rank, type TiesMethod } from "../stats/rank.ts";
import type { Dataset } from "./types.ts";

/** Normalisation methods, named as in COINr. */
export type NormaliseMethod =
  | "n_minmax"
  | "n_zscore"
  | "n_scaled"
  | "n_rank"
  | "n_borda"
  | "n_prank"
  | "n_dist2max"
  | "n_dist2ref"
  | "n_dist2targ"
  | "n_fracmax"
  | "n_goalposts"
  | "none";

/** Parameters by COINr's names; each method reads the ones it needs. */
export interface NormaliseParams {
  /** n_minmax: [lower, upper] of the output (default [0, 100]). */
  l_u?: [number, number];
  /** n_zscore: [mean, sd] of the output (default [0, 1]). */
  m_sd?: [number, number];
  /** n_scaled: [l, u] with y = (x − l)/(u − l)·100 (default [0, 100]). */
  npara?: [number, number];
  /** n_rank, n_borda, n_prank: ties (COINr always uses "min"). */
  ties_method?: TiesMethod;
  /** n_dist2ref: the reference unit, by uCode or 0-based row. */
  iref?: string | number;
  /** n_dist2ref, n_dist2targ: cap values above 1 at 1. */
  cap_max?: boolean;
  /** n_dist2targ: the target (default: iMeta Target × Direction). */
  targ?: number;
  /** n_dist2targ, n_goalposts: 1 or −1 (applied to the already direction-adjusted values). */
  direction?: number;
  /** n_goalposts: [lower, upper, scale]; default: iMeta columns are not used, so required. */
  gposts?: [number, number, number];
  /** n_goalposts: truncate to [0, 1] before scaling (default true). */
  trunc2posts?: boolean;
}

export interface NormaliseSpec {
  method: NormaliseMethod;
  params?: NormaliseParams;
}

export interface NormaliseOptions extends NormaliseSpec {
  /** Direction per indicator (1 or −1), multiplied in before normalising. Default 1. */
  directions?: ReadonlyMap<string, number>;
  /** iMeta Target per indicator, for n_dist2targ. */
  targets?: ReadonlyMap<string, number>;
  /** Per-indicator overrides of method and parameters. */
  indiv?: Record<string, NormaliseSpec | "none">;
}

/**
 * Normalises every indicator (COINr `Normalise`): x is first multiplied by its Direction (so
 * −1 reverses it), then, with min, max, mean and sd over present values and sd with n − 1:
 * - n_minmax: (x − min)/(max − min)·(u − l) + l
 * - n_zscore: (x − mean)/sd · s + m
 * - n_scaled: (x − l)/(u − l) · 100 with the given l, u
 * - n_rank: rank (ties "min"); n_borda: rank − 1; n_prank: (rank − 1)/(N − 1)
 * - n_dist2max: 1 − (max − x)/(max − min)
 * - n_dist2ref: 1 − (x_ref − x)/(x_ref − min), capped at 1 with cap_max
 * - n_dist2targ: (x − min)/(t − min) (direction 1) or (max − x)/(max − t) (−1), capped with cap_max;
 *   t defaults to the iMeta Target times the Direction
 * - n_fracmax: x / max
 * - n_goalposts: (x − l)/(u − l) (direction 1) or (x − u)/(l − u) (−1), truncated to [0, 1] with
 *   trunc2posts, times the scale; with a Direction of −1 the goalposts are negated, as COINr's
 *   `use_iMeta`.
 * Missing values stay missing; a constant indicator gives NaN under the range-based methods.
 *
 * @example normalise(treated, { method: "n_minmax", params: { l_u: [0, 100] }, directions })
 */
export function normalise(ds: Dataset, opts: NormaliseOptions): Dataset {
  const values = ds.codes.map((code, j) => {
    const dir = opts.directions?.get(code) ?? 1;
    const o = opts.indiv?.[code];
    const spec: NormaliseSpec = o === "none" ? { method: "none" } : (o ?? opts);
    const x = ds.values[j]!;
    const xd = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) xd[i] = x[i]! * dir;
    const params = { ...spec.params };
    if (spec.method === "n_dist2targ" && params.targ === undefined) {
      const t = opts.targets?.get(code);
      if (t === undefined)
        throw new InputError(
          `normalise: n_dist2targ needs a Target for "${code}" (iMeta Target column)`,
        );
      params.targ = t * dir;
    }
    if (spec.method === "n_goalposts" && params.gposts && dir === -1) {
      const [l, u, a] = params.gposts;
      params.gposts = [-u, -l, a];
    }
    if (spec.method === "n_dist2ref" && typeof params.iref === "string") {
      const r = ds.units.indexOf(params.iref);
      if (r < 0)
        throw new InputError(
          `normalise: n_dist2ref reference unit "${params.iref}" is not in the data`,
        );
      params.iref = r;
    }
    return normaliseVector(xd, spec.method, params);
  });
  return { units: ds.units, codes: ds.codes, values };
}

/** One normalisation function applied to one (direction-adjusted) vector; see {@link normalise}. */
export function normaliseVector(
  x: Float64Array,
  method: NormaliseMethod,
  p: NormaliseParams = {},
): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  const [mn, mx] = range(x);
  switch (method) {
    case "none":
      out.set(x);
      return out;
    case "n_minmax": {
      const [l, u] = pair(p.l_u, [0, 100], "l_u");
      const k = (u - l) / (mx - mn);
      for (let i = 0; i < n; i++) out[i] = (x[i]! - mn) * k + l;
      if (mx === mn) out.fill(Number.NaN);
      return keepNaN(x, out);
    }
    case "n_zscore": {
      const [m, s] = pair(p.m_sd, [0, 1], "m_sd");
      if (!(s > 0)) throw new InputError(`n_zscore: m_sd[1] (the sd) must be > 0, got ${s}`);
      const mu = mean(x);
      const sigma = sd(x);
      for (let i = 0; i < n; i++) out[i] = ((x[i]! - mu) / sigma) * s + m;
      return out;
    }
    case "n_scaled": {
      const [l, u] = pair(p.npara, [0, 100], "npara");
      for (let i = 0; i < n; i++) out[i] = ((x[i]! - l) / (u - l)) * 100;
      return out;
    }
    case "n_rank":
    case "n_borda":
    case "n_prank": {
      const r = rank(x, p.ties_method ?? "min");
      if (method === "n_rank") return r;
      let N = 0;
      for (let i = 0; i < n; i++) if (!Number.isNaN(x[i]!)) N++;
      for (let i = 0; i < n; i++) out[i] = method === "n_borda" ? r[i]! - 1 : (r[i]! - 1) / (N - 1);
      return out;
    }
    case "n_dist2max":
      for (let i = 0; i < n; i++) out[i] = 1 - (mx - x[i]!) / (mx - mn);
      return out;
    case "n_dist2ref": {
      const iref = p.iref;
      if (typeof iref !== "number" || !Number.isInteger(iref) || iref < 0 || iref >= n) {
        throw new InputError(`n_dist2ref: iref must be a unit in the data, got ${String(iref)}`);
      }
      const xr = x[iref]!;
      for (let i = 0; i < n; i++) out[i] = 1 - (xr - x[i]!) / (xr - mn);
      return cap(out, p.cap_max);
    }
    case "n_dist2targ": {
      const t = p.targ;
      if (t === undefined || !Number.isFinite(t))
        throw new InputError(`n_dist2targ: targ must be a number, got ${t}`);
      const d = p.direction ?? 1;
      for (let i = 0; i < n; i++)
        out[i] = d === -1 ? (mx - x[i]!) / (mx - t) : (x[i]! - mn) / (t - mn);
      return cap(out, p.cap_max);
    }
    case "n_fracmax":
      for (let i = 0; i < n; i++) out[i] = x[i]! / mx;
      return out;
    case "n_goalposts": {
      const g = p.gposts;
      if (g?.length !== 3 || g.some((v) => !Number.isFinite(v))) {
        throw new InputError(
          `n_goalposts: gposts must be [lower, upper, scale], got ${JSON.stringify(g)}`,
        );
      }
      const [l, u, a] = g;
      const d = p.direction ?? 1;
      const trunc = p.trunc2posts ?? true;
      for (let i = 0; i < n; i++) {
        let y = d === -1 ? (x[i]! - u) / (l - u) : (x[i]! - l) / (u - l);
        if (trunc) y = y > 1 ? 1 : Math.max(y, 0);
        out[i] = y * a;
      }
      return out;
    }
    default:
      throw new InputError(`normalise: unknown method "${String(method)}"`);
  }
}

function pair(
  v: [number, number] | undefined,
  dflt: [number, number],
  name: string,
): [number, number] {
  const r = v ?? dflt;
  if (!Array.isArray(r) || r.length !== 2 || !r.every((e) => Number.isFinite(e))) {
    throw new InputError(`normalise: ${name} must be two numbers, got ${JSON.stringify(v)}`);
  }
  return r;
}

function cap(y: Float64Array, on: boolean | undefined): Float64Array {
  if (on) for (let i = 0; i < y.length; i++) if (y[i]! > 1) y[i] = 1;
  return y;
}

function keepNaN(x: Float64Array, y: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i]!)) y[i] = Number.NaN;
  return y;
}
