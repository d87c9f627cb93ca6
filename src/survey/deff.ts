import type { SurveyDesign } from "./design.ts";
import type { Domain, Estimate } from "./estimators.ts";
import { getColumn } from "./frame.ts";

/** Design effect kinds, as R's `deff = TRUE` (against SRS without replacement) or `"replace"`. */
export type DeffKind = "srswor" | "replace";

/**
 * R's `deff = "replace"` from the `deff` (R's deff = TRUE) of a mean, total or proportion
 * (svymean / svytotal, Taylor or replicate): the reference variance is that of simple random
 * sampling with replacement, V_srs = s²_w / n for a mean (N̂² s²_w / n for a total, with s²_w R's
 * svyvar), instead of s²_w (N̂ − n)/(N̂ n); so deff_replace = deff · (N̂ − n)/N̂, with n the
 * respondents used and N̂ = Σ w over them (in the domain, weight > 0, the variable present).
 * Cost O(n).
 *
 * @example withDeff(design, svyMean(design, "api00"), "api00", null, "replace").deff // 9.0697 on dclus1
 */
export function withDeff<E extends Estimate>(
  design: SurveyDesign,
  e: E,
  variable: string,
  domain: Domain,
  kind: DeffKind,
): E {
  if (kind === "srswor") return e;
  const c = getColumn(design.frame, variable);
  let n = 0;
  let N = 0;
  for (let i = 0; i < design.n; i++) {
    const w = design.weights[i]!;
    if (!(w > 0) || (domain && !domain[i])) continue;
    if (c.kind === "number" ? Number.isNaN(c.values[i]!) : c.codes[i]! < 0) continue;
    n++;
    N += w;
  }
  return { ...e, deff: (e.deff * (N - n)) / N };
}
