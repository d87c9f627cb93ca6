import { InputError } from "../core/errors.ts";
import { correlation } from "../stats/correlation.ts";
import { rankDescending } from "../stats/rank.ts";
import { corTest } from "./cor-test.ts";

/** One build's scores of one code (e.g. the index), by unit. */
export interface ScoreColumn {
  units: readonly string[];
  scores: ArrayLike<number>;
}

/** Options shared by {@link compareIndices} and {@link compareIndicesMulti}. */
export interface CompareOptions {
  /** "ranks" (default) compares rank(−score, ties "min"); "scores" compares the scores. */
  compareBy?: "ranks" | "scores";
}

/** A row of {@link compareIndices}: COINr's uCode, coin.1, coin.2, Diff, Abs.diff. */
export interface CompareRow {
  uCode: string;
  v1: number;
  v2: number;
  diff: number;
  absDiff: number;
}

/** Rank agreement of two builds over the units ranked in both. */
export interface RankAgreement {
  n: number;
  spearman: number;
  spearmanP: number;
  kendall: number;
  kendallP: number;
}

/**
 * Two builds side by side (COINr `compare_coins`): the units of either build (an outer join on
 * uCode, sorted by uCode as R's `merge`), each build's value, Diff = value₁ − value₂ and
 * |Diff|; a unit missing from one build has NA there. With compareBy "ranks", each column is
 * ranked after the join, rank(−x, ties "min"), so missing units do not take a rank.
 * Also Spearman's ρ and Kendall's τ-b between the two columns over the units in both, with
 * the p-values of R's `cor.test` (see {@link corTest}).
 *
 * @example compareIndices(a, a).rows.every((r) => r.diff === 0) // true: a build against itself
 */
export function compareIndices(
  a: ScoreColumn,
  b: ScoreColumn,
  opts: CompareOptions = {},
): { rows: CompareRow[]; agreement: RankAgreement } {
  const units = [...new Set([...a.units, ...b.units])].sort(cmpR);
  const v1 = column(a, units);
  const v2 = column(b, units);
  const by = opts.compareBy ?? "ranks";
  const x = by === "ranks" ? rankDescending(v1) : v1;
  const y = by === "ranks" ? rankDescending(v2) : v2;
  const rows = units.map((u, i) => {
    const d = x[i]! - y[i]!;
    return { uCode: u, v1: x[i]!, v2: y[i]!, diff: d, absDiff: Math.abs(d) };
  });
  return { rows, agreement: agreement(x, y) };
}

/** The tables of {@link compareIndicesMulti} (COINr `compare_coins_multi` tabtype "All"). */
export interface CompareMultiResult {
  /** Build names, the base first. */
  names: string[];
  units: string[];
  /** values[k][u]: build k's rank (or score) of unit u. */
  values: Float64Array[];
  /** diffs[k][u] = values[k][u] − values[base][u]. */
  diffs: Float64Array[];
  absDiffs: Float64Array[];
  /** Spearman and Kendall between the base and each build (the base with itself first). */
  agreement: RankAgreement[];
}

/**
 * Several builds compared with one (COINr `compare_coins_multi`): the base build (`ibase`,
 * default the first) is moved first; the others are joined on to its units (a left join, so
 * units the base lacks are dropped); with compareBy "ranks" every column is then ranked over
 * the joined units, rank(−x, ties "min"); Diffs are each column minus the base column, AbsDiffs
 * their absolute values; rows sorted by the base column (ascending, ties by uCode, as R's
 * stable `order` after `merge`).
 *
 * @example compareIndicesMulti({ nominal: a, prank: b }).diffs[1] // rank change of each unit
 * @throws InputError with fewer than two builds or an ibase that is not one of them
 */
export function compareIndicesMulti(
  builds: Record<string, ScoreColumn>,
  opts: CompareOptions & { ibase?: number; sort?: boolean } = {},
): CompareMultiResult {
  const all = Object.keys(builds);
  if (all.length < 2)
    throw new InputError(`compareIndicesMulti: needs at least 2 builds, got ${all.length}`);
  const ibase = opts.ibase ?? 0;
  if (!(Number.isInteger(ibase) && ibase >= 0 && ibase < all.length)) {
    throw new InputError(
      `compareIndicesMulti: ibase must be an index from 0 to ${all.length - 1}, got ${ibase}`,
    );
  }
  const names = [all[ibase]!, ...all.filter((_, i) => i !== ibase)];
  const base = builds[names[0]!]!;
  let units = [...new Set(base.units)].sort(cmpR);
  const by = opts.compareBy ?? "ranks";
  let values = names.map((n) => {
    const v = column(builds[n]!, units);
    return by === "ranks" ? rankDescending(v) : v;
  });
  if (opts.sort !== false) {
    const order = units.map((_, i) => i);
    const key = (i: number) => (Number.isNaN(values[0]![i]!) ? Infinity : values[0]![i]!);
    order.sort((p, q) => key(p) - key(q) || p - q);
    units = order.map((i) => units[i]!);
    values = values.map((v) => Float64Array.from(order, (i) => v[i]!));
  }
  const diffs = values.map((v) => v.map((x, i) => x - values[0]![i]!));
  return {
    names,
    units,
    values,
    diffs,
    absDiffs: diffs.map((d) => d.map(Math.abs)),
    agreement: values.map((v) => agreement(values[0]!, v)),
  };
}

function agreement(x: Float64Array, y: Float64Array): RankAgreement {
  const s = corTest(x, y, "spearman");
  const k = corTest(x, y, "kendall");
  return {
    n: s.n,
    spearman: correlation(x, y, "spearman"),
    spearmanP: s.p,
    kendall: k.estimate,
    kendallP: k.p,
  };
}

function column(c: ScoreColumn, units: readonly string[]): Float64Array {
  const idx = new Map<string, number>();
  c.units.forEach((u, i) => {
    idx.set(u, i);
  });
  return Float64Array.from(units, (u) => {
    const i = idx.get(u);
    return i === undefined ? Number.NaN : c.scores[i]!;
  });
}

/** Code-point order (R's C-locale sort of codes such as ISO3). */
const cmpR = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
