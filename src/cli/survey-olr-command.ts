import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { toCsv, writeFileAtomic } from "../io/write.ts";
import { loadDesign, splitList } from "./survey-command.ts";

interface OlrCliOptions {
  data: string;
  design: string;
  formula: string;
  levels: string;
  calibrate?: string;
  replicates?: string;
  replicateCount?: string;
  seed?: string;
  out?: string;
}

/**
 * `softpower survey olr`: a proportional-odds logistic model for an ordered outcome (R
 * `svyolr`), written as CSV: term (predictors, then thresholds "low|mid"), estimate, se, t
 * (estimate / se, as R's summary) and p (two-sided, from t on the residual df
 * degf − predictors, as svyglm's summary; R's summary.svyolr prints no p).
 */
export function registerSurveyOlrCommand(survey: Command): void {
  survey
    .command("olr")
    .description("Proportional-odds (ordinal logistic) regression with design-based SEs (R svyolr)")
    .requiredOption("--data <file>", "respondent data (CSV or SPSS .sav)")
    .requiredOption("--design <file>", "design.json")
    .requiredOption("--formula <formula>", 'e.g. "band ~ ell + meals"')
    .requiredOption(
      "--levels <list>",
      "the outcome's levels in order, lowest first, comma-separated (e.g. low,mid,high,top)",
    )
    .option("--calibrate <file>", "calib.json")
    .option(
      "--replicates <type>",
      "replicate-weight variance: JK1|JKn|BRR|Fay|bootstrap|subbootstrap",
    )
    .option("--replicate-count <n>", "replicates for bootstrap/subbootstrap, or the BRR order")
    .option("--seed <n>", "seed of the bootstrap/subbootstrap draws (default 1)")
    .option("--out <file>", "output CSV (default: standard output)")
    .action(async (o: OlrCliOptions) => runOlr(o));
}

async function runOlr(o: OlrCliOptions): Promise<void> {
  const levels = splitList(o.levels);
  if (levels.length < 3)
    throw new InputError(
      `--levels: an ordinal model needs 3 or more levels, got ${levels.length}: ${levels.join(", ")}`,
    );
  const design = await loadDesign(o);
  const { svyOlr } = await import("../survey/olr.ts");
  const { tCdf } = await import("../stats/stdlib.ts");
  const r = svyOlr(design, o.formula, levels);
  const dropped = design.weights.reduce((s, w) => s + (w > 0 ? 1 : 0), 0) - r.n;
  if (dropped > 0)
    process.stderr.write(
      `softpower: note: ${dropped} respondents lack the outcome or a predictor and are excluded\n`,
    );
  const csv = toCsv(
    ["term", "estimate", "se", "t", "p"],
    r.terms.map((term, a) => {
      const t = r.coef[a]! / r.se[a]!;
      const p = r.dfResidual > 0 ? 2 * tCdf(-Math.abs(t), r.dfResidual) : Number.NaN;
      return [term, r.coef[a]!, r.se[a]!, t, p];
    }),
  );
  if (o.out) await writeFileAtomic(o.out, csv);
  else process.stdout.write(csv);
}
