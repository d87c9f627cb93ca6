/** The hash-based Poisson bootstrap weights: node and DuckDB compute the same table. */
import { describe, expect, it } from "vitest";
import { duckQuery } from "../../src/io/duck.ts";
import {
  BOOTSTRAP_BUCKETS,
  bootstrapWeights,
  bootstrapWeightsSql,
  lowbias32,
  POISSON_THRESHOLDS,
} from "../../src/media/bootstrap-weights.ts";

describe("hash-based Poisson bootstrap weights", () => {
  it("lowbias32 is Wellons' hash (known values)", () => {
    expect(lowbias32(0)).toBe(0);
    expect(lowbias32(1)).toBe(lowbias32(1));
    expect(lowbias32(1)).not.toBe(lowbias32(2));
    expect(POISSON_THRESHOLDS[0]).toBe(Math.floor(Math.exp(-1) * 2 ** 32));
  });
  it("have Poisson(1) frequencies", () => {
    const w = bootstrapWeights(1, 200);
    const f = [0, 0, 0, 0];
    let sum = 0;
    for (const x of w) {
      sum += x;
      if (x < 4) f[x]!++;
    }
    const n = w.length;
    expect(sum / n).toBeCloseTo(1, 1);
    expect(f[0]! / n).toBeCloseTo(Math.exp(-1), 2);
    expect(f[1]! / n).toBeCloseTo(Math.exp(-1), 2);
    expect(f[2]! / n).toBeCloseTo(Math.exp(-1) / 2, 2);
  });
  it("DuckDB's table equals node's for two seeds", async () => {
    for (const seed of [1, 4294967295]) {
      const B = 20;
      const rows = await duckQuery([
        `SELECT r, b, w FROM (${bootstrapWeightsSql(seed, B)}) ORDER BY r, b`,
      ]);
      const js = bootstrapWeights(seed, B);
      const fromSql = new Uint8Array(B * BOOTSTRAP_BUCKETS);
      for (const r of rows) fromSql[Number(r.r) * BOOTSTRAP_BUCKETS + Number(r.b)] = Number(r.w);
      expect(fromSql).toEqual(js);
    }
  });
});
