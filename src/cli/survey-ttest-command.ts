import type { Command } from "commander";
import { writeFileAtomic } from "../io/write.ts";
import { svyTtest } from "../survey/ttest.ts";
import { loadDesign } from "./survey-command.ts";

interface TtestCliOptions {
  data: string;
  design: string;
  formula: string;
  calibrate?: string;
  replicates?: string;
  replicateCount?: string;
  seed?: string;
  out?: string;
}

/**
 * `softpower survey ttest`: a design-based t-test (R `svyttest`), two groups "y ~ g" or one
 * sample "y ~ 0" (or "I(y - mu) ~ 0"), to FILE.json {"statistic", "df", "p_value", "estimate",
 * "se", "ci", ...}.
 */
export function registerSurveyTtestCommand(survey: Command): void {
  survey
    .command("ttest")
    .description("Design-based t-test (R svyttest): two groups y ~ g, or one sample y ~ 0")
    .requiredOption("--data <file>", "respondent data (CSV or SPSS .sav)")
    .requiredOption("--design <file>", "design.json")
    .requiredOption(
      "--formula <formula>",
      '"y ~ g" (g with two levels: difference of the domain means, second minus first) or "y ~ 0" (one sample; "I(y - 600) ~ 0" tests mean = 600)',
    )
    .option("--calibrate <file>", "calib.json: poststratify, rake, linear, raking or logit")
    .option(
      "--replicates <type>",
      "replicate-weight variance: JK1|JKn|BRR|Fay|bootstrap|subbootstrap",
    )
    .option("--replicate-count <n>", "replicates for bootstrap/subbootstrap, or the BRR order")
    .option("--seed <n>", "seed of the bootstrap/subbootstrap draws (default 1)")
    .option("--out <file>", "output JSON (default: standard output)")
    .action(async (o: TtestCliOptions) => runTtest(o));
}

async function runTtest(o: TtestCliOptions): Promise<void> {
  const design = await loadDesign(o);
  const t = svyTtest(design, o.formula);
  const body = `${JSON.stringify(
    {
      statistic: t.statistic,
      df: t.df,
      p_value: t.p_value,
      estimate: t.estimate,
      se: t.se,
      ci: t.ci,
      method: t.kind === "two-sample" ? "Design-based t-test" : "Design-based one-sample t-test",
      formula: o.formula,
      ...(t.group ? { group: t.group } : {}),
      n: t.n,
    },
    null,
    2,
  )}\n`;
  if (o.out) await writeFileAtomic(o.out, body);
  else process.stdout.write(body);
}
