import { beforeAll, describe, expect, it } from "vitest";
import {
  buildIndex,
  type CoinInput,
  DEFAULT_PIPELINE,
  type Pipeline,
} from "../../src/composite/pipeline.ts";
import {
  analyseUncertainty,
  meanAbsRankShift,
  prepareUncertainty,
  ReplicationEvaluator,
  rankStats,
} from "../../src/composite/uncertainty.ts";
import { UncertaintySpecSchema } from "../../src/composite/uncertainty-spec.ts";
import { readCoin } from "../../src/io/coin.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

describe("rank summaries", () => {
  it("nominal, median, mean, type-7 5% and 95% quantiles per unit, missing skipped", () => {
    // Two units, five replications, row-major (replication × unit).
    const ranks = Float64Array.from([1, 2, 2, 1, 1, 2, 1, Number.NaN, 2, 1]);
    const s = rankStats(["A", "B"], Float64Array.from([1, 2]), ranks, 5);
    // A: 1,2,1,1,2 → median 1, mean 1.4; q05 = 1 (h = 0.2 between 1 and 1), q95: sorted 1,1,1,2,2, h = 3.8 → 2
    expect(s[0]).toEqual({
      uCode: "A",
      nominal_rank: 1,
      median_rank: 1,
      mean_rank: 1.4,
      q05_rank: 1,
      q95_rank: 2,
    });
    // B: 2,1,2,1 (one missing) → sorted 1,1,2,2: median 1.5, mean 1.5, q05 h = 0.15 → 1, q95 h = 2.85 → 2
    expect(s[1]).toEqual({
      uCode: "B",
      nominal_rank: 2,
      median_rank: 1.5,
      mean_rank: 1.5,
      q05_rank: 1,
      q95_rank: 2,
    });
  });
  it("mean absolute rank shift from nominal (COINr's SA output)", () => {
    const y = meanAbsRankShift(
      Float64Array.from([1, 2, 3]),
      Float64Array.from([1, 2, 3, 3, 1, 2]),
      2,
    );
    expect([...y]).toEqual([0, (2 + 1 + 1) / 3]);
  });
});

describe.skipIf(!hasShared)("replications on ASEM", () => {
  let input: CoinInput;
  beforeAll(async () => {
    const dir = sharedPath("composite", "asem");
    input = await readCoin(`${dir}/ASEM_iData.csv`, `${dir}/ASEM_iMeta.csv`);
  });
  const spec = UncertaintySpecSchema.parse({
    type: "uncertainty",
    runs: 40,
    seed: 3,
    factors: [
      { name: "Winmax", step: "treat", param: "winmax", values: [1, 3, 5] },
      {
        name: "Normalisation",
        step: "normalise",
        alternatives: [
          { method: "n_minmax", params: { l_u: [1, 100] } },
          { method: "n_zscore", params: { m_sd: [10, 2] } },
        ],
      },
      { name: "Weights", noise: { levels: [2], factor: 0.25, nrep: 5 } },
      { name: "Exclude", exclude: ["LPI", "Flights"] },
      { name: "Aggregation", step: "aggregate", param: "method", values: ["a_amean", "a_gmean"] },
    ],
  });

  it("a cached replication equals a full build with the same pipeline and weights", () => {
    const { factors, design } = prepareUncertainty(spec, DEFAULT_PIPELINE, input, 3);
    const ev = new ReplicationEvaluator(input, DEFAULT_PIPELINE, factors);
    for (let r = 0; r < design.runs; r += 7) {
      const c = design.choices.map((col) => col[r]!);
      const pipeline: Pipeline = {
        ...DEFAULT_PIPELINE,
        treat: { ...DEFAULT_PIPELINE.treat, winmax: [1, 3, 5][c[0]!]! },
        normalise: (
          [
            { method: "n_minmax", params: { l_u: [1, 100] } },
            { method: "n_zscore", params: { m_sd: [10, 2] } },
          ] as Pipeline["normalise"][]
        )[c[1]!]!,
      };
      const weights = {
        ...factors[2]!.weights!(c[2]!),
        ...(c[3]! > 0 ? { [["LPI", "Flights"][c[3]! - 1]!]: 0 } : {}),
      };
      pipeline.aggregate = { method: (["a_amean", "a_gmean"] as const)[c[4]!]!, weights };
      const full = buildIndex(input, pipeline).results.scores[0]!;
      const fast = ev.scores(c);
      full.forEach((v, i) => {
        expectClose(fast[i]!, v, { rtol: 1e-12, what: `replication ${r} unit ${i}` });
      });
    }
  });

  it("noisy weights are w·(1 + f(2u − 1)): within ±25% of nominal, and vary", () => {
    const { factors } = prepareUncertainty(spec, DEFAULT_PIPELINE, input, 3);
    const sets = [0, 1, 2, 3, 4].map((k) => factors[2]!.weights!(k)!);
    for (const s of sets) {
      expect(Object.keys(s).sort()).toEqual(input.framework.aggregateLevels[0]!.slice().sort());
      for (const v of Object.values(s)) expect(v >= 0.75 && v <= 1.25).toBe(true);
    }
    expect(new Set(sets.map((s) => s.Physical)).size).toBe(5);
  });

  it("is reproducible and the nominal rank is the build's rank", async () => {
    const a = await analyseUncertainty(spec, DEFAULT_PIPELINE, input, 3);
    const b = await analyseUncertainty(spec, DEFAULT_PIPELINE, input, 3);
    expect(a.rankStats).toEqual(b.rankStats);
    const nominal = buildIndex(input, DEFAULT_PIPELINE).results;
    a.rankStats.forEach((s) => {
      expect(s.nominal_rank).toBe(nominal.rank[nominal.units.indexOf(s.uCode)]);
      expect(s.q05_rank <= s.median_rank && s.median_rank <= s.q95_rank).toBe(true);
    });
    expect(a.failed).toBe(0);
  });

  it("a Sobol factor whose alternatives are identical gets Si = STi = 0 exactly (COINr's own test)", async () => {
    const sobol = UncertaintySpecSchema.parse({
      type: "sobol",
      runs: 30,
      nboot: 0,
      factors: [
        { name: "Same", step: "treat", param: "winmax", values: [5, 5] },
        { name: "Aggregation", step: "aggregate", param: "method", values: ["a_amean", "a_gmean"] },
      ],
    });
    const pipeline = {
      ...DEFAULT_PIPELINE,
      normalise: { method: "n_minmax", params: { l_u: [1, 100] } },
    } as Pipeline;
    const r = await analyseUncertainty(sobol, pipeline, input, 1);
    expect(r.design.runs).toBe(30 * 4);
    expect(r.sensitivity![0]!.Si).toBe(0);
    expect(r.sensitivity![0]!.STi).toBe(0);
    expect(r.sensitivity![1]!.STi).toBeGreaterThan(0);
  });
});
