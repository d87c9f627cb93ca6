import { InputError } from "../core/errors.ts";
import { type CorMethod, correlation, pairCount } from "../stats/correlation.ts";
import { corTest } from "./cor-test.ts";
import type { Dataset, Framework } from "./types.ts";

/** One pair of a correlation table. */
export interface CorrelationPair {
  var1: string;
  var2: string;
  correlation: number;
  n: number;
}

export interface CorrelationOptions {
  method?: CorMethod;
  /**
   * Correlations whose two-sided p-value exceeds pval become NaN, as COINr's get_corr, whose
   * get_pvals calls R's `cor.test(method = cortype)`: the p-value of {@link corTest} for the
   * method (Spearman and Kendall exact where R is). Default 0 = keep all; COINr's own default is 0.05.
   */
  pval?: number;
  /** Keep only pairs of a code and its ancestor (COINr `withparent`). */
  withparent?: boolean;
}

/**
 * Correlations between the codes of two framework levels (Levels equal: within one level), on a
 * data set that has those columns (e.g. Aggregated), pairwise complete (COINr `get_corr`).
 * The first level is the higher one, as in COINr; pairs are listed var1 from the first level.
 *
 * @example levelCorrelations(agg, fw, [1, 2], { withparent: true }) // each indicator with its pillar
 */
export function levelCorrelations(
  ds: Dataset,
  fw: Framework,
  levels: [number, number],
  opts: CorrelationOptions = {},
): CorrelationPair[] {
  const [hi, lo] = levels[0] >= levels[1] ? levels : [levels[1], levels[0]];
  const codesAt = (l: number) => (l === 1 ? fw.indicators : (fw.aggregateLevels[l - 2] ?? []));
  const a = codesAt(hi).filter((c) => ds.codes.includes(c));
  const b = codesAt(lo).filter((c) => ds.codes.includes(c));
  const col = (c: string) => ds.values[ds.codes.indexOf(c)]!;
  const out: CorrelationPair[] = [];
  for (const x of a) {
    for (const y of b) {
      if (opts.withparent && !isAncestor(fw, x, y)) continue;
      out.push(pair(x, y, col(x), col(y), opts));
    }
  }
  return out;
}

/** Square correlation matrix of the given codes (row-major, length k²). */
export function correlationMatrix(
  ds: Dataset,
  codes: string[],
  opts: CorrelationOptions = {},
): Float64Array {
  const k = codes.length;
  const m = new Float64Array(k * k);
  const cols = codes.map((c) => {
    const j = ds.codes.indexOf(c);
    if (j < 0) throw new Error(`correlationMatrix: "${c}" is not in the data set`);
    return ds.values[j]!;
  });
  for (let i = 0; i < k; i++) {
    m[i * k + i] = 1;
    for (let j = i + 1; j < k; j++) {
      const r = pair(codes[i]!, codes[j]!, cols[i]!, cols[j]!, opts).correlation;
      m[i * k + j] = r;
      m[j * k + i] = r;
    }
  }
  return m;
}

/**
 * Matrix of correlation p-values of the given codes (COINr `get_pvals`, which runs R's
 * `cor.test(x_i, x_j, method)` on every pair): row-major k × k, diagonal 0, entry (i, j) the
 * two-sided p-value of {@link corTest} over the pairwise complete observations (NaN where R's
 * `cor.test` gives NA or stops: a constant column, too few pairs).
 *
 * Cost k²/2 tests (Kendall O(n²) each).
 *
 * @example correlationPValues(normalised, ["Goods", "Services"], "spearman")[1] // p of the pair
 * @throws InputError for a code that is not a column of the data set
 */
export function correlationPValues(
  ds: Dataset,
  codes: string[],
  method: CorMethod = "pearson",
): Float64Array {
  const k = codes.length;
  const cols = codes.map((c) => {
    const j = ds.codes.indexOf(c);
    if (j < 0)
      throw new InputError(
        `correlationPValues: "${c}" is not a column of the data set (${ds.codes.join(", ")})`,
      );
    return ds.values[j]!;
  });
  const p = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const v = corTest(cols[i]!, cols[j]!, method).p;
      p[i * k + j] = v;
      p[j * k + i] = v;
    }
  }
  return p;
}

function pair(
  v1: string,
  v2: string,
  x: Float64Array,
  y: Float64Array,
  o: CorrelationOptions,
): CorrelationPair {
  const method = o.method ?? "pearson";
  if (!(o.pval && o.pval > 0)) {
    return { var1: v1, var2: v2, correlation: correlation(x, y, method), n: pairCount(x, y) };
  }
  const t = corTest(x, y, method);
  return { var1: v1, var2: v2, correlation: t.p > o.pval ? Number.NaN : t.estimate, n: t.n };
}

function isAncestor(fw: Framework, anc: string, code: string): boolean {
  let p = fw.parent.get(code);
  while (p !== undefined) {
    if (p === anc) return true;
    p = fw.parent.get(p);
  }
  return false;
}
