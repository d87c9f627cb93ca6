import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { TableData } from "../composite/tables.ts";
import { InputError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import { sha256Path } from "../io/write.ts";
import { storePath } from "../store/db.ts";
import { exportRun } from "../store/export.ts";
import { newRunId } from "../store/run-id.ts";
import type { RunRecord } from "../store/types.ts";
import { writeRun } from "../store/write-run.ts";
import { driversStage } from "./drivers-stage.ts";
import { deriveFindings } from "./findings.ts";
import { indexStage } from "./index-stage.ts";
import type { LoadedStudy } from "./load.ts";
import { mediaStage } from "./media-stage.ts";
import { type SurveyStageResult, surveyStage } from "./survey-stage.ts";
import { techAttribution } from "./tech.ts";
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

  // The specs as the run used them, so reports and the dashboard need not re-read files that
  // may have changed since.
  if (study.specs.length)
    tables.run_specs = {
      columns: ["role", "path", "spec"],
      rows: study.specs.map((s) => [s.role, s.path, JSON.stringify(s.content)]),
    };
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
  await retryWhileBusy(() => writeRun(dbPath, run));
  const storeMs = Math.round(performance.now() - t);
  const outDir = join(study.dir, "out");
  t = performance.now();
  if (o.export !== false) await exportRun(outDir, run);
  const exportMs = Math.round(performance.now() - t);
  return { run, dbPath, outDir, storeMs, exportMs };
}

/**
 * Runs `fn`, retrying for up to `ms` while the store is briefly held by another process (a
 * `softpower serve` reading it opens it for milliseconds at a time).
 */
async function retryWhileBusy<T>(fn: () => Promise<T>, ms = 5000): Promise<T> {
  const until = performance.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof InputError) || !/in use by another process/.test(e.message)) throw e;
      if (performance.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
