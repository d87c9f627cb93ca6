/**
 * Outlier treatment against COINr's definitions (docs/methods/coinr-definitions.md §1).
 * Skew/kurtosis use the e1071 type-2 (Excel SKEW/KURT) formulas; expected values were computed
 * with python3 from those formulas and from a plain re-implementation of COINr's winsorise loop
 * as described in the doc (never by running our code).
 */
import { describe, expect, it } from "vitest";
import { checkSkewKurt, transform, treat, winsorise } from "../../src/composite/treat.ts";
import type { Dataset } from "../../src/composite/types.ts";
import { expectClose } from "../helpers/expectClose.ts";

const NA = Number.NaN;
const seq = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

function expectVec(actual: ArrayLike<number>, expected: number[], what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  expected.forEach((e, i) => {
    expectClose(actual[i]!, e, { rtol: 1e-12, atol: 1e-15, what: `${what}[${i}]` });
  });
}

function dataset(cols: Record<string, number[]>): Dataset {
  const n = Object.values(cols)[0]!.length;
  return {
    units: Array.from({ length: n }, (_, i) => `u${i + 1}`),
    codes: Object.keys(cols),
    values: Object.values(cols).map((v) => Float64Array.from(v)),
  };
}

describe("checkSkewKurt", () => {
  it("skew and kurtosis of the doc example x = (1..10, 30, 100) fail the defaults", () => {
    // python3, e1071 type 2: skew 3.0632410342394985, kurt 9.741390834569144
    const c = checkSkewKurt(Float64Array.from([...seq(1, 10), 30, 100]));
    expect(c.pass).toBe(false);
    expectClose(c.skew, 3.0632410342394985, { rtol: 1e-12, what: "skew" });
    expectClose(c.kurt, 9.741390834569144, { rtol: 1e-12, what: "kurt" });
  });

  it("pass rule is (|skew| < st) OR (kurt < kt), both strict", () => {
    // x = (-1,-1,0,1,1): mean 0, Σd² = 4, Σd³ = 0, Σd⁴ = 4 -> skew 0 exactly;
    // r = 5*4/16 = 1.25, kurt = ((6)(-1.75) + 6)*4/(3*2) = -3 exactly (by hand)
    const x = Float64Array.from([-1, -1, 0, 1, 1]);
    const atBoth = checkSkewKurt(x, 0, -3);
    expectClose(atBoth.skew, 0, { atol: 0, what: "skew" });
    expectClose(atBoth.kurt, -3, { rtol: 1e-12, what: "kurt" });
    expect(atBoth.pass, "|0| < 0 false and -3 < -3 false -> fail").toBe(false);
    expect(checkSkewKurt(x, 1e-9, -3).pass, "|0| < 1e-9").toBe(true);
    expect(checkSkewKurt(x, 0, -2.5).pass, "-3 < -2.5").toBe(true);
  });

  it("undefined for a constant vector or fewer than 4 values", () => {
    expect(checkSkewKurt(Float64Array.from([5, 5, 5, 5, 5])).pass).toBeNull();
    expect(checkSkewKurt(Float64Array.from([1, 2, 10])).pass).toBeNull();
  });
});

describe("winsorise", () => {
  const DOC = [...seq(1, 10), 30, 100];

  it("doc example: 100 -> 30 and it passes after one step (nwin 1)", () => {
    // python3 re-implementation: after 100 -> 30, skew 1.712, kurt 1.816 -> pass; nwin = 1
    const w = winsorise(Float64Array.from(DOC), 5);
    expectVec(w.x, [...seq(1, 10), 30, 30], "x");
    expect(w.nwin).toBe(1);
    expect(w.points).toEqual([...Array<string>(11).fill(""), "winhi"]);
  });

  it("doc example with force_win, winmax 2: both 30s move to 10 together, nwin 2", () => {
    // doc §1.4: step 1 imax = {100} -> 30, nwin 1; step 2 imax = both 30s -> 10, nwin 2
    const w = winsorise(Float64Array.from(DOC), 2, 2, 3.5, true);
    expectVec(w.x, [...seq(1, 10), 10, 10], "x");
    expect(w.nwin).toBe(2);
    expect(w.points).toEqual([...Array<string>(10).fill(""), "winhi", "winhi"]);
  });

  it("ties at the max move together and nwin can exceed winmax", () => {
    // x = (1..20, 100, 100): fails (skew 2.817, kurt 7.134, python3); both 100s -> 20 in one
    // step, nwin = 2 > winmax = 1 (checked only after the step)
    const w = winsorise(Float64Array.from([...seq(1, 20), 100, 100]), 1);
    expectVec(w.x, [...seq(1, 20), 20, 20], "x");
    expect(w.nwin).toBe(2);
    expect(w.points.filter((p) => p === "winhi")).toHaveLength(2);
  });

  it("negative skew winsorises the low side ('winlo')", () => {
    // x = (-100, 1..20): skew -4.178 -> low side: -100 -> 1, then passes (python3)
    const w = winsorise(Float64Array.from([-100, ...seq(1, 20)]), 5);
    expectVec(w.x, [1, ...seq(1, 20)], "x");
    expect(w.nwin).toBe(1);
    expect(w.points[0]).toBe("winlo");
  });

  it("winmax 0 means no winsorisation; NA are ignored and kept", () => {
    const w0 = winsorise(Float64Array.from(DOC), 0);
    expectVec(w0.x, DOC, "winmax 0");
    expect(w0.nwin).toBe(0);
    const withNA = winsorise(Float64Array.from([NA, ...DOC]), 5);
    expectVec(withNA.x, [NA, ...seq(1, 10), 30, 30], "with NA");
    expect(withNA.nwin).toBe(1);
  });
});

describe("transform", () => {
  it("log_CT: ln(x - min + 0.01 (max - min)), NA kept", () => {
    // min 1, max 9: ln(3 - 1 + 0.08), ln(0.08), ln(9 - 1 + 0.08) (by hand)
    const t = transform(Float64Array.from([3, NA, 1, 9]), "log_CT");
    expectVec(t.x, [Math.log(2.08), NA, Math.log(0.08), Math.log(8.08)], "log_CT");
    expect(t.label).toBe("log_CT");
  });
});

describe("treat", () => {
  it("passes untouched when the check passes (no winsorisation)", () => {
    // (2,4,4,4,5,5,7,9): skew 0.8184875533567997, kurt 0.940625 (python3) -> pass
    const x = [2, 4, 4, 4, 5, 5, 7, 9];
    const r = treat(dataset({ a: x }));
    expectVec(r.data.values[0]!, x, "a");
    expect(r.details).toHaveLength(1);
    const d = r.details[0]!;
    expect(d.pass0).toBe(true);
    expectClose(d.skew0, 0.8184875533567997, { rtol: 1e-12, what: "skew0" });
    expectClose(d.kurt0, 0.940625, { rtol: 1e-12, what: "kurt0" });
    expect(d.nwin).toBeNull();
    expect(d.transform).toBeNull();
  });

  it("winsorising fixes the doc example", () => {
    const r = treat(dataset({ a: [...seq(1, 10), 30, 100] }));
    expectVec(r.data.values[0]!, [...seq(1, 10), 30, 30], "a");
    const d = r.details[0]!;
    expect(d.pass0).toBe(false);
    expect(d.nwin).toBe(1);
    expect(d.pass1).toBe(true);
    // after winsorising (1..10, 30, 30): skew 1.7120380600890506, kurt 1.8157805377242044
    expectClose(d.skew1, 1.7120380600890506, { rtol: 1e-12, what: "skew1" });
    expectClose(d.kurt1, 1.8157805377242044, { rtol: 1e-12, what: "kurt1" });
    expect(d.transform).toBeNull();
  });

  it("log_CT is applied to the ORIGINAL values when winmax 1 cannot fix (1..20, 100, 200)", () => {
    // COINr test-treat: x = c(1:20, 100, 200), winmax 1. Winsorised (200 -> 100) still fails
    // (skew 2.817, kurt 7.134). Then ln(x - 1 + 0.01*199) on the original x (python3):
    const x = [...seq(1, 20), 100, 200];
    const expected = [
      0.688134638736401, 1.095273387402595, 1.3837912309017721, 1.6074359097634274,
      1.7900914121273581, 1.944480556245719, 2.0781907597781832, 2.196112848483529,
      2.301584592660462, 2.39698576841553, 2.4840729690394228, 2.5641798306825083, 2.63834278867739,
      2.7073833121145063, 2.771963526845863, 2.8326249356838407, 2.8898160479624417,
      2.9439125248241944, 2.995232148512309, 3.0440461338325417, 4.6150215020384655,
      5.30325515557766,
    ];
    const r = treat(dataset({ a: x }), { winmax: 1 });
    expectVec(r.data.values[0]!, expected, "log_CT");
    const d = r.details[0]!;
    expect(d.nwin).toBe(1);
    expect(d.pass1).toBe(false);
    expectClose(d.skew1, 2.816999617055155, { rtol: 1e-12, what: "skew1" });
    expectClose(d.kurt1, 7.133542196518299, { rtol: 1e-12, what: "kurt1" });
    expect(d.transform).toBe("log_CT");
    expect(d.pass2).toBe(true);
    expectClose(d.skew2, 0.9694984073838677, { rtol: 1e-12, what: "skew2" });
    expectClose(d.kurt2, 2.245995664401919, { rtol: 1e-12, what: "kurt2" });
    expect(d.points[21]).toBe("winhi+log_CT");
  });

  it("Treated_Points for a logged but not winsorised point reads '+log_CT' as in COINr", () => {
    // COINr Treat.numeric: per point, if f2 label == "" -> f1 label, else paste(f1, f2, sep = "+"),
    // then a bare "+" -> "". So ("", "log_CT") gives "+log_CT" (R source R/treat.R; doc §1.7).
    const r = treat(dataset({ a: [...seq(1, 20), 100, 200] }), { winmax: 1 });
    expect(r.details[0]!.points[0]).toBe("+log_CT");
  });

  it("combine_treat applies log_CT to the winsorised values", () => {
    // winsorised x = (1..20, 100, 100): min 1, max 100: ln(x - 1 + 0.99) (by hand)
    const r = treat(dataset({ a: [...seq(1, 20), 100, 200] }), {
      winmax: 1,
      combine_treat: true,
    });
    const expected = [...seq(1, 20), 100, 100].map((v) => Math.log(v - 1 + 0.99));
    expectVec(r.data.values[0]!, expected, "combine");
  });

  it("a constant column is left untreated with no detail row; indiv 'none' too", () => {
    const r = treat(dataset({ c: [5, 5, 5, 5, 5, 5], b: [1, 2, 3, 4, 5, 500] }), {
      indiv: { b: "none" },
    });
    expectVec(r.data.values[0]!, [5, 5, 5, 5, 5, 5], "constant");
    expectVec(r.data.values[1]!, [1, 2, 3, 4, 5, 500], "none");
    expect(r.details).toHaveLength(0);
  });

  it("if the check becomes undefined after winsorising, the ORIGINAL x is returned", () => {
    // x = (0 x 9, 1): skew 3.162, kurt 10 (python3) -> fails. Winsorising moves 1 -> 0, so the
    // column is constant and check_SkewKurt gives NA. COINr Treat.numeric (R/treat.R):
    // `if (is.na(pass)) return(list(x = x, Passing = NA))` with x the original vector
    // (doc §1.3: "If the NA arises after f1/f2, the ORIGINAL x is returned").
    const x = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const r = treat(dataset({ z: x }));
    expectVec(r.data.values[0]!, x, "z");
  });
});
