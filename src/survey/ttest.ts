import { InputError } from "../core/errors.ts";
import { pfUpper, qt } from "../stats/distributions.ts";
import { designDf, type SurveyDesign } from "./design.ts";
import { svyMean } from "./estimators.ts";
import { getColumn, numeric } from "./frame.ts";
import { svyGlm } from "./glm.ts";

/** A design-based t-test, as R's `svyttest` returns it. */
export interface TtestResult {
  /** "two-sample" (y ~ g) or "one-sample" (y ~ 0). */
  kind: "two-sample" | "one-sample";
  /** t = estimate / se. */
  statistic: number;
  /** Degrees of freedom of the t reference distribution. */
  df: number;
  /** Two-sided p-value 2 P(T_df > |t|). */
  p_value: number;
  /** Difference in means (second group level minus the first), or the mean (less mu). */
  estimate: number;
  se: number;
  /** 95% interval estimate ± qt(0.975, df) · se (R's conf.int). */
  ci: [number, number];
  /** The outcome and, for two samples, the group variable and its two levels (first, second). */
  outcome: string;
  group?: { variable: string; levels: [string, string] };
  /** Respondents used. */
  n: number;
}

/**
 * Design-based t-test (R `svyttest(formula, design)`), formula "y ~ g" or "y ~ 0" (or "y ~ 1"):
 * - two samples, `y ~ g` with g a two-level factor or a numeric 0/1 or 1/2 variable: the
 *   coefficient of g in the survey-weighted regression `svyglm(y ~ g, family = gaussian)`, i.e.
 *   the difference of the two domain means (second level minus first), its sandwich SE, and
 *   t on the regression's residual df, degf(design) − 1 (degf of the rows with y and g present);
 * - one sample, `y ~ 0`: t = ȳ / SE(ȳ) from `svymean(~y)` on degf(design) − 1 df. The outcome
 *   may be written `I(y - mu)` (R's way of testing mean = mu); `opts.mu` does the same.
 * p = 2 P(T_df > |t|), conf.int = estimate ± qt(0.975, df) · se (both as R).
 * Missing values: respondents lacking y (or g) are left out (R's `na.rm = TRUE`).
 * Cost: one regression (or one mean) over the design.
 *
 * @example svyTtest(dclus1, "api00 ~ sch.wide") // { statistic: 2.109, df: 13, p_value: 0.0549 }
 * @throws InputError for a malformed formula, an unknown variable, or a group that is not binary
 */
export function svyTtest(
  design: SurveyDesign,
  formula: string,
  opts: { mu?: number; level?: number } = {},
): TtestResult {
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new InputError(`level must be in (0, 1), got ${level}`);
  const parts = formula.split("~");
  if (parts.length !== 2 || !parts[0]!.trim() || !parts[1]!.trim())
    throw new InputError(`--formula must look like "y ~ g" or "y ~ 0", got "${formula}"`);
  const { variable: outcome, mu: muLhs } = parseOutcome(parts[0]!.trim(), formula);
  const mu = muLhs + (opts.mu ?? 0);
  const rhs = parts[1]!.trim();
  if (rhs === "0" || rhs === "1") {
    const m = svyMean(design, outcome);
    const estimate = m.estimate - mu;
    const df = designDf(design) - 1;
    return finish("one-sample", estimate, m.se, df, level, outcome, undefined, m.n);
  }
  if (!/^[A-Za-z._][\w.]*$/.test(rhs))
    throw new InputError(
      `--formula: the right-hand side must be one group variable or 0, got "${rhs}" in "${formula}"`,
    );
  if (mu !== 0)
    throw new InputError(
      `--formula "${formula}": a shifted outcome (mu) applies to the one-sample test "y ~ 0" only`,
    );
  const levels = groupLevels(design, outcome, rhs);
  const fit = svyGlm(design, `${outcome} ~ ${rhs}`, "gaussian");
  if (fit.terms.length !== 2)
    throw new InputError(
      `--formula: group ${rhs} must be binary (two levels), got model terms ${fit.terms.join(", ")}`,
    );
  return finish(
    "two-sample",
    fit.coef[1]!,
    fit.se[1]!,
    fit.dfResidual,
    level,
    outcome,
    { variable: rhs, levels },
    fit.n,
  );
}

function finish(
  kind: TtestResult["kind"],
  estimate: number,
  se: number,
  df: number,
  level: number,
  outcome: string,
  group: TtestResult["group"],
  n: number,
): TtestResult {
  const statistic = estimate / se;
  // 2 P(T_df > |t|) = P(F_{1,df} > t²), without the cancellation of 1 − cdf.
  const p_value = pfUpper(statistic * statistic, 1, df);
  const qq = qt(1 - (1 - level) / 2, df);
  return {
    kind,
    statistic,
    df,
    p_value,
    estimate,
    se,
    ci: [estimate - qq * se, estimate + qq * se],
    outcome,
    ...(group ? { group } : {}),
    n,
  };
}

/** "y", or "I(y - 600)" / "I(y + 2.5)" (R's way to test mean = mu): the variable and mu. */
function parseOutcome(lhs: string, formula: string): { variable: string; mu: number } {
  const m = lhs.match(
    /^I\(\s*([A-Za-z._][\w.]*)\s*([-+])\s*([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)\s*\)$/,
  );
  if (m) {
    const c = Number(m[3]);
    return { variable: m[1]!, mu: m[2] === "-" ? c : -c };
  }
  if (!/^[A-Za-z._][\w.]*$/.test(lhs))
    throw new InputError(
      `--formula: the outcome must be a variable or I(variable - number), got "${lhs}" in "${formula}"`,
    );
  return { variable: lhs, mu: 0 };
}

/**
 * The two levels of the group, as R's check in svyttest: a factor with exactly two levels, or a
 * numeric variable whose values (among respondents with a weight and the outcome) are all 0/1 or
 * all 1/2. The first level is the reference: the estimate is second minus first.
 */
function groupLevels(design: SurveyDesign, outcome: string, g: string): [string, string] {
  const y = numeric(design.frame, outcome);
  const c = getColumn(design.frame, g);
  if (c.kind === "factor") {
    if (c.levels.length !== 2)
      throw new InputError(
        `--formula: group ${g} must have exactly two levels, it has ${c.levels.length} (${c.levels.slice(0, 10).join(", ")}${c.levels.length > 10 ? ", ..." : ""})`,
      );
    return [c.levels[0]!, c.levels[1]!];
  }
  const seen = new Set<number>();
  for (let i = 0; i < design.n; i++) {
    const v = c.values[i]!;
    if (design.weights[i]! > 0 && !Number.isNaN(v) && !Number.isNaN(y[i]!)) seen.add(v);
  }
  const vals = [...seen].sort((a, b) => a - b);
  const within = (allowed: number[]) => vals.every((v) => allowed.includes(v));
  if (!within([0, 1]) && !within([1, 2]))
    throw new InputError(
      `--formula: group ${g} must be binary (a two-level variable, or numbers 0/1 or 1/2), it has the values ${vals.slice(0, 10).join(", ")}${vals.length > 10 ? ", ..." : ""}`,
    );
  const lo = within([0, 1]) ? 0 : 1;
  return [String(lo), String(lo + 1)];
}
