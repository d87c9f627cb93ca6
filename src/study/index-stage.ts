import { studyAnalysisTables } from "../composite/analyse.ts";
import { buildFramework } from "../composite/framework.ts";
import { panelYears } from "../composite/panel-uncertainty.ts";
import type { CoinInput } from "../composite/pipeline.ts";
import type { TableData } from "../composite/tables.ts";
import { InputError } from "../core/errors.ts";
import { dataFromTable, metaFromTable, weightSetsFromTable } from "../io/coin.ts";
import { readComparison, readIndicatorSources, type SourceLog } from "../io/indicator-sources.ts";
import { readTable, type Table } from "../io/table.ts";
import type { Cell } from "../io/write.ts";
import { rankDescending } from "../stats/rank.ts";
import { indexTables } from "../tasks/index-build.ts";
import { compareRanks } from "./compare.ts";
import { type ExtraPillar, extendCoinTables } from "./extend-coin.ts";
import type { LoadedStudy } from "./load.ts";
import { pollingValues } from "./polling.ts";
import type { SurveyStageResult } from "./survey-stage.ts";
import { techSignals } from "./tech.ts";

/** The index with its polling and technology pillars, uncertainty and comparisons. */
export async function indexStage(
  study: LoadedStudy,
  survey: SurveyStageResult | undefined,
  companyTone: { entity: string; tone: number; n: number }[],
  tables: Record<string, TableData>,
  rowsOf: Map<string, number>,
  threads: number | "auto",
): Promise<void> {
  const ix = study.index!;
  const cfg = study.config;
  let meta: Table = await readTable(ix.meta, "iMeta");
  let data: Table;
  if (ix.data) data = await readTable(ix.data, "iData");
  else if (ix.years) {
    // A panel: the sources read once per year, stacked with a Time column.
    const fw0 = buildFramework(metaFromTable(meta));
    const parts: Table[] = [];
    const logs: TableData[] = [];
    for (const year of ix.years) {
      const r = await readIndicatorSources(ix.sources!, {
        baseDir: ix.sourcesDir,
        year,
        framework: fw0,
        units: ix.units,
      });
      parts.push(r.table);
      const log = sourcesLogTable(r.log);
      logs.push({ columns: ["Time", ...log.columns], rows: log.rows.map((row) => [year, ...row]) });
    }
    const first = parts[0]!;
    data = {
      file: first.file,
      columns: ["Time", ...first.columns],
      rows: parts.flatMap((t, k) =>
        t.rows.map((row) => [
          String(ix.years![k]),
          ...first.columns.map((c) => row[t.columns.indexOf(c)] ?? ""),
        ]),
      ),
      lines: parts.flatMap((t) => t.lines),
    };
    tables.index_sources = { columns: logs[0]!.columns, rows: logs.flatMap((l) => l.rows) };
  } else {
    const fw0 = buildFramework(metaFromTable(meta));
    const r = await readIndicatorSources(ix.sources!, {
      baseDir: ix.sourcesDir,
      year: ix.year,
      framework: fw0,
      units: ix.units,
    });
    data = r.table;
    tables.index_sources = sourcesLogTable(r.log);
  }
  if (ix.units) {
    const keep = new Set(ix.units);
    const uc = data.columns.indexOf("uCode");
    const rows = data.rows.filter((r) => keep.has(r[uc] ?? ""));
    data = { ...data, rows, lines: data.lines.filter((_, i) => keep.has(data.rows[i]![uc] ?? "")) };
  }
  rowsOf.set(ix.data ?? "", data.rows.length);
  const pillars: ExtraPillar[] = [];
  const latest = survey?.waves.at(-1);
  if (cfg.polling && survey) {
    const pl = study.polling!;
    const wave =
      pl.wave === undefined ? latest : survey.waves.find((w) => w.wave === String(pl.wave));
    if (!wave)
      throw new InputError(
        `study.yaml (polling.wave): no wave "${pl.wave}" in the survey (have: ${survey.waves.map((w) => w.wave).join(", ")})`,
      );
    const rated = new Set(wave.ratings.map((r) => r.attribute));
    const unknown = (pl.attributes ?? []).filter((a) => !rated.has(a));
    if (unknown.length)
      throw new InputError(
        `study.yaml (polling.attributes): ${unknown.map((a) => `"${a}"`).join(", ")} not rated in the survey (rated attributes: ${[...rated].join(", ")})`,
      );
    const p = pollingValues(wave.ratings, {
      attributes: pl.attributes,
      weights: pl.audience_weights,
      population: pl.population,
      audienceIso3: survey.audienceIso3,
    });
    if (p.missingPopulation.length)
      throw new InputError(
        `study.yaml (polling.population): no population for audience(s) ${p.missingPopulation.join(", ")}`,
      );
    tables.polling = p.table;
    pillars.push({
      key: "polling",
      code: pl.pillar,
      name: pl.name,
      parent: pl.parent,
      weight: pl.weight,
      indicators: [...p.values].map(([attr, values]) => ({
        code: `poll_${attr}`.replace(/[^A-Za-z0-9_]/g, "_"),
        name: `Polling: ${attr}`,
        unit: study.survey!.ratings.measure,
        direction: 1 as const,
        values,
      })),
    });
  }
  if (cfg.tech) {
    const rated = new Set(study.survey?.ratings.ratings.map((r) => r.target) ?? []);
    const unrated = cfg.tech.favourability.filter((c) => !rated.has(c));
    if (cfg.tech.signals.includes("company_favourability") && unrated.length)
      throw new InputError(
        `study.yaml (tech.favourability): ${unrated.join(", ")} ${unrated.length > 1 ? "are" : "is"} not rated in the survey: add ${unrated.length > 1 ? "them" : "it"} as target(s) of the ratings map (its targets: ${[...rated].join(", ") || "none"})`,
      );
    const t = techSignals({
      signals: cfg.tech.signals.filter((s) => s !== "company_tone" || study.media),
      companyTone,
      ratings: latest?.ratings ?? [],
      rated: cfg.tech.favourability,
      attribute: cfg.tech.favourability_attribute,
    });
    tables.tech_signals = t.table;
    pillars.push({
      key: "tech",
      code: cfg.tech.pillar,
      name: cfg.tech.name,
      parent: cfg.tech.parent,
      weight: cfg.tech.weight,
      indicators: t.indicators,
    });
  }
  ({ meta, data } = extendCoinTables(meta, data, pillars));
  const framework = buildFramework(metaFromTable(meta));
  const input: CoinInput = { framework, data: dataFromTable(data, framework) };
  if (ix.weights) input.weightSets = weightSetsFromTable(await readTable(ix.weights), framework);
  const r = await indexTables(input, {
    pipeline: ix.pipeline,
    uncertainty: ix.uncertainty,
    seed: cfg.seed,
    threads,
    source: {
      pipeline: "study.yaml (index.pipeline)",
      data: "iData",
      uncertainty: "study.yaml (index.uncertainty)",
    },
  });
  for (const [name, t] of Object.entries(r.tables)) {
    const key = `index_${name.replace("stages/", "stage_").replace("/", "_")}`.toLowerCase();
    tables[key] = t;
  }
  tables.index_framework = { columns: meta.columns, rows: meta.rows };
  // Analysis tools (issue 16): strengths and weaknesses, leave-one-out impact, correlation flags,
  // trends of a panel; on the cross-section (a panel's latest year).
  const cross = r.panel ? panelYears(input).inputs.at(-1)! : input;
  const panelRaw = r.panel ? { data: input.data.indicators, time: input.data.time! } : undefined;
  for (const [name, t] of Object.entries(
    studyAnalysisTables(cross, ix.pipeline, r.result, panelRaw),
  ))
    tables[`index_${name}`] = t;
  const res = r.result.results;
  // A panel's intervals: those of its latest year (the year index_scores shows).
  const stats = r.uncertainty?.rankStats ?? r.panelUncertainty?.years.at(-1)?.rankStats ?? [];
  const unc = new Map(stats.map((s) => [s.uCode, s]));
  const scoreRows: Cell[][] = res.units.map((u, i) => {
    const s = unc.get(u);
    return [
      u,
      res.names[i],
      res.scores[0]![i],
      res.rank[i],
      s?.median_rank ?? null,
      s?.q05_rank ?? null,
      s?.q95_rank ?? null,
    ];
  });
  scoreRows.sort((a, b) => (Number(a[3]) || 1e9) - (Number(b[3]) || 1e9));
  tables.index_scores = {
    columns: ["uCode", "uName", "score", "rank", "rank_median", "rank_q05", "rank_q95"],
    rows: scoreRows,
  };
  const aggRows: Cell[][] = [];
  const level = framework.level;
  res.codes.forEach((code, c) => {
    const sc = res.scores[c]!;
    const rank = rankDescending(sc);
    res.units.forEach((u, i) => {
      aggRows.push([u, code, level.get(code) ?? null, sc[i], rank[i]]);
    });
  });
  tables.index_aggregates = {
    columns: ["uCode", "iCode", "level", "score", "rank"],
    rows: aggRows,
  };
  if (ix.compare?.length) {
    const scores = new Map(res.units.map((u, i) => [u, res.scores[0]![i]!]));
    const rows: Cell[][] = [];
    for (const [k, src] of ix.compare.entries()) {
      const ref = await readComparison(src, { baseDir: ix.compareDir, year: ix.year }, k);
      const c = compareRanks(scores, ref.values, ref.name);
      rows.push([c.name, c.n_overlap, c.spearman, c.kendall, c.units.join(";")]);
    }
    tables.index_compare = {
      columns: ["name", "n_overlap", "spearman", "kendall", "units"],
      rows,
    };
  }
}

function sourcesLogTable(log: SourceLog[]): TableData {
  const list = log as unknown as Record<string, unknown>[];
  const columns = [...new Set(list.flatMap((r) => Object.keys(r)))];
  return {
    columns,
    rows: list.map((r) =>
      columns.map((c) => {
        const v = r[c];
        return v === null || v === undefined || typeof v !== "object"
          ? (v as Cell)
          : JSON.stringify(v);
      }),
    ),
  };
}
