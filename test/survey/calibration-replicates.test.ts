/**
 * Calibration (postStratify, rake, calibrate, trimWeights) and replicate-weight designs
 * (docs/methods/survey-definitions.md §6, §7), checked by exact identities:
 * - calibrated weights reproduce the population totals they were calibrated to;
 * - linear calibration on a full set of post-stratum indicators is post-stratification;
 * - JK1/JKn variances of a total equal the linearised variance (Σ_h (1−f_h) n_h/(n_h−1) Σ(t−t̄)²);
 * - BRR/Fay with a Hadamard matrix equal the linearised variance for 2-PSU strata without fpc.
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { calibrate, postStratify, rake, trimWeights } from "../../src/survey/calibrate.ts";
import { buildDesign, type SurveyDesign } from "../../src/survey/design.ts";
import { svyMean, svyTotal } from "../../src/survey/estimators.ts";
import { factor, frameFromColumns, numeric } from "../../src/survey/frame.ts";
import { asReplicateDesign, hadamard } from "../../src/survey/replicates.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const RTOL = 1e-10;

/** Σ w over the rows whose factor level is `level`. */
function weightedCount(d: SurveyDesign, variable: string, level: string): number {
  const f = factor(d.frame, variable);
  const k = f.levels.indexOf(level);
  let s = 0;
  for (let i = 0; i < d.n; i++) if (f.codes[i] === k) s += d.weights[i]!;
  return s;
}

/** 12 rows, two factors a (p, q) and b (r, s, t) that are associated in the sample. */
const rakeFrame = () =>
  frameFromColumns({
    a: ["p", "p", "p", "p", "p", "p", "p", "q", "q", "q", "q", "q"],
    b: ["r", "r", "r", "s", "s", "t", "r", "s", "s", "t", "t", "t"],
    psu: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6],
    y: [3, 5, 2, 8, 6, 1, 7, 4, 9, 2, 5, 6],
    w: [4, 5, 6, 4, 5, 6, 4, 5, 6, 4, 5, 6],
  });
const rakeDesign = () => buildDesign(rakeFrame(), { ids: ["psu"], weights: "w" });

describe("postStratify", () => {
  it("weights sum to the population count of each cell and keep ratios within cells", () => {
    const d0 = rakeDesign();
    const counts = { r: 30, s: 50, t: 20 };
    const d = postStratify(d0, "b", counts);
    for (const [l, c] of Object.entries(counts))
      expectClose(weightedCount(d, "b", l), c, { rtol: 1e-13, what: `cell ${l}` });
    // Within cell r the factor is 30 / (4 + 5 + 6 + 4) = 30/19 for every row.
    expectClose(d.weights[0]! / d0.weights[0]!, 30 / 19, { rtol: 1e-14, what: "g_r" });
    expectClose(d.weights[6]! / d0.weights[6]!, 30 / 19, { rtol: 1e-14, what: "g_r" });
  });

  it("the total of a post-stratum indicator has SE 0 (it is fixed by calibration)", () => {
    const d = postStratify(rakeDesign(), "b", { r: 30, s: 50, t: 20 });
    d.frame.columns.set("isr", {
      kind: "number",
      values: Float64Array.from(factor(d.frame, "b").codes, (c) => (c === 0 ? 1 : 0)),
    });
    const e = svyTotal(d, "isr");
    expectClose(e.estimate, 30, { rtol: 1e-13, what: "total" });
    expect(e.se).toBeLessThan(1e-10);
  });

  it("throws InputError for an empty cell or a sampled level without a count", () => {
    expect(() => postStratify(rakeDesign(), "b", { r: 30, s: 50, t: 20, u: 5 })).toThrow(
      InputError,
    );
    expect(() => postStratify(rakeDesign(), "b", { r: 30, s: 50 })).toThrow(/level "t"/);
  });
});

describe("rake", () => {
  const margins = { a: { p: 60, q: 40 }, b: { r: 30, s: 50, t: 20 } };

  it("converges to both margins", () => {
    const d = rake(rakeDesign(), margins, { epsilon: 1e-10, maxit: 100 });
    for (const [v, m] of Object.entries(margins))
      for (const [l, c] of Object.entries(m))
        expectClose(weightedCount(d, v, l), c, { rtol: 1e-6, what: `${v} = ${l}` });
  });

  it("raking on a single margin gives the post-stratified weights", () => {
    const r = rake(rakeDesign(), { b: margins.b });
    const p = postStratify(rakeDesign(), "b", margins.b);
    Array.from(r.weights).forEach((w, i) => {
      expectClose(w, p.weights[i]!, { rtol: 1e-13, what: `w ${i}` });
    });
  });

  it("with equal sampling weights, one-margin raking and postStratify give the same SE", () => {
    // R's rake residualises with unweighted cell means (§7.2), postStratify with old-weight
    // means (§7.1): they coincide when the weights are constant within cells.
    const f = rakeFrame();
    f.columns.set("w", { kind: "number", values: new Float64Array(12).fill(5) });
    const d = buildDesign(f, { ids: ["psu"], weights: "w" });
    const r = rake(d, { b: margins.b });
    const p = postStratify(d, "b", margins.b);
    expectClose(svyTotal(r, "y").se, svyTotal(p, "y").se, { rtol: 1e-10, what: "se" });
    expectClose(svyMean(r, "y").se, svyMean(p, "y").se, { rtol: 1e-10, what: "mean se" });
  });

  it("throws InputError for margins with different totals", () => {
    expect(() => rake(rakeDesign(), { a: { p: 60, q: 40 }, b: { r: 30, s: 50, t: 25 } })).toThrow(
      InputError,
    );
    expect(() => rake(rakeDesign(), { a: { p: 60, q: 40 }, b: { r: 30, s: 50, t: 25 } })).toThrow(
      /inconsistent/,
    );
  });

  it("throws InputError for an empty cell", () => {
    expect(() =>
      rake(rakeDesign(), { a: { p: 60, q: 40 }, b: { r: 30, s: 40, t: 20, u: 10 } }),
    ).toThrow(/empty cell/);
  });

  it("throws InputError when it does not converge (maxit 1 on associated margins)", () => {
    expect(() => rake(rakeDesign(), margins, { maxit: 1 })).toThrow(InputError);
    expect(() => rake(rakeDesign(), margins, { maxit: 1 })).toThrow(/converge/);
  });
});

describe.skipIf(!hasShared)("calibrate on apiclus1", () => {
  const load = async () =>
    buildDesign(await readSurveyFrame(sharedPath("survey", "api", "apiclus1.csv")), {
      ids: ["dnum"],
      weights: "pw",
      fpc: ["fpc"],
    });
  const totals = { "(Intercept)": 6194, stypeH: 755, stypeM: 1018 };
  const withApi99 = { ...totals, api99: 3914069 };

  it("linear calibration on (Intercept), stypeH, stypeM equals postStratify on stype", async () => {
    const d = await load();
    const c = calibrate(d, totals);
    const p = postStratify(d, "stype", { E: 6194 - 755 - 1018, H: 755, M: 1018 });
    Array.from(c.weights).forEach((w, i) => {
      expectClose(w, p.weights[i]!, { rtol: RTOL, what: `weight ${i}` });
    });
    for (const [f, v] of [
      [svyMean, "api00"],
      [svyTotal, "enroll"],
    ] as const) {
      const a = f(c, v);
      const b = f(p, v);
      expectClose(a.estimate, b.estimate, { rtol: RTOL, what: `${v} estimate` });
      expectClose(a.se, b.se, { rtol: RTOL, what: `${v} se` });
    }
    // And R survey 4.1-1's postStratify(dclus1, ~stype) value (reference file, T20).
    expectClose(svyMean(c, "api00").se, 23.9204864450904, { rtol: 1e-9, what: "R T20" });
  });

  const cases = [
    ["linear", undefined],
    ["raking", undefined],
    ["logit", [0.5, 2]],
    ["linear", [0.5, 2]],
    ["raking", [0.5, 2]],
  ] as const;
  for (const [calfun, bounds] of cases) {
    it(`${calfun}${bounds ? ` bounds [${bounds}]` : ""} hits every total, api99 included`, async () => {
      const d = await load();
      const c = calibrate(d, withApi99, { calfun, bounds: bounds ? [...bounds] : undefined });
      const api99 = numeric(d.frame, "api99");
      const stype = factor(d.frame, "stype");
      const cols: Record<string, (i: number) => number> = {
        "(Intercept)": () => 1,
        stypeH: (i) => (stype.levels[stype.codes[i]!] === "H" ? 1 : 0),
        stypeM: (i) => (stype.levels[stype.codes[i]!] === "M" ? 1 : 0),
        api99: (i) => api99[i]!,
      };
      for (const [name, t] of Object.entries(withApi99)) {
        let s = 0;
        for (let i = 0; i < c.n; i++) s += c.weights[i]! * cols[name]!(i);
        expectClose(s, t, { rtol: 1e-6, what: `${calfun} ${name}` });
      }
      if (bounds) {
        for (let i = 0; i < c.n; i++) {
          const g = c.weights[i]! / d.weights[i]!;
          expect(g).toBeGreaterThanOrEqual(bounds[0] - 1e-9);
          expect(g).toBeLessThanOrEqual(bounds[1] + 1e-9);
        }
      }
    });
  }

  it("logit needs finite bounds", async () => {
    const d = await load();
    expect(() => calibrate(d, withApi99, { calfun: "logit" })).toThrow(InputError);
  });

  it("unreachable totals within tight bounds fail with an InputError", async () => {
    const d = await load();
    expect(() =>
      calibrate(d, { "(Intercept)": 6194 * 3 }, { calfun: "linear", bounds: [0.9, 1.1] }),
    ).toThrow(InputError);
  });
});

describe("trimWeights", () => {
  // Weights 4 5 6 4 5 6 4 5 6 4 5 6 (Σ = 60); cap at 5.5: four 6's trimmed by 0.5 each,
  // excess 2 shared equally by the 8 others (+0.25): 4.25 and 5.25.
  it("caps weights, shares the excess equally and preserves the total", () => {
    const d = trimWeights(rakeDesign(), Number.NEGATIVE_INFINITY, 5.5);
    const expected = [4, 5, 6, 4, 5, 6, 4, 5, 6, 4, 5, 6].map((w) => (w === 6 ? 5.5 : w + 0.25));
    Array.from(d.weights).forEach((w, i) => {
      expectClose(w, expected[i]!, { rtol: 1e-14, what: `w ${i}` });
    });
    expectClose(
      d.weights.reduce((a, b) => a + b, 0),
      60,
      { rtol: 1e-14, what: "total" },
    );
  });

  it("strict trimming repeats until no weight exceeds the cap, total preserved", () => {
    const f = frameFromColumns({ y: [1, 2, 3, 4, 5], w: [1, 1, 1, 1, 16] });
    const d = trimWeights(
      buildDesign(f, { ids: [], weights: "w" }),
      Number.NEGATIVE_INFINITY,
      5,
      true,
    );
    for (const w of d.weights) expect(w).toBeLessThanOrEqual(5 + 1e-12);
    expectClose(
      d.weights.reduce((a, b) => a + b, 0),
      20,
      { rtol: 1e-14, what: "total" },
    );
    // 16 → 5 leaves 11 to share: 1 + 2.75 = 3.75 each (no further trimming needed).
    expectClose(d.weights[0]!, 3.75, { rtol: 1e-14, what: "shared" });
  });
});

/** Stratified design with 2 PSUs per stratum (nStrata strata), no fpc. */
function pairsDesign(nStrata: number, fpc = false): SurveyDesign {
  const h: string[] = [];
  const psu: number[] = [];
  const y: number[] = [];
  const w: number[] = [];
  const N: number[] = [];
  for (let s = 0; s < nStrata; s++) {
    for (let j = 0; j < 2; j++) {
      for (let r = 0; r < 2; r++) {
        h.push(`S${String(s).padStart(2, "0")}`);
        psu.push(2 * s + j);
        y.push(((s * 7 + j * 3 + r * 5) % 11) + 1);
        w.push(2 + ((s + j + r) % 4));
        N.push(5 + s);
      }
    }
  }
  return buildDesign(frameFromColumns({ h, psu, y, w, N }), {
    ids: ["psu"],
    strata: "h",
    weights: "w",
    fpc: fpc ? "N" : null,
  });
}

describe("replicate designs: identities with the linearised variance of a total", () => {
  const clustered = (fpc: boolean) =>
    buildDesign(
      frameFromColumns({
        psu: [1, 1, 2, 2, 3, 3, 4, 4, 5],
        y: [3, 5, 2, 8, 6, 1, 7, 4, 9],
        w: [10, 12, 10, 14, 20, 18, 15, 15, 25],
        N: new Array(9).fill(40),
      }),
      { ids: ["psu"], weights: "w", fpc: fpc ? "N" : null },
    );
  const stratified = (fpc: boolean) =>
    buildDesign(
      frameFromColumns({
        h: ["A", "A", "A", "A", "B", "B", "B", "B", "B"],
        psu: [1, 1, 2, 2, 3, 3, 4, 4, 5],
        y: [3, 5, 2, 8, 6, 1, 7, 4, 9],
        w: [10, 12, 10, 14, 20, 18, 15, 15, 25],
        N: [10, 10, 10, 10, 12, 12, 12, 12, 12],
      }),
      { ids: ["psu"], strata: "h", weights: "w", fpc: fpc ? "N" : null },
    );

  for (const fpc of [false, true]) {
    it(`JK1 variance of a total = linearised (${fpc ? "with" : "no"} fpc)`, () => {
      const d = clustered(fpc);
      const r = asReplicateDesign(d, "JK1");
      expect(r.replicate!.weights.length).toBe(5);
      expectClose(svyTotal(r, "y").se ** 2, svyTotal(d, "y").se ** 2, {
        rtol: RTOL,
        what: "JK1",
      });
      expectClose(svyTotal(r, "y").estimate, svyTotal(d, "y").estimate, {
        rtol: 1e-14,
        what: "estimate",
      });
    });

    it(`JKn variance of a total = linearised (${fpc ? "with" : "no"} fpc)`, () => {
      const d = stratified(fpc);
      const r = asReplicateDesign(d, "JKn");
      expect(r.replicate!.weights.length).toBe(5);
      expectClose(svyTotal(r, "y").se ** 2, svyTotal(d, "y").se ** 2, {
        rtol: RTOL,
        what: "JKn",
      });
    });
  }

  it("JK1 on a stratified design throws InputError", () => {
    expect(() => asReplicateDesign(stratified(false), "JK1")).toThrow(InputError);
  });

  for (const H of [1, 3, 5, 10, 13]) {
    it(`BRR with ${H} two-PSU strata = linearised variance of a total (no fpc)`, () => {
      const d = pairsDesign(H);
      const r = asReplicateDesign(d, "BRR");
      expect(r.replicate!.weights.length).toBeGreaterThan(H);
      expectClose(svyTotal(r, "y").se ** 2, svyTotal(d, "y").se ** 2, {
        rtol: RTOL,
        what: `BRR H=${H}`,
      });
    });
  }

  it("Fay (ρ = 0.5) also equals the linearised variance of a total", () => {
    const d = pairsDesign(6);
    const r = asReplicateDesign(d, "Fay", { fayRho: 0.5 });
    expectClose(svyTotal(r, "y").se ** 2, svyTotal(d, "y").se ** 2, { rtol: RTOL, what: "Fay" });
  });

  it("BRR needs two PSUs per stratum", () => {
    expect(() => asReplicateDesign(stratified(false), "BRR")).toThrow(InputError);
  });
});

describe("hadamard", () => {
  for (let n = 1; n <= 64; n++) {
    it(`hadamard(${n}) has more than ${n} rows and orthogonal ±1 rows`, () => {
      const H = hadamard(n);
      const m = H.length;
      expect(m).toBeGreaterThan(n);
      for (const row of H) {
        expect(row.length).toBe(m);
        for (const v of row) expect(v === 0 || v === 1).toBe(true);
      }
      const pm = H.map((r) => r.map((v) => 2 * v - 1));
      for (let i = 0; i < m; i++)
        for (let j = 0; j < m; j++) {
          const dot = pm[i]!.reduce((s, v, k) => s + v * pm[j]![k]!, 0);
          if (dot !== (i === j ? m : 0)) expect.fail(`rows ${i}, ${j}: dot ${dot}`);
        }
    });
  }
});

describe("supplied replicate columns", () => {
  it("type JK1 uses scale (R − 1)/R: delete-one columns reproduce the linearised variance", () => {
    // Each row its own PSU (ids none), n = 6: rep_j = 0 on row j and w·6/5 elsewhere.
    const y = [3, 5, 2, 8, 6, 1];
    const w = [10, 12, 10, 14, 20, 18];
    const cols: Record<string, number[]> = { y, w };
    for (let j = 0; j < 6; j++) cols[`rep${j + 1}`] = w.map((v, i) => (i === j ? 0 : (v * 6) / 5));
    const f = frameFromColumns(cols);
    const lin = buildDesign(f, { ids: [], weights: "w" });
    const rep = buildDesign(f, {
      ids: [],
      weights: "w",
      replicates: { pattern: "^rep\\d+$", type: "JK1" },
    });
    expect(rep.replicate!.weights.length).toBe(6);
    expectClose(rep.replicate!.scale, 5 / 6, { rtol: 1e-15, what: "scale" });
    // Hand: V = n/(n−1) Σ (w_i y_i − mean)² with w y = 30 60 20 112 120 18 (mean 60):
    // Σ dev² = 900 + 0 + 1600 + 2704 + 3600 + 1764 = 10568; · 6/5 = 12681.6.
    expectClose(svyTotal(rep, "y").se ** 2, 12681.6, { rtol: RTOL, what: "JK1 supplied" });
    expectClose(svyTotal(lin, "y").se ** 2, 12681.6, { rtol: RTOL, what: "linearised" });
  });

  it("explicit columns list works the same as the pattern", () => {
    const y = [3, 5, 2, 8];
    const w = [1, 2, 3, 4];
    const cols: Record<string, number[]> = { y, w };
    for (let j = 0; j < 4; j++) cols[`r${j}`] = w.map((v, i) => (i === j ? 0 : (v * 4) / 3));
    const f = frameFromColumns(cols);
    const a = buildDesign(f, {
      weights: "w",
      replicates: { columns: ["r0", "r1", "r2", "r3"], type: "JK1" },
    });
    const b = buildDesign(f, { weights: "w", replicates: { pattern: "^r\\d$", type: "JK1" } });
    expect(svyTotal(a, "y").se).toBe(svyTotal(b, "y").se);
  });
});

describe("bootstrap replicates", () => {
  it("the same seed reproduces the replicates and the SE; another seed differs", () => {
    const d = pairsDesign(4);
    const a = asReplicateDesign(d, "bootstrap", { seed: 42, replicates: 30 });
    const b = asReplicateDesign(d, "bootstrap", { seed: 42, replicates: 30 });
    const c = asReplicateDesign(d, "bootstrap", { seed: 7, replicates: 30 });
    expect(a.replicate!.weights.length).toBe(30);
    expect(a.replicate!.weights).toEqual(b.replicate!.weights);
    expect(svyTotal(a, "y").se).toBe(svyTotal(b, "y").se);
    expect(svyTotal(a, "y").se).not.toBe(svyTotal(c, "y").se);
    // Canty–Davison scale with 2 PSUs per stratum: n̄ = 2 ⇒ 2/((2 − 1)(30 − 1)).
    expectClose(a.replicate!.scale, 2 / 29, { rtol: 1e-15, what: "scale" });
    // Each stratum draws n_h = 2 PSUs: the multipliers of a stratum's two PSUs sum to 2.
    const w0 = d.weights;
    for (const wr of a.replicate!.weights) {
      for (let s = 0; s < 4; s++) {
        const m1 = wr[4 * s]! / w0[4 * s]!;
        const m2 = wr[4 * s + 2]! / w0[4 * s + 2]!;
        expect(m1 + m2).toBe(2);
      }
    }
  });
});
