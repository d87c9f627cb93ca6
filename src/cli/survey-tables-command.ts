import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { readJsonFile } from "../io/json.ts";
import { bannerCsv, bannerXlsx, toplineCsv, toplineXlsx } from "../io/survey-tables.ts";
import { writeFileAtomic } from "../io/write.ts";
import type { BannerAdjust } from "../survey/banner.ts";
import { RatingsMapSchema } from "../survey/perceptions.ts";
import { loadDesign, splitList } from "./survey-command.ts";

interface TablesCliOptions {
  data: string;
  design: string;
  map: string;
  cols?: string;
  letters?: string;
  adjust: string;
  level?: string;
  rows: string;
  dontKnow?: string;
  df: string;
  calibrate?: string;
  replicates?: string;
  replicateCount?: string;
  seed?: string;
  out: string;
}

const ADJUST = ["none", "bonferroni", "holm"];

function level(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!(x > 0 && x < 1))
    throw new InputError(`${flag} must be a confidence level in (0, 1), e.g. 0.95; got "${v}"`);
  return x;
}

function format(out: string): "csv" | "xlsx" {
  const m = /\.(csv|xlsx)$/i.exec(out);
  if (!m) throw new InputError(`--out must end in .csv or .xlsx; got "${out}"`);
  return m[1]!.toLowerCase() as "csv" | "xlsx";
}

function choice<T extends string>(flag: string, v: string | undefined, valid: T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!valid.includes(v as T))
    throw new InputError(`${flag} must be ${valid.join(", ")}; got "${v}"`);
  return v as T;
}

function common(cmd: Command): Command {
  return cmd
    .requiredOption("--data <file>", "respondent data (CSV or SPSS .sav)")
    .requiredOption("--design <file>", "design.json")
    .requiredOption("--map <file>", "ratings.json: the questions (rating columns) and their codes")
    .option(
      "--cols <list>",
      "column variables, comma-separated: segments of the map, audience, or data variables",
    )
    .option("--dont-know <keep|drop>", "don't know in the base of the % (default: the map's)")
    .option("--calibrate <file>", "calib.json")
    .option("--replicates <type>", "replicate-weight variance: JK1|JKn|BRR|Fay|bootstrap")
    .option("--replicate-count <n>", "replicates for bootstrap, or the Hadamard order for BRR")
    .option("--seed <n>", "seed of the bootstrap draws (default 1)")
    .requiredOption("--out <file>", "FILE.csv or FILE.xlsx");
}

/**
 * `softpower survey topline` and `softpower survey banner`: Pew-style toplines (every answer's
 * weighted % with its margin of error by audience) and banner tables with significance letters,
 * to CSV or XLSX.
 */
export function registerSurveyTablesCommands(survey: Command): void {
  common(
    survey
      .command("topline")
      .description(
        "Topline: every answer's weighted % with its design-based margin of error and n, by audience",
      ),
  )
    .option("--level <p>", "confidence level of the margin of error (default: the map's, 0.95)")
    .option("--df <design|domain>", "degrees of freedom of the t quantile", "design")
    .action(async (o: TablesCliOptions) => runTopline(o));
  common(
    survey
      .command("banner")
      .description(
        "Banner table: answers' % (or means) by Total and column variables, with significance letters",
      ),
  )
    .option("--letters <p>", "confidence level of the letters' tests", "0.95")
    .option("--adjust <method>", ADJUST.join("|"), "none")
    .option("--rows <answers|means>", "rows: every answer's %, or each rating's mean", "answers")
    .action(async (o: TablesCliOptions) => runBanner(o));
}

async function runTopline(o: TablesCliOptions): Promise<void> {
  const fmt = format(o.out);
  const lv = level("--level", o.level);
  const df = choice("--df", o.df, ["design", "domain"]);
  const dontKnow = choice("--dont-know", o.dontKnow, ["keep", "drop"]);
  const map = await readJsonFile(o.map, RatingsMapSchema);
  const design = await loadDesign(o);
  const { topline } = await import("../survey/topline.ts");
  const rows = topline(design, map, {
    columns: o.cols ? splitList(o.cols) : undefined,
    level: lv,
    df,
    dontKnow,
  });
  await writeFileAtomic(
    o.out,
    fmt === "csv" ? toplineCsv(rows) : await toplineXlsx(rows, lv ?? map.level),
  );
  process.stdout.write(`Wrote a topline of ${rows.length} rows to ${o.out}\n`);
}

async function runBanner(o: TablesCliOptions): Promise<void> {
  const fmt = format(o.out);
  const letters = level("--letters", o.letters);
  const adjust = choice("--adjust", o.adjust, ADJUST) as BannerAdjust;
  const rows = choice("--rows", o.rows, ["answers", "means"]);
  const dontKnow = choice("--dont-know", o.dontKnow, ["keep", "drop"]);
  const map = await readJsonFile(o.map, RatingsMapSchema);
  const cols = o.cols ? splitList(o.cols) : map.audience ? ["audience"] : [];
  if (cols.length === 0)
    throw new InputError(
      "--cols: give the column variables (the ratings map has no audience to default to)",
    );
  const design = await loadDesign(o);
  const { bannerTable } = await import("../survey/banner.ts");
  const t = bannerTable(design, map, { columns: cols, letters, adjust, rows, dontKnow });
  await writeFileAtomic(o.out, fmt === "csv" ? bannerCsv(t) : await bannerXlsx(t));
  process.stdout.write(
    `Wrote a banner of ${t.rows.length} rows × ${t.columns.length} columns (${t.tests.length} tests) to ${o.out}\n`,
  );
}
