/**
 * Domain covariance (svyBy with covmat) and svyContrast against R survey 4.1.1
 * (test/fixtures/survey-contrasts/vcov.csv and contrast.csv, made by make-reference.R there):
 * vcov(svyby(..., covmat = TRUE)) of means, several variables, a factor's proportions, two
 * by-variables, totals and ratios, and of svymean(~api00 + api99), on dclus1, dstrat, dclus2, the
 * JK1 version of dclus1 and dclus1 post-stratified on stype; R's names in R's order; estimates
 * and covariances to 1e-9 relative. Contrasts: linear (E − H, (E + H)/2 − M, No − Yes) and
 * nonlinear (api00/api99, an expression with exp, log, sqrt, ^ and unary minus, a difference of
 * domain ratios with backticked names), estimate and SE to 1e-9. Symbolic derivatives and bad
 * names are checked too.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import { svyBy } from "../../src/survey/by.ts";
import type { ByStatistic } from "../../src/survey/by-covmat.ts";
import {
  differentiate,
  evaluate,
  format,
  parseContrast,
  svyContrast,
} from "../../src/survey/contrast.ts";
import type { SurveyDesign } from "../../src/survey/design.ts";
import { contrastDesigns, contrastReference, num } from "../helpers/api-designs.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared } from "../helpers/shared.ts";

/** make-reference.R's cases as svyBy calls. */
const CASES: Record<string, { by: string[]; spec: ByStatistic }> = {
  "mean api00 by sch.wide": { by: ["sch.wide"], spec: { stat: "mean", variables: ["api00"] } },
  "mean api00 by stype": { by: ["stype"], spec: { stat: "mean", variables: ["api00"] } },
  "mean api00+api99 by stype": {
    by: ["stype"],
    spec: { stat: "mean", variables: ["api00", "api99"] },
  },
  "total enroll by stype": { by: ["stype"], spec: { stat: "total", variables: ["enroll"] } },
  "mean sch.wide by stype": { by: ["stype"], spec: { stat: "prop", variables: ["sch.wide"] } },
  "mean api00 by stype+sch.wide": {
    by: ["stype", "sch.wide"],
    spec: { stat: "mean", variables: ["api00"] },
  },
  "ratio api00/api99 by stype": {
    by: ["stype"],
    spec: { stat: "ratio", variables: ["api00/api99"] },
  },
  "mean api00+api99": { by: [], spec: { stat: "mean", variables: ["api00", "api99"] } },
};

describe.skipIf(!hasShared)("domain covariance and contrasts vs R (api)", () => {
  let designs: Record<string, SurveyDesign>;
  beforeAll(async () => {
    designs = await contrastDesigns();
  });

  it("vcov(svyby(..., covmat = TRUE)): names, order, estimates and covariances", async () => {
    const ref = await contrastReference("vcov.csv");
    const groups = new Map<string, Record<string, string>[]>();
    for (const r of ref) {
      const key = `${r.case}|${r.design}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    expect(groups.size).toBe(34);
    for (const [key, rows] of groups) {
      const [c, d] = key.split("|") as [string, string];
      const { by, spec } = CASES[c]!;
      const r = svyBy(designs[d]!, by, spec, { covmat: true });
      const names = [...new Set(rows.map((x) => x.row!))];
      expect(r.names, key).toEqual(names);
      const k = names.length;
      for (const x of rows) {
        const i = names.indexOf(x.row!);
        const j = names.indexOf(x.col!);
        expectClose(r.estimates[i]!.estimate, num(x.estimate), {
          what: `${key} estimate ${x.row}`,
        });
        expectClose(r.vcov[i * k + j]!, num(x.value), {
          rtol: 1e-9,
          atol: 1e-12 * Math.sqrt(Math.abs(r.vcov[i * k + i]! * r.vcov[j * k + j]!)),
          what: `${key} vcov ${x.row},${x.col}`,
        });
      }
    }
  });

  it("svycontrast: linear and nonlinear, estimate and SE", async () => {
    const ref = await contrastReference("contrast.csv");
    expect(ref.length).toBe(27);
    for (const x of ref) {
      const D = designs[x.design!]!;
      const c = x.case!;
      let r: ReturnType<typeof svyContrast>;
      if (c === "E - H" || c === "(E + H)/2 - M") {
        const by = svyBy(D, ["stype"], { stat: "mean", variables: ["api00"] }, { covmat: true });
        r = svyContrast(
          by.estimates,
          by.vcov,
          c === "E - H" ? { E: 1, H: -1 } : { E: 0.5, H: 0.5, M: -1 },
        );
      } else if (c === "No - Yes") {
        const by = svyBy(D, ["sch.wide"], { stat: "mean", variables: ["api00"] }, { covmat: true });
        r = svyContrast(by.estimates, by.vcov, { No: 1, Yes: -1 });
      } else if (c.includes("`")) {
        const by = svyBy(
          D,
          ["stype"],
          { stat: "mean", variables: ["api00", "api99"] },
          { covmat: true },
        );
        r = svyContrast(by.estimates, by.vcov, c);
      } else {
        const m = svyBy(D, [], { stat: "mean", variables: ["api00", "api99"] }, { covmat: true });
        r = svyContrast(m.estimates, m.vcov, c);
      }
      expectClose(r.estimate, num(x.estimate), { what: `${x.design} ${c} estimate` });
      expectClose(r.se, num(x.se), { what: `${x.design} ${c} se` });
    }
  });

  it("rejects contrasts naming no estimate, listing the names that exist", () => {
    const by = svyBy(
      designs.dclus1!,
      ["stype"],
      { stat: "mean", variables: ["api00"] },
      {
        covmat: true,
      },
    );
    expect(() => svyContrast(by.estimates, by.vcov, { E: 1, X: -1 })).toThrow(InputError);
    expect(() => svyContrast(by.estimates, by.vcov, { E: 1, X: -1 })).toThrow(
      /"X" is not one of the estimates; they are E, H, M/,
    );
    expect(() => svyContrast(by.estimates, by.vcov, "E / Q")).toThrow(/"Q" is not one/);
    expect(() => svyContrast(by.estimates, by.vcov, "E & H")).toThrow(
      /operator & is not supported/,
    );
    expect(() => svyContrast(by.estimates, by.vcov, "max(E)")).toThrow(/function max/);
    expect(() => svyContrast(by.estimates, by.vcov, "E +")).toThrow(InputError);
  });
});

describe("contrast expressions", () => {
  const names = ["a", "b", "E:x", "E.No"];
  const env = new Map([
    ["a", 1.7],
    ["b", 0.4],
    ["E:x", 2.2],
    ["E.No", 3.1],
  ]);
  it("parses R's precedence: ^ right-associative and above unary minus", () => {
    expect(evaluate(parseContrast("-a^2", names), env)).toBeCloseTo(-(1.7 ** 2), 14);
    expect(evaluate(parseContrast("2^3^2", names), env)).toBe(512);
    expect(evaluate(parseContrast("a * -b ^ 2", names), env)).toBeCloseTo(-1.7 * 0.16, 14);
    expect(evaluate(parseContrast("`E:x` + E.No", names), env)).toBeCloseTo(5.3, 14);
  });
  it("differentiates exactly (checked against central differences)", () => {
    const exprs = [
      "a / b",
      "exp(a) * log(b) - sqrt(a)^1.5 / (-b)",
      "a^b",
      "sin(a) * cos(b) + tan(a * b)",
      "asin(b) + acos(b / 2) + atan(a)",
      "-a^2 + 2^-b",
      "(a - b) / (a + b)",
    ];
    for (const s of exprs) {
      const e = parseContrast(s, names);
      for (const v of ["a", "b"]) {
        const d = evaluate(differentiate(e, v), env);
        const h = 1e-5;
        const up = new Map(env).set(v, env.get(v)! + h);
        const dn = new Map(env).set(v, env.get(v)! - h);
        const fd = (evaluate(e, up) - evaluate(e, dn)) / (2 * h);
        expectClose(d, fd, { rtol: 1e-7, atol: 1e-9, what: `d(${s})/d${v}` });
      }
    }
    expect(format(differentiate(parseContrast("a / b", names), "b"))).toBe("-(a / b ^ 2)");
    expect(format(differentiate(parseContrast("a / b", names), "a"))).toBe("1 / b");
  });
});
