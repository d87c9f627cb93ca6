import { beforeAll, describe, expect, it } from "vitest";
import { cronbachAlpha } from "../../src/composite/cronbach.ts";
import { buildFramework } from "../../src/composite/framework.ts";
import type { CoinInput } from "../../src/composite/pipeline.ts";
import { buildIndex, DEFAULT_PIPELINE, type IndexResult } from "../../src/composite/pipeline.ts";
import { createReweighter } from "../../src/composite/reweight.ts";
import type { Dataset, MetaRow } from "../../src/composite/types.ts";
import { effectiveWeights, optimiseWeights, pcaWeights } from "../../src/composite/weights.ts";
import { readCoin } from "../../src/io/coin.ts";
import { correlation, pearsonPValue } from "../../src/stats/correlation.ts";
import { nelderMead } from "../../src/stats/nelder-mead.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const ds = (cols: Record<string, number[]>): Dataset => ({
  units: (Object.values(cols)[0] ?? []).map((_, i) => `U${i}`),
  codes: Object.keys(cols),
  values: Object.values(cols).map((c) => Float64Array.from(c)),
});

describe("correlations and reliability", () => {
  const x = [1, 2, 3, 4, 5, 6];
  const y = [2, 1, 4, 3, 7, 5];
  const z = [1, 3, 2, 5, 4, 6];
  it("Pearson, Spearman and Kendall agree with the textbook formulas (python3 by hand)", () => {
    expectClose(correlation(x, y), 0.7917946548886297, { rtol: 1e-12, what: "pearson" });
    // No ties: Spearman = 1 − 6Σd²/(n(n²−1)) with ranks of y = 2,1,4,3,6,5: Σd² = 6 → 1 − 36/210
    expectClose(correlation(x, y, "spearman"), 1 - 36 / 210, { rtol: 1e-12, what: "spearman" });
    expectClose(correlation(x, y, "kendall"), 0.6, { rtol: 1e-12, what: "kendall" });
  });
  it("uses pairwise complete observations", () => {
    expectClose(correlation([...x, Number.NaN], [...y, 100]), 0.7917946548886297, { rtol: 1e-12 });
  });
  it("gives the t-test p-value of R's cor.test", () => {
    // r = 0.5, n = 12: t = 0.5·√(10/0.75) = 1.825742, df 10, two-sided p = 0.0979 (t tables);
    // R: 2*pt(-1.825742, 10) = 0.09785
    expectClose(pearsonPValue(0.5, 12), 0.09785, { atol: 5e-5, what: "p" });
  });
  it("Cronbach's alpha = k/(k−1)(1 − Σvar/ΣΣcov) (python3 by hand)", () => {
    expectClose(cronbachAlpha(ds({ x, y, z }), ["x", "y", "z"]), 0.8720095693779906, {
      rtol: 1e-12,
    });
  });
});

describe("Nelder–Mead as R's optim", () => {
  it("reproduces R's documented optim example (Rosenbrock from c(-1.2, 1))", () => {
    // ?optim example in R: optim(c(-1.2, 1), fr) gives par 1.000260 1.000506,
    // value 8.825241e-08 and 195 function evaluations.
    const fr = (v: Float64Array) => 100 * (v[1]! - v[0]! * v[0]!) ** 2 + (1 - v[0]!) ** 2;
    const r = nelderMead(fr, [-1.2, 1]);
    expectClose(r.par[0]!, 1.00026, { atol: 5e-7, what: "par1" });
    expectClose(r.par[1]!, 1.000506, { atol: 5e-7, what: "par2" });
    expectClose(r.value, 8.825241e-8, { rtol: 1e-6, what: "value" });
    expect(r.counts).toBe(195);
    expect(r.convergence).toBe(0);
  });
});

describe("weights", () => {
  const meta: MetaRow[] = [
    {
      iCode: "a",
      iName: "a",
      type: "Indicator",
      level: 1,
      direction: 1,
      weight: 1,
      unit: null,
      target: null,
      denominator: null,
      parent: "P",
    },
    {
      iCode: "b",
      iName: "b",
      type: "Indicator",
      level: 1,
      direction: 1,
      weight: 3,
      unit: null,
      target: null,
      denominator: null,
      parent: "P",
    },
    {
      iCode: "c",
      iName: "c",
      type: "Indicator",
      level: 1,
      direction: 1,
      weight: 1,
      unit: null,
      target: null,
      denominator: null,
      parent: "Q",
    },
    {
      iCode: "P",
      iName: "P",
      type: "Aggregate",
      level: 2,
      direction: 1,
      weight: 2,
      unit: null,
      target: null,
      denominator: null,
      parent: "I",
    },
    {
      iCode: "Q",
      iName: "Q",
      type: "Aggregate",
      level: 2,
      direction: 1,
      weight: 2,
      unit: null,
      target: null,
      denominator: null,
      parent: "I",
    },
    {
      iCode: "I",
      iName: "I",
      type: "Aggregate",
      level: 3,
      direction: 1,
      weight: 1,
      unit: null,
      target: null,
      denominator: null,
      parent: null,
    },
  ];
  const fw = buildFramework(meta);
  it("effective weights are the product of sibling-normalised weights down the lineage", () => {
    const w = effectiveWeights(fw);
    // a: 1/4 of P, P: 1/2 of I → 1/8; b: 3/4 · 1/2 = 3/8; c: 1 · 1/2 (by hand)
    expectClose(w.a!, 1 / 8, { rtol: 1e-15 });
    expectClose(w.b!, 3 / 8, { rtol: 1e-15 });
    expectClose(w.c!, 1 / 2, { rtol: 1e-15 });
    expectClose(w.P!, 1 / 2, { rtol: 1e-15 });
  });
  it("PCA weights of two standardised columns are ±1/√2 (eigenvector of [[1, r], [r, 1]])", () => {
    const d = ds({ a: [1, 2, 3, 4, 8], b: [2, 1, 5, 3, 9], c: [1, 1, 2, 3, 5] });
    const r = pcaWeights(d, fw, 1);
    expectClose(r.weights.a!, Math.SQRT1_2, { rtol: 1e-12 });
    expectClose(r.weights.b!, Math.SQRT1_2, { rtol: 1e-12 });
    const g = r.groups.find((x) => x.parent === "P")!;
    // Eigenvalues 1 + r and 1 − r with r = corr(a, b).
    const rr = correlation([1, 2, 3, 4, 8], [2, 1, 5, 3, 9]);
    expectClose(g.eigenvalues[0]!, 1 + rr, { rtol: 1e-12 });
    expectClose(g.varianceExplained[0]!, (1 + rr) / 2, { rtol: 1e-12 });
  });
});

describe.skipIf(!hasShared)("reweight fast path and optimised weights on ASEM", () => {
  let input: CoinInput;
  let nominal: IndexResult;
  beforeAll(async () => {
    const dir = sharedPath("composite", "asem");
    input = await readCoin(`${dir}/ASEM_iData.csv`, `${dir}/ASEM_iMeta.csv`);
    nominal = buildIndex(input, DEFAULT_PIPELINE);
  });
  it("reproduces the full build with the nominal weights, and a full rebuild with new weights", () => {
    const rw = createReweighter(nominal.stages.Normalised!, input.framework);
    const r = rw.run(rw.nominal);
    expect([...r.rank]).toEqual([...nominal.results.rank]);
    const w = { Conn: 3, Physical: 0.2, LPI: 5 };
    const fast = rw.run(w);
    const full = buildIndex(input, {
      ...DEFAULT_PIPELINE,
      aggregate: { method: "a_amean", weights: w },
    });
    const top = full.results.scores[0]!;
    fast.scores.at(-1)!.forEach((v, i) => {
      expectClose(v, top[i]!, { rtol: 1e-12, what: `unit ${i}` });
    });
    expect([...fast.rank]).toEqual([...full.results.rank]);
  });
  it("balance-optimised weights bring the pillar–index correlations closer to equal", () => {
    const r = optimiseWeights(nominal.stages.Normalised!, input.framework, 3);
    const sum = Object.values(r.weights).reduce((a, b) => a + b, 0);
    expectClose(sum, 1, { rtol: 1e-12 });
    // The objective at the optimum is no worse than at the start (equal weights).
    const start = optimiseWeights(nominal.stages.Normalised!, input.framework, 3, { maxiter: 0 });
    expect(r.optim.value).toBeLessThanOrEqual(start.optim.value);
  });
});
