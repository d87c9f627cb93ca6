import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { toCsv, writeFileAtomic } from "../io/write.ts";
import { byDomains } from "../survey/by.ts";
import { CHISQ_STATISTICS, type ChisqStatistic } from "../survey/crosstab.ts";
import { getColumn } from "../survey/frame.ts";
import { loadDesign, reportExclusions, splitList } from "./survey-command.ts";

interface CrosstabCliOptions {
  data: string;
  design: string;
  rows: string;
  cols: string;
  by?: string;
  test: string;
  level: string;
  calibrate?: string;
  replicates?: string;
  replicateCount?: string;
  seed?: string;
  out: string;
}

/**
 * `softpower survey crosstab`: a weighted two-way table (R `svytable`, column proportions with
 * design-based SEs and intervals as `svyby(~rows, ~cols, design, svymean)`) and a test of
 * independence (R `svychisq`), overall or in each domain of --by.
 */
export function registerSurveyCrosstabCommand(survey: Command): void {
  survey
    .command("crosstab")
    .description(
      "Weighted crosstab with column proportions (design-based SE and CI) and a Rao-Scott or Wald test of independence (R svytable, svychisq)",
    )
    .requiredOption("--data <file>", "respondent data (CSV or SPSS .sav)")
    .requiredOption("--design <file>", "design.json")
    .requiredOption("--rows <var>", "row variable")
    .requiredOption("--cols <var>", "column variable")
    .option("--by <list>", "domain variables, comma-separated: one table and test per domain")
    .option(
      "--test <statistic>",
      "F (Rao-Scott second order, R's default) | Chisq (first order) | Wald | adjWald",
      "F",
    )
    .option("--level <p>", "confidence level of the column-proportion intervals", "0.95")
    .option("--calibrate <file>", "calib.json: poststratify, rake, linear, raking or logit")
    .option(
      "--replicates <type>",
      "replicate-weight variance: JK1|JKn|BRR|Fay|bootstrap|subbootstrap",
    )
    .option(
      "--replicate-count <n>",
      "replicates for bootstrap/subbootstrap (default 50), or the Hadamard order for BRR",
    )
    .option("--seed <n>", "seed of the bootstrap/subbootstrap draws (default 1)")
    .requiredOption(
      "--out <file>",
      "cells CSV (row, col, count, prop, col_prop, col_prop_se, ci_low, ci_high, n; by-variables first); the test goes to FILE.test.json",
    )
    .action(async (o: CrosstabCliOptions) => runCrosstab(o));
}

async function runCrosstab(o: CrosstabCliOptions): Promise<void> {
  const statistic = o.test as ChisqStatistic;
  if (!CHISQ_STATISTICS.includes(statistic))
    throw new InputError(`--test must be one of ${CHISQ_STATISTICS.join(", ")}, got "${o.test}"`);
  const level = Number(o.level);
  if (!(level > 0 && level < 1))
    throw new InputError(`--level must be a number in (0, 1), got "${o.level}"`);
  const by = o.by ? splitList(o.by) : [];
  const design = await loadDesign(o);
  for (const v of [o.rows, o.cols, ...by]) getColumn(design.frame, v);
  for (const v of by)
    if (v === o.rows || v === o.cols)
      throw new InputError(`--by ${v} is also the --rows or --cols variable; give another`);
  reportExclusions(design, [o.rows, o.cols], by);
  const { CROSSTAB_CELL_COLUMNS, crosstabCellValues, svyChisq, svyTable } = await import(
    "../survey/crosstab.ts"
  );
  const rows: (string | number)[][] = [];
  const tests: Record<string, string | number>[] = [];
  const domains = by.length ? byDomains(design, by) : null;
  if (domains && domains.length === 0)
    throw new InputError(`--by ${by.join(",")}: no respondent has a value; no domain to tabulate`);
  for (const d of domains ?? [null]) {
    const labels = d ? d.labels : [];
    try {
      const domain = d ? d.mask : null;
      const t = svyTable(design, o.rows, o.cols, { domain, level });
      for (const c of t.cells) rows.push([...labels, ...crosstabCellValues(c)]);
      const test = svyChisq(design, o.rows, o.cols, statistic, { domain });
      const named: Record<string, string | number> = {};
      if (d) {
        named.domain = labels.join(".");
        by.forEach((b, i) => {
          named[b] = labels[i]!;
        });
      }
      tests.push({ ...named, ...test });
    } catch (e) {
      if (e instanceof InputError && d)
        throw new InputError(
          `domain ${by.map((b, i) => `${b} = ${labels[i]}`).join(", ")}: ${e.message}`,
        );
      throw e;
    }
  }
  const columns = [...by, ...CROSSTAB_CELL_COLUMNS];
  await writeFileAtomic(o.out, toCsv(columns, rows));
  const json = (v: unknown) => `${JSON.stringify(v, (_, x) => (Number.isNaN(x) ? null : x), 2)}\n`;
  await writeFileAtomic(`${o.out}.test.json`, json(domains ? tests : tests[0]));
  process.stdout.write(
    `Wrote ${rows.length} cells to ${o.out} and the ${statistic} test${domains ? ` of ${tests.length} domains` : ""} to ${o.out}.test.json\n`,
  );
}
