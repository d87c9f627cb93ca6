import { basename, resolve } from "node:path";
import type { Command } from "commander";
import { type AnalyseOptions, analyseIndex, type CompareBuild } from "../composite/analyse.ts";
import {
  DEFAULT_PIPELINE,
  type Pipeline,
  PipelineSchema,
  STAGES,
  type StageName,
} from "../composite/pipeline.ts";
import { TREND_METRICS } from "../composite/trends.ts";
import { InputError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import { readCoin, weightSetsFromTable } from "../io/coin.ts";
import { readCoinTool } from "../io/coin-tool.ts";
import { readJsonFile } from "../io/json.ts";
import { readTable } from "../io/table.ts";
import { toCsv, writeDirAtomic } from "../io/write.ts";

interface AnalyseCliOptions {
  data: string;
  meta: string;
  pipeline?: string;
  weights?: string;
  out: string;
  json?: boolean;
  level?: string;
  icode?: string;
  unit?: string;
  top?: string;
  bottom?: string;
  swDset?: string;
  unqDiscard?: string;
  minDiscard: boolean;
  reportLevel?: string;
  corThresh?: string;
  threshType?: string;
  cortype?: string;
  groupLevel?: string;
  corrDset?: string;
  denomThresh?: string;
  denomDset?: string;
  outrankCodes?: string;
  outrankDset?: string;
  latest?: string;
  trendDset?: string;
  compare: string[];
  pvals?: boolean;
  useGroup?: string;
  sigFigs?: string;
  roundto?: string;
  nround?: string;
  fTrend?: string;
  per?: string;
  interpAt?: string;
  trendTime?: string;
  adjustDirections?: boolean;
  compareBy?: string;
  compareDset?: string;
  sortBy?: string;
  decreasing?: boolean;
  ibase?: string;
}

/** `softpower index import-coin-tool`: a JRC COIN Tool workbook to iData.csv and iMeta.csv. */
function registerCoinToolCommand(index: Command): void {
  index
    .command("import-coin-tool")
    .description(
      "Read a JRC COIN Tool workbook (Database and Framework sheets) into iData.csv and iMeta.csv, as COINr's import_coin_tool",
    )
    .requiredOption("--file <workbook>", "the COIN Tool workbook (.xlsx or .xlsm)")
    .requiredOption("--out <dir>", "output directory (replaced atomically)")
    .addHelpText("after", "\nLayout read: see docs of COIN_TOOL_LAYOUT (src/io/coin-tool.ts).")
    .action(async (o: { file: string; out: string }) => {
      const ct = await readCoinTool(o.file);
      const metaCols = [
        "Level",
        "iCode",
        "iName",
        "Direction",
        "Weight",
        "Unit",
        "Target",
        "Denominator",
        "Parent",
        "Type",
      ];
      const d = ct.data;
      const files = {
        "iMeta.csv": toCsv(
          metaCols,
          ct.meta.map((m) => [
            m.level,
            m.iCode,
            m.iName,
            m.direction,
            m.weight,
            m.unit,
            m.target,
            m.denominator,
            m.parent,
            m.type,
          ]),
        ),
        "iData.csv": toCsv(
          ["uCode", "uName", ...d.indicators.codes],
          d.uCode.map((u, i) => [u, d.uName[i]!, ...d.indicators.values.map((c) => c[i]!)]),
        ),
        "goalposts.csv": toCsv(
          ["iCode", "lower", "upper"],
          Object.entries(ct.goalposts).map(([k, [lo, hi]]) => [k, lo, hi]),
        ),
      };
      await writeDirAtomic(o.out, files);
      process.stdout.write(
        `Imported ${d.indicators.codes.length} indicators and ${d.uCode.length} units (${ct.framework.maxLevel} levels) to ${o.out}\n`,
      );
    });
}

/** `softpower index analyse`: the analysis tools (COINr's) on a build, one CSV per tool. */
export function registerAnalyseCommand(index: Command): void {
  registerCoinToolCommand(index);
  index
    .command("analyse")
    .description(
      "Analyse a build as COINr: leave-one-out impact, comparison of builds, strengths and weaknesses, correlation and denominator flags, outranking, trends",
    )
    .requiredOption(
      "--data <file>",
      "iData: units × indicators (CSV or XLSX; with Time for a panel)",
    )
    .requiredOption("--meta <file>", "iMeta: the framework (CSV or XLSX)")
    .option("--pipeline <file>", "pipeline.json (default: the ASEM default build)")
    .option("--weights <file>", "named weight sets: iCode and one column per set")
    .requiredOption("--out <dir>", "output directory (replaced atomically)")
    .option("--level <n>", "remove_elements: level whose elements are removed one at a time", "1")
    .option("--icode <code>", "remove_elements / compare: the code compared (default: the index)")
    .option("--unit <uCode>", "strengths/weaknesses: the unit (default: the index's rank 1)")
    .option("--top <n>", "strengths: how many (COINr topN; default 5)")
    .option("--bottom <n>", "weaknesses: how many (COINr bottomN; default 5)")
    .option(
      "--sw-dset <stage>",
      "strengths/weaknesses: data set (Raw is direction-adjusted)",
      "Raw",
    )
    .option(
      "--unq-discard <x>",
      "strengths/weaknesses: keep indicators with a unique-value share above x",
    )
    .option(
      "--no-min-discard",
      "strengths/weaknesses: keep indicators where the unit has the worst rank",
    )
    .option("--report-level <n>", "strengths/weaknesses: level of the reported parent", "2")
    .option(
      "--use-group <column>",
      "strengths/weaknesses: rank within the unit's group of this iData group column (COINr use_group)",
    )
    .option(
      "--sig-figs <n>",
      "strengths/weaknesses: significant figures of the values, or none (COINr sig_figs)",
      "3",
    )
    .option("--cor-thresh <x>", "corr_flags: threshold (COINr cor_thresh)", "0.9")
    .option("--thresh-type <t>", "corr_flags: high (corr > x) or low (corr < x)", "high")
    .option("--cortype <m>", "corr_flags, denom_corr: pearson, spearman or kendall", "pearson")
    .option("--group-level <n>", "corr_flags: level of the groups (COINr grouplev)", "2")
    .option("--corr-dset <stage>", "corr_flags: data set", "Normalised")
    .option("--roundto <n>", "corr_flags: decimal places of corr, or none (COINr roundto)", "3")
    .option("--denom-thresh <x>", "denom_corr: |corr| threshold", "0.6")
    .option("--denom-dset <stage>", "denom_corr: data set", "Raw")
    .option("--nround <n>", "denom_corr: decimal places of corr, or none (COINr nround)", "2")
    .option(
      "--outrank-codes <codes>",
      "outrank: comma-separated columns (default: the indicators, effective weights)",
    )
    .option("--outrank-dset <stage>", "outrank: data set", "Normalised")
    .option("--latest <n>", "trends: use the latest N time points (COINr use_latest)")
    .option("--trend-dset <stage>", "trends: data set", "Raw")
    .option("--f-trend <metric>", "trends: CAGR or prc_change (COINr f_trend)", "CAGR")
    .option("--per <x>", "trends: prc_change per this many years (COINr per)", "1")
    .option(
      "--interp-at <times>",
      "trends: interpolate missing points at these comma-separated times, or all (COINr interp_at)",
    )
    .option("--trend-time <times>", "trends: only these comma-separated times (COINr Time)")
    .option("--adjust-directions", "trends: multiply by each indicator's Direction")
    .option(
      "--compare <pipeline.json>",
      "a build to compare with (repeat for several: compare_multi*.csv)",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option("--compare-by <by>", "compare: ranks or scores (COINr compare_by)", "ranks")
    .option(
      "--compare-dset <stage>",
      "compare: data set holding --icode (COINr dset)",
      "Aggregated",
    )
    .option(
      "--sort-by <column>",
      "compare: sort rows by rank_1, rank_2, diff or abs_diff (COINr sort_by; default uCode)",
    )
    .option("--decreasing", "compare: sort --sort-by decreasing")
    .option(
      "--ibase <n>",
      "compare_multi: 1-based position of the base build, nominal first (COINr ibase)",
      "1",
    )
    .option("--pvals", "add p_value and n columns to corr_flags and denom_corr")
    .option("--json", "print a machine-readable summary")
    .addHelpText(
      "after",
      "\nExample:\n  softpower index analyse --data ASEM_iData.csv --meta ASEM_iMeta.csv --pipeline examples/asem/pipeline.json --level 2 --unit ESP --cor-thresh 0.75 --compare prank.json --out out/asem-analysis",
    )
    .action(async (o: AnalyseCliOptions) => runAnalyse(o));
}

async function runAnalyse(o: AnalyseCliOptions): Promise<void> {
  const t0 = performance.now();
  const input = await readCoin(o.data, o.meta);
  if (o.weights)
    input.weightSets = weightSetsFromTable(await readTable(o.weights), input.framework);
  const pipeline: Pipeline = o.pipeline
    ? await readJsonFile(o.pipeline, PipelineSchema)
    : DEFAULT_PIPELINE;
  const compare: CompareBuild[] = [];
  for (const f of o.compare)
    compare.push({
      name: basename(f).replace(/\.json$/i, ""),
      pipeline: await readJsonFile(f, PipelineSchema),
    });
  const opts: AnalyseOptions = {
    level: int("--level", o.level, 1),
    iCode: o.icode,
    unit: o.unit,
    top: int("--top", o.top, 1),
    bottom: int("--bottom", o.bottom, 1),
    swDset: stage("--sw-dset", o.swDset),
    unqDiscard: num("--unq-discard", o.unqDiscard, 0, 1) ?? null,
    minDiscard: o.minDiscard,
    reportLevel: int("--report-level", o.reportLevel, 2),
    corThresh: num("--cor-thresh", o.corThresh, -1, 1),
    threshType: oneOf("--thresh-type", o.threshType, ["high", "low"] as const),
    cortype: oneOf("--cortype", o.cortype, ["pearson", "spearman", "kendall"] as const),
    groupLevel: int("--group-level", o.groupLevel, 2),
    corrDset: stage("--corr-dset", o.corrDset),
    denomThresh: num("--denom-thresh", o.denomThresh, 0, 1),
    denomDset: stage("--denom-dset", o.denomDset),
    outrankCodes: o.outrankCodes
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    outrankDset: stage("--outrank-dset", o.outrankDset),
    useLatest: int("--latest", o.latest, 1),
    trendDset: stage("--trend-dset", o.trendDset),
    pvals: o.pvals,
    useGroup: o.useGroup,
    sigFigs: orNone("--sig-figs", o.sigFigs, 1),
    roundTo: orNone("--roundto", o.roundto, 0),
    nround: orNone("--nround", o.nround, 0),
    fTrend: oneOf("--f-trend", o.fTrend, TREND_METRICS),
    per: per(o.per),
    interpAt: o.interpAt?.trim() === "all" ? "all" : times("--interp-at", o.interpAt),
    trendTime: times("--trend-time", o.trendTime),
    adjustDirections: o.adjustDirections,
    compareBy: oneOf("--compare-by", o.compareBy, ["ranks", "scores"] as const),
    compareDset: stage("--compare-dset", o.compareDset),
    sortBy: oneOf("--sort-by", o.sortBy, ["rank_1", "rank_2", "diff", "abs_diff"] as const),
    decreasing: o.decreasing,
    ibase: ibase(o.ibase, compare.length + 1),
  };
  checkAgainstInput(opts, input);
  const tables = analyseIndex(input, pipeline, compare, opts);
  const files: Record<string, string> = {};
  for (const [name, t] of Object.entries(tables)) files[`${name}.csv`] = toCsv(t.columns, t.rows);
  const ms = Math.round(performance.now() - t0);
  files["run.json"] = `${JSON.stringify(
    {
      softpower: VERSION,
      command: "index analyse",
      data: resolve(o.data),
      meta: resolve(o.meta),
      pipeline,
      compare: o.compare.map((f) => resolve(f)),
      options: opts,
      total_ms: ms,
    },
    null,
    2,
  )}\n`;
  await writeDirAtomic(o.out, files);
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ out: resolve(o.out), files: Object.keys(files) })}\n`);
    return;
  }
  const top = tables.remove_elements!.rows.slice(1).sort((a, b) => Number(b[1]) - Number(a[1]))[0];
  process.stdout.write(
    `Analysed ${input.framework.top}: ${Object.keys(tables).length} tables` +
      (top
        ? `; removing ${top[0]} moves ranks most (mean |Δrank| ${Number(top[1]).toFixed(2)})`
        : "") +
      `\nWrote ${Object.keys(files).length} files to ${o.out} in ${ms} ms\n`,
  );
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new InputError(`${name} must be an integer >= ${min}, got "${v}"`);
  return n;
}

function num(name: string, v: string | undefined, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !(n >= lo && n <= hi))
    throw new InputError(`${name} must be a number from ${lo} to ${hi}, got "${v}"`);
  return n;
}

function oneOf<T extends string>(
  name: string,
  v: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T))
    throw new InputError(`${name} must be one of ${allowed.join(", ")}, got "${v}"`);
  return v as T;
}

/** The options that name codes, units or levels, checked against the data so the error names the option. */
function checkAgainstInput(o: AnalyseOptions, input: Awaited<ReturnType<typeof readCoin>>): void {
  const fw = input.framework;
  const some = (v: readonly string[]) => `${v.slice(0, 5).join(", ")}${v.length > 5 ? ", …" : ""}`;
  const level = (name: string, v: number | undefined, lo: number, hi: number) => {
    if (v !== undefined && !(v >= lo && v <= hi))
      throw new InputError(
        `${name} must be a level from ${lo} to ${hi} of this framework, got ${v}`,
      );
  };
  level("--level", o.level, 1, fw.maxLevel - 1);
  level("--group-level", o.groupLevel, 2, fw.maxLevel);
  level("--report-level", o.reportLevel, 1, fw.maxLevel);
  if (o.unit !== undefined && !input.data.uCode.includes(o.unit)) {
    throw new InputError(
      `--unit "${o.unit}" is not a uCode of iData (e.g. ${some(input.data.uCode)})`,
    );
  }
  const codes = [fw.top, ...fw.aggregateLevels.flat(), ...fw.indicators];
  if (o.iCode !== undefined && !codes.includes(o.iCode)) {
    throw new InputError(
      `--icode "${o.iCode}" is not an indicator or aggregate of iMeta (e.g. ${some(codes)})`,
    );
  }
  if (o.useGroup !== undefined && !(o.useGroup in input.data.groups)) {
    const g = Object.keys(input.data.groups);
    throw new InputError(
      `--use-group "${o.useGroup}" is not a group column of iData (${g.length ? `its groups: ${g.join(", ")}` : "it has none"})`,
    );
  }
  for (const c of o.outrankCodes ?? []) {
    if (!codes.includes(c))
      throw new InputError(
        `--outrank-codes: "${c}" is not an indicator or aggregate of iMeta (e.g. ${some(codes)})`,
      );
  }
}

/** An integer >= min, or null for "none" (COINr's NULL: no rounding). */
function orNone(name: string, v: string | undefined, min: number): number | null | undefined {
  if (v === undefined) return undefined;
  if (v.trim().toLowerCase() === "none") return null;
  const n = Number(v);
  if (v.trim() === "" || !Number.isInteger(n) || n < min)
    throw new InputError(`${name} must be an integer >= ${min} or none, got "${v}"`);
  return n;
}

function per(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n === 0)
    throw new InputError(`--per must be a non-zero number of years, got "${v}"`);
  return n;
}

/** Comma-separated times (numbers). */
function times(name: string, v: string | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const parts = v.split(",").map((x) => x.trim());
  const out = parts.map(Number);
  const bad = parts.filter((x, i) => x === "" || !Number.isFinite(out[i]!));
  if (bad.length > 0 || parts.length === 0) {
    throw new InputError(`${name} must be comma-separated times such as 2015,2016, got "${v}"`);
  }
  return out;
}

/** --ibase: 1-based among the nominal build and the --compare builds; 0-based for the engine. */
function ibase(v: string | undefined, builds: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > Math.max(builds, 1)) {
    throw new InputError(
      `--ibase must be an integer from 1 to ${Math.max(builds, 1)} (the nominal build, then each --compare), got "${v}"`,
    );
  }
  return n - 1;
}

function stage(name: string, v: string | undefined): StageName | undefined {
  return oneOf(name, v, STAGES);
}
