/**
 * The analysis tools of issue 16 (COINr remove_elements, compare_coins(_multi), get_str_weak,
 * get_corr_flags, get_denom_corr, cor.test p-values, outrankMatrix, CAGR/get_trends), each
 * checked against COINr's ASEM outputs where one exists, else against its documented definition
 * computed directly in the test on small hand-checkable cases.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { aggregate } from "../../src/composite/aggregate.ts";
import { compareIndices, compareIndicesMulti } from "../../src/composite/compare.ts";
import { corTest } from "../../src/composite/cor-test.ts";
import { correlationFlags, denominatorCorrelations } from "../../src/composite/corr-flags.ts";
import { buildFramework, metaRow } from "../../src/composite/framework.ts";
import { outrankingMatrix } from "../../src/composite/outrank.ts";
import {
  buildIndex,
  type CoinInput,
  DEFAULT_PIPELINE,
  type IndexResult,
  type Pipeline,
} from "../../src/composite/pipeline.ts";
import { removeElements } from "../../src/composite/remove-elements.ts";
import { strengthsWeaknesses } from "../../src/composite/strengths.ts";
import { cagr, trends } from "../../src/composite/trends.ts";
import type { Dataset } from "../../src/composite/types.ts";
import { readCoin } from "../../src/io/coin.ts";
import { correlation } from "../../src/stats/correlation.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, readReference, sharedPath } from "../helpers/shared.ts";

const m = metaRow;
const ds = (units: string[], cols: Record<string, number[]>): Dataset => ({
  units,
  codes: Object.keys(cols),
  values: Object.values(cols).map((c) => Float64Array.from(c)),
});

/** Two pillars (P: a, b; Q: c) under one index; 4 units; c is a "lower is better" indicator. */
function small(weights: Record<string, number> = {}): CoinInput {
  const w = (c: string) => ({ weight: weights[c] ?? 1 });
  const framework = buildFramework([
    m("a", "Indicator", 1, "P", w("a")),
    m("b", "Indicator", 1, "P", w("b")),
    m("c", "Indicator", 1, "Q", { ...w("c"), direction: -1 }),
    m("P", "Aggregate", 2, "I", w("P")),
    m("Q", "Aggregate", 2, "I", w("Q")),
    m("I", "Aggregate", 3, null),
  ]);
  const units = ["U1", "U2", "U3", "U4"];
  return {
    framework,
    data: {
      uCode: units,
      uName: units,
      groups: {},
      denominators: { Pop: Float64Array.from([10, 20, 30, 40]) },
      indicators: ds(units, { a: [1, 2, 3, 4], b: [4, 1, 3, 2], c: [1, 4, 2, 3] }),
    },
  };
}
const SMALL_PIPELINE: Pipeline = {
  normalise: { method: "n_minmax", params: { l_u: [0, 100] } },
  aggregate: { method: "a_amean" },
};

describe("removeElements (COINr remove_elements)", () => {
  it("re-aggregates with each element's weight at zero (direct formula on a small case)", () => {
    const input = small();
    const res = buildIndex(input, SMALL_PIPELINE);
    const r = removeElements(input, SMALL_PIPELINE, res, { level: 1 });
    expect(r.elements).toEqual(["Nominal", "a", "b", "c"]);
    // Normalised (min-max 0–100; c reversed): a = 0, 33.3, 66.7, 100; b = 100, 0, 66.7, 33.3;
    // c = 100, 0, 66.7, 33.3. Index = (mean(a, b) + c) / 2. Without a: (b + c) / 2 = b.
    const n = (v: number[]) => v.map((x) => (100 * (x - 1)) / 3);
    const a = n([1, 2, 3, 4]);
    const b = n([4, 1, 3, 2]);
    const c = n([4, 1, 3, 2]); // c = 1, 4, 2, 3 reversed
    const expected = {
      Nominal: a.map((_, i) => ((a[i]! + b[i]!) / 2 + c[i]!) / 2),
      a: b.map((_, i) => (b[i]! + c[i]!) / 2),
      b: a.map((_, i) => (a[i]! + c[i]!) / 2),
      c: a.map((_, i) => (a[i]! + b[i]!) / 2), // Q has no value left: the index is P
    };
    for (const [e, col] of Object.values(expected).entries()) {
      for (const [i, v] of col.entries())
        expectClose(r.scores[e]![i]!, v, { rtol: 1e-12, what: `${r.elements[e]} ${i}` });
    }
    // Ranks and the mean absolute rank change, by hand from those scores.
    // Nominal: U1 75, U2 8.33, U3 66.7, U4 50 → ranks 1 4 2 3.
    expect(Array.from(r.ranks[0]!)).toEqual([1, 4, 2, 3]);
    // Without c: P = 50, 16.7, 66.7, 66.7 → ranks 3 4 1 1 → |Δ| = 2 0 1 2 → mean 1.25.
    expect(Array.from(r.ranks[3]!)).toEqual([3, 4, 1, 1]);
    expectClose(r.meanAbsRankChange[3]!, 1.25, { rtol: 1e-12 });
    expect(r.meanAbsRankChange[0]).toBe(0);
  });

  it("removing nothing changes nothing: an element already weighted zero moves no rank", () => {
    const input = small({ b: 0 });
    const res = buildIndex(input, SMALL_PIPELINE);
    const r = removeElements(input, SMALL_PIPELINE, res, { level: 1 });
    const kb = r.elements.indexOf("b");
    expect(Array.from(r.scores[kb]!)).toEqual(Array.from(r.scores[0]!));
    expect(r.meanAbsRankChange[kb]).toBe(0);
    expect(Array.from(r.scores[0]!)).toEqual(Array.from(res.results.scores[0]!));
  });

  it("rejects a level at or above the top, naming the valid range", () => {
    const input = small();
    const res = buildIndex(input, SMALL_PIPELINE);
    expect(() => removeElements(input, SMALL_PIPELINE, res, { level: 3 })).toThrow(/1 to 2/);
    expect(() => removeElements(input, SMALL_PIPELINE, res, { level: 1, iCode: "Z" })).toThrow(
      /"Z"/,
    );
  });

  describe.skipIf(!hasShared)("on ASEM, against COINr's Aggregated data set", () => {
    let input: CoinInput;
    let res: IndexResult;
    let ref: Awaited<ReturnType<typeof readReference>>;
    beforeAll(async () => {
      input = await readCoin(
        sharedPath("composite/asem/ASEM_iData.csv"),
        sharedPath("composite/asem/ASEM_iMeta.csv"),
      );
      res = buildIndex(input, DEFAULT_PIPELINE);
      ref = await readReference(sharedPath("composite/asem/reference/asem_dset_Aggregated.csv"));
    });
    it("the index with each pillar removed is the mean of the sub-index means of COINr's remaining pillars", () => {
      const r = removeElements(input, DEFAULT_PIPELINE, res, { level: 2 });
      const fw = input.framework;
      const col = (code: string) => ref.columns.indexOf(code);
      for (const [e, pillar] of r.elements.entries()) {
        r.units.forEach((u, i) => {
          const row = ref.rows.get(u)!;
          const subs = fw.children.get("Index")!.map((s) => {
            const kids = fw.children.get(s)!.filter((k) => k !== pillar);
            const vals = kids.map((k) => Number(row[col(k)]));
            return vals.reduce((x, y) => x + y, 0) / vals.length;
          });
          const expected = subs.reduce((x, y) => x + y, 0) / subs.length;
          expectClose(r.scores[e]![i]!, expected, { rtol: 1e-9, what: `${pillar} ${u}` });
        });
      }
      // COINr's nominal index and its published check: CHE 68.3837 rank 1.
      const che = r.units.indexOf("CHE");
      expectClose(r.scores[0]![che]!, 68.3837, { atol: 5e-5, what: "CHE" });
      expect(r.ranks[0]![che]).toBe(1);
      expect(r.meanAbsRankChange.slice(1).every((v) => v > 0)).toBe(true);
    });
    it("level 1 covers all 49 indicators", () => {
      const r = removeElements(input, DEFAULT_PIPELINE, res, { level: 1 });
      expect(r.elements.length).toBe(50);
    });
  });
});

describe("compareIndices (COINr compare_coins, compare_coins_multi)", () => {
  const a = { units: ["C", "A", "B", "D"], scores: [10, 30, 20, 20] };
  const b = { units: ["A", "B", "C", "E"], scores: [5, 7, 6, 1] };
  it("comparing a build with itself gives zeros and perfect agreement", () => {
    const r = compareIndices(a, a);
    expect(r.rows.every((x) => x.diff === 0 && x.absDiff === 0)).toBe(true);
    expect(r.agreement.spearman).toBe(1);
    expect(r.agreement.kendall).toBe(1);
  });
  it("joins on uCode (outer, sorted), ranks with ties at the minimum, Diff = rank 1 − rank 2", () => {
    const r = compareIndices(a, b);
    expect(r.rows.map((x) => x.uCode)).toEqual(["A", "B", "C", "D", "E"]);
    // a ranks: A 1, B 2, D 2, C 4; b ranks: B 1, C 2, A 3, E 4.
    expect(r.rows.map((x) => x.v1)).toEqual([1, 2, 4, 2, Number.NaN]);
    expect(r.rows.map((x) => x.v2)).toEqual([3, 1, 2, Number.NaN, 4]);
    expect(r.rows.map((x) => x.diff)).toEqual([-2, 1, 2, Number.NaN, Number.NaN]);
    expect(r.agreement.n).toBe(3);
    // Units in both: A (1, 3), B (2, 1), C (4, 2): Spearman by the formula 1 − 6Σd²/(n(n²−1)),
    // ranks within the three: x 1 2 3, y 3 1 2 → d = −2, 1, 1 → Σd² = 6 → 1 − 36/24 = −0.5.
    expectClose(r.agreement.spearman, -0.5, { rtol: 1e-12 });
  });
  it("several builds: left join on the base, re-ranked, Diffs = each − base, sorted by base", () => {
    const r = compareIndicesMulti({ one: a, two: b }, { ibase: 1 });
    expect(r.names).toEqual(["two", "one"]);
    // Base b's units A, B, C, E; a re-ranked over them: A 1, B 2, C 3, E NA.
    expect(r.units).toEqual(["B", "C", "A", "E"]);
    expect(Array.from(r.values[1]!)).toEqual([2, 3, 1, Number.NaN]);
    expect(Array.from(r.diffs[0]!)).toEqual([0, 0, 0, 0]);
    expect(Array.from(r.diffs[1]!)).toEqual([1, 1, -2, Number.NaN]);
    expect(Array.from(r.absDiffs[1]!)).toEqual([1, 1, 2, Number.NaN]);
  });
});

describe("corTest (R cor.test p-values)", () => {
  it("Kendall, no ties, n < 50: exact from the Mahonian numbers (OEIS A008302)", () => {
    // n = 4, perfect agreement: P(T = 6) = 1/24, two-sided 2/24 (R: p-value = 0.08333).
    expectClose(corTest([1, 2, 3, 4], [1, 2, 3, 4], "kendall").p, 2 / 24, { rtol: 1e-12 });
    // n = 6, τ = 0.6: T = 12 concordant = 3 inversions; permutations of 6 with ≤ 3 inversions:
    // 1 + 5 + 14 + 29 = 49 of 720 → p = 2 · 49/720.
    const t = corTest([1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 7, 5], "kendall");
    expectClose(t.estimate, 0.6, { rtol: 1e-12 });
    expect(t.pMethod).toBe("exact");
    expectClose(t.p, (2 * 49) / 720, { rtol: 1e-12 });
  });
  it("Kendall with ties: normal approximation with the tie-corrected variance", () => {
    const x = [1, 2, 2, 3, 4, 5];
    const y = [1, 3, 2, 2, 5, 4];
    const t = corTest(x, y, "kendall");
    expect(t.pMethod).toBe("normal");
    // S by hand: pairs concordant − discordant = 11 − 2 = 9 (ties in x: (2,3); in y: (3,4)).
    // v0 = 6·5·17 = 510, vt = vu = 2·1·9 = 18, v1 = 2·2 = 4, v2 = 0:
    // Var S = (510 − 36)/18 + 4/60 = 26.4; z = 9/√26.4.
    const z = 9 / Math.sqrt((510 - 36) / 18 + 4 / 60);
    // 2·(1 − Φ(z)) via the complementary error function (Abramowitz–Stegun 7.1.26 is too coarse;
    // erfc from its continued fraction is not in JS, so compare with the series of Φ).
    expectClose(t.p, 2 * (1 - phi(z)), { rtol: 1e-7 });
  });
  it("Spearman: exact for n ≤ 9 without ties (R's default); the t statistic with exact: false", () => {
    const x = [1, 2, 3, 4, 5, 6];
    const y = [2, 1, 4, 3, 6, 5];
    const e = corTest(x, y, "spearman");
    expectClose(e.estimate, 1 - 36 / 210, { rtol: 1e-12 });
    expect(e.pMethod).toBe("exact");
    // S = Σd² = 6; permutations of 6 with S ≤ 6: 1 (S = 0) + 5 adjacent swaps (2) + 6 pairs of
    // disjoint adjacent swaps (4) + 1 triple of them and 8 rotations of 3 consecutive (6) = 21.
    expectClose(e.p, (2 * 21) / 720, { rtol: 1e-14 });
    const t = corTest(x, y, "spearman", { exact: false });
    expect(t.pMethod).toBe("t");
    const rho = 1 - 36 / 210;
    const tt = rho * Math.sqrt(4 / (1 - rho * rho));
    const s = tt / Math.sqrt(tt * tt + 4);
    // Student t with 4 df: P(|T| > t) = 1 − s(3 − s²)/2.
    expectClose(t.p, 1 - (s * (3 - s * s)) / 2, { rtol: 1e-9 });
  });
});

/** Φ(z) by its Taylor series (converges for the |z| < 4 used here). */
function phi(z: number): number {
  let term = z;
  let sum = z;
  for (let k = 1; k < 200; k++) {
    term *= (-z * z) / 2 / k;
    sum += term / (2 * k + 1);
  }
  return 0.5 + sum / Math.sqrt(2 * Math.PI);
}

describe("strengthsWeaknesses (COINr get_str_weak)", () => {
  const fw = buildFramework([
    m("a", "Indicator", 1, "P"),
    m("b", "Indicator", 1, "P", { direction: -1 }),
    m("c", "Indicator", 1, "Q"),
    m("d", "Indicator", 1, "Q"),
    m("P", "Aggregate", 2, "I"),
    m("Q", "Aggregate", 2, "I"),
    m("I", "Aggregate", 3, null),
  ]);
  const units = ["U1", "U2", "U3", "U4"];
  const data = ds(units, {
    a: [4, 3, 2, 1], // U2 rank 2
    b: [4, 1, 2, 3], // lower is better: U2 rank 1
    c: [0, 0, 0, 5], // U2 ties at the minimum: rank 2, the worst rank present
    d: [1, 9, 5, Number.NaN], // U2 rank 1
  });
  it("ranks direction-adjusted values, drops NA and worst-rank indicators, sorts by rank", () => {
    const r = strengthsWeaknesses(data, fw, "U2", { topN: 2, bottomN: 2 });
    expect(r.strengths.map((x) => [x.code, x.rank, x.pillar])).toEqual([
      ["b", 1, "P"],
      ["d", 1, "Q"],
    ]);
    expect(r.weaknesses.map((x) => [x.code, x.rank])).toEqual([
      ["d", 1],
      ["a", 2],
    ]);
    expect(r.strengths[0]!.value).toBe(1); // the value itself, not direction-adjusted
  });
  it("keeps the worst-rank indicator with minDiscard false, and unqDiscard drops few-valued ones", () => {
    const keep = strengthsWeaknesses(data, fw, "U2", { topN: 4, bottomN: 1, minDiscard: false });
    expect(keep.weaknesses.map((x) => x.code)).toEqual(["c"]);
    // c has 2 unique values of 4 (0.5): not above 0.5, dropped.
    const unq = strengthsWeaknesses(data, fw, "U2", {
      topN: 1,
      bottomN: 1,
      minDiscard: false,
      unqDiscard: 0.5,
    });
    expect(unq.weaknesses.map((x) => x.code)).toEqual(["a"]);
  });
  it("without direction adjustment b ranks U2 last; group ranks are within the unit's group", () => {
    const raw = strengthsWeaknesses(data, fw, "U2", {
      topN: 1,
      bottomN: 1,
      adjustDirection: false,
      minDiscard: false,
    });
    expect(raw.weaknesses[0]!.code).toBe("b");
    const g = strengthsWeaknesses(data, fw, "U2", {
      topN: 1,
      bottomN: 1,
      groups: ["x", "x", "y", "y"],
    });
    // Within {U1, U2}: a rank 2 (worst, dropped), b 1, d 1 (c tied: both rank 1 = worst, dropped).
    expect(g.strengths[0]!.code).toBe("b");
    expect(g.weaknesses[0]!.code).toBe("d");
  });
  it("names what is wrong", () => {
    expect(() => strengthsWeaknesses(data, fw, "ZZZ")).toThrow(/"ZZZ"/);
    expect(() => strengthsWeaknesses(data, fw, "U1", { topN: 9 })).toThrow(
      /topN must be an integer from 1 to 4/,
    );
  });
});

describe("correlationFlags and denominatorCorrelations (COINr get_corr_flags, get_denom_corr)", () => {
  it("flags pairs within the same level-2 group above (high) or below (low) the threshold", () => {
    const input = small();
    const d = ds(input.data.uCode, { a: [1, 2, 3, 4], b: [1, 2, 3, 5], c: [1, 2, 3, 4] });
    const hi = correlationFlags(d, input.framework, { corThresh: 0.9 });
    // a–c correlate perfectly but are in different pillars: not a pair.
    expect(hi.map((f) => [f.group, f.ind1, f.ind2])).toEqual([["P", "a", "b"]]);
    expectClose(hi[0]!.corr, Math.round(correlation([1, 2, 3, 4], [1, 2, 3, 5]) * 1000) / 1000, {
      rtol: 0,
    });
    expect(correlationFlags(d, input.framework, { corThresh: 0.9, threshType: "low" })).toEqual([]);
    // Level 3 groups everything under the index: a–c now counts.
    const all = correlationFlags(d, input.framework, { corThresh: 0.99, groupLevel: 3 });
    expect(all.map((f) => `${f.ind1}-${f.ind2}`)).toEqual(["a-c"]);
    expect(all[0]!.p).toBe(0);
  });
  it("correlates every indicator with each denominator, flagging |corr| > threshold", () => {
    const input = small();
    const r = denominatorCorrelations(
      input.data.indicators,
      input.framework,
      {
        units: input.data.uCode,
        columns: input.data.denominators,
      },
      { corThresh: 0.5, all: true },
    );
    expect(r.map((x) => [x.indicator, x.corr, x.flagged])).toEqual([
      ["a", 1, true],
      ["b", -0.4, false], // Pearson of 10..40 with 4, 1, 3, 2: −0.4
      ["c", 0.4, false],
    ]);
  });
  describe.skipIf(!hasShared)("on COINr's ASEM Normalised data set", () => {
    it("flags exactly the within-pillar pairs whose Pearson correlation exceeds 0.75", async () => {
      const input = await readCoin(
        sharedPath("composite/asem/ASEM_iData.csv"),
        sharedPath("composite/asem/ASEM_iMeta.csv"),
      );
      const ref = await readReference(
        sharedPath("composite/asem/reference/asem_dset_Normalised.csv"),
      );
      const units = [...ref.rows.keys()];
      const codes = ref.columns.slice(1).filter((c) => input.framework.indicators.includes(c));
      const norm: Dataset = {
        units,
        codes,
        values: codes.map((c) =>
          Float64Array.from(units, (u) => Number(ref.rows.get(u)![ref.columns.indexOf(c)])),
        ),
      };
      const flags = correlationFlags(norm, input.framework, { corThresh: 0.75, roundTo: null });
      const fw = input.framework;
      const expected: string[] = [];
      for (const [i, x] of fw.indicators.entries())
        for (const y of fw.indicators.slice(i + 1)) {
          if (fw.parent.get(x) !== fw.parent.get(y)) continue;
          const r = correlation(norm.values[codes.indexOf(x)]!, norm.values[codes.indexOf(y)]!);
          if (r > 0.75) expected.push(`${x}-${y}`);
        }
      expect(flags.map((f) => `${f.ind1}-${f.ind2}`)).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
    });
  });
});

describe("outrankingMatrix (COINr outrankMatrix)", () => {
  it("O_ij = Σ w where i is higher + ½ Σ w where equal; O_ji = 1 − O_ij; diagonal 0", () => {
    const d = ds(["A", "B", "C"], { x: [3, 1, 2], y: [1, 1, 5], z: [2, 0, 2] });
    const r = outrankingMatrix(d, ["x", "y", "z"], [2, 1, 1]);
    const M = (i: number, j: number) => r.matrix[i * 3 + j]!;
    // A vs B: x higher (0.5), y equal (0.25/2), z higher (0.25) → 0.875.
    expectClose(M(0, 1), 0.875, { rtol: 1e-12 });
    expectClose(M(1, 0), 0.125, { rtol: 1e-12 });
    // A vs C: x higher 0.5, y lower, z equal 0.125 → 0.625. B vs C: all lower or equal… x lower, y lower, z lower → 0.
    expectClose(M(0, 2), 0.625, { rtol: 1e-12 });
    expect(M(1, 2)).toBe(0);
    expect(M(2, 1)).toBe(1);
    expect([M(0, 0), M(1, 1), M(2, 2)]).toEqual([0, 0, 0]);
    expect(r.nDominant).toBe(1);
    expectClose(r.fracDominant, 1 / 3, { rtol: 1e-12 });
  });
  it("its Copeland scores are those of the a_copeland aggregation", () => {
    const fw = buildFramework([
      m("x", "Indicator", 1, "I"),
      m("y", "Indicator", 1, "I"),
      m("z", "Indicator", 1, "I"),
      m("I", "Aggregate", 2, null),
    ]);
    const d = ds(["A", "B", "C", "D"], { x: [3, 1, 2, 2], y: [1, 1, 5, 0], z: [2, 0, 2, 9] });
    const r = outrankingMatrix(d, ["x", "y", "z"]);
    const cop = aggregate(d, fw, { method: "a_copeland" }).values[3]!;
    for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let j = 0; j < 4; j++) if (j !== i) s += Math.sign(r.matrix[i * 4 + j]! - 0.5);
      expect(cop[i]).toBe(s);
    }
  });
  it("rejects unknown columns and mismatched weights", () => {
    const d = ds(["A", "B"], { x: [1, 2] });
    expect(() => outrankingMatrix(d, ["q"])).toThrow(/"q"/);
    expect(() => outrankingMatrix(d, ["x"], [1, 2])).toThrow(/2 weights for 1 columns/);
  });
});

describe("trends (COINr CAGR, get_trends)", () => {
  it("a series growing by exactly 5% a year has CAGR 0.05, with gaps and any first value", () => {
    const t = [2000, 2001, 2002, 2003, 2004, 2005];
    const y = t.map((x) => 7 * 1.05 ** (x - 2000));
    expectClose(cagr(y, t), 0.05, { rtol: 1e-12 });
    y[0] = Number.NaN;
    y[3] = Number.NaN;
    expectClose(cagr(y, t), 0.05, { rtol: 1e-12 });
    expect(cagr([0, 0], [1, 2])).toBe(0);
    expect(cagr([Number.NaN, 3], [1, 2])).toBeNaN();
  });
  it("per unit and indicator: CAGR, availability, first and latest years; useLatest windows", () => {
    const units = ["B", "A", "B", "A", "B", "A"];
    const time = [2012, 2010, 2010, 2012, 2011, 2011];
    const d = ds(units, { g: [121, 1, 100, 4, 110, Number.NaN], h: [1, 1, 1, 1, 1, 1] });
    const r = trends(d, time, null);
    expect(r.map((x) => [x.uCode, x.iCode])).toEqual([
      ["A", "g"],
      ["A", "h"],
      ["B", "g"],
      ["B", "h"],
    ]);
    expectClose(r[0]!.trend, 1, { rtol: 1e-12 }); // 1 → 4 over two years: ×2 a year
    expectClose(r[0]!.avail, 2 / 3, { rtol: 1e-12 });
    expect([r[0]!.t_first, r[0]!.t_latest]).toEqual([2010, 2012]);
    expectClose(r[2]!.trend, 0.1, { rtol: 1e-12 });
    expect(r[1]!.trend).toBe(0);
    const last2 = trends(d, time, null, { useLatest: 2 });
    expectClose(last2[2]!.trend, 0.1, { rtol: 1e-12 }); // 110 → 121
    expect(last2[0]!.trend).toBeNaN(); // A's last two points: NA, 4
    expect(trends(d, time, null, { useLatest: 4 })[2]!.trend).toBeNaN(); // not enough points
  });
});

describe("studyAnalysisTables (what a study build stores)", () => {
  it("has every unit's strengths and weaknesses, each level's leave-one-out impact and the trends of a panel", async () => {
    const { studyAnalysisTables } = await import("../../src/composite/analyse.ts");
    const input = small();
    const res = buildIndex(input, SMALL_PIPELINE);
    const t = studyAnalysisTables(input, SMALL_PIPELINE, res, {
      data: input.data.indicators,
      time: [2000, 2000, 2001, 2001],
    });
    const u2 = strengthsWeaknesses(res.stages.Raw!, input.framework, "U2");
    expect(
      t.strengths!.rows.filter((r) => r[0] === "U2" && r[1] === "strength").map((r) => r[2]),
    ).toEqual(u2.strengths.map((s) => s.code));
    expect(t.remove_elements!.rows.map((r) => `${r[0]} ${r[1]}`)).toEqual([
      "1 a",
      "1 b",
      "1 c",
      "2 P",
      "2 Q",
    ]);
    // Removing c: 1.25 by hand (see above).
    expectClose(Number(t.remove_elements!.rows[2]![2]), 1.25, { rtol: 1e-12 });
    expect(t.trends!.columns).toEqual(["uCode", "iCode", "cagr", "avail", "t_first", "t_latest"]);
  });
});
