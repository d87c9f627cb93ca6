/**
 * domainMeans (the kernel of toplines and banners) against the R-validated per-domain
 * estimators on designs the R fixtures of the banner do not cover: two-stage dclus2 (fpc, so
 * both stages add variance) and a post-stratified dclus1 (calibration residuals): each domain's
 * SE equals svyMean's on the domain, and the variance of a difference of two domains equals the
 * linearised variance of the difference of their influence values (R svycontrast).
 */
import { beforeAll, describe, it } from "vitest";
import { readSurveyFrame } from "../../src/io/survey-data.ts";
import { byDomains } from "../../src/survey/by.ts";
import { postStratify } from "../../src/survey/calibrate.ts";
import { buildDesign, type SurveyDesign } from "../../src/survey/design.ts";
import { domainMeans } from "../../src/survey/domain-means.ts";
import { svyMean } from "../../src/survey/estimators.ts";
import { numeric } from "../../src/survey/frame.ts";
import { linearisedVariance } from "../../src/survey/variance.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

describe.skipIf(!hasShared)("domainMeans on two-stage and calibrated designs", () => {
  const designs: Record<string, SurveyDesign> = {};
  beforeAll(async () => {
    const c2 = await readSurveyFrame(sharedPath("survey", "api", "apiclus2.csv"));
    const c1 = await readSurveyFrame(sharedPath("survey", "api", "apiclus1.csv"));
    designs.dclus2 = buildDesign(c2, { ids: ["dnum", "snum"], fpc: ["fpc1", "fpc2"] });
    designs.poststrat = postStratify(
      buildDesign(c1, { ids: ["dnum"], weights: "pw", fpc: ["fpc"] }),
      "stype",
      { E: 4421, H: 755, M: 1018 },
    );
  });

  for (const name of ["dclus2", "poststrat"])
    it(`${name}: domain SEs as svyMean, difference variance with the covariance`, () => {
      const d = designs[name]!;
      const doms = byDomains(d, ["awards"]);
      const y = numeric(d.frame, "api00");
      const [res] = domainMeans(d, [{ values: y }], [{ index: doms[0]!.index, D: doms.length }]);
      const m = res![0]!;
      doms.forEach((dom, k) => {
        const e = svyMean(d, "api00", dom.mask);
        expectClose(m.estimate[k]!, e.estimate, { what: `${name} ${dom.labels[0]} mean` });
        expectClose(Math.sqrt(m.cov[k * doms.length + k]!), e.se, { what: `${name} se` });
      });
      const z = doms.map((_, k) => {
        const out = new Float64Array(d.n);
        for (let i = 0; i < d.n; i++)
          if (doms[0]!.index[i] === k && d.weights[i]! > 0)
            out[i] = (d.weights[i]! * (y[i]! - m.estimate[k]!)) / m.sumW[k]!;
        return out;
      });
      const diff = Float64Array.from(z[0]!, (v, i) => v - z[1]![i]!);
      const vd = linearisedVariance(d, [diff])[0]!;
      const D = doms.length;
      expectClose(m.cov[0]! + m.cov[D + 1]! - 2 * m.cov[1]!, vd, {
        rtol: 1e-9,
        what: `${name} var(a - b)`,
      });
    });
});
