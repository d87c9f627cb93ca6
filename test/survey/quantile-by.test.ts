/**
 * Quantiles by domain with Woodruff intervals, all domains at once (svyQuantileBy: values
 * sorted once, binary searches, SEs of all domains from one pass per quantile), against the
 * plain definition per domain: weightedQuantile (which sorts the domain's values for every
 * call and is checked by hand in quantile.test.ts), the mean of I(x <= q̂) over the domain,
 * its SE by estimatorCovariance (linearisation or replicates), t on designDf(design, domain),
 * and the interval ends by weightedQuantile again. Seeded random data with many ties, every
 * quantile rule, several designs (stratified clusters, lonely PSUs adjusted, post-stratified,
 * two stages with fpc, JKn replicates, supplied replicate columns) and the radix sort.
 */
import { describe, expect, it } from "vitest";
import { qt } from "../../src/stats/distributions.ts";
import { createRng } from "../../src/stats/rng.ts";
import { byDomains } from "../../src/survey/by.ts";
import { postStratify } from "../../src/survey/calibrate.ts";
import { buildDesign, designDf, type SurveyDesign } from "../../src/survey/design.ts";
import { estimateTable } from "../../src/survey/estimate-table.ts";
import { frameFromColumns, numeric } from "../../src/survey/frame.ts";
import {
  type QuantileRule,
  svyQuantile,
  svyQuantileBy,
  weightedQuantile,
} from "../../src/survey/quantile.ts";
import { asReplicateDesign } from "../../src/survey/replicates.ts";
import { sortOrder } from "../../src/survey/sort-values.ts";
import { estimatorCovariance } from "../../src/survey/variance.ts";

const RULES: QuantileRule[] = [
  "math",
  "school",
  "shahvaish",
  "hf1",
  "hf2",
  "hf3",
  "hf4",
  "hf5",
  "hf6",
  "hf7",
  "hf8",
  "hf9",
];
const PROBS = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1];

/** The plain per-domain definition (what svyQuantile computed before the one-sort path). */
function definition(
  d: SurveyDesign,
  variable: string,
  p: number,
  mask: Uint8Array | null,
  rule: QuantileRule,
) {
  const y = numeric(d.frame, variable);
  const rows: number[] = [];
  for (let i = 0; i < d.n; i++)
    if ((!mask || mask[i]) && d.weights[i]! > 0 && !Number.isNaN(y[i]!)) rows.push(i);
  const xs = Float64Array.from(rows, (i) => y[i]!);
  const ws = Float64Array.from(rows, (i) => d.weights[i]!);
  const tq = qt(0.975, designDf(d, mask));
  const sw = ws.reduce((a, b) => a + b, 0);
  const q = weightedQuantile(xs, ws, p, rule);
  let m = 0;
  for (let k = 0; k < rows.length; k++) if (xs[k]! <= q) m += ws[k]!;
  m /= sw;
  const cdf = (wr: Float64Array) => {
    let a = 0;
    let b = 0;
    rows.forEach((i, k) => {
      b += wr[i]!;
      if (xs[k]! <= q) a += wr[i]!;
    });
    return Float64Array.of(a / b);
  };
  const se = Math.sqrt(
    estimatorCovariance(d, cdf, Float64Array.of(m), () => {
      const z = new Float64Array(d.n);
      rows.forEach((i, k) => {
        z[i] = (ws[k]! * ((xs[k]! <= q ? 1 : 0) - m)) / sw;
      });
      return [z];
    })[0]!,
  );
  const pl = m - tq * se;
  const pu = m + tq * se;
  const lower = pl < 0 ? Number.NaN : weightedQuantile(xs, ws, pl, rule);
  const upper = pu > 1 ? Number.NaN : weightedQuantile(xs, ws, pu, rule);
  return { q, lower, upper, se: (upper - lower) / (2 * tq), n: rows.length };
}

/** 5 strata × 4 PSUs (stratum S4 has one PSU: lonely), values with ties, −0, negatives, NaN. */
function frame(seed: number) {
  const rng = createRng(seed);
  const c: Record<string, (number | string)[]> = {
    h: [],
    psu: [],
    ssu: [],
    w: [],
    y: [],
    g: [],
    N1: [],
    N2: [],
  };
  for (let h = 0; h < 5; h++) {
    const psus = h === 4 ? 1 : 4;
    for (let j = 0; j < psus; j++) {
      const m = 6 + rng.int(30);
      for (let k = 0; k < m; k++) {
        c.h!.push(`S${h}`);
        c.psu!.push(h * 10 + j);
        c.ssu!.push(k % 3);
        c.w!.push(rng.uniform() < 0.3 ? 2 : 0.5 + rng.uniform() * 3);
        const u = rng.uniform();
        // ties (integers), a few −0 and negatives, continuous values, missing
        c.y!.push(
          u < 0.05
            ? Number.NaN
            : u < 0.1
              ? -0
              : u < 0.6
                ? rng.int(8) - 2
                : Math.round(rng.uniform() * 1e4) / 100,
        );
        c.g!.push(["a", "b", "c", "d"][rng.int(4)]!);
        c.N1!.push(psus === 1 ? 3 : 9);
        c.N2!.push(60);
      }
    }
  }
  return frameFromColumns(c as Record<string, number[] | string[]>);
}

const f = frame(21);
const base = buildDesign(f, {
  ids: ["psu"],
  strata: "h",
  weights: "w",
  lonely_psu: "adjust",
});
const designs: [string, SurveyDesign][] = [
  ["stratified clusters, lonely PSU adjusted", base],
  [
    "lonely PSU averaged",
    buildDesign(f, { ids: ["psu"], strata: "h", weights: "w", lonely_psu: "average" }),
  ],
  ["post-stratified on g", postStratify(base, "g", { a: 500, b: 400, c: 300, d: 200 })],
  [
    "two stages with fpc",
    buildDesign(f, {
      ids: ["psu", "ssu"],
      strata: "h",
      fpc: ["N1", "N2"],
      nest: true,
      lonely_psu: "remove",
    }),
  ],
  [
    "JKn replicates",
    asReplicateDesign(
      buildDesign(f, { ids: ["psu"], strata: "h", weights: "w", lonely_psu: "remove" }),
      "JKn",
    ),
  ],
];
{
  const jk = designs[4]![1];
  const f2 = frame(21);
  jk.replicate!.weights.forEach((w, r) => {
    f2.columns.set(`rw${r}`, { kind: "number", values: w });
  });
  designs.push([
    "supplied replicate columns",
    buildDesign(f2, {
      ids: ["psu"],
      strata: "h",
      weights: "w",
      lonely_psu: "remove",
      replicates: { pattern: "^rw", type: "JKn", rscales: Array.from(jk.replicate!.rscales) },
    }),
  ]);
}

/** Equal, or both NaN; differences only by rounding for replicate SEs. */
function same(a: number, b: number, what: string, rtol: number) {
  if (Number.isNaN(b)) expect(a, what).toBeNaN();
  else expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(rtol * Math.abs(b));
}

describe("svyQuantileBy equals the per-domain definition", () => {
  for (const [name, d] of designs) {
    it(`${name}: every rule, quantile and domain`, () => {
      const doms = byDomains(d, ["g"]);
      const rtol = d.replicate ? 1e-12 : 0;
      for (const rule of RULES) {
        const got = svyQuantileBy(d, "y", PROBS, doms, { rule });
        doms.forEach((dom, k) => {
          PROBS.forEach((p, j) => {
            const e = got[k]![j]!;
            const r = definition(d, "y", p, dom.mask, rule);
            const what = `${rule} p=${p} g=${dom.labels[0]}`;
            expect(e.estimate, `${what} estimate`).toBe(r.q);
            same(e.ci[0], r.lower, `${what} lower`, rtol);
            same(e.ci[1], r.upper, `${what} upper`, rtol);
            same(e.se, r.se, `${what} se`, rtol);
            expect(e.n).toBe(r.n);
          });
        });
        // overall (no domain): svyQuantile with the design's df
        const all = svyQuantile(d, "y", [0.5], { rule })[0]!;
        const r = definition(d, "y", 0.5, null, rule);
        expect(all.estimate).toBe(r.q);
        same(all.se, r.se, `${rule} overall se`, rtol);
      }
    });
  }

  it("estimateTable --stat quantile --by uses it (domain order, labels, intervals)", () => {
    const d = designs[0]![1];
    const rows = estimateTable(d, { stat: "quantile", vars: ["y"], by: ["g"], quantiles: [0.5] });
    expect(rows.map((r) => r.by[0])).toEqual(["a", "b", "c", "d"]);
    const doms = byDomains(d, ["g"]);
    rows.forEach((row, k) => {
      const r = definition(d, "y", 0.5, doms[k]!.mask, "math");
      expect(row.estimate).toBe(r.q);
      expect([row.ci_low, row.ci_high]).toEqual([r.lower, r.upper]);
    });
  });

  it("an empty domain and a bad p are InputErrors naming them", () => {
    const d = designs[0]![1];
    const y = numeric(d.frame, "y");
    const doms = byDomains(d, ["g"]);
    const gcodes = doms[0]!.index;
    d.frame.columns.set("yb", {
      kind: "number",
      values: Float64Array.from(y, (v, i) => (gcodes[i] === 1 ? Number.NaN : v)),
    });
    expect(() => svyQuantileBy(d, "yb", [0.5], doms, { by: ["g"] })).toThrow(
      /domain g = b: variable yb: the domain has no respondents with data/,
    );
    expect(() => svyQuantileBy(d, "y", [1.5], doms)).toThrow(/quantile 1.5 must be in \[0, 1\]/);
  });
});

describe("sortOrder", () => {
  it("sorts ascending with ties in index order (radix path) like a stable comparison sort", () => {
    const rng = createRng(5);
    for (const n of [600, 5000]) {
      const v = Float64Array.from({ length: n }, () => {
        const u = rng.uniform();
        return u < 0.2 ? -0 : u < 0.3 ? 0 : u < 0.6 ? rng.int(5) - 2 : (rng.uniform() - 0.5) * 1e6;
      });
      v[3] = Number.NEGATIVE_INFINITY;
      v[4] = Number.POSITIVE_INFINITY;
      v[5] = -Number.MIN_VALUE;
      const want = Array.from(v.keys()).sort((a, b) => v[a]! - v[b]! || a - b);
      expect(Array.from(sortOrder(v))).toEqual(want);
    }
  });
});
