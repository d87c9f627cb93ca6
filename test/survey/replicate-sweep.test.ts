/**
 * The one-sweep replicate estimators (replicate-sums.ts, replicate-estimators.ts) against the
 * definition they replace: θ_r recomputed from each replicate's stored weights,
 * θ_r = Σ w_r y / Σ w_r over the domain's rows (Σ w_r y for totals), and
 * V = scale Σ_r rscales_r (θ_r − θ̄)² (R svrVar). Checked on a seeded random stratified cluster
 * design for every replicate type we build, supplied replicate columns (the n × R layout),
 * a calibrated replicate design (replicates recalibrated one by one), mse, and the per-row
 * branch of the PSU layout (many PSUs). The two differ only by rounding.
 */
import { describe, expect, it } from "vitest";
import { createRng } from "../../src/stats/rng.ts";
import { byDomains, svyLinearBy } from "../../src/survey/by.ts";
import { postStratify } from "../../src/survey/calibrate.ts";
import { buildDesign, type SurveyDesign } from "../../src/survey/design.ts";
import { estimateTable } from "../../src/survey/estimate-table.ts";
import { svyMean, svyTotal } from "../../src/survey/estimators.ts";
import { factor, frameFromColumns, numeric } from "../../src/survey/frame.ts";
import { replicateSums } from "../../src/survey/replicate-sums.ts";
import { asReplicateDesign } from "../../src/survey/replicates.ts";
import { expectClose } from "../helpers/expectClose.ts";

const RTOL = 1e-11;

/** H strata × psusPer PSUs, 3..8 rows each, weights in [1, 4), y with a PSU effect, domain g. */
function randomFrame(H: number, psusPer: number, seed: number) {
  const rng = createRng(seed);
  const cols: Record<string, (string | number)[]> = { h: [], psu: [], w: [], y: [], g: [] };
  let psu = 0;
  for (let h = 0; h < H; h++) {
    for (let j = 0; j < psusPer; j++) {
      psu++;
      const eff = rng.uniform() * 4;
      const m = 3 + rng.int(6);
      for (let k = 0; k < m; k++) {
        cols.h!.push(`H${h}`);
        cols.psu!.push(psu);
        cols.w!.push(1 + rng.uniform() * 3);
        // One missing y in 40 rows: the estimators skip it.
        cols.y!.push(rng.uniform() < 0.025 ? Number.NaN : eff + rng.uniform() * 10);
        cols.g!.push(["a", "b", "c"][rng.int(3)]!);
      }
    }
  }
  return frameFromColumns(cols as Record<string, number[] | string[]>);
}

/** The per-replicate definition: θ_r from each replicate's stored weights, then svrVar. */
function byDefinition(d: SurveyDesign, stat: "mean" | "total", level: string | null) {
  const y = numeric(d.frame, "y");
  const g = factor(d.frame, "g");
  const k = level === null ? -2 : g.levels.indexOf(level);
  const rows: number[] = [];
  for (let i = 0; i < d.n; i++)
    if ((k === -2 || g.codes[i] === k) && d.weights[i]! > 0 && !Number.isNaN(y[i]!)) rows.push(i);
  const theta = (w: Float64Array) => {
    let a = 0;
    let b = 0;
    for (const i of rows) {
      a += w[i]! * y[i]!;
      b += w[i]!;
    }
    return stat === "mean" ? a / b : a;
  };
  const rep = d.replicate!;
  const th = rep.weights.map(theta);
  const full = theta(d.weights);
  let centre = 0;
  let used = 0;
  th.forEach((t, r) => {
    if (rep.rscales[r]! > 0) {
      centre += t;
      used++;
    }
  });
  centre = rep.mse ? full : centre / used;
  let v = 0;
  th.forEach((t, r) => {
    v += rep.scale * rep.rscales[r]! * (t - centre) ** 2;
  });
  return { estimate: full, se: Math.sqrt(v) };
}

const frame = randomFrame(6, 4, 11);
const strat = buildDesign(frame, { ids: ["psu"], strata: "h", weights: "w" });
const unstrat = buildDesign(frame, { ids: ["psu"], weights: "w" });
const pairs = buildDesign(randomFrame(7, 2, 5), { ids: ["psu"], strata: "h", weights: "w" });

const designs: [string, SurveyDesign][] = [
  ["JK1", asReplicateDesign(unstrat, "JK1")],
  ["JKn", asReplicateDesign(strat, "JKn")],
  ["BRR", asReplicateDesign(pairs, "BRR")],
  ["BRR, order 16", asReplicateDesign(pairs, "BRR", { replicates: 16 })],
  ["Fay 0.3", asReplicateDesign(pairs, "Fay", { fayRho: 0.3 })],
  ["bootstrap", asReplicateDesign(strat, "bootstrap", { replicates: 40, seed: 3 })],
  ["subbootstrap", asReplicateDesign(strat, "subbootstrap", { replicates: 30, seed: 9 })],
  ["JKn with mse", asReplicateDesign(strat, "JKn", { mse: true })],
  [
    "JKn then post-stratified (replicates recalibrated)",
    postStratify(asReplicateDesign(strat, "JKn"), "g", { a: 300, b: 250, c: 200 }),
  ],
];
// Supplied replicate columns: the JKn weights written as columns of the frame.
{
  const jkn = asReplicateDesign(strat, "JKn");
  const cols: Record<string, Float64Array> = {};
  jkn.replicate!.weights.forEach((w, r) => {
    cols[`rep${r}`] = w;
  });
  const f2 = randomFrame(6, 4, 11);
  for (const [name, v] of Object.entries(cols)) f2.columns.set(name, { kind: "number", values: v });
  designs.push([
    "supplied JKn columns (n × R layout)",
    buildDesign(f2, {
      ids: ["psu"],
      strata: "h",
      weights: "w",
      replicates: {
        pattern: "^rep\\d+$",
        type: "JKn",
        rscales: Array.from(jkn.replicate!.rscales),
      },
    }),
  ]);
}

describe("replicate means and totals from one sweep equal the per-replicate definition", () => {
  for (const [name, d] of designs) {
    for (const stat of ["mean", "total"] as const) {
      it(`${name}: ${stat}, overall and in each domain of g`, () => {
        const f = stat === "mean" ? svyMean : svyTotal;
        const all = f(d, "y");
        const ref = byDefinition(d, stat, null);
        expectClose(all.estimate, ref.estimate, { rtol: 1e-14, what: "estimate" });
        expectClose(all.se, ref.se, { rtol: RTOL, what: "se" });
        const doms = byDomains(d, ["g"]);
        const es = svyLinearBy(d, "y", doms, stat, ["g"]);
        expect(es).toHaveLength(3);
        es.forEach((e, k) => {
          const r = byDefinition(d, stat, doms[k]!.labels[0]!);
          expectClose(e.estimate, r.estimate, { rtol: 1e-14, what: `${doms[k]!.labels} estimate` });
          expectClose(e.se, r.se, { rtol: RTOL, what: `${doms[k]!.labels} se` });
          // and the single-domain call gives the same numbers
          const one = f(d, "y", doms[k]!.mask);
          expectClose(one.se, e.se, { rtol: 1e-14, what: "single-domain se" });
          expect(one.n).toBe(e.n);
        });
      });
    }
  }

  it("the PSU layout's per-row branch (more PSUs than rows allow for the PSU sums)", () => {
    // Every respondent its own PSU and 400 groups: G · P > 4n + 1024 takes the per-row path.
    const rng = createRng(4);
    const n = 600;
    const f = frameFromColumns({
      w: Array.from({ length: n }, () => 1 + rng.uniform()),
      y: Array.from({ length: n }, () => rng.uniform() * 5),
    });
    const d = asReplicateDesign(buildDesign(f, { weights: "w" }), "bootstrap", { replicates: 7 });
    const group = Int32Array.from({ length: n }, (_, i) => i % 400);
    const S = replicateSums(d.replicate!, group, 400, [numeric(f, "y"), null]);
    const wr = d.replicate!.weights;
    const y = numeric(f, "y");
    for (const g of [0, 17, 399]) {
      for (let r = 0; r < 7; r++) {
        let a = 0;
        let b = 0;
        for (let i = g; i < n; i += 400) {
          a += wr[r]![i]! * y[i]!;
          b += wr[r]![i]!;
        }
        expectClose(S[(g * 7 + r) * 2]!, a, { rtol: 1e-14, what: `Σ w_r y, group ${g}` });
        expectClose(S[(g * 7 + r) * 2 + 1]!, b, { rtol: 1e-14, what: `Σ w_r, group ${g}` });
      }
    }
  });

  it("estimateTable uses the sweep for --stat mean and total with --by (same numbers)", () => {
    const d = designs[1]![1];
    const rows = estimateTable(d, { stat: "total", vars: ["y"], by: ["g"] });
    expect(rows.map((r) => r.by[0])).toEqual(["a", "b", "c"]);
    for (const r of rows) {
      const ref = byDefinition(d, "total", r.by[0]!);
      expectClose(r.se, ref.se, { rtol: RTOL, what: `total se ${r.by[0]}` });
    }
  });

  it("an empty domain names the domain and the variable", () => {
    const d = designs[0]![1];
    const doms = byDomains(d, ["g"]);
    const f = randomFrame(6, 4, 11);
    // y missing wherever g = b
    const y = numeric(f, "y");
    const g = factor(f, "g");
    const b = g.levels.indexOf("b");
    const y2 = Float64Array.from(y, (v, i) => (g.codes[i] === b ? Number.NaN : v));
    d.frame.columns.set("yb", { kind: "number", values: y2 });
    expect(() => svyLinearBy(d, "yb", doms, "mean", ["g"])).toThrow(
      /domain g = b: variable yb: the domain has no respondents with data/,
    );
  });
});
