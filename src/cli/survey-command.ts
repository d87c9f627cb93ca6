import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { readJsonFile } from "../io/json.ts";
import { readSurveyFrame } from "../io/survey-data.ts";
import { toCsv, writeDirAtomic, writeFileAtomic } from "../io/write.ts";
import { applyCalibration, CalibrationSpecSchema } from "../survey/calibration-spec.ts";
import type { PropCiMethod } from "../survey/ci.ts";
import { buildDesign, DesignSpecSchema, type SurveyDesign } from "../survey/design.ts";
import { estimateTable, type Statistic } from "../survey/estimate-table.ts";
import { getColumn } from "../survey/frame.ts";
import { registerSurveyCrosstabCommand } from "./survey-crosstab-command.ts";
import { covmatAndContrast, estimateExtras } from "./survey-estimate-extras.ts";
import { registerSurveyOlrCommand } from "./survey-olr-command.ts";
import { registerSurveyTablesCommands } from "./survey-tables-command.ts";
import { registerSurveyTtestCommand } from "./survey-ttest-command.ts";

const STATS: Statistic[] = ["mean", "total", "prop", "ratio", "var", "quantile"];
const CI_METHODS: PropCiMethod[] = ["logit", "likelihood", "asin", "beta", "mean", "xlogit"];

interface EstimateOptions {
  data: string;
  design: string;
  stat: string;
  vars: string;
  by?: string;
  calibrate?: string;
  standardize?: string;
  replicates?: string;
  replicateCount?: string;
  seed?: string;
  quantiles?: string;
  ciMethod?: string;
  level?: string;
  out?: string;
  covmat?: boolean;
  contrast?: string;
  deff?: string;
  quantileCi?: string;
}

/** `softpower survey ...`: design-based survey estimation (R survey-class). */
export function registerSurveyCommand(program: Command): void {
  const survey = program
    .command("survey")
    .description("Design-based survey estimation (R survey-compatible)");
  survey
    .command("estimate")
    .description(
      "Means, totals, proportions, ratios, variances or quantiles with design-based SEs, overall or by domain",
    )
    .requiredOption("--data <file>", "respondent data (CSV or SPSS .sav)")
    .requiredOption(
      "--design <file>",
      'design.json, e.g. {"ids": ["dnum"], "weights": "pw", "fpc": ["fpc"]}',
    )
    .requiredOption("--stat <stat>", STATS.join("|"))
    .requiredOption("--vars <list>", "variables, comma-separated (ratio: numerator/denominator)")
    .option("--by <list>", "domain variables, comma-separated")
    .option("--calibrate <file>", "calib.json: poststratify, rake, linear, raking or logit")
    .option(
      "--standardize <json|file>",
      'direct standardisation (R svystandardize), e.g. \'{"by": "stype", "over": "sch.wide", "population": {"E": 4421, "H": 755, "M": 1018}}\' or a JSON file',
    )
    .option(
      "--replicates <type>",
      "replicate-weight variance: JK1|JKn|BRR|Fay|bootstrap|subbootstrap",
    )
    .option(
      "--replicate-count <n>",
      "replicates for bootstrap/subbootstrap (default 50), or the Hadamard order for BRR (a power of 2 or p + 1, p prime ≡ 3 mod 4, above the strata; default the smallest)",
    )
    .option("--seed <n>", "seed of the bootstrap/subbootstrap draws (default 1)")
    .option("--quantiles <list>", "quantiles for --stat quantile", "0.25,0.5,0.75")
    .option("--ci-method <method>", `interval for proportions: ${CI_METHODS.join("|")}`, "logit")
    .option("--level <p>", "confidence level", "0.95")
    .option("--out <file>", "output CSV (default: standard output)")
    .option(
      "--covmat",
      "also write FILE.vcov.csv: the estimates' covariance, R's names (E, E:api00)",
    )
    .option(
      "--contrast <json|file|expr>",
      'a last row: \'{"E": 1, "H": -1}\', a JSON file, or "api00 / api99"',
    )
    .option("--deff <kind>", "design effect: srswor (R's deff = TRUE) | replace", "srswor")
    .option("--quantile-ci <type>", "quantile intervals: mean|beta|xlogit|asin|score", "mean")
    .action(async (o: EstimateOptions) => runEstimate(o));
  survey
    .command("glm")
    .description(
      "Survey-weighted regression (R svyglm): gaussian, (quasi)binomial or (quasi)poisson, design-based SEs",
    )
    .requiredOption("--data <file>", "respondent data (CSV or SPSS .sav)")
    .requiredOption("--design <file>", "design.json")
    .requiredOption(
      "--formula <formula>",
      'e.g. "api00 ~ ell + meals + mobility" (binomial outcome: a two-level factor or "var == value")',
    )
    .option("--family <family>", "gaussian|quasibinomial|binomial|poisson|quasipoisson", "gaussian")
    .option("--calibrate <file>", "calib.json")
    .option(
      "--replicates <type>",
      "replicate-weight variance: JK1|JKn|BRR|Fay|bootstrap|subbootstrap",
    )
    .option(
      "--replicate-count <n>",
      "replicates for bootstrap/subbootstrap (default 50), or the Hadamard order for BRR (a power of 2 or p + 1, p prime ≡ 3 mod 4, above the strata; default the smallest)",
    )
    .option("--seed <n>", "seed of the bootstrap/subbootstrap draws (default 1)")
    .option("--out <file>", "output CSV (default: standard output)")
    .action(async (o: GlmOptions) => runGlm(o));
  survey
    .command("perceptions")
    .description("Ratings of targets by audience and segment, and paired head-to-head comparisons")
    .requiredOption("--data <file>", "respondent data (CSV or SPSS .sav)")
    .requiredOption("--design <file>", "design.json")
    .requiredOption(
      "--map <file>",
      "ratings.json: audience variable, rating columns, codes, segments",
    )
    .option("--segments <list>", "segments of the map to break down by (default: all of them)")
    .option("--calibrate <file>", "calib.json")
    .requiredOption(
      "--out <dir>",
      "output directory (ratings.csv, head_to_head.csv, ratings_detail.csv)",
    )
    .action(async (o: PerceptionOptions) => runPerceptions(o));
  registerSurveyCrosstabCommand(survey);
  registerSurveyOlrCommand(survey);
  registerSurveyTablesCommands(survey);
  registerSurveyTtestCommand(survey);
}

interface GlmOptions {
  data: string;
  design: string;
  formula: string;
  family: string;
  calibrate?: string;
  replicates?: string;
  replicateCount?: string;
  seed?: string;
  out?: string;
}

interface PerceptionOptions {
  data: string;
  design: string;
  map: string;
  segments?: string;
  calibrate?: string;
  out: string;
}

/** Data, design, calibration and replicates, as every survey subcommand reads them. */
export async function loadDesign(o: {
  data: string;
  design: string;
  calibrate?: string;
  replicates?: string;
  replicateCount?: string;
  seed?: string;
}): Promise<SurveyDesign> {
  const replicate = await replicateRequest(o);
  const frame = await readSurveyFrame(o.data);
  const spec = await readJsonFile(o.design, DesignSpecSchema);
  let design: SurveyDesign = buildDesign(frame, spec);
  if (replicate) design = replicate(design);
  if (o.calibrate)
    design = applyCalibration(design, await readJsonFile(o.calibrate, CalibrationSpecSchema));
  return design;
}

async function runGlm(o: GlmOptions): Promise<void> {
  const { GLM_FAMILIES } = await import("../survey/glm-family.ts");
  const family = GLM_FAMILIES.find((f) => f === o.family);
  if (!family)
    throw new InputError(`--family must be one of ${GLM_FAMILIES.join(", ")}, got "${o.family}"`);
  const design = await loadDesign(o);
  const { svyGlm } = await import("../survey/glm.ts");
  const r = svyGlm(design, o.formula, family);
  if (r.n < design.n) {
    process.stderr.write(
      `softpower: note: ${design.n - r.n} of ${design.n} respondents lack a model variable and are excluded\n`,
    );
  }
  const csv = toCsv(
    ["term", "estimate", "se"],
    r.terms.map((t, a) => [t, r.coef[a]!, r.se[a]!]),
  );
  if (o.out) await writeFileAtomic(o.out, csv);
  else process.stdout.write(csv);
}

async function runPerceptions(o: PerceptionOptions): Promise<void> {
  const design = await loadDesign(o);
  const { RatingsMapSchema, perceptions, RATING_COLUMNS, HEAD_TO_HEAD_COLUMNS } = await import(
    "../survey/perceptions.ts"
  );
  const map = await readJsonFile(o.map, RatingsMapSchema);
  const r = perceptions(design, map, o.segments ? splitList(o.segments) : undefined);
  const primary = r.ratings.filter((x) => x.measure === map.measure);
  const cols = RATING_COLUMNS;
  const h2h = HEAD_TO_HEAD_COLUMNS;
  await writeDirAtomic(o.out, {
    "ratings.csv": toCsv(
      [...cols],
      primary.map((x) => cols.map((c) => x[c])),
    ),
    "ratings_detail.csv": toCsv(
      ["measure", ...cols],
      r.ratings.map((x) => [x.measure, ...cols.map((c) => x[c])]),
    ),
    "head_to_head.csv": toCsv(
      [...h2h],
      r.headToHead.map((x) => h2h.map((c) => x[c])),
    ),
  });
  process.stdout.write(
    `Wrote ${primary.length} ratings and ${r.headToHead.length} head-to-head comparisons to ${o.out}\n`,
  );
}

async function runEstimate(o: EstimateOptions): Promise<void> {
  if (!STATS.includes(o.stat as Statistic))
    throw new InputError(`--stat must be one of ${STATS.join(", ")}, got "${o.stat}"`);
  const ciMethod = o.ciMethod as PropCiMethod;
  if (!CI_METHODS.includes(ciMethod))
    throw new InputError(
      `--ci-method must be one of ${CI_METHODS.join(", ")}, got "${o.ciMethod}"`,
    );
  const level = Number(o.level);
  const quantiles = (o.quantiles ?? "").split(",").map((q) => Number(q.trim()));
  if (quantiles.some((q) => !(q >= 0 && q <= 1)))
    throw new InputError(`--quantiles must be numbers in [0, 1], got "${o.quantiles}"`);
  const vars = splitList(o.vars);
  const by = o.by ? splitList(o.by) : [];
  const replicate = await replicateRequest(o);
  const frame = await readSurveyFrame(o.data);
  const spec = await readJsonFile(o.design, DesignSpecSchema);
  let design: SurveyDesign = buildDesign(frame, spec);
  // Replicates first, then calibration: each replicate is recalibrated (R's rake, postStratify
  // and calibrate on an svyrep.design), not replicates of the calibrated weights.
  if (replicate) design = replicate(design);
  if (o.calibrate)
    design = applyCalibration(design, await readJsonFile(o.calibrate, CalibrationSpecSchema));
  if (o.standardize) design = await standardizeDesign(design, o.standardize);
  for (const v of [...vars.flatMap((v) => v.split("/")), ...by]) getColumn(frame, v);
  reportExclusions(
    design,
    vars.flatMap((v) => v.split("/")),
    by,
  );
  const rows = estimateTable(design, {
    stat: o.stat as Statistic,
    vars,
    by,
    quantiles,
    ciMethod,
    level,
    ...estimateExtras(o),
  });
  rows.push(...(await covmatAndContrast(design, o, by, vars, level)));
  const columns = [...by, "variable", "level", "estimate", "se", "ci_low", "ci_high", "n", "deff"];
  const csv = toCsv(
    columns,
    rows.map((r) => [
      ...r.by,
      r.variable,
      r.level,
      r.estimate,
      r.se,
      r.ci_low,
      r.ci_high,
      r.n,
      r.deff,
    ]),
  );
  if (o.out) await writeFileAtomic(o.out, csv);
  else process.stdout.write(csv);
}

/** --standardize: inline JSON (starting with "{") or a JSON file, applied as R's svystandardize. */
async function standardizeDesign(design: SurveyDesign, arg: string): Promise<SurveyDesign> {
  const { StandardizeSpecSchema, applyStandardize } = await import("../survey/standardize.ts");
  let spec: ReturnType<typeof StandardizeSpecSchema.parse>;
  if (arg.trim().startsWith("{")) {
    let raw: unknown;
    try {
      raw = JSON.parse(arg);
    } catch (e) {
      throw new InputError(`--standardize: not valid JSON (${(e as Error).message})`);
    }
    const r = StandardizeSpecSchema.safeParse(raw);
    if (!r.success)
      throw new InputError(
        `--standardize: ${r.error.issues.map((i) => `${i.path.join(".") || "spec"}: ${i.message}`).join("; ")} (expected {"by": "var", "over"?: "var", "population": {"level": count, ...}})`,
      );
    spec = r.data;
  } else spec = await readJsonFile(arg, StandardizeSpecSchema);
  try {
    return applyStandardize(design, spec);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`--standardize: ${e.message}`);
    throw e;
  }
}

/**
 * --replicates, --replicate-count and --seed checked before any data is read (the count and
 * seed are integers that fit the type; see replicateOptionProblem), as a function that makes
 * the replicate design; null without --replicates.
 */
async function replicateRequest(o: {
  replicates?: string;
  replicateCount?: string;
  seed?: string;
}): Promise<((d: SurveyDesign) => SurveyDesign) | null> {
  if (!o.replicates) {
    for (const [flag, v] of [
      ["--replicate-count", o.replicateCount],
      ["--seed", o.seed],
    ] as const)
      if (v !== undefined)
        throw new InputError(
          `${flag} needs --replicates (bootstrap or subbootstrap${flag === "--seed" ? "" : ", or BRR for the Hadamard order"})`,
        );
    return null;
  }
  const { asReplicateDesign, replicateOptionProblem, REPLICATE_TYPES } = await import(
    "../survey/replicates.ts"
  );
  const integer = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^[+-]?\d+$/.test(v.trim()))
      throw new InputError(`${flag} must be an integer, got "${v}"`);
    return Number(v);
  };
  const count = integer("--replicate-count", o.replicateCount);
  const seed = integer("--seed", o.seed);
  const t = o.replicates;
  const type = t === "jk1" ? "JK1" : t === "jkn" ? "JKn" : t === "brr" ? "BRR" : t;
  if (!(REPLICATE_TYPES as readonly string[]).includes(type))
    throw new InputError(`--replicates must be one of ${REPLICATE_TYPES.join(", ")}; got "${t}"`);
  const problem = replicateOptionProblem(type, count, seed);
  if (problem)
    throw new InputError(
      `${problem.option === "count" ? "--replicate-count" : "--seed"} ${problem.message}`,
    );
  return (d) => {
    try {
      return asReplicateDesign(d, type, { replicates: count, seed });
    } catch (e) {
      if (e instanceof InputError && /^replicate count/.test(e.message))
        throw new InputError(`--replicate-count: ${e.message}`);
      throw e;
    }
  };
}

/** Says on stderr how many respondents each variable loses to missing values (never silent). */
export function reportExclusions(design: SurveyDesign, vars: string[], by: string[]): void {
  for (const v of [...new Set([...vars, ...by])]) {
    const c = getColumn(design.frame, v);
    let missing = 0;
    for (let i = 0; i < design.n; i++) {
      if (design.weights[i] === 0) continue;
      if (c.kind === "number" ? Number.isNaN(c.values[i]!) : c.codes[i]! < 0) missing++;
    }
    if (missing > 0) {
      process.stderr.write(
        `softpower: note: ${v}: ${missing} of ${design.n} respondents have no value and are excluded from estimates that use it\n`,
      );
    }
  }
}

export function splitList(s: string): string[] {
  const out = s
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");
  if (out.length === 0) throw new InputError(`empty list "${s}"`);
  return out;
}
