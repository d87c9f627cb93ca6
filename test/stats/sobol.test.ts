import { describe, expect, it } from "vitest";
import { createRng } from "../../src/stats/rng.ts";
import { cutIndices, saltelliSample, sobolEstimate } from "../../src/stats/sobol.ts";
import { expectClose } from "../helpers/expectClose.ts";

/** Ishigami function, a = 7, b = 0.1, inputs uniform on [−π, π] (Ishigami & Homma 1990). */
function ishigami(x1: number, x2: number, x3: number): number {
  return Math.sin(x1) + 7 * Math.sin(x2) ** 2 + 0.1 * x3 ** 4 * Math.sin(x1);
}

function runIshigami(N: number, seed: number, dummy = false) {
  const d = dummy ? 4 : 3;
  const cols = saltelliSample(N, d, createRng(seed));
  const u = (c: number, r: number) => -Math.PI + 2 * Math.PI * cols[c]![r]!;
  const y = new Float64Array(N * (d + 2));
  for (let r = 0; r < y.length; r++) y[r] = ishigami(u(0, r), u(1, r), u(2, r));
  return sobolEstimate(y, N, d, { nboot: 200, rng: createRng(seed + 1) });
}

describe("Sobol indices (Saltelli 2010 first order, Jansen total)", () => {
  // Analytic values for Ishigami a = 7, b = 0.1: V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2 = 13.8446;
  // V1 = (1 + bπ⁴/5)²/2, V2 = a²/8, V13 = b²π⁸(1/18 − 1/50)... (Saltelli et al. 2008, Global SA: the Primer, §4.7).
  const a = 7;
  const b = 0.1;
  const pi4 = Math.PI ** 4;
  const V = (a * a) / 8 + (b * pi4) / 5 + (b * b * pi4 * pi4) / 18 + 0.5;
  const V1 = 0.5 * (1 + (b * pi4) / 5) ** 2;
  const V2 = (a * a) / 8;
  const V13 = (8 * b * b * pi4 * pi4) / 225;
  const exact = { S1: V1 / V, S2: V2 / V, S3: 0, ST1: (V1 + V13) / V, ST2: V2 / V, ST3: V13 / V };

  it("the analytic values are the published ones (0.3139, 0.4424, 0, 0.5576, 0.4424, 0.2437)", () => {
    expectClose(exact.S1, 0.3139, { atol: 5e-5, what: "S1" });
    expectClose(exact.S2, 0.4424, { atol: 5e-5, what: "S2" });
    expectClose(exact.ST1, 0.5576, { atol: 5e-5, what: "ST1" });
    expectClose(exact.ST3, 0.2437, { atol: 5e-5, what: "ST3" });
  });

  it("estimates every index within 0.02 at N = 2^14", () => {
    const { indices } = runIshigami(2 ** 14, 1);
    const [i1, i2, i3] = indices;
    expectClose(i1!.Si, exact.S1, { atol: 0.02, what: "S1" });
    expectClose(i2!.Si, exact.S2, { atol: 0.02, what: "S2" });
    expectClose(i3!.Si, exact.S3, { atol: 0.02, what: "S3" });
    expectClose(i1!.STi, exact.ST1, { atol: 0.02, what: "ST1" });
    expectClose(i2!.STi, exact.ST2, { atol: 0.02, what: "ST2" });
    expectClose(i3!.STi, exact.ST3, { atol: 0.02, what: "ST3" });
    // The bootstrap interval brackets the estimate.
    expect(i1!.Si_lo).toBeLessThan(i1!.Si);
    expect(i1!.Si_hi).toBeGreaterThan(i1!.Si);
  });

  it("gives exactly zero for a dummy input the function ignores", () => {
    const { indices } = runIshigami(1024, 3, true);
    expect(indices[3]!.Si).toBe(0);
    expect(indices[3]!.STi).toBe(0);
  });

  it("is reproducible: one seed, identical output", () => {
    expect(runIshigami(512, 7)).toEqual(runIshigami(512, 7));
    expect(runIshigami(512, 7).indices[0]!.Si).not.toBe(runIshigami(512, 8).indices[0]!.Si);
  });
});

describe("cutIndices (R's cut(x, breaks = n))", () => {
  it("splits the observed range, right-closed, outer breaks widened by range/1000", () => {
    // R: as.integer(cut(c(0.1, 0.2, 0.5, 0.9), breaks = 2)) = 1 1 1 2 (breaks 0.0992, 0.5, 0.9008)
    expect([...cutIndices(Float64Array.from([0.1, 0.2, 0.5, 0.9]), 2)]).toEqual([0, 0, 0, 1]);
    // R: as.integer(cut(c(0, 1, 2, 3), breaks = 3)) = 1 1 2 3 (breaks -0.003, 1, 2, 3.003)
    expect([...cutIndices(Float64Array.from([0, 1, 2, 3]), 3)]).toEqual([0, 0, 1, 2]);
  });
});
