/**
 * Taylor-linearisation variances on small hand-computable designs (docs/methods/
 * survey-definitions.md §1): the textbook stratified cluster formula
 * V = Σ_h (1 − f_h) n_h/(n_h − 1) Σ_j (t_hj − t̄_h)², fpc forms, weights implied by the fpc,
 * two-stage designs, lonely PSUs, nesting, bad weights, domains and the fast by-path.
 *
 * Every literal expected value was computed with plain python3 from the published formulas
 * (scripts reproduced in the comments), never printed by this code base.
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import { byDomains, svyBy, svyMeanByFast } from "../../src/survey/by.ts";
import { buildDesign, type DesignSpec, type SurveyDesign } from "../../src/survey/design.ts";
import { svyMean, svyTotal } from "../../src/survey/estimators.ts";
import { frameFromColumns, type SurveyFrame } from "../../src/survey/frame.ts";
import { asReplicateDesign } from "../../src/survey/replicates.ts";
import { expectClose } from "../helpers/expectClose.ts";

const RTOL = 1e-10;

/**
 * 9 rows, stratum A with PSUs 1, 2 and stratum B with PSUs 3, 4, 5; population PSU counts
 * N_A = 10, N_B = 12 (column Npop) or as fractions n_h/N_h (column frac).
 */
const STRAT = {
  h: ["A", "A", "A", "A", "B", "B", "B", "B", "B"],
  psu: [1, 1, 2, 2, 3, 3, 4, 4, 5],
  y: [3, 5, 2, 8, 6, 1, 7, 4, 9],
  x: [1, 2, 1, 3, 2, 1, 2, 2, 3],
  w: [10, 12, 10, 14, 20, 18, 15, 15, 25],
  g: ["a", "b", "a", "a", "b", "b", "a", "b", "a"],
  Npop: [10, 10, 10, 10, 12, 12, 12, 12, 12],
  frac: [2 / 10, 2 / 10, 2 / 10, 2 / 10, 3 / 12, 3 / 12, 3 / 12, 3 / 12, 3 / 12],
};
const stratFrame = (): SurveyFrame => frameFromColumns(STRAT);

const stratDesign = (extra: Partial<DesignSpec> = {}): SurveyDesign =>
  buildDesign(stratFrame(), { ids: ["psu"], strata: "h", weights: "w", ...extra });

/*
 * python3 (/tmp/svyhand/design.py):
 *   def var_strat(z, fpc):
 *     for each stratum s: PSU totals tot of z, n = #PSUs, m = mean(tot), f = n/N_s if fpc else 0
 *     V += (1 - f) * n/(n - 1) * sum((t - m)**2 for t in tot)
 *   total: z = w*y; mean: z = w*(y - ybar)/sum(w)
 */
const HAND = {
  total: 750,
  totalSeFpc: 76.63517469152139,
  totalSeNoFpc: 87.82368700982668,
  mean: 5.39568345323741,
  meanSeFpc: 0.8729282023215091,
  meanSeNoFpc: 1.0063022262087031,
  // domain g = a: ratio linearisation z_i = w_i 1[g=a] (y_i − ȳ_a)/Σ_a w, full-design n_h.
  domA: 6.648648648648648,
  domASe: 0.6680330756328471,
  domB: 3.9692307692307693,
  domBSe: 0.24348114325240594,
};

describe("stratified cluster design: textbook formula by hand", () => {
  it("svyTotal estimate and SE with fpc (population sizes)", () => {
    const e = svyTotal(stratDesign({ fpc: "Npop" }), "y");
    expectClose(e.estimate, HAND.total, { rtol: RTOL, what: "total" });
    expectClose(e.se, HAND.totalSeFpc, { rtol: RTOL, what: "total se fpc" });
    expect(e.n).toBe(9);
  });

  it("svyTotal SE without fpc (with-replacement)", () => {
    const e = svyTotal(stratDesign(), "y");
    expectClose(e.estimate, HAND.total, { rtol: RTOL, what: "total" });
    expectClose(e.se, HAND.totalSeNoFpc, { rtol: RTOL, what: "total se" });
  });

  it("svyMean estimate and SE with and without fpc", () => {
    const a = svyMean(stratDesign({ fpc: "Npop" }), "y");
    expectClose(a.estimate, HAND.mean, { rtol: RTOL, what: "mean" });
    expectClose(a.se, HAND.meanSeFpc, { rtol: RTOL, what: "mean se fpc" });
    const b = svyMean(stratDesign(), "y");
    expectClose(b.se, HAND.meanSeNoFpc, { rtol: RTOL, what: "mean se" });
  });

  it("fpc as population sizes and as sampling fractions give identical results", () => {
    const pop = stratDesign({ fpc: "Npop" });
    const fr = stratDesign({ fpc: "frac" });
    expect(Array.from(fr.stages[0]!.popSize)).toEqual([10, 12].map((v) => expect.closeTo(v, 12)));
    for (const f of [svyMean, svyTotal]) {
      const a = f(pop, "y");
      const b = f(fr, "y");
      expectClose(b.estimate, a.estimate, { rtol: 1e-12, what: "estimate" });
      expectClose(b.se, a.se, { rtol: 1e-12, what: "se" });
    }
  });

  it("without weights the fpc implies weights N_h/n_h (A: 10/2, B: 12/3)", () => {
    const d = buildDesign(stratFrame(), { ids: ["psu"], strata: "h", fpc: "Npop" });
    const expected = STRAT.h.map((s) => (s === "A" ? 10 / 2 : 12 / 3));
    Array.from(d.weights).forEach((v, i) => {
      expectClose(v, expected[i]!, { rtol: 1e-14, what: `weight row ${i}` });
    });
    const df = buildDesign(stratFrame(), { ids: ["psu"], strata: "h", fpc: "frac" });
    Array.from(df.weights).forEach((v, i) => {
      expectClose(v, expected[i]!, { rtol: 1e-14, what: `weight (fractions) row ${i}` });
    });
  });

  it("no weights and no fpc: every weight is 1", () => {
    const d = buildDesign(stratFrame(), { ids: ["psu"], strata: "h" });
    expect(Array.from(d.weights)).toEqual(new Array(9).fill(1));
  });
});

describe("two-stage design with fpc", () => {
  /*
   * PSUs a, b, c sampled from N1 = 10; within them 3 of 8, 2 of 5 and 4 of 20 SSUs (rows).
   * python3 (/tmp/svyhand/lonely.py):
   *   w = (N1/n1)(N2_i/n2_i); t_i = Σ_{j∈i} w y
   *   V1 = (1 − n1/N1) n1/(n1−1) Σ (t_i − t̄)²
   *   V2 = Σ_i (n1/N1)(1 − n2_i/N2_i) n2_i/(n2_i − 1) Σ_j (w_ij y_ij − mean_i)²
   */
  const frame = frameFromColumns({
    psu: ["a", "a", "a", "b", "b", "c", "c", "c", "c"],
    ssu: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    y: [2, 4, 3, 6, 5, 1, 7, 3, 2],
    N1: [10, 10, 10, 10, 10, 10, 10, 10, 10],
    N2: [8, 8, 8, 5, 5, 20, 20, 20, 20],
  });

  it("weights from the fpc are (N1/n1)(N2/n2)", () => {
    const d = buildDesign(frame, { ids: ["psu", "ssu"], fpc: ["N1", "N2"] });
    const expected = [8, 8, 8, 5, 5, 20, 20, 20, 20].map(
      (N2, i) => (10 / 3) * (N2 / [3, 3, 3, 2, 2, 4, 4, 4, 4][i]!),
    );
    Array.from(d.weights).forEach((v, i) => {
      expectClose(v, expected[i]!, { rtol: 1e-14, what: `weight ${i}` });
    });
  });

  it("svyTotal SE adds the second-stage term with multiplier n1/N1", () => {
    const d = buildDesign(frame, { ids: ["psu", "ssu"], fpc: ["N1", "N2"] });
    const e = svyTotal(d, "y");
    expectClose(e.estimate, 388.3333333333333, { rtol: RTOL, what: "total" });
    expectClose(e.se, 118.13128290169374, { rtol: RTOL, what: "two-stage se" });
  });

  it("with only a first-stage fpc the variance is the first-stage term alone", () => {
    // Same weights, given explicitly; fpc only at stage 1 ⇒ V = V1 (python: se_stage1).
    const w = [8, 8, 8, 5, 5, 20, 20, 20, 20].map(
      (N2, i) => (10 / 3) * (N2 / [3, 3, 3, 2, 2, 4, 4, 4, 4][i]!),
    );
    const f2 = frameFromColumns({
      psu: ["a", "a", "a", "b", "b", "c", "c", "c", "c"],
      y: [2, 4, 3, 6, 5, 1, 7, 3, 2],
      N1: new Array(9).fill(10),
      w,
    });
    const d = buildDesign(f2, { ids: ["psu"], weights: "w", fpc: "N1" });
    expectClose(svyTotal(d, "y").se, 109.78893892879697, { rtol: RTOL, what: "stage-1 se" });
  });
});

describe("lonely PSUs (definitions §1.3)", () => {
  /*
   * Strata A (PSUs 1, 2), B (PSUs 3, 4), C (PSU 5 alone), no fpc. python3 (/tmp/svyhand/lonely.py):
   *   V_A, V_B by the textbook formula of z = w y (totals) or z = w (y − ȳ)/Σw (means);
   *   remove/certainty: V_A + V_B; average: (V_A + V_B)·3/(3 − 1);
   *   adjust: V_A + V_B + (t_5 − m)², m = (Σ of all 5 PSU totals)/5.
   */
  const frame = frameFromColumns({
    h: ["A", "A", "A", "B", "B", "B", "C", "C"],
    psu: [1, 1, 2, 3, 4, 4, 5, 5],
    y: [4, 6, 3, 7, 2, 5, 8, 1],
    w: [5, 5, 6, 4, 8, 8, 3, 9],
  });
  const design = (lonely: DesignSpec["lonely_psu"]) =>
    buildDesign(frame, { ids: ["psu"], strata: "h", weights: "w", lonely_psu: lonely });

  it('"fail" (the default) throws an InputError', () => {
    expect(() => svyTotal(design("fail"), "y")).toThrow(InputError);
    expect(() =>
      svyTotal(buildDesign(frame, { ids: ["psu"], strata: "h", weights: "w" }), "y"),
    ).toThrow(/only one PSU/);
  });

  it('"remove" and "certainty" drop the lonely stratum', () => {
    for (const l of ["remove", "certainty"] as const) {
      const e = svyTotal(design(l), "y");
      expectClose(e.estimate, 185, { rtol: RTOL, what: `${l} total` });
      expectClose(e.se, 42.5205832509386, { rtol: RTOL, what: `${l} se` });
      expectClose(svyMean(design(l), "y").se, 0.5137305029943132, {
        rtol: RTOL,
        what: `${l} mean se`,
      });
    }
  });

  it('"average" scales the other strata by H/(H − H_lonely) = 3/2', () => {
    expectClose(svyTotal(design("average"), "y").se, 52.076866265166146, {
      rtol: RTOL,
      what: "average se",
    });
    // Identity: V_average = V_remove · 3/2.
    const vr = svyMean(design("remove"), "y").se ** 2;
    expectClose(svyMean(design("average"), "y").se ** 2, vr * 1.5, {
      rtol: RTOL,
      what: "average mean var",
    });
  });

  it('"adjust" centres the lonely PSU total at the grand mean of PSU totals', () => {
    expectClose(svyTotal(design("adjust"), "y").se, 42.708313008125245, {
      rtol: RTOL,
      what: "adjust total se",
    });
    expectClose(svyMean(design("adjust"), "y").se, 0.5831963918294601, {
      rtol: RTOL,
      what: "adjust mean se",
    });
  });

  it("a stratum with one PSU and N_h = 1 is a certainty stratum, not lonely", () => {
    const f = frameFromColumns({
      h: ["A", "A", "A", "B", "B", "B", "C", "C"],
      psu: [1, 1, 2, 3, 4, 4, 5, 5],
      y: [4, 6, 3, 7, 2, 5, 8, 1],
      w: [5, 5, 6, 4, 8, 8, 3, 9],
      N: [1e9, 1e9, 1e9, 1e9, 1e9, 1e9, 1, 1],
    });
    const d = buildDesign(f, { ids: ["psu"], strata: "h", weights: "w", fpc: "N" });
    // Under "fail" no error; the variance is V_A + V_B with (1 − 2/1e9) factors.
    const e = svyTotal(d, "y");
    expectClose(e.se ** 2, 42.5205832509386 ** 2 * (1 - 2 / 1e9), {
      rtol: 1e-9,
      what: "certainty stratum",
    });
  });
});

describe("nesting of PSUs in strata", () => {
  // PSU labels 1, 2 reused in strata A and B.
  const reused = frameFromColumns({
    h: ["A", "A", "A", "A", "B", "B", "B", "B"],
    psu: [1, 1, 2, 2, 1, 1, 2, 2],
    y: [3, 5, 2, 8, 6, 1, 7, 4],
    w: [2, 2, 3, 3, 4, 4, 5, 5],
  });
  const distinct = frameFromColumns({
    h: ["A", "A", "A", "A", "B", "B", "B", "B"],
    psu: [1, 1, 2, 2, 3, 3, 4, 4],
    y: [3, 5, 2, 8, 6, 1, 7, 4],
    w: [2, 2, 3, 3, 4, 4, 5, 5],
  });

  it("nest: false with PSU ids repeated across strata throws an InputError", () => {
    expect(() => buildDesign(reused, { ids: ["psu"], strata: "h", weights: "w" })).toThrow(
      InputError,
    );
    expect(() => buildDesign(reused, { ids: ["psu"], strata: "h", weights: "w" })).toThrow(/nest/);
  });

  it("nest: true treats the repeated labels as distinct PSUs", () => {
    const a = buildDesign(reused, { ids: ["psu"], strata: "h", weights: "w", nest: true });
    const b = buildDesign(distinct, { ids: ["psu"], strata: "h", weights: "w" });
    expect(a.stages[0]!.nClusters).toBe(4);
    const ea = svyTotal(a, "y");
    const eb = svyTotal(b, "y");
    expect(ea.se).toBe(eb.se);
    // Hand: A PSU totals 16, 30 → 2·(7²·2)= 196; B totals 28, 55 → 2·(13.5²·2) = 729.
    expectClose(ea.se ** 2, 196 + 729, { rtol: RTOL, what: "nested variance" });
  });
});

describe("bad weights", () => {
  const base = {
    psu: [1, 1, 2, 2, 3, 3],
    y: [1, 2, 3, 4, 5, 6],
  };
  const cases: [string, number[]][] = [
    ["zero", [1, 1, 1, 0, 1, 1]],
    ["negative", [1, 1, 1, -2, 1, 1]],
    ["missing", [1, 1, 1, Number.NaN, 1, 1]],
  ];
  for (const [what, wt] of cases) {
    it(`a ${what} weight throws an InputError naming the row and variable`, () => {
      const f = frameFromColumns({ ...base, wgt: wt });
      const run = () => buildDesign(f, { ids: ["psu"], weights: "wgt" });
      expect(run).toThrow(InputError);
      // Row 4 of the data is line 5 of a CSV with a header (the code base's convention: i + 2).
      expect(run).toThrow(/row 5, variable wgt/);
    });
  }

  it("a missing probability throws too", () => {
    const f = frameFromColumns({ ...base, pr: [0.5, 0.5, Number.NaN, 0.5, 0.5, 0.5] });
    expect(() => buildDesign(f, { ids: ["psu"], probs: "pr" })).toThrow(/row 4, variable pr/);
  });
});

describe("domain estimation keeps the full-design PSU counts", () => {
  it("svyBy domain means and SEs equal the ratio linearisation by hand", () => {
    const d = stratDesign({ fpc: "Npop" });
    const res = svyBy(d, ["g"], (m) => [svyMean(d, "y", m)]);
    expect(res.map((r) => r.labels)).toEqual([["a"], ["b"]]);
    const [a, b] = res.map((r) => r.estimates[0]!);
    expectClose(a!.estimate, HAND.domA, { rtol: RTOL, what: "domain a mean" });
    expectClose(a!.se, HAND.domASe, { rtol: RTOL, what: "domain a se" });
    expectClose(b!.estimate, HAND.domB, { rtol: RTOL, what: "domain b mean" });
    expectClose(b!.se, HAND.domBSe, { rtol: RTOL, what: "domain b se" });
  });

  it("a domain that misses a whole PSU still uses that stratum's full n_h", () => {
    // Domain b has no rows in PSU 5; dropping PSU 5 from the design would change n_B to 2.
    const d = stratDesign({ fpc: "Npop" });
    const sub = buildDesign(
      frameFromColumns({
        h: STRAT.h.slice(0, 8),
        psu: STRAT.psu.slice(0, 8),
        y: STRAT.y.slice(0, 8),
        w: STRAT.w.slice(0, 8),
        g: STRAT.g.slice(0, 8),
        Npop: STRAT.Npop.slice(0, 8),
      }),
      { ids: ["psu"], strata: "h", weights: "w", fpc: "Npop" },
    );
    const mask = Uint8Array.from(STRAT.g, (v) => (v === "b" ? 1 : 0));
    const full = svyMean(d, "y", mask);
    const dropped = svyMean(sub, "y", mask.slice(0, 8));
    expectClose(full.se, HAND.domBSe, { rtol: RTOL, what: "domain b" });
    expect(Math.abs(dropped.se - full.se)).toBeGreaterThan(1e-6);
  });
});

describe("svyMeanByFast equals svyMean per domain", () => {
  const frame = frameFromColumns({
    ...STRAT,
    h3: ["A", "A", "A", "A", "B", "B", "B", "B", "C"],
    ymiss: [3, Number.NaN, 2, 8, 6, 1, Number.NaN, 4, 9],
  });
  const designs: Record<string, SurveyDesign> = {
    srs: buildDesign(frame, { ids: [], weights: "w" }),
    stratified: buildDesign(frame, { ids: [], strata: "h", weights: "w" }),
    clustered: buildDesign(frame, { ids: ["psu"], weights: "w" }),
    "stratified clusters with fpc": buildDesign(frame, {
      ids: ["psu"],
      strata: "h",
      weights: "w",
      fpc: "Npop",
    }),
    'lonely "average"': buildDesign(frame, {
      ids: ["psu"],
      strata: "h3",
      weights: "w",
      lonely_psu: "average",
    }),
    'lonely "remove"': buildDesign(frame, {
      ids: ["psu"],
      strata: "h3",
      weights: "w",
      lonely_psu: "remove",
    }),
  };
  for (const [name, d] of Object.entries(designs)) {
    for (const v of ["y", "ymiss"]) {
      it(`${name}, ${v}`, () => {
        const doms = byDomains(d, ["g"]);
        const fast = svyMeanByFast(d, v, doms);
        doms.forEach((dom, k) => {
          const slow = svyMean(d, v, dom.mask);
          const f = fast[k]!;
          expectClose(f.estimate, slow.estimate, { rtol: 1e-12, what: `${name} est` });
          expectClose(f.se, slow.se, { rtol: 1e-10, what: `${name} se` });
          expect(f.n).toBe(slow.n);
          expectClose(f.deff, slow.deff, { rtol: 1e-10, what: `${name} deff` });
        });
      });
    }
  }

  it("the fpc domain SEs equal the hand values", () => {
    const d = designs["stratified clusters with fpc"]!;
    const fast = svyMeanByFast(d, "y", byDomains(d, ["g"]));
    expectClose(fast[0]!.se, HAND.domASe, { rtol: RTOL, what: "fast a" });
    expectClose(fast[1]!.se, HAND.domBSe, { rtol: RTOL, what: "fast b" });
  });

  /*
   * JK1 on the 5 PSUs: replicate j drops PSU j and multiplies the others by 5/4; the domain
   * mean per replicate θ_j; V = (4/5) Σ (θ_j − θ̄)². python3 (/tmp/svyhand/jk1dom.py):
   * domain a 1.2870352983944107, domain b 0.46437881516647256.
   */
  it("a replicate-weight design: svyMean per domain uses the JK1 replicates (hand)", () => {
    const d = asReplicateDesign(designs.clustered!, "JK1");
    const doms = byDomains(d, ["g"]);
    const hand = [1.2870352983944107, 0.46437881516647256];
    doms.forEach((dom, k) => {
      expectClose(svyMean(d, "y", dom.mask).se, hand[k]!, { rtol: RTOL, what: `JK1 ${k}` });
    });
  });

  it("a replicate-weight design: the fast path also uses the replicates (hand JK1 values)", () => {
    const d = asReplicateDesign(designs.clustered!, "JK1");
    const doms = byDomains(d, ["g"]);
    const fast = svyMeanByFast(d, "y", doms);
    const hand = [1.2870352983944107, 0.46437881516647256];
    doms.forEach((dom, k) => {
      expectClose(fast[k]!.estimate, svyMean(d, "y", dom.mask).estimate, {
        rtol: 1e-12,
        what: "rep est",
      });
      expectClose(fast[k]!.se, hand[k]!, { rtol: RTOL, what: `fast JK1 se, domain ${k}` });
    });
  });
});
