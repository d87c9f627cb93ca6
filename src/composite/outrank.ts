import { InputError } from "../core/errors.ts";
import type { Dataset } from "./types.ts";

/** What {@link outrankingMatrix} returns (COINr `outrankMatrix`'s list). */
export interface OutrankingResult {
  units: string[];
  codes: string[];
  /** Row-major n × n: matrix[i·n + j] = how much unit i outranks unit j. */
  matrix: Float64Array;
  /** Pairs (i < j) where one unit outranks the other on every weighted column (O_ij = 0 or 1). */
  nDominant: number;
  /** nDominant / (n(n − 1)/2). */
  fracDominant: number;
}

/**
 * The weighted outranking matrix of a set of columns (COINr `outrankMatrix`): weights w are
 * relative and rescaled to sum to 1 (equal when not given); for each pair of units i < j,
 * O_ij = Σ_{k: x_ik > x_jk} w_k + ½ Σ_{k: x_ik = x_jk} w_k (a comparison with a missing value
 * counts for neither), O_ji = 1 − O_ij, and O_ii = 0. A pair is dominant when O_ij is 0 or 1.
 * The Copeland score (a_copeland) of unit i is Σ_j sign(O_ij − ½).
 *
 * Cost O(units² × columns).
 *
 * @example outrankingMatrix(ds, ["a", "b"], [1, 1]).matrix // [0, 0.75, 0.25, 0] for two units
 * @throws InputError for a column not in the data set, or weights of the wrong length or sum
 */
export function outrankingMatrix(
  ds: Dataset,
  codes: readonly string[],
  weights?: readonly number[],
): OutrankingResult {
  if (codes.length === 0) throw new InputError("outrankingMatrix: give at least one column");
  const cols = codes.map((c) => {
    const j = ds.codes.indexOf(c);
    if (j < 0) {
      throw new InputError(
        `outrankingMatrix: "${c}" is not a column of the data set (have ${ds.codes.slice(0, 5).join(", ")}, ...)`,
      );
    }
    return ds.values[j]!;
  });
  const w = weights ? [...weights] : codes.map(() => 1);
  if (w.length !== codes.length) {
    throw new InputError(
      `outrankingMatrix: ${w.length} weights for ${codes.length} columns; give one weight per column`,
    );
  }
  const sw = w.reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0);
  if (!(sw > 0) || w.some((v) => v < 0)) {
    throw new InputError(
      `outrankingMatrix: weights must be >= 0 with a positive sum, got ${w.join(", ")}`,
    );
  }
  const wn = w.map((v) => v / sw);
  const n = ds.units.length;
  const m = new Float64Array(n * n);
  let dominant = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let o = 0;
      for (let k = 0; k < cols.length; k++) {
        const a = cols[k]![i]!;
        const b = cols[k]![j]!;
        if (a > b) o += wn[k]!;
        else if (a === b) o += wn[k]! / 2;
      }
      m[i * n + j] = o;
      m[j * n + i] = 1 - o;
      if (o === 0 || o === 1) dominant++;
    }
  }
  const pairs = (n * (n - 1)) / 2;
  return {
    units: [...ds.units],
    codes: [...codes],
    matrix: m,
    nDominant: dominant,
    fracDominant: pairs ? dominant / pairs : Number.NaN,
  };
}
