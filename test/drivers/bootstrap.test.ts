/**
 * Bootstrap of driver importance: replicates are a function of (seed, b) only, and the summary
 * (type-7 percentile intervals, rank intervals, outranking probabilities) matches hand-computed
 * values on hand-made replicate arrays.
 */
import { describe, expect, it } from "vitest";
import type { DriverProblem } from "../../src/drivers/analysis.ts";
import { bootstrapReplicate, summariseBootstrap } from "../../src/drivers/bootstrap.ts";
import { driverProblem } from "../../src/drivers/problem.ts";
import { frameFromColumns } from "../../src/survey/frame.ts";
import { expectClose } from "../helpers/expectClose.ts";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function data(n: number, seed: number) {
  const u = lcg(seed);
  const a = Array.from({ length: n }, () => u());
  const b = Array.from({ length: n }, (_, i) => 0.5 * a[i]! + u());
  const c = Array.from({ length: n }, () => u());
  const y = a.map((x, i) => 2 * x + b[i]! - 0.5 * c[i]! + u());
  return { a, b, c, y };
}

const problem = (cols: Record<string, number[]>, weights?: string): DriverProblem =>
  driverProblem(frameFromColumns(cols), {
    outcome: "y",
    predictors: ["a", "b", "c"],
    weights,
  }).pb;

describe("bootstrapReplicate", () => {
  const pb = problem(data(40, 1));

  it("is deterministic for (seed, b)", () => {
    const r1 = bootstrapReplicate(pb, ["lmg", "first"], 7, 3);
    const r2 = bootstrapReplicate(pb, ["lmg", "first"], 7, 3);
    expect(r1.length).toBe(2);
    expect(r1.map((x) => Array.from(x))).toEqual(r2.map((x) => Array.from(x)));
    for (const x of r1[0]!) expect(Number.isFinite(x)).toBe(true);
  });

  it("differs across b and across seeds", () => {
    const r0 = Array.from(bootstrapReplicate(pb, ["lmg"], 7, 0)[0]!);
    const r1 = Array.from(bootstrapReplicate(pb, ["lmg"], 7, 1)[0]!);
    const s8 = Array.from(bootstrapReplicate(pb, ["lmg"], 8, 0)[0]!);
    expect(r1).not.toEqual(r0);
    expect(s8).not.toEqual(r0);
  });

  it("does not depend on the order of the methods, and dominance = lmg within a replicate", () => {
    const a = bootstrapReplicate(pb, ["lmg", "dominance", "pratt"], 11, 5);
    const b = bootstrapReplicate(pb, ["pratt", "lmg"], 11, 5);
    expect(Array.from(a[0]!)).toEqual(Array.from(b[1]!));
    expect(Array.from(a[2]!)).toEqual(Array.from(b[0]!));
    a[0]!.forEach((x, j) => {
      expectClose(a[1]![j]!, x, { rtol: 1e-12, what: `dominance = lmg [${j}]` });
    });
  });

  it("a constant weight gives the same replicate as no weights", () => {
    const d = data(40, 1);
    const w = problem({ ...d, w: d.y.map(() => 2.5) }, "w");
    for (const b of [0, 1, 2]) {
      const x = bootstrapReplicate(pb, ["lmg", "pratt"], 4, b);
      const y = bootstrapReplicate(w, ["lmg", "pratt"], 4, b);
      x.forEach((v, k) => {
        v.forEach((e, j) => {
          expectClose(y[k]![j]!, e, { rtol: 1e-10, what: `b=${b} method ${k} player ${j}` });
        });
      });
    }
  });
});

describe("summariseBootstrap on hand-made replicates", () => {
  // Five replicates of three players, level 0.8 → type-7 quantiles at 0.1 and 0.9:
  // h = (5 − 1)·0.1 = 0.4 and (5 − 1)·0.9 = 3.6.
  const reps = [
    [0.5, 0.3, 0.1],
    [0.4, 0.35, 0.2],
    [0.6, 0.2, 0.25],
    [0.3, 0.4, 0.1],
    [0.45, 0.1, 0.5],
  ].map((r) => Float64Array.from(r));

  it("percentile intervals", () => {
    const s = summariseBootstrap(reps, 3, 0.8);
    expect(s.used).toBe(5);
    // Player 1 sorted 0.3 0.4 0.45 0.5 0.6: 0.3 + 0.4·0.1, 0.5 + 0.6·0.1.
    // Player 2 sorted 0.1 0.2 0.3 0.35 0.4: 0.1 + 0.4·0.1, 0.35 + 0.6·0.05.
    // Player 3 sorted 0.1 0.1 0.2 0.25 0.5: 0.1, 0.25 + 0.6·0.25.
    const lo = [0.34, 0.14, 0.1];
    const hi = [0.56, 0.38, 0.4];
    for (let j = 0; j < 3; j++) {
      expectClose(s.ciLow[j]!, lo[j]!, { rtol: 1e-12, atol: 1e-15, what: `ci_low ${j}` });
      expectClose(s.ciHigh[j]!, hi[j]!, { rtol: 1e-12, atol: 1e-15, what: `ci_high ${j}` });
    }
  });

  it("rank intervals (1 = largest)", () => {
    // Ranks per replicate: [1,2,3] [1,2,3] [1,3,2] [2,1,3] [2,3,1].
    // Player 1: 1 1 1 2 2 → [1, 2]; player 2: 1 2 2 3 3 → [1 + 0.4, 3]; player 3: 1 2 3 3 3 → [1.4, 3].
    const s = summariseBootstrap(reps, 3, 0.8);
    const lo = [1, 1.4, 1.4];
    const hi = [2, 3, 3];
    for (let j = 0; j < 3; j++) {
      expectClose(s.rankLow[j]!, lo[j]!, { rtol: 1e-12, what: `rank_low ${j}` });
      expectClose(s.rankHigh[j]!, hi[j]!, { rtol: 1e-12, what: `rank_high ${j}` });
    }
  });

  it("outranking probabilities", () => {
    const s = summariseBootstrap(reps, 3, 0.8);
    const p = [
      [Number.NaN, 0.8, 0.8],
      [0.2, Number.NaN, 0.6],
      [0.2, 0.4, Number.NaN],
    ];
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        if (i === j) expect(s.outranks[i]![j]!).toBeNaN();
        else expectClose(s.outranks[i]![j]!, p[i]![j]!, { rtol: 1e-12, what: `p[${i}][${j}]` });
      }
  });

  it("drops replicates with NaN; default level 0.95 on 21 replicates", () => {
    // Player j takes the values (j + 1)·b, b = 0..20: h = 20·0.025 = 0.5 and 20·0.975 = 19.5.
    const many = Array.from({ length: 21 }, (_, b) => Float64Array.of(b, 2 * b, 3 * b));
    const withBad = [...many, Float64Array.of(Number.NaN, 1, 1)];
    const s = summariseBootstrap(withBad, 3);
    expect(s.used).toBe(21);
    for (let j = 0; j < 3; j++) {
      expectClose(s.ciLow[j]!, 0.5 * (j + 1), { rtol: 1e-12, what: `ci_low ${j}` });
      expectClose(s.ciHigh[j]!, 19.5 * (j + 1), { rtol: 1e-12, what: `ci_high ${j}` });
    }
    // b = 0 ties all three at 0 (no player strictly larger); otherwise player 3 > 2 > 1.
    expectClose(s.outranks[2]![0]!, 20 / 21, { rtol: 1e-12, what: "p[3][1]" });
    expectClose(s.outranks[0]![2]!, 0, { atol: 0, what: "p[1][3]" });
  });
});
