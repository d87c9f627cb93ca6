import { rankDescending } from "../stats/rank.ts";
import { type AggregateMethod, aggregateNode } from "./aggregate.ts";
import type { Dataset, Framework, Weights } from "./types.ts";

/** Recomputes the aggregate levels and ranks from normalised data with new weights, fast. */
export interface Reweighter {
  /** Codes that carry weights: indicators, then aggregates below the top, level by level. */
  readonly codes: readonly string[];
  /** The weights the reweighter was built with, in `codes` order. */
  readonly nominal: Float64Array;
  /** Aggregate codes in computation order (level 2 first, top last). */
  readonly aggregates: readonly string[];
  /**
   * Scores of every aggregate (in `aggregates` order) and the rank of the top node, for weights
   * given in `codes` order or by code (codes not given keep their nominal weight).
   */
  run(weights: Float64Array | Weights): { scores: Float64Array[]; rank: Float64Array };
}

/**
 * Builds the reweight fast path for the dashboard's weightings calculator and for weight
 * optimisation: the normalised columns and the tree are resolved once, so a run costs one pass of
 * aggregation (O(units × nodes)) and one ranking. Same arithmetic as {@link aggregate}.
 *
 * @example createReweighter(normalised, fw).run({ Conn: 2 }).rank
 */
export function createReweighter(
  normalised: Dataset,
  fw: Framework,
  opts: {
    method?: AggregateMethod | AggregateMethod[];
    p?: number | number[];
    weights?: Weights;
  } = {},
): Reweighter {
  const aggregates = fw.aggregateLevels.flat();
  const codes = [
    ...fw.indicators.filter((c) => normalised.codes.includes(c)),
    ...aggregates.filter((a) => a !== fw.top),
  ];
  const index = new Map(codes.map((c, i) => [c, i]));
  const nominal = Float64Array.from(codes, (c) => opts.weights?.[c] ?? fw.weight.get(c) ?? 1);
  const indicatorCols = codes
    .filter((c) => fw.level.get(c) === 1)
    .map((c) => normalised.values[normalised.codes.indexOf(c)]!);
  const levelOf = (li: number) => fw.aggregateLevels.findIndex((l) => l.includes(aggregates[li]!));
  const pick = <T>(v: T | T[] | undefined, i: number): T | undefined =>
    Array.isArray(v) ? v[Math.min(i, v.length - 1)] : v;
  const plan = aggregates.map((a, ai) => {
    const kids = fw.children.get(a)!.filter((k) => index.has(k));
    const lvl = levelOf(ai);
    return {
      code: a,
      kids: kids.map((k) => index.get(k)!),
      method: pick(opts.method, lvl) ?? ("a_amean" as AggregateMethod),
      p: pick(opts.p, lvl),
    };
  });
  const n = normalised.units.length;
  return {
    codes,
    nominal,
    aggregates,
    run(weights) {
      const w =
        weights instanceof Float64Array
          ? weights
          : Float64Array.from(codes, (c, i) => weights[c] ?? nominal[i]!);
      if (w.length !== codes.length)
        throw new Error(`reweight: expected ${codes.length} weights, got ${w.length}`);
      const cols: Float64Array[] = [...indicatorCols];
      const scores: Float64Array[] = [];
      for (const step of plan) {
        const out = aggregateNode(
          step.code,
          step.kids.map((k) => cols[k]!),
          step.kids.map((k) => w[k]!),
          n,
          step.method,
          step.p,
        );
        scores.push(out);
        if (step.code !== fw.top) cols[index.get(step.code)!] = out;
      }
      return { scores, rank: rankDescending(scores[scores.length - 1]!) };
    },
  };
}
