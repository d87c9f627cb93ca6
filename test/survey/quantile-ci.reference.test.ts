/**
 * svyQuantile / svyQuantileBy interval types against R survey 4.1.1's svyquantile(~api00, ...,
 * c(0.25, 0.5), interval.type = mean|beta|xlogit|asin|score) (test/fixtures/survey-contrasts/
 * quantile_ci.csv, made by make-reference.R there), overall and in each domain of stype and
 * sch.wide (svyby), on dclus1, dstrat, dclus2, the JK1 version of dclus1 (no score: R offers none)
 * and dclus1 post-stratified on stype: quantile, interval and SE to 1e-9 relative (NaN where R has
 * NA); where R fails (no sign change for the score root) we throw InputError. Also deff =
 * "replace" (deff.csv) for means, totals and proportions, overall and by stype.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import { type ByDomain, byDomains } from "../../src/survey/by.ts";
import { withDeff } from "../../src/survey/deff.ts";
import type { SurveyDesign } from "../../src/survey/design.ts";
import { type Estimate, svyMean, svyProportions, svyTotal } from "../../src/survey/estimators.ts";
import { type QuantileInterval, svyQuantileBy } from "../../src/survey/quantile.ts";
import { contrastDesigns, contrastReference, num } from "../helpers/api-designs.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared } from "../helpers/shared.ts";

/** Domain d of a breakdown as the only domain (its rows index 0, all others −1). */
function only(domains: ByDomain[], d: number): ByDomain {
  const dom = domains[d]!;
  return { ...dom, index: Int32Array.from(dom.index, (v) => (v === d ? 0 : -1)), id: 0 };
}

describe.skipIf(!hasShared)("quantile interval types and deff replace vs R (api)", () => {
  let designs: Record<string, SurveyDesign>;
  beforeAll(async () => {
    designs = await contrastDesigns();
  });

  it("svyquantile(interval.type = ...): every reference row", async () => {
    const ref = await contrastReference("quantile_ci.csv");
    expect(ref.length).toBe(288);
    let failures = 0;
    const bad: string[] = [];
    for (const r of ref) {
      const D = designs[r.design!]!;
      const [byv, level] = r.domain ? r.domain.split("=") : [undefined, undefined];
      const domains = byDomains(D, byv ? [byv] : []);
      const d = byv ? domains.findIndex((x) => x.labels[0] === level) : 0;
      const what = `${r.case} ${r.domain} p=${r.p}`;
      const run = () =>
        // R computes both quantiles in one call (an error in one loses both).
        // Each domain alone, as the reference (svyquantile on each domain's subset).
        svyQuantileBy(D, "api00", [0.25, 0.5], [only(domains, d)], {
          interval: r.interval as QuantileInterval,
        })[0]![num(r.p) === 0.25 ? 0 : 1]!;
      if (r.error) {
        expect(run, what).toThrow(InputError);
        failures++;
        continue;
      }
      try {
        const q = run();
        expectClose(q.estimate, num(r.quantile), { what: `${what} quantile` });
        expectClose(q.ci[0], num(r.ci_low), { what: `${what} ci_low` });
        expectClose(q.ci[1], num(r.ci_high), { what: `${what} ci_high` });
        expectClose(q.se, num(r.se), { what: `${what} se` });
      } catch (e) {
        bad.push(`${what}: ${(e as Error).message}`);
      }
    }
    // Every row, the JK1 domains included (each domain's df the rank of its rows' replicate
    // weights − 1, as R's svyby on a replicate design).
    expect(bad).toEqual([]);
    expect(failures).toBe(2);
  });

  it('deff = "replace": means, totals, proportions, by domain', async () => {
    const ref = await contrastReference("deff.csv");
    expect(ref.length).toBe(40);
    for (const r of ref) {
      const D = designs[r.design!]!;
      const what = `${r.design} ${r.case} ${r.term}`;
      let e: Estimate;
      let replace: number;
      if (r.case === "mean api00" || r.case === "total api00") {
        e = (r.case === "mean api00" ? svyMean : svyTotal)(D, "api00");
        replace = withDeff(D, svyMean(D, "api00"), "api00", null, "replace").deff;
        if (r.case === "total api00")
          replace = withDeff(D, svyTotal(D, "api00"), "api00", null, "replace").deff;
      } else if (r.case === "mean stype") {
        e = svyProportions(D, "stype").find((x) => `stype${x.level}` === r.term)!;
        replace = withDeff(D, e as Estimate, "stype", null, "replace").deff;
      } else {
        const dom = byDomains(D, ["stype"]).find((x) => x.labels[0] === r.term)!;
        e = svyMean(D, "api00", dom.mask);
        replace = withDeff(D, e as Estimate, "api00", dom.mask, "replace").deff;
      }
      expectClose(e.estimate, num(r.estimate), { what: `${what} estimate` });
      expectClose(e.deff, num(r.deff), { atol: 1e-12, what: `${what} deff` });
      expectClose(replace, num(r.deff_replace), { atol: 1e-12, what: `${what} deff replace` });
    }
  });
});
