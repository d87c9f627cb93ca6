/**
 * Estimators (proportions, design effects, svyvar, svyratio) and interval formulas
 * (docs/methods/survey-definitions.md §2, §4, §5) against hand computations in plain python3
 * (scripts quoted in the comments) and exact identities.
 */
import { describe, expect, it } from "vitest";
import { propCI, waldCI } from "../../src/survey/ci.ts";
import { buildDesign, type SurveyDesign } from "../../src/survey/design.ts";
import {
  svyMean,
  svyProportions,
  svyRatio,
  svyTotal,
  svyVar,
} from "../../src/survey/estimators.ts";
import { frameFromColumns } from "../../src/survey/frame.ts";
import { expectClose } from "../helpers/expectClose.ts";

const RTOL = 1e-10;
/** R's qnorm(0.975). */
const Z975 = 1.959963984540054;

/** 9 rows, strata A (PSUs 1, 2, N = 10) and B (PSUs 3, 4, 5, N = 12). */
const design = (): SurveyDesign =>
  buildDesign(
    frameFromColumns({
      h: ["A", "A", "A", "A", "B", "B", "B", "B", "B"],
      psu: [1, 1, 2, 2, 3, 3, 4, 4, 5],
      y: [3, 5, 2, 8, 6, 1, 7, 4, 9],
      x: [1, 2, 1, 3, 2, 1, 2, 2, 3],
      w: [10, 12, 10, 14, 20, 18, 15, 15, 25],
      f: ["x", "y", null, "x", "z", "y", "x", null, "z"],
      Npop: [10, 10, 10, 10, 12, 12, 12, 12, 12],
    }),
    { ids: ["psu"], strata: "h", weights: "w", fpc: "Npop" },
  );

/*
 * python3 (/tmp/svyhand/design.py), stratified cluster formula with fpc:
 *   V = Σ_h (1 − n_h/N_h) n_h/(n_h − 1) Σ_j (t_hj − t̄_h)² of PSU totals of the influence z.
 */
describe("svyProportions on a factor with missing codes", () => {
  // Rows with a missing code are left out (na.rm domain): W = Σ w over the 7 coded rows;
  // p_l = Σ_{f=l} w / W; z_i = w_i (1[f_i = l] − p_l)/W on coded rows, 0 elsewhere;
  // deff = V / (p(1 − p) · n/(n − 1) · (W − n)/(W n)), n = 7.
  const hand = [
    { level: "x", p: 0.34210526315789475, se: 0.16806606377606115, deff: 0.8022619849407844 },
    { level: "y", p: 0.2631578947368421, se: 0.1283683146877034, deff: 0.543246785187267 },
    { level: "z", p: 0.39473684210526316, se: 0.14073472221731254, deff: 0.5299354135032829 },
  ];

  it("estimates, SEs, n and deff by hand", () => {
    const es = svyProportions(design(), "f");
    expect(es.map((e) => e.level)).toEqual(["x", "y", "z"]);
    es.forEach((e, k) => {
      const h = hand[k]!;
      expectClose(e.estimate, h.p, { rtol: RTOL, what: `p ${h.level}` });
      expectClose(e.se, h.se, { rtol: RTOL, what: `se ${h.level}` });
      expectClose(e.deff, h.deff, { rtol: RTOL, what: `deff ${h.level}` });
      expect(e.n).toBe(7);
    });
  });

  it("the proportions sum to 1", () => {
    const es = svyProportions(design(), "f");
    expectClose(
      es.reduce((s, e) => s + e.estimate, 0),
      1,
      { rtol: 1e-14, what: "sum" },
    );
  });

  it("a proportion equals svyMean of its 0/1 indicator over the coded rows", () => {
    const d = design();
    const f = d.frame.columns.get("f");
    if (f?.kind !== "factor") throw new Error("f should be a factor");
    const ind = Float64Array.from(f.codes, (c) => (c < 0 ? Number.NaN : c === 0 ? 1 : 0));
    d.frame.columns.set("isx", { kind: "number", values: ind });
    const m = svyMean(d, "isx");
    const p = svyProportions(d, "f")[0]!;
    expectClose(p.estimate, m.estimate, { rtol: 1e-14, what: "estimate" });
    expectClose(p.se, m.se, { rtol: 1e-12, what: "se" });
    expectClose(p.deff, m.deff, { rtol: 1e-12, what: "deff" });
  });
});

describe("design effects (definitions §2.7)", () => {
  // python3: s² = n/(n−1) Σw(y−ȳ)²/Σw = 8.233036592308887;
  // mean: V_srs = s² (W − n)/(W n); total: V_srs = s² W² (W − n)/(W n); W = 139, n = 9.
  it("svyMean deff", () => {
    expectClose(svyMean(design(), "y").deff, 0.8906579756856616, { rtol: RTOL, what: "mean" });
  });
  it("svyTotal deff", () => {
    expectClose(svyTotal(design(), "y").deff, 0.355288061679473, { rtol: RTOL, what: "total" });
  });
});

describe("svyVar", () => {
  it("estimate n/(n−1) Σw(y−ȳ)²/Σw and linearised SE by hand", () => {
    // SE: z_i = w_i (u_i − s²)/W, u_i = n/(n−1)(y_i − ȳ)² (ȳ fixed), python3 svyvar_se_fpc.
    const e = svyVar(design(), "y");
    expectClose(e.estimate, 8.233036592308887, { rtol: RTOL, what: "svyvar" });
    expectClose(e.se, 2.1164276078877893, { rtol: RTOL, what: "svyvar se" });
  });

  it("with equal weights the estimate is the ordinary sample variance", () => {
    const y = [2, 7, 1, 8, 2, 8, 1, 8];
    const d = buildDesign(frameFromColumns({ y, w: new Array(8).fill(3) }), {
      ids: [],
      weights: "w",
    });
    // mean 37/8; Σy² = 251; Σ(y − ȳ)² = 251 − 37²/8 = 79.875; / 7.
    expectClose(svyVar(d, "y").estimate, 79.875 / 7, { rtol: 1e-14, what: "s²" });
  });
});

describe("svyRatio", () => {
  it("R̂ = Σwy/Σwx and SE of z = w(y − R̂x)/Σwx by hand", () => {
    // Σwy = 750, Σwx = 279 → R̂ = 750/279; SE: python3 ratio se_fpc.
    const e = svyRatio(design(), "y", "x");
    expect(e.variable).toBe("y/x");
    expectClose(e.estimate, 750 / 279, { rtol: 1e-14, what: "ratio" });
    expectClose(e.se, 0.11293717466950656, { rtol: RTOL, what: "ratio se" });
  });

  it("the ratio to a constant-1 variable equals the mean (identity)", () => {
    const d = design();
    d.frame.columns.set("one", { kind: "number", values: new Float64Array(9).fill(1) });
    const r = svyRatio(d, "y", "one");
    const m = svyMean(d, "y");
    expectClose(r.estimate, m.estimate, { rtol: 1e-14, what: "estimate" });
    expectClose(r.se, m.se, { rtol: 1e-12, what: "se" });
  });
});

describe("waldCI", () => {
  it("df = Infinity uses R's qnorm(0.975) = 1.959963984540054", () => {
    const [lo, hi] = waldCI(10, 2);
    expectClose(lo, 10 - 2 * Z975, { rtol: 1e-15, what: "lo" });
    expectClose(hi, 10 + 2 * Z975, { rtol: 1e-15, what: "hi" });
  });

  it("df = 1 and df = 2 use the closed-form t quantiles", () => {
    // qt(p, 1) = tan(π(p − 1/2)); qt(p, 2) = (2p − 1)/sqrt(2p(1 − p)).
    const t1 = Math.tan(Math.PI * 0.475);
    const t2 = 0.95 / Math.sqrt(2 * 0.975 * 0.025);
    expectClose(waldCI(0, 1, 0.95, 1)[1], t1, { rtol: 1e-12, what: "df 1" });
    expectClose(waldCI(0, 1, 0.95, 2)[1], t2, { rtol: 1e-12, what: "df 2" });
  });

  it("level 0.9 uses qnorm(0.95) = 1.6448536269514722", () => {
    expectClose(waldCI(0, 1, 0.9)[1], 1.6448536269514722, { rtol: 1e-14, what: "90%" });
  });

  it("rejects a level outside (0, 1)", () => {
    expect(() => waldCI(0, 1, 1)).toThrow();
    expect(() => waldCI(0, 1, 0)).toThrow();
  });
});

describe("propCI (definitions §4), p̂ = 0.3, SE = 0.05", () => {
  /*
   * python3 (/tmp/svyhand/ci.py): q = 1.959963984540054 (df = ∞) or
   * q = (2·0.975 − 1)/sqrt(2·0.975·0.025) = 4.302652729749464 (df = 2, closed form);
   * mean p ± q se; logit expit(logit p ± q se/(p(1−p))); asin sin²(asin √p ± q se/(2√(p(1−p)))).
   */
  const hand: Record<string, Record<string, [number, number]>> = {
    inf: {
      mean: [0.2020018007729973, 0.3979981992270027],
      logit: [0.21182562314262227, 0.40597260187507195],
      asin: [0.2073027949080566, 0.4018087323078627],
    },
    df2: {
      mean: [0.0848673635125268, 0.5151326364874732],
      logit: [0.13334063550239916, 0.5441703722453064],
      asin: [0.11432021321342999, 0.5289543201524859],
    },
  };
  for (const [dfName, df] of [
    ["inf", Number.POSITIVE_INFINITY],
    ["df2", 2],
  ] as const) {
    for (const method of ["mean", "logit", "xlogit", "asin"] as const) {
      it(`${method}, df ${dfName}`, () => {
        const ref = hand[dfName]![method === "xlogit" ? "logit" : method]!;
        const [lo, hi] = propCI(0.3, 0.05, method, { df, n: 100 });
        expectClose(lo, ref[0], { rtol: RTOL, what: `${method} lo` });
        expectClose(hi, ref[1], { rtol: RTOL, what: `${method} hi` });
      });
    }
  }

  it("logit interval is symmetric on the logit scale, asin on the asin-sqrt scale", () => {
    const logit = (v: number) => Math.log(v / (1 - v));
    const [a, b] = propCI(0.12, 0.03, "logit", { df: 7, n: 50 });
    expectClose(logit(b) - logit(0.12), logit(0.12) - logit(a), { rtol: 1e-10, what: "logit" });
    const as = (v: number) => Math.asin(Math.sqrt(v));
    const [c, d] = propCI(0.12, 0.03, "asin", { df: 7, n: 50 });
    expectClose(as(d) - as(0.12), as(0.12) - as(c), { rtol: 1e-10, what: "asin" });
  });

  it("beta (Korn–Graubard) with n_eff p̂ = n_eff(1 − p̂) = 1 has closed-form bounds", () => {
    // p̂ = 0.5, SE² = p̂(1 − p̂)/2 ⇒ n_eff = 2 (nrow − 1 = degf: no df correction):
    // qbeta(0.025, 1, 2) = 1 − sqrt(0.975), qbeta(0.975, 2, 1) = sqrt(0.975).
    const [lo, hi] = propCI(0.5, Math.sqrt(0.125), "beta", { df: 10, n: 11, degf: 10 });
    expectClose(lo, 1 - Math.sqrt(0.975), { rtol: 1e-9, what: "beta lo" });
    expectClose(hi, Math.sqrt(0.975), { rtol: 1e-9, what: "beta hi" });
  });

  it("beta applies the df correction (qt(α/2, nrow − 1)/qt(α/2, degf))²", () => {
    // nrow − 1 = 1, degf = 2: ratio² = (qt(.025,1)/qt(.025,2))² with closed forms; choose SE so
    // that n_eff = 2 after the correction: SE = sqrt(0.125 · ratio²) = 1.044081883482253 (python3).
    const [lo, hi] = propCI(0.5, 1.044081883482253, "beta", { df: 2, n: 2, degf: 2 });
    expectClose(lo, 1 - Math.sqrt(0.975), { rtol: 1e-9, what: "beta lo" });
    expectClose(hi, Math.sqrt(0.975), { rtol: 1e-9, what: "beta hi" });
  });

  it("beta at p̂ = 0 has lower bound 0", () => {
    expect(propCI(0, 0.01, "beta", { df: 10, n: 11 })[0]).toBe(0);
  });

  for (const method of ["mean", "logit", "xlogit", "asin", "likelihood"] as const) {
    it(`${method}: as SE → 0 the interval collapses to p̂`, () => {
      const [lo, hi] = propCI(0.37, 1e-9, method, { df: 20, n: 200 });
      expectClose(lo, 0.37, { rtol: 1e-6, what: `${method} lo` });
      expectClose(hi, 0.37, { rtol: 1e-6, what: `${method} hi` });
    });
  }

  it("likelihood: contains p̂, stays in (0, 1), both ends at equal binomial deviance", () => {
    const p = 0.2;
    const [lo, hi] = propCI(p, 0.04, "likelihood", { df: 30, n: 120 });
    expect(lo).toBeGreaterThan(0);
    expect(lo).toBeLessThan(p);
    expect(hi).toBeGreaterThan(p);
    expect(hi).toBeLessThan(1);
    // The profile deviance is p ln(p/x) + (1 − p) ln((1 − p)/(1 − x)) (up to a constant factor),
    // and both endpoints are where it reaches the same cutoff.
    const kl = (x: number) => p * Math.log(p / x) + (1 - p) * Math.log((1 - p) / (1 - x));
    expectClose(kl(lo), kl(hi), { rtol: 1e-8, what: "equal deviance" });
    // Deviance-based intervals are skewed away from 0 for p̂ < 1/2.
    expect(hi - p).toBeGreaterThan(p - lo);
  });

  it("likelihood at p̂ = 1/2 is symmetric about 1/2", () => {
    const [lo, hi] = propCI(0.5, 0.05, "likelihood", { df: 30, n: 120 });
    expectClose(lo + hi, 1, { rtol: 1e-10, what: "symmetry" });
  });
});
