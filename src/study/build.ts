import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { buildFramework } from "../composite/framework.ts";
import type { CoinInput } from "../composite/pipeline.ts";
import type { TableData } from "../composite/tables.ts";
import { InputError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import { dataFromTable, metaFromTable, weightSetsFromTable } from "../io/coin.ts";
import { duckQuery, mentionsSource } from "../io/duck.ts";
import { readComparison, readIndicatorSources, type SourceLog } from "../io/indicator-sources.ts";
import { readSurveyFrameCached } from "../io/survey-data.ts";
import { readTable, type Table } from "../io/table.ts";
import { type Cell, sha256Path } from "../io/write.ts";
import { rankDescending } from "../stats/rank.ts";
import { storePath } from "../store/db.ts";
import { exportRun } from "../store/export.ts";
import { newRunId } from "../store/run-id.ts";
import type { RunRecord } from "../store/types.ts";
import { writeRun } from "../store/write-run.ts";
import { factor, type SurveyFrame } from "../survey/frame.ts";
import { applyRecode } from "../survey/recode.ts";
import { driverTables } from "../tasks/drivers.ts";
import { indexTables } from "../tasks/index-build.ts";
import { biasTable, scoreCorpus, summariseMentions } from "../tasks/media.ts";
import { compareRanks } from "./compare.ts";
import { mediaEvidence } from "./evidence.ts";
import { type ExtraPillar, extendCoinTables } from "./extend-coin.ts";
import { deriveFindings } from "./findings.ts";
import type { LoadedStudy } from "./load.ts";
import { pollingValues } from "./polling.ts";
import { type SurveyStageResult, surveyStage } from "./survey-stage.ts";
import { techSignals } from "./tech.ts";

/** Progress of a build, one call per stage start and end. */
export type StageListener = (e: {
  stage: string;
  index: number;
  total: number;
  status: "start" | "done";
  ms?: number;
  detail?: string;
}) => void;

export interface BuildResult {
  run: RunRecord;
  dbPath: string;
  outDir: string;
  /** Milliseconds to write the run into the store (one transaction) and to export it. */
  storeMs: number;
  exportMs: number;
}

/**
 * Builds a study: runs every configured engine (survey → drivers → media → index with its
 * polling and technology pillars → findings), records the run (config, input hashes, versions,
 * timings, every result table) in DIR/.softpower/study.duckdb in one transaction, then exports
 * it to DIR/out atomically. A failure at any point leaves the previous run and export intact.
 */
export async function buildStudy(
  study: LoadedStudy,
  o: { onStage?: StageListener; threads?: number | "auto"; export?: boolean } = {},
): Promise<BuildResult> {
  const started = new Date();
  const cfg = study.config;
  const threads = o.threads ?? cfg.threads;
  const tables: Record<string, TableData> = {};
  const timings: Record<string, number> = {};
  const rowsOf = new Map<string, number>();
  const stages = [
    cfg.survey && "survey",
    study.drivers.length > 0 && "drivers",
    cfg.media && "media",
    cfg.index && "index",
    "findings",
  ].filter((s): s is string => typeof s === "string");
  let k = 0;
  const stage = async <T>(name: string, fn: () => Promise<T>, detail?: (r: T) => string) => {
    const index = ++k;
    o.onStage?.({ stage: name, index, total: stages.length, status: "start" });
    const t = performance.now();
    const r = await fn();
    const ms = Math.round(performance.now() - t);
    timings[`${name}_ms`] = ms;
    o.onStage?.({
      stage: name,
      index,
      total: stages.length,
      status: "done",
      ms,
      detail: detail?.(r),
    });
    return r;
  };

  let survey: SurveyStageResult | undefined;
  if (cfg.survey) {
    survey = await stage(
      "survey",
      async () => {
        const r = await surveyStage(study);
        Object.assign(tables, r.tables);
        rowsOf.set(study.survey!.data, r.rows);
        return r;
      },
      (r) =>
        `${r.rows} respondents, ${r.tables.survey_ratings!.rows.length} ratings, ${r.tables.survey_head_to_head!.rows.length} head-to-head cells`,
    );
  }

  if (study.drivers.length > 0) {
    await stage(
      "drivers",
      async () => driversStage(study, tables, rowsOf, threads),
      () => `${study.drivers.length} analyses`,
    );
  }

  const workDir = join(study.dir, ".softpower", "work");
  let companyTone: { entity: string; tone: number; n: number }[] = [];
  if (study.media) {
    companyTone = await stage(
      "media",
      async () => {
        await mkdir(workDir, { recursive: true });
        const mentions = join(workDir, `mentions-${process.pid}.parquet`);
        try {
          return await mediaStage(study, mentions, tables, rowsOf, threads);
        } finally {
          await rm(mentions, { force: true });
        }
      },
      () => `${tables.media_tone?.rows.length ?? 0} tone cells`,
    );
  }

  if (study.index) {
    await stage(
      "index",
      async () => indexStage(study, survey, companyTone, tables, rowsOf, threads),
      () => `${tables.index_scores?.rows.length ?? 0} units`,
    );
  }

  if (cfg.tech?.attribution.length)
    tables.tech_attribution = techAttribution(tables, cfg.tech.attribution);

  await stage(
    "findings",
    async () => {
      tables.findings = deriveFindings(tables, {
        level: cfg.findings.level,
        top: cfg.findings.top,
        targets: cfg.targets,
        synthetic: cfg.synthetic,
        techAttribution: cfg.tech?.attribution ?? [],
      });
    },
    () => `${tables.findings!.rows.length} statements`,
  );

  const inputs = [];
  for (const f of study.files)
    inputs.push({
      role: f.role,
      path: f.path,
      sha256: await sha256Path(f.path),
      rows: rowsOf.get(f.path) ?? null,
    });
  const finished = new Date();
  timings.total_ms = finished.getTime() - started.getTime();
  const dbPath = storePath(study.dir);
  const run: RunRecord = {
    id: await newRunId(dbPath, started, cfg),
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    study: cfg.name,
    config: cfg,
    version: VERSION,
    timings,
    inputs,
    tables,
    synthetic: cfg.synthetic,
  };
  let t = performance.now();
  await writeRun(dbPath, run);
  const storeMs = Math.round(performance.now() - t);
  const outDir = join(study.dir, "out");
  t = performance.now();
  if (o.export !== false) await exportRun(outDir, run);
  const exportMs = Math.round(performance.now() - t);
  return { run, dbPath, outDir, storeMs, exportMs };
}

/**
 * The attribution view: for each named drivers analysis, the share of explained variance in
 * favourability carried by its company group (LMG or the first method), per group of `by`.
 */
function techAttribution(
  tables: Record<string, TableData>,
  specs: { drivers: string; group: string }[],
): TableData {
  const t = tables.drivers_importance;
  const cols = [
    "analysis",
    "target",
    "by",
    "group",
    "predictor",
    "method",
    "value",
    "share",
    "ci_low",
    "ci_high",
    "r2",
  ];
  const rows: Cell[][] = [];
  if (t) {
    const at = cols.map((c) => t.columns.indexOf(c));
    for (const spec of specs) {
      const mine = t.rows.filter((r) => r[0] === spec.drivers && r[at[4]!] === spec.group);
      const method = mine[0]?.[at[5]!];
      for (const r of mine) {
        if (r[at[5]!] !== method) continue;
        const share = r[at[7]!] as number;
        const r2 = r[at[10]!] as number;
        rows.push([
          spec.drivers,
          r[1],
          r[at[2]!],
          r[at[3]!],
          spec.group,
          method,
          share,
          (r[at[8]!] as number) / r2,
          (r[at[9]!] as number) / r2,
          r2,
        ]);
      }
    }
  }
  return {
    columns: [
      "analysis",
      "target",
      "by",
      "group",
      "companies",
      "method",
      "share",
      "share_low",
      "share_high",
      "r2",
    ],
    rows,
  };
}

/** Each drivers analysis, its tables long with the analysis name first. */
async function driversStage(
  study: LoadedStudy,
  tables: Record<string, TableData>,
  rowsOf: Map<string, number>,
  threads: number | "auto",
): Promise<void> {
  const frames = new Map<string, SurveyFrame>();
  const acc: Record<string, TableData> = {};
  const add = (name: string, analysis: string, target: string, by: string, t: TableData) => {
    // `by` columns differ between analyses: the value goes to one "group" column.
    const hasBy = by !== "" && t.columns[0] === by;
    const cols = hasBy ? t.columns.slice(1) : t.columns;
    const cur = acc[name] ?? { columns: ["analysis", "target", "by", "group", ...cols], rows: [] };
    acc[name] = cur;
    for (const r of t.rows)
      cur.rows.push([analysis, target, by, hasBy ? r[0] : "", ...(hasBy ? r.slice(1) : r)]);
  };
  for (const d of study.drivers) {
    const key = `${d.data}\u0000${JSON.stringify(d.recode ?? null)}`;
    let frame: SurveyFrame | undefined = frames.get(key);
    if (!frame) {
      frame = await readSurveyFrameCached(d.data, join(study.dir, ".softpower", "cache"));
      rowsOf.set(d.data, frame.n);
      if (d.recode) frame = applyRecode(frame, d.recode).frame;
      frames.set(key, frame);
    }
    if (d.missing_codes.length)
      frame = withMissingCodes(frame, [d.outcome, ...d.predictors], d.missing_codes);
    let mask: Uint8Array | null = null;
    for (const [v, allowed] of Object.entries(d.filter ?? {})) {
      const f = factor(frame, v);
      const ok = new Set(allowed.map(String));
      const m = Uint8Array.from(f.codes, (c) => (c >= 0 && ok.has(f.levels[c]!) ? 1 : 0));
      mask = mask ? mask.map((x, i) => x & m[i]!) : m;
    }
    const weights = d.weights ?? study.survey?.design.weights ?? undefined;
    const t = await driverTables(frame, {
      spec: {
        outcome: d.outcome,
        predictors: d.predictors,
        groups: d.groups,
        always: d.always,
        weights: weights ?? undefined,
        family: d.family,
      },
      methods: d.methods,
      bootstrap: d.bootstrap,
      seed: study.config.seed,
      level: d.level,
      by: d.by,
      mask,
      threads,
    }).catch((e: unknown) => {
      if (e instanceof InputError) throw new InputError(`drivers "${d.name}": ${e.message}`);
      throw e;
    });
    const by = d.by ?? "";
    const target = d.target ?? "";
    add("drivers_importance", d.name, target, by, t.importance);
    if (t.ranks) add("drivers_ranks", d.name, target, by, t.ranks);
    if (t.diff) {
      const cur = acc.drivers_diff ?? {
        columns: ["analysis", "target", "by", ...t.diff.columns],
        rows: [],
      };
      acc.drivers_diff = cur;
      for (const r of t.diff.rows) cur.rows.push([d.name, target, by, ...r]);
    }
    if (t.complete) {
      // Dominance matrices, long: predictor dominates over another (1, 0, 0.5 or NaN).
      const cur = acc.drivers_dominance ?? {
        columns: ["analysis", "target", "group", "predictor", "over", "complete"],
        rows: [],
      };
      acc.drivers_dominance = cur;
      const names = t.complete.columns.slice(by ? 2 : 1);
      for (const r of t.complete.rows) {
        const g = by ? r[0] : "";
        const p = by ? r[1] : r[0];
        names.forEach((n, j) => {
          cur.rows.push([d.name, target, g, p, n, r[(by ? 2 : 1) + j]]);
        });
      }
    }
    const meta = acc.drivers_fit ?? {
      columns: ["analysis", "target", "outcome", "family", "group", "r2", "rows_used", "excluded"],
      rows: [],
    };
    acc.drivers_fit = meta;
    for (const m of t.meta)
      meta.rows.push([
        d.name,
        target,
        d.outcome,
        d.family,
        (m.group as string | null) ?? "",
        m.r2 as number,
        m.rows_used as number,
        m.excluded as number,
      ]);
  }
  Object.assign(tables, acc);
}

/** Worker threads for scoring: one for small corpora (workers cost ~0.3 s to start), else all cores. */
async function autoThreads(corpus: string): Promise<number> {
  const { stat, readdir } = await import("node:fs/promises");
  const { availableParallelism } = await import("node:os");
  let bytes = 0;
  const st = await stat(corpus);
  if (st.isDirectory()) {
    for (const e of await readdir(corpus, { recursive: true, withFileTypes: true }))
      if (e.isFile()) bytes += (await stat(join(e.parentPath, e.name))).size;
  } else bytes = st.size;
  return bytes < 8 * 2 ** 20 ? 1 : Math.max(1, availableParallelism());
}

/** A frame whose numeric `vars` have the given codes set to missing (others shared). */
function withMissingCodes(frame: SurveyFrame, vars: string[], codes: number[]): SurveyFrame {
  const columns = new Map(frame.columns);
  const drop = new Set(codes);
  for (const v of vars) {
    const c = frame.columns.get(v);
    if (c?.kind !== "number") continue;
    columns.set(v, { ...c, values: c.values.map((x) => (drop.has(x) ? Number.NaN : x)) });
  }
  return { ...frame, columns };
}

/** Scores the corpus, then tone by outlet country × target × period, frames, companies, bias. */
async function mediaStage(
  study: LoadedStudy,
  mentions: string,
  tables: Record<string, TableData>,
  rowsOf: Map<string, number>,
  threads: number | "auto",
): Promise<{ entity: string; tone: number; n: number }[]> {
  const md = study.media!;
  const counts = await scoreCorpus({
    corpus: md.corpus,
    map: md.fields,
    out: mentions,
    threads: threads === "auto" ? await autoThreads(md.corpus) : threads,
    skipBad: md.skip_bad,
  });
  rowsOf.set(md.corpus, counts.articles);
  const targets = md.targets ?? study.config.targets;
  const inTargets = `target IN (${targets.map((t) => `'${t}'`).join(", ")})`;
  const opts = { bootstrap: md.bootstrap, seed: study.config.seed };
  tables.media_tone = await summariseMentions(mentions, ["outlet_country", "target", md.period], {
    ...opts,
    where: inTargets,
  });
  tables.media_tone_overall = await summariseMentions(mentions, ["outlet_country", "target"], {
    ...opts,
    where: inTargets,
  });
  tables.media_tone_outlet = await summariseMentions(
    mentions,
    ["outlet", "outlet_country", "target"],
    {
      ...opts,
      where: inTargets,
    },
  );
  tables.media_frames = await summariseMentions(mentions, ["target", "frame"], {
    ...opts,
    where: inTargets,
  });
  tables.media_companies = await summariseMentions(mentions, ["entity", "target"], {
    ...opts,
    where: "via = 'company'",
  });
  // Rename the period key to a fixed column so runs with other periods share one table layout.
  tables.media_tone.columns[2] = "period";
  const bias: TableData = { columns: [], rows: [] };
  for (const b of md.bias) {
    const [field, value] = b.group.split(/=(.*)/s) as ["outlet" | "outlet_country", string];
    const t = await biasTable(mentions, {
      field,
      value,
      target: b.target,
      compare: b.compare,
      period: md.period,
      level: 0.95,
    });
    bias.columns = t.columns;
    bias.rows.push(...t.rows);
  }
  if (bias.rows.length) tables.media_bias = bias;
  tables.media_evidence = await mediaEvidence(mentions, md.corpus, md.fields, targets);
  tables.media_corpus = {
    columns: ["articles", "mentions", "duplicates", "bad"],
    rows: [[counts.articles, counts.mentions, counts.duplicates, counts.bad]],
  };
  const rows = await duckQuery([
    `SELECT entity, sum(tone) AS tone, count(*) AS n FROM ${mentionsSource(mentions)} WHERE via = 'company' GROUP BY entity ORDER BY entity`,
  ]);
  return rows.map((r) => ({ entity: String(r.entity), tone: Number(r.tone), n: Number(r.n) }));
}

/** The index with its polling and technology pillars, uncertainty and comparisons. */
async function indexStage(
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
  else {
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
  const res = r.result.results;
  const unc = new Map((r.uncertainty?.rankStats ?? []).map((s) => [s.uCode, s]));
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
