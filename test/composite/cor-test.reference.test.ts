/**
 * corTest against R's stats::cor.test (R 4.2.2; fixtures test/fixtures/composite-cortest/, made
 * once by make-reference.R there): 286 tests over 79 data sets of 3 to 1,291 pairs, Pearson,
 * Spearman (exact enumeration n <= 9, AS 89 Edgeworth series n <= 1290, t with ties or beyond)
 * and Kendall (exact n < 50 without ties, normal approximation with the tie-corrected variance
 * otherwise), two-sided, greater and less, exact = FALSE / TRUE and continuity corrections.
 * p-values to 1e-12 relative. Two kinds of case are compared otherwise, both where R's value is
 * set by rounding: a Pearson r within a few ulp of ±1 (p is then ill-conditioned in r's last
 * bit, which R forms with long-double sums: Pearson p's tolerance is max(1e-12, 4e-16 n/(1 − r²))
 * relative, i.e. a few ulp of r, and 1e-15 absolute when |r| rounds to 1) and Kendall's 1 − P(T ≤ t − 1) a rounding error below 0 (R
 * gives −4.4e-16; we give 0).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type CorTestOptions, corTest } from "../../src/composite/cor-test.ts";
import { correlationPValues, levelCorrelations } from "../../src/composite/correlations.ts";
import { buildFramework, metaRow } from "../../src/composite/framework.ts";
import { parseCsv } from "../../src/io/table.ts";
import type { CorMethod } from "../../src/stats/correlation.ts";
import { kendallCdf } from "../../src/stats/kendall-null.ts";
import { spearmanTail } from "../../src/stats/spearman-null.ts";
import { expectClose } from "../helpers/expectClose.ts";

const FIX = new URL("../fixtures/composite-cortest/", import.meta.url).pathname;
const read = (f: string) => {
  const t = parseCsv(readFileSync(FIX + f, "utf8"), f);
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j]!])));
};
const num = (s: string) => (s === "NA" ? Number.NaN : Number(s));

const data = new Map<string, { x: number[]; y: number[] }>();
for (const r of read("data.csv")) {
  const d = data.get(r.case!) ?? { x: [], y: [] };
  d.x.push(num(r.x!));
  d.y.push(num(r.y!));
  data.set(r.case!, d);
}
const ref = read("cortest.csv");

describe("corTest matches R's cor.test", () => {
  it("has the reference cases", () => {
    expect(ref.length).toBe(286);
    expect(data.size).toBe(79);
  });
  for (const method of ["pearson", "spearman", "kendall"] as const) {
    it(`${method}: estimate, n and p-value of every case`, () => {
      const seen = new Set<string>();
      for (const r of ref.filter((x) => x.method === method)) {
        const d = data.get(r.case!)!;
        const opts: CorTestOptions = {
          alternative: r.alternative as CorTestOptions["alternative"],
          exact: r.exact === "default" ? null : r.exact === "TRUE",
          continuity: r.continuity === "TRUE",
        };
        const t = corTest(d.x, d.y, method as CorMethod, opts);
        const what = `${r.case} ${method} ${r.alternative} exact=${r.exact} continuity=${r.continuity}`;
        seen.add(t.pMethod);
        expect(t.n, what).toBe(Number(r.n));
        const est = num(r.estimate!);
        expectClose(t.estimate, est, { rtol: 1e-14, atol: 1e-15, what: `${what} estimate` });
        const p = num(r.p_value!);
        if (p < 0) {
          expect(t.p, what).toBe(0);
        } else if (method === "pearson") {
          // δ ln p ≈ (n − 2) δr / (r (1 − r²)): a few ulp of r, relative, beyond 1e-12.
          const rtol = est * est < 1 ? Math.max(1e-12, (4e-16 * t.n) / (1 - est * est)) : 0;
          const atol = Math.abs(est) > 1 - 1e-9 ? 1e-15 : 0;
          expectClose(t.p, p, { rtol, atol, what: `${what} p` });
        } else {
          expectClose(t.p, p, { rtol: 1e-12, what: `${what} p` });
        }
      }
      const expected = {
        pearson: ["t"],
        spearman: ["exact", "as89", "t"],
        kendall: ["exact", "normal"],
      }[method];
      expect([...seen].sort()).toEqual([...expected].sort());
    });
  }
});

describe("COINr get_pvals / get_corr equivalents use cor.test's p-values", () => {
  // weak_n, strong_n and negative_n share x (one draw per n in make-reference.R).
  const n = 20;
  const cols = ["weak", "strong", "negative"];
  const ds = {
    units: Array.from({ length: n }, (_, i) => `U${i}`),
    codes: ["x", ...cols],
    values: [data.get(`weak_${n}`)!.x, ...cols.map((c) => data.get(`${c}_${n}`)!.y)].map((v) =>
      Float64Array.from(v),
    ),
  };
  const rp = (c: string, m: string) =>
    num(
      ref.find(
        (r) =>
          r.case === `${c}_${n}` &&
          r.method === m &&
          r.exact === "default" &&
          r.alternative === "two.sided",
      )!.p_value!,
    );
  it("correlationPValues: the p of every pair, diagonal 0 (spearman: AS 89, kendall: exact)", () => {
    for (const m of ["pearson", "spearman", "kendall"] as const) {
      const p = correlationPValues(ds, ds.codes, m);
      expect(p[0]).toBe(0);
      cols.forEach((c, j) => {
        expectClose(p[j + 1]!, rp(c, m), { rtol: 1e-12, what: `${m} x–${c}` });
        expect(p[(j + 1) * 4]).toBe(p[j + 1]);
      });
    }
    expect(() => correlationPValues(ds, ["x", "nope"])).toThrow(/"nope"/);
  });
  it("levelCorrelations with pval: pairs with p > pval become NaN, for every method", () => {
    const fw = buildFramework([
      ...ds.codes.map((c) => metaRow(c, "Indicator", 1, "I")),
      metaRow("I", "Aggregate", 2, null),
    ]);
    for (const m of ["spearman", "kendall"] as const) {
      const pairs = levelCorrelations(ds, fw, [1, 1], { method: m, pval: 0.05 });
      for (const c of cols) {
        const q = pairs.find((x) => x.var1 === "x" && x.var2 === c)!;
        expect(Number.isNaN(q.correlation), `${m} ${c}`).toBe(rp(c, m) > 0.05);
      }
    }
  });
});

describe("null distributions of the rank statistics", () => {
  it("Spearman's S: exact tails sum to 1 and are symmetric about (n³ − n)/6", () => {
    for (let n = 2; n <= 9; n++) {
      const max = (n ** 3 - n) / 3;
      expect(spearmanTail(0, n, false)).toBe(1);
      expectClose(
        spearmanTail(max, n, false),
        1 / [1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880][n]!,
        {
          rtol: 1e-15,
          what: `n=${n} Pr[S = max]`,
        },
      );
      for (let s = 0; s <= max; s += 2) {
        // Pr[S ≥ s] + Pr[S < s] = 1 and Pr[S ≥ s] = Pr[S ≤ max − s].
        expectClose(spearmanTail(s, n, false) + spearmanTail(s, n, true), 1, { rtol: 1e-15 });
        expectClose(spearmanTail(s, n, false), spearmanTail(max - s + 2, n, true), {
          rtol: 1e-12,
          what: `n=${n} s=${s}`,
        });
      }
    }
    expect(spearmanTail(10, 1, false)).toBeNaN();
  });
  it("Kendall's T: the Mahonian numbers (OEIS A008302 row 4: 1 3 5 6 5 3 1)", () => {
    const row = [1, 3, 5, 6, 5, 3, 1];
    let c = 0;
    row.forEach((k, q) => {
      c += k;
      expectClose(kendallCdf(q, 4), c / 24, { rtol: 1e-15, what: `q=${q}` });
    });
    expect(kendallCdf(-1, 4)).toBe(0);
    expect(kendallCdf(7, 4)).toBe(1);
  });
});
