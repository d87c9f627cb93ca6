/**
 * Weighted quantile rules (docs/methods/survey-definitions.md §3.2) and svyquantile's Woodruff
 * interval (§3.3) against an independent plain-python3 implementation of the published rules
 * (/tmp/svyhand/quant.py, summarised in the comments).
 */
import { describe, expect, it } from "vitest";
import { buildDesign } from "../../src/survey/design.ts";
import { frameFromColumns } from "../../src/survey/frame.ts";
import { type QuantileRule, svyQuantile, weightedQuantile } from "../../src/survey/quantile.ts";
import { expectClose } from "../helpers/expectClose.ts";

/*
 * Sample (x, w): (5,2) (1,1) (3,3) (3,1) (8,2) (2,4) (6,1) (4,2). Sorted (stable):
 * 1(1) 2(4) 3(3) 3(1) 4(2) 5(2) 6(1) 8(2), cumulative weights 1 5 8 9 11 13 14 16, W = 16.
 * p = 0.03 is below w_(1)/W = 1/16 (math quirk: no C_k <= pW, pos = 1, result x_(2) = 2);
 * p = 0.3125 and 0.5 are exact jumps (pW = 5 and 8).
 * python3: pos = last k with C_k <= pW (else 1), qlow = x[pos], qup = x[pos + 1],
 * wlow = p − C_pos/W, wup = C_{pos+1}/W − p; math/hf1 wlow == 0 ? qlow : qup; school/hf2 average at
 * a jump; hf3 on merged ties, qlow iff wlow == 0 and pos even; hf4 qlow(1−γ) + qup γ with
 * γ = wlow/(wup + wlow); hf5–hf9 and shahvaish: approx(pk, x, p, rule = 2) with the plotting
 * positions of §3.2 (ties in pk averaged; shahvaish a step function with f = 0).
 */
const X = Float64Array.from([5, 1, 3, 3, 8, 2, 6, 4]);
const W = Float64Array.from([2, 1, 3, 1, 2, 4, 1, 2]);
const P = [0.03, 0.25, 0.3125, 0.5, 0.7, 0.9];
const HAND: Record<QuantileRule, number[]> = {
  math: [2.0, 2.0, 2.0, 3.0, 5.0, 8.0],
  school: [2.0, 2.0, 2.5, 3.0, 5.0, 8.0],
  hf1: [2.0, 2.0, 2.0, 3.0, 5.0, 8.0],
  hf2: [2.0, 2.0, 2.5, 3.0, 5.0, 8.0],
  hf3: [2.0, 2.0, 2.0, 3.0, 5.0, 8.0],
  hf4: [0.8700000000000001, 1.75, 2.0, 3.0, 4.1, 6.4],
  hf5: [1.0, 2.2857142857142856, 2.571428571428571, 3.0, 4.6, 7.2],
  hf6: [1.0, 1.875, 2.2083333333333335, 3.0, 4.8, 8.0],
  hf7: [1.42, 2.625, 2.84375, 3.0, 4.3999999999999995, 5.8],
  hf8: [1.0, 2.15, 2.4625, 3.0, 4.666666666666667, 7.600000000000003],
  hf9: [1.0, 2.185185185185185, 2.4907407407407405, 3.0, 4.6499999999999995, 7.5076923076923086],
  shahvaish: [1.0, 2.0, 2.0, 3.0, 5.0, 8.0],
};

describe("weightedQuantile rules by hand", () => {
  for (const [rule, expected] of Object.entries(HAND) as [QuantileRule, number[]][]) {
    it(rule, () => {
      P.forEach((p, k) => {
        expectClose(weightedQuantile(X, W, p, rule), expected[k]!, {
          rtol: 1e-12,
          what: `${rule} p=${p}`,
        });
      });
    });
  }

  it("math quirk: p < w_(1)/W gives the second smallest value, not the smallest", () => {
    expect(weightedQuantile(X, W, 0.03, "math")).toBe(2);
    // Just at w_(1)/W = 1/16 the first value qualifies exactly (C_1 = pW, wlow = 0).
    expect(weightedQuantile(X, W, 1 / 16, "math")).toBe(1);
  });

  it("hf1 hand-check at a jump: F̂(2) = 5/16, so the 5/16 quantile is 2 and just above it 3", () => {
    expect(weightedQuantile(X, W, 5 / 16, "hf1")).toBe(2);
    expect(weightedQuantile(X, W, 5 / 16 + 1e-9, "hf1")).toBe(3);
  });

  it("zero weights are removed first", () => {
    const x = Float64Array.from([...X, 100, -100]);
    const w = Float64Array.from([...W, 0, 0]);
    for (const rule of Object.keys(HAND) as QuantileRule[]) {
      for (const p of P)
        expect(weightedQuantile(x, w, p, rule)).toBe(weightedQuantile(X, W, p, rule));
    }
  });

  it("equal weights: hf7 is R's default type 7 quantile", () => {
    // x = 1..5: type 7 at p = 0.3 is 1 + 0.3·4 = 2.2.
    const x = Float64Array.from([4, 1, 5, 2, 3]);
    const w = new Float64Array(5).fill(1);
    expectClose(weightedQuantile(x, w, 0.3, "hf7"), 2.2, { rtol: 1e-14, what: "hf7" });
  });

  it("shahvaish with weights far from 1: plotting positions not monotone, ordered as R's approx", () => {
    // p_k = (S_k + 0.5 − w_k/2)/(n + 1) subtracts the raw weight (as R), so with weights × 10
    // it is not monotone; R's approx orders the points first. R survey 4.1.1:
    //   x <- c(5, 1, 3, 3, 8, 2, 6, 4); w <- c(2, 1, 3, 1, 2, 4, 1, 2) * 10
    //   sapply(c(0.03, 0.1, 0.25, 0.3125, 0.5, 0.7, 0.9),
    //          function(p) survey:::qrule_shahvaish(x, w, p))   # 3 3 3 6 6 6 6
    const w10 = W.map((v) => v * 10);
    const got = [0.03, 0.1, 0.25, 0.3125, 0.5, 0.7, 0.9].map((p) =>
      weightedQuantile(X, w10, p, "shahvaish"),
    );
    expect(got).toEqual([3, 3, 3, 6, 6, 6, 6]);
    // p between the sorted positions −0.444 (x 1 and 4 tied: 2.5) and −0.333 (x 5)
    expect(weightedQuantile(X, w10, -0.4, "shahvaish")).toBe(2.5);
  });

  it("NaN p gives NaN", () => {
    expect(weightedQuantile(X, W, Number.NaN)).toBeNaN();
  });
});

describe("svyQuantile Woodruff interval on an SRS with weights (by hand)", () => {
  /*
   * y = 12 7 3 15 9 4 11 6 8 10, w = 1.5 2 1 3 2.5 1 2 1.5 1 2.5 (W = 18), ids none, no strata.
   * python3: q̂ = math rule; m = Σ w 1[y <= q̂]/W; SE(m)² = n/(n − 1) Σ (z_i − z̄)² with
   * z_i = w_i (1[y_i <= q̂] − m)/W; [p_L, p_U] = m ∓ 1.959963984540054·SE;
   * lower/upper = math rule at p_L/p_U (NaN outside [0, 1]); se = (upper − lower)/(2·1.96...).
   * At p = 0.25: p_L·W = 0.167 < w_(1), so lower uses the math quirk (x_(2) = 4).
   */
  const frame = frameFromColumns({
    y: [12, 7, 3, 15, 9, 4, 11, 6, 8, 10],
    w: [1.5, 2, 1, 3, 2.5, 1, 2, 1.5, 1, 2.5],
  });
  const d = buildDesign(frame, { ids: [], weights: "w" });
  const Z = 1.959963984540054;
  const hand = [
    { p: 0.25, q: 7, lo: 4, hi: 10 },
    { p: 0.5, q: 9, lo: 6, hi: 15 },
    { p: 0.75, q: 11, lo: 9, hi: Number.NaN },
  ];

  it("quantiles, interval ends and SE (df = ∞)", () => {
    const res = svyQuantile(d, "y", [0.25, 0.5, 0.75], { df: Number.POSITIVE_INFINITY });
    res.forEach((r, k) => {
      const h = hand[k]!;
      expect(r.level).toBe(String(h.p));
      expect(r.estimate).toBe(h.q);
      expect(r.ci[0]).toBe(h.lo);
      if (Number.isNaN(h.hi)) {
        expect(r.ci[1]).toBeNaN();
        expect(r.se).toBeNaN();
      } else {
        expect(r.ci[1]).toBe(h.hi);
        expectClose(r.se, (h.hi - h.lo) / (2 * Z), { rtol: 1e-14, what: `se ${h.p}` });
      }
      expect(r.n).toBe(10);
    });
  });

  it("the intermediate CDF interval: p_L, p_U recomputed by hand select those ends", () => {
    // python3 values of [p_L, p_U]: 0.25 → [0.009288745516292995, 0.6018223655948182];
    // 0.5 → [0.15091981491044792, 0.8490801850895521]. The math rule at those p (checked
    // independently by the rule table above) gives the ends.
    const y = Float64Array.from([12, 7, 3, 15, 9, 4, 11, 6, 8, 10]);
    const w = Float64Array.from([1.5, 2, 1, 3, 2.5, 1, 2, 1.5, 1, 2.5]);
    expect(weightedQuantile(y, w, 0.009288745516292995)).toBe(4);
    expect(weightedQuantile(y, w, 0.6018223655948182)).toBe(10);
    expect(weightedQuantile(y, w, 0.15091981491044792)).toBe(6);
    expect(weightedQuantile(y, w, 0.8490801850895521)).toBe(15);
  });

  it("the default df is degf(design) = n − 1 = 9", () => {
    const a = svyQuantile(d, "y", [0.5]);
    const b = svyQuantile(d, "y", [0.5], { df: 9 });
    expect(a[0]!.ci).toEqual(b[0]!.ci);
    expect(a[0]!.se).toBe(b[0]!.se);
  });

  it("df = 2 uses the closed-form t quantile in the SE divisor", () => {
    // p = 0.5 with df = 2: t = 0.95/sqrt(2·0.975·0.025) = 4.30265...; p_L = 0.5 − t·SE(m) < 0
    // (SE(m) = 0.1781054079784384 by python3) so lower is NaN and so is the SE.
    const r = svyQuantile(d, "y", [0.5], { df: 2 })[0]!;
    expect(r.ci[0]).toBeNaN();
    expect(r.se).toBeNaN();
    // p = 0.5 with df = 1 at level 0.5: t = qt(0.75, 1) = tan(π/4) = 1; p_L/p_U = 0.5 ∓ 0.17811
    // → p_L·W = 5.794 (cumulative weights 1, 2, 3.5, 5.5, 6.5, 9, 11.5, ...: last C <= 5.794 is
    // 5.5 at y = 7, not exact ⇒ next value 8) and p_U·W = 12.206 (last C is 11.5 at 10 ⇒ 11).
    const s = svyQuantile(d, "y", [0.5], { df: 1, level: 0.5 })[0]!;
    expect(s.ci).toEqual([8, 11]);
    expectClose(s.se, (11 - 8) / (2 * 1), { rtol: 1e-12, what: "se df 1" });
  });

  it("rejects p outside [0, 1]", () => {
    expect(() => svyQuantile(d, "y", [1.5])).toThrow(/quantile/);
  });
});
