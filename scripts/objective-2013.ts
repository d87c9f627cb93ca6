/**
 * The objective soft-power index 2013 of examples/objective-2013: reads the indicator sources in
 * place (../shared/data/indicators), builds the index with its pipeline, runs the uncertainty
 * analysis and compares the ranks with the Soft Power 30 and Elcano's soft presence.
 * test/study/objective-2013.test.ts checks the results; run this file to print the README tables:
 *
 *   node --import tsx scripts/objective-2013.ts [runs]
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";
import { buildFramework } from "../src/composite/framework.ts";
import {
  buildIndex,
  type IndexResult,
  type Pipeline,
  PipelineSchema,
} from "../src/composite/pipeline.ts";
import type { Framework, UnitData } from "../src/composite/types.ts";
import { analyseUncertainty, type UncertaintyResult } from "../src/composite/uncertainty.ts";
import { UncertaintySpecSchema } from "../src/composite/uncertainty-spec.ts";
import { dataFromTable, metaFromTable } from "../src/io/coin.ts";
import {
  CompareSourceListSchema,
  IndicatorSourceListSchema,
  readComparison,
  readIndicatorSources,
  type SourceLog,
} from "../src/io/indicator-sources.ts";
import { readTable } from "../src/io/table.ts";
import { compareRanks, type RankComparison } from "../src/study/compare.ts";

/** The example's folder; its source paths are relative to it. */
export const OBJECTIVE_2013 = resolve(import.meta.dirname, "../examples/objective-2013");
export const YEAR = 2013;

export interface Objective2013 {
  framework: Framework;
  data: UnitData;
  pipeline: Pipeline;
  log: SourceLog[];
  result: IndexResult;
  comparisons: RankComparison[];
  uncertainty: UncertaintyResult;
}

const yamlFile = async (name: string): Promise<unknown> =>
  parse(await readFile(join(OBJECTIVE_2013, name), "utf8"));
const jsonFile = async (name: string): Promise<unknown> =>
  JSON.parse(await readFile(join(OBJECTIVE_2013, name), "utf8"));

/** Builds the index; `runs` overrides the replications of uncertainty.json. */
export async function buildObjective2013({ runs }: { runs?: number } = {}): Promise<Objective2013> {
  const framework = buildFramework(
    metaFromTable(await readTable(join(OBJECTIVE_2013, "iMeta.csv"))),
  );
  const sources = IndicatorSourceListSchema.parse(await yamlFile("sources.yaml"));
  const { table, log } = await readIndicatorSources(sources, {
    baseDir: OBJECTIVE_2013,
    year: YEAR,
    framework,
  });
  const data = dataFromTable(table, framework);
  const pipeline = PipelineSchema.parse(await jsonFile("pipeline.json"));
  const result = buildIndex({ framework, data }, pipeline);
  const r = result.results;
  const scores = new Map(r.units.map((u, i) => [u, r.scores[0]![i]!]));
  const comparisons: RankComparison[] = [];
  for (const [i, c] of CompareSourceListSchema.parse(await yamlFile("compare.yaml")).entries()) {
    const ref = await readComparison(c, { baseDir: OBJECTIVE_2013, year: YEAR }, i);
    comparisons.push(compareRanks(scores, ref.values, ref.name));
  }
  const spec = UncertaintySpecSchema.parse(await jsonFile("uncertainty.json"));
  if (runs !== undefined) spec.runs = runs;
  const uncertainty = await analyseUncertainty(spec, pipeline, { framework, data }, spec.seed ?? 1);
  return { framework, data, pipeline, log, result, comparisons, uncertainty };
}

/** The README tables (Markdown): top 15 with rank intervals, comparisons, coverage. */
export function readmeTables(b: Objective2013, top = 15): string {
  const r = b.result.results;
  const stats = new Map(b.uncertainty.rankStats.map((s) => [s.uCode, s]));
  const order = [...r.units.keys()].sort((i, j) => r.rank[i]! - r.rank[j]!);
  const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "–");
  const rk = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
  const lines = [
    `Countries ranked: ${r.units.length} (of ${b.data.uCode.length} units with any data).`,
    "",
    `| Rank | Country | Score | ${r.codes.slice(1).join(" | ")} | Median rank | 5–95% rank |`,
    `|---:|---|---:|${r.codes
      .slice(1)
      .map(() => "---:")
      .join("|")}|---:|---|`,
  ];
  for (const i of order.slice(0, top)) {
    const s = stats.get(r.units[i]!)!;
    lines.push(
      `| ${r.rank[i]} | ${r.names[i]} (${r.units[i]}) | ${r.scores.map((c) => f1(c[i]!)).join(" | ")} | ${rk(s.median_rank)} | ${rk(s.q05_rank)}–${rk(s.q95_rank)} |`,
    );
  }
  lines.push("", "| Reference | n overlap | Spearman rho | Kendall tau |", "|---|---:|---:|---:|");
  for (const c of b.comparisons)
    lines.push(
      `| ${c.name} | ${c.n_overlap} | ${c.spearman.toFixed(3)} | ${c.kendall.toFixed(3)} |`,
    );
  const kept = new Set(r.units);
  const Xi = b.result.stages.Raw!;
  lines.push(
    "",
    "| Indicator | Countries with data (of those ranked) | Years of the values |",
    "|---|---:|---|",
  );
  const years = Object.assign({}, ...b.log.map((l) => l.years)) as Record<string, [number, number]>;
  Xi.codes.forEach((code, j) => {
    let n = 0;
    Xi.units.forEach((u, i) => {
      if (kept.has(u) && !Number.isNaN(Xi.values[j]![i]!)) n++;
    });
    const y = years[code];
    lines.push(
      `| ${code} | ${n} | ${y ? (y[0] === y[1] ? `${y[0]}` : `${y[0]}–${y[1]}`) : "1996–2022 (no year)"} |`,
    );
  });
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = process.argv[2] ? Number(process.argv[2]) : undefined;
  const b = await buildObjective2013({ runs });
  console.log(readmeTables(b));
  console.log(`\n${b.uncertainty.design.runs} replications, ${b.uncertainty.failed} failed.`);
}
