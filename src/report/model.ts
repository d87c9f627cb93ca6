/**
 * The report model: one stored run, read from the study's results store, as the typed pieces a
 * report shows. `loadRun` does the I/O (the store, and the spec files the config names so the
 * methodology can list their parameters); `reportModel` is pure and decides nothing about layout.
 *
 * Every section is optional: a study may have any subset of index, survey, drivers and media, and
 * a section is present exactly when the run holds its tables.
 */
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { InputError } from "../core/errors.ts";
import { sha256File } from "../io/write.ts";
import { storePath, withStore } from "../store/db.ts";
import { readRun, readTableIn } from "../store/read.ts";
import type { Cell, RunInfo, TableData } from "../store/types.ts";
import { bannersFromTables } from "../study/banner-rows.ts";
import type { BannerTable } from "../survey/banner.ts";
import { TOPLINE_COLUMNS, type ToplineRow } from "../survey/topline.ts";
import { num, plainName } from "./format.ts";

/** A table row keyed by column name. */
export type Row = Record<string, Cell>;

/** A spec file the study config names (pipeline.json, design.json…), read back for the methodology. */
export interface SpecFile {
  /** The input's role in the run, e.g. "index.pipeline". */
  role: string;
  /** Path as shown: relative to the study folder when inside it. */
  path: string;
  sha256: string;
  /**
   * "read": the file still has the hash the run recorded and `content` holds it; "changed": it
   * differs now (content not shown, it would not describe the run); "missing": not found;
   * "not shown": not a small JSON/YAML file.
   */
  status: "read" | "changed" | "missing" | "not shown";
  content?: unknown;
}

/** A run as read from the store: its record, every result table, and its spec files. */
export interface LoadedRun {
  info: RunInfo;
  tables: Record<string, TableData>;
  /** The study folder (absolute). */
  studyDir: string;
  specs: SpecFile[];
}

/** Roles whose files hold parameters worth listing in the methodology. */
const SPEC_ROLES =
  /^(index\.(pipeline|uncertainty|compare|sources|weights)|survey\.(design|ratings|calibration|recode)|drivers\[\d+\]\.recode|media\.fields|polling\.population)$/;
const SPEC_MAX_BYTES = 256 * 1024;

/**
 * Reads run `ref` ("latest", "previous", an id or a unique prefix) of the study in `dir`: the run
 * record, then all its tables in one read-only open of the store, then the spec files.
 *
 * @throws InputError when `dir` holds no study and no store, when the store has no runs, or for an
 *   unknown or ambiguous run.
 */
export async function loadRun(dir: string, ref = "latest"): Promise<LoadedRun> {
  const studyDir = resolve(dir);
  const db = storePath(studyDir);
  if (!existsSync(db)) {
    if (!existsSync(studyDir)) throw new InputError(`${dir}: no such folder`);
    if (!existsSync(join(studyDir, "study.yaml")))
      throw new InputError(
        `${dir}: no study here (no study.yaml and no .softpower/study.duckdb); give the study folder`,
      );
  }
  const info = await readRun(db, ref);
  // The tables by the resolved id, so a build landing in between cannot change the run read.
  const tables = await withStore(db, "read", async (conn) => {
    const out: Record<string, TableData> = {};
    for (const name of info.tables) out[name] = await readTableIn(conn, info.id, name);
    return out;
  });
  const specs: SpecFile[] = [];
  // Runs record the specs they used (table run_specs); older runs: read the files back.
  const stored = new Map<string, unknown>();
  const rs = tables.run_specs;
  if (rs) {
    const [ir, is] = [rs.columns.indexOf("role"), rs.columns.indexOf("spec")];
    for (const r of rs.rows) stored.set(String(r[ir]), JSON.parse(String(r[is])));
  }
  for (const input of info.inputs) {
    if (!SPEC_ROLES.test(input.role)) continue;
    if (stored.has(input.role))
      specs.push({
        role: input.role,
        path: displayPath(input.path, studyDir),
        sha256: input.sha256,
        status: "read",
        content: stored.get(input.role),
      });
    else specs.push(await readSpec(input, studyDir));
  }
  return { info, tables, studyDir, specs };
}

async function readSpec(
  input: { role: string; path: string; sha256: string },
  studyDir: string,
): Promise<SpecFile> {
  const base = { role: input.role, path: displayPath(input.path, studyDir), sha256: input.sha256 };
  let size: number;
  try {
    const s = await stat(input.path);
    if (!s.isFile()) return { ...base, status: "not shown" };
    size = s.size;
  } catch {
    return { ...base, status: "missing" };
  }
  if (size > SPEC_MAX_BYTES || !/\.(json|ya?ml)$/i.test(input.path))
    return { ...base, status: "not shown" };
  if ((await sha256File(input.path)) !== input.sha256) return { ...base, status: "changed" };
  try {
    return { ...base, status: "read", content: parseYaml(await readFile(input.path, "utf8")) };
  } catch {
    return { ...base, status: "not shown" };
  }
}

/** A path relative to the study folder when it lies inside it, else as recorded. */
export function displayPath(path: string, studyDir: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(studyDir, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

// ---------------------------------------------------------------------------------------------
// The pure model

/** A finding as the build derived it (see src/study/findings.ts). */
export interface Finding {
  id: string;
  section: string;
  statement: string;
  value: number;
  low: number;
  high: number;
  n: number;
  sourceTable: string;
  sourceRows: string;
}

/** One unit of the index ranking. Rank fields are NaN when the run has no uncertainty analysis. */
export interface RankedUnit {
  uCode: string;
  uName: string;
  score: number;
  rank: number;
  rankMedian: number;
  rankLow: number;
  rankHigh: number;
}

export interface IndexModel {
  /** Ranked units, best first (unranked units last). */
  units: RankedUnit[];
  /** Whether rank intervals were computed (Monte Carlo uncertainty or Sobol). */
  hasUncertainty: boolean;
  /** The index's top aggregate (iCode) and the pillars one level below, in framework order. */
  top: { code: string; name: string };
  pillars: { code: string; name: string }[];
  /** Pillar scores and ranks per unit. */
  profiles: { uCode: string; iCode: string; score: number; rank: number }[];
  /** Spearman agreement with other rankings. */
  compare: { name: string; n: number; spearman: number; kendall: number }[];
  /** The framework table (iMeta) as stored. */
  framework: Row[];
  /** Strengths and weaknesses per unit (COINr get_str_weak), when the run stored them. */
  strengths?: {
    uCode: string;
    kind: string;
    code: string;
    name: string;
    pillar: string;
    rank: number;
    value: number;
  }[];
  /** Leave-one-out impact (COINr remove_elements): mean |rank change| per removed element. */
  removeElements?: { level: number; element: string; change: number }[];
  /** Collinear indicator pairs within a pillar (COINr get_corr_flags). */
  corrFlags?: { group: string; ind1: string; ind2: string; corr: number; p: number }[];
  /** Sobol first-order and total indices, when the run made them. */
  sensitivity: {
    factor: string;
    si: number;
    sti: number;
    siLow: number;
    siHigh: number;
    stiLow: number;
    stiHigh: number;
  }[];
}

export interface HeadToHeadCell {
  audience: string;
  audienceName: string;
  attribute: string;
  diff: number;
  low: number;
  high: number;
  leader: string;
  significant: boolean;
}

export interface RatingPoint {
  audience: string;
  audienceName: string;
  target: string;
  estimate: number;
  low: number;
  high: number;
  n: number;
}

export interface SurveyModel {
  /** The wave shown (the last), null for a single-wave survey; all waves in order. */
  wave: string | null;
  waves: string[];
  /** The pair compared head to head (the study's first two targets, when rated). */
  pair: [string, string] | null;
  /** "share" (proportions) or "mean" (mean ratings) for the head-to-head attributes. */
  measure: string;
  attributes: string[];
  audiences: { code: string; name: string }[];
  h2h: HeadToHeadCell[];
  /** The attribute charted by audience (favourability when rated) and its ratings for the targets. */
  ratingAttribute: string | null;
  ratings: RatingPoint[];
  /** Sum over audiences of the largest rating base (respondents answering) in the wave shown. */
  respondents: number;
}

/** The topline of the wave shown (the last), as the build stored it (table survey_topline). */
export interface ToplineModel {
  wave: string | null;
  /** Confidence level of the margins of error (stored with every row). */
  level: number;
  rows: ToplineRow[];
  /** Every wave's rows ("" when the study has no waves), in stored order. */
  all: { wave: string; row: ToplineRow }[];
}

/** The banner table of the wave shown (the last), rebuilt from survey_banner*. */
export interface BannerModel {
  wave: string | null;
  table: BannerTable;
  /** Every wave's banner, in stored order. */
  all: { wave: string; table: BannerTable }[];
}

export interface DriverRow {
  predictor: string;
  group: string;
  value: number;
  share: number;
  low: number;
  high: number;
  rank: number;
  r2: number;
}

export interface DriversAnalysis {
  name: string;
  target: string;
  outcome: string;
  method: string;
  by: string;
  /** The groups (e.g. waves) in order; [""] when the analysis is not split. */
  groups: string[];
  rows: DriverRow[];
  fit: { group: string; r2: number; rowsUsed: number; excluded: number }[];
  diffs: {
    predictor: string;
    from: string;
    to: string;
    change: number;
    low: number;
    high: number;
  }[];
  attribution: { group: string; companies: string; share: number; low: number; high: number }[];
}

export interface ToneRow {
  outletCountry: string;
  target: string;
  period: string;
  mentions: number;
  articles: number;
  tone: number;
  low: number;
  high: number;
  shareNegative: number;
}

export interface MediaModel {
  period: string;
  targets: string[];
  tone: ToneRow[];
  overall: Omit<ToneRow, "period">[];
  bias: {
    group: string;
    target: string;
    compare: string[];
    estimate: number;
    low: number;
    high: number;
    mentions: number;
    articles: number;
  }[];
  companies: {
    entity: string;
    target: string;
    mentions: number;
    tone: number;
    low: number;
    high: number;
  }[];
  frames: {
    target: string;
    frame: string;
    mentions: number;
    tone: number;
    low: number;
    high: number;
  }[];
  corpus: { articles: number; mentions: number; duplicates: number; bad: number } | null;
  /** The sentences behind the numbers: most negative and most positive mentions. */
  evidence: {
    outletCountry: string;
    target: string;
    kind: string;
    tone: number;
    sentence: string;
    outlet: string;
    date: string;
  }[];
}

export interface ReportModel {
  runId: string;
  study: string;
  description: string;
  synthetic: boolean;
  version: string;
  node: string;
  startedAt: string;
  finishedAt: string;
  timings: Record<string, number>;
  targets: string[];
  audiences: string[];
  /** Confidence level of the findings (default 0.95). */
  level: number;
  /** The validated study config as stored with the run. */
  config: Record<string, unknown>;
  inputs: { role: string; path: string; sha256: string; rows: number | null }[];
  specs: SpecFile[];
  tables: { name: string; columns: string[]; rows: number }[];
  findings: Finding[];
  index?: IndexModel;
  survey?: SurveyModel;
  topline?: ToplineModel;
  banner?: BannerModel;
  drivers?: DriversAnalysis[];
  media?: MediaModel;
}

/** Rows of a table as records (none when the table is absent). */
export function records(t: TableData | undefined): Row[] {
  if (!t) return [];
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j] ?? null])));
}

const str = (v: Cell): string => (v === null || v === undefined ? "" : String(v));
const bool = (v: Cell): boolean => v === true || v === "true" || v === "TRUE" || v === 1;

/** Waves in order: numerically when they are numbers, else as text. */
function sortWaves(ws: string[]): string[] {
  return [...ws].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
}

/**
 * The report model of a loaded run. Pure: the same run gives the same model.
 *
 * @example const m = reportModel(await loadRun("examples/demo")); m.index?.units[0]?.uCode // "USA"
 */
export function reportModel(run: LoadedRun): ReportModel {
  const { info, tables } = run;
  const config = (info.config ?? {}) as Record<string, unknown>;
  const targets = Array.isArray(config.targets) ? config.targets.map(String) : [];
  const audiences = Array.isArray(config.audiences) ? config.audiences.map(String) : [];
  const findingsCfg = (config.findings ?? {}) as { level?: number };
  const m: ReportModel = {
    runId: info.id,
    study: info.study,
    description: typeof config.description === "string" ? config.description : "",
    synthetic: info.synthetic,
    version: info.version,
    node: info.node,
    startedAt: info.startedAt,
    finishedAt: info.finishedAt,
    timings: info.timings,
    targets,
    audiences,
    level: typeof findingsCfg.level === "number" ? findingsCfg.level : 0.95,
    config,
    inputs: info.inputs.map((i) => ({ ...i, path: displayPath(i.path, run.studyDir) })),
    specs: run.specs,
    tables: info.tables.map((name) => ({
      name,
      columns: tables[name]?.columns ?? [],
      rows: tables[name]?.rows.length ?? 0,
    })),
    findings: records(tables.findings).map((r) => ({
      id: str(r.id),
      section: str(r.section),
      statement: str(r.statement),
      value: num(r.value),
      low: num(r.low),
      high: num(r.high),
      n: num(r.n),
      sourceTable: str(r.source_table),
      sourceRows: str(r.source_rows),
    })),
  };
  if (tables.index_scores) m.index = indexModel(tables);
  if (tables.survey_ratings || tables.survey_head_to_head) m.survey = surveyModel(tables, targets);
  if (tables.survey_topline) m.topline = toplineModel(tables);
  if (tables.survey_banner_info) {
    const all = bannersFromTables(tables);
    const last = all.at(-1);
    if (last) m.banner = { wave: last.wave === "" ? null : last.wave, table: last.table, all };
  }
  if (tables.drivers_importance) m.drivers = driversModel(tables);
  if (tables.media_tone || tables.media_tone_overall) m.media = mediaModel(tables, config);
  return m;
}

/** The rows of a panel table's latest Time (all rows when there is no Time column). */
function latestYear(rows: Row[]): Row[] {
  if (!rows.length || !("Time" in rows[0]!)) return rows;
  const t = Math.max(...rows.map((r) => num(r.Time)));
  return rows.filter((r) => num(r.Time) === t);
}

function indexModel(tables: Record<string, TableData>): IndexModel {
  const units: RankedUnit[] = records(tables.index_scores).map((r) => ({
    uCode: str(r.uCode),
    uName: str(r.uName) || str(r.uCode),
    score: num(r.score),
    rank: num(r.rank),
    rankMedian: num(r.rank_median),
    rankLow: num(r.rank_q05),
    rankHigh: num(r.rank_q95),
  }));
  const rk = (u: RankedUnit) => (Number.isFinite(u.rank) && u.rank > 0 ? u.rank : 1e12);
  units.sort((a, b) => rk(a) - rk(b) || a.uCode.localeCompare(b.uCode));
  const framework = records(tables.index_framework);
  const name = new Map(framework.map((r) => [str(r.iCode), str(r.iName) || str(r.iCode)]));
  const aggs = records(tables.index_aggregates);
  const maxLevel = Math.max(...aggs.map((r) => num(r.level)).filter(Number.isFinite), 0);
  const topCode = str(aggs.find((r) => num(r.level) === maxLevel)?.iCode) || "Index";
  // Pillars: the aggregates one level below the top, in framework order.
  const fwOrder = new Map(framework.map((r, i) => [str(r.iCode), i]));
  const pillarCodes = [
    ...new Set(aggs.filter((r) => num(r.level) === maxLevel - 1).map((r) => str(r.iCode))),
  ].sort((a, b) => (fwOrder.get(a) ?? 1e9) - (fwOrder.get(b) ?? 1e9) || a.localeCompare(b));
  return {
    units,
    hasUncertainty: units.some((u) => Number.isFinite(u.rankLow)),
    top: { code: topCode, name: name.get(topCode) ?? topCode },
    pillars: pillarCodes.map((code) => ({ code, name: name.get(code) ?? code })),
    profiles: aggs
      .filter((r) => num(r.level) === maxLevel - 1)
      .map((r) => ({
        uCode: str(r.uCode),
        iCode: str(r.iCode),
        score: num(r.score),
        rank: num(r.rank),
      })),
    compare: records(tables.index_compare).map((r) => ({
      name: str(r.name),
      n: num(r.n_overlap),
      spearman: num(r.spearman),
      kendall: num(r.kendall),
    })),
    framework,
    strengths: records(tables.index_strengths).map((r) => ({
      uCode: str(r.uCode),
      kind: str(r.kind),
      code: str(r.code),
      name: str(r.name) || str(r.code),
      pillar: name.get(str(r.pillar)) ?? str(r.pillar),
      rank: num(r.rank),
      value: num(r.value),
    })),
    removeElements: records(tables.index_remove_elements).map((r) => ({
      level: num(r.level),
      element: str(r.element),
      change: num(r.mean_abs_rank_change),
    })),
    corrFlags: records(tables.index_corr_flags).map((r) => ({
      group: str(r.group),
      ind1: str(r.ind1),
      ind2: str(r.ind2),
      corr: num(r.corr),
      p: num(r.p_value),
    })),
    sensitivity: latestYear(records(tables.index_sensitivity)).map((r) => ({
      factor: str(r.factor),
      si: num(r.Si),
      sti: num(r.STi),
      siLow: num(r.Si_lo),
      siHigh: num(r.Si_hi),
      stiLow: num(r.STi_lo),
      stiHigh: num(r.STi_hi),
    })),
  };
}

function surveyModel(tables: Record<string, TableData>, targets: string[]): SurveyModel {
  const ratingsAll = records(tables.survey_ratings).filter((r) => str(r.segment) === "all");
  const h2hAll = records(tables.survey_head_to_head).filter((r) => str(r.segment) === "all");
  const waves = sortWaves([
    ...new Set([...ratingsAll, ...h2hAll].map((r) => str(r.wave)).filter((w) => w !== "")),
  ]);
  const wave = waves.at(-1) ?? null;
  const inWave = (r: Row) => wave === null || str(r.wave) === wave;
  const ratings = ratingsAll.filter(inWave);
  const h2hRows = h2hAll.filter(inWave);
  const audName = new Map<string, string>();
  for (const r of [...ratings, ...h2hRows]) {
    const code = str(r.audience_iso3) || str(r.audience);
    if (!audName.has(code)) audName.set(code, plainName(code, str(r.audience) || code));
  }
  // The pair: the study's first two targets when a head-to-head row compares them.
  let pair: [string, string] | null = null;
  const [t0, t1] = targets;
  if (t0 && t1) {
    if (h2hRows.some((r) => r.target_a === t0 && r.target_b === t1)) pair = [t0, t1];
    else if (h2hRows.some((r) => r.target_a === t1 && r.target_b === t0)) pair = [t1, t0];
  }
  if (!pair && h2hRows[0]) pair = [str(h2hRows[0].target_a), str(h2hRows[0].target_b)];
  const h2h: HeadToHeadCell[] = pair
    ? h2hRows
        .filter((r) => r.target_a === pair[0] && r.target_b === pair[1])
        .map((r) => {
          const code = str(r.audience_iso3) || str(r.audience);
          return {
            audience: code,
            audienceName: audName.get(code) ?? code,
            attribute: str(r.attribute),
            diff: num(r.diff),
            low: num(r.ci_low),
            high: num(r.ci_high),
            leader: str(r.leader),
            significant: bool(r.significant),
          };
        })
    : [];
  const attributes = [...new Set(h2h.map((c) => c.attribute))];
  const measureOf = new Map(ratings.map((r) => [str(r.attribute), str(r.measure)]));
  const measure = measureOf.get(attributes[0] ?? "") ?? str(ratings[0]?.measure) ?? "mean";
  const rated = new Set(ratings.map((r) => str(r.attribute)));
  const ratingAttribute = rated.has("favourability")
    ? "favourability"
    : ([...rated].sort()[0] ?? null);
  const shownTargets = targets.length ? targets : [...new Set(ratings.map((r) => str(r.target)))];
  const points: RatingPoint[] = ratings
    .filter((r) => str(r.attribute) === ratingAttribute && shownTargets.includes(str(r.target)))
    .map((r) => {
      const code = str(r.audience_iso3) || str(r.audience);
      return {
        audience: code,
        audienceName: audName.get(code) ?? code,
        target: str(r.target),
        estimate: num(r.estimate),
        low: num(r.ci_low),
        high: num(r.ci_high),
        n: num(r.n),
      };
    });
  const base = new Map<string, number>();
  for (const r of ratings) {
    const code = str(r.audience_iso3) || str(r.audience);
    const n = num(r.n);
    if (Number.isFinite(n)) base.set(code, Math.max(base.get(code) ?? 0, n));
  }
  const audiences = [...audName].map(([code, name]) => ({ code, name }));
  audiences.sort((a, b) => a.name.localeCompare(b.name));
  return {
    wave,
    waves,
    pair,
    measure,
    attributes,
    audiences,
    h2h,
    ratingAttribute,
    ratings: points,
    respondents: [...base.values()].reduce((a, b) => a + b, 0),
  };
}

/** The topline rows of the last wave, typed back from the stored table. */
function toplineModel(tables: Record<string, TableData>): ToplineModel {
  const all = records(tables.survey_topline);
  const waves = sortWaves([...new Set(all.map((r) => str(r.wave)).filter((w) => w !== ""))]);
  const wave = waves.at(-1) ?? null;
  const texts = new Set<string>([
    "column",
    "target",
    "attribute",
    "question",
    "code",
    "answer",
    "audience_variable",
    "audience",
  ]);
  const typed = all.map((r) => {
    const o: Record<string, unknown> = {};
    for (const c of TOPLINE_COLUMNS)
      o[c] = c === "dont_know" ? bool(r[c]) : texts.has(c) ? str(r[c]) : num(r[c]);
    return { wave: str(r.wave), row: o as unknown as ToplineRow };
  });
  const rows = typed.filter((r) => wave === null || r.wave === wave).map((r) => r.row);
  const level = num(all[0]?.level);
  return { wave, level: Number.isFinite(level) ? level : 0.95, rows, all: typed };
}

function driversModel(tables: Record<string, TableData>): DriversAnalysis[] {
  const imp = records(tables.drivers_importance);
  const fit = records(tables.drivers_fit);
  const diff = records(tables.drivers_diff);
  const attribution = records(tables.tech_attribution);
  const names = [...new Set(imp.map((r) => str(r.analysis)))];
  return names.map((name) => {
    const rowsAll = imp.filter((r) => str(r.analysis) === name);
    // One method per analysis: LMG when present, else the first.
    const methods = [...new Set(rowsAll.map((r) => str(r.method)))];
    const method = methods.includes("lmg") ? "lmg" : (methods[0] ?? "");
    const rows = rowsAll.filter((r) => str(r.method) === method);
    const groups = sortWaves([...new Set(rows.map((r) => str(r.group)))]);
    return {
      name,
      target: str(rows[0]?.target),
      outcome: str(fit.find((r) => str(r.analysis) === name)?.outcome),
      method,
      by: str(rows[0]?.by),
      groups,
      rows: rows.map((r) => ({
        predictor: str(r.predictor),
        group: str(r.group),
        value: num(r.value),
        share: num(r.share),
        low: num(r.ci_low),
        high: num(r.ci_high),
        rank: num(r.rank),
        r2: num(r.r2),
      })),
      fit: fit
        .filter((r) => str(r.analysis) === name)
        .map((r) => ({
          group: str(r.group),
          r2: num(r.r2),
          rowsUsed: num(r.rows_used),
          excluded: num(r.excluded),
        })),
      diffs: diff
        .filter((r) => str(r.analysis) === name && str(r.method) === method)
        .map((r) => ({
          predictor: str(r.predictor),
          from: str(r.by_a),
          to: str(r.by_b),
          // Stored as a − b; reported as the change from a to b.
          change: -num(r.diff),
          low: -num(r.ci_high),
          high: -num(r.ci_low),
        })),
      attribution: attribution
        .filter((r) => str(r.analysis) === name)
        .map((r) => ({
          group: str(r.group),
          companies: str(r.companies),
          share: num(r.share),
          low: num(r.share_low),
          high: num(r.share_high),
        })),
    };
  });
}

function mediaModel(
  tables: Record<string, TableData>,
  config: Record<string, unknown>,
): MediaModel {
  const tone = (r: Row) => ({
    outletCountry: str(r.outlet_country),
    target: str(r.target),
    mentions: num(r.mentions),
    articles: num(r.articles),
    tone: num(r.mean_tone),
    low: num(r.mean_tone_lo),
    high: num(r.mean_tone_hi),
    shareNegative: num(r.share_negative),
  });
  const media = (config.media ?? {}) as { period?: string; targets?: string[] };
  const overall = records(tables.media_tone_overall).map(tone);
  const corpus = records(tables.media_corpus)[0];
  const targets =
    media.targets ??
    (Array.isArray(config.targets) ? config.targets.map(String) : [])
      .concat()
      .filter((t) => overall.some((o) => o.target === t));
  return {
    period: media.period ?? "month",
    targets: targets.length ? targets : [...new Set(overall.map((o) => o.target))],
    tone: records(tables.media_tone).map((r) => ({ ...tone(r), period: str(r.period) })),
    overall,
    bias: records(tables.media_bias).map((r) => ({
      group: str(r.group),
      target: str(r.target),
      compare: str(r.compare).split(";").filter(Boolean),
      estimate: num(r.estimate),
      low: num(r.ci_low),
      high: num(r.ci_high),
      mentions: num(r.n_mentions),
      articles: num(r.n_articles),
    })),
    companies: records(tables.media_companies).map((r) => ({
      entity: str(r.entity),
      target: str(r.target),
      mentions: num(r.mentions),
      tone: num(r.mean_tone),
      low: num(r.mean_tone_lo),
      high: num(r.mean_tone_hi),
    })),
    frames: records(tables.media_frames).map((r) => ({
      target: str(r.target),
      frame: str(r.frame),
      mentions: num(r.mentions),
      tone: num(r.mean_tone),
      low: num(r.mean_tone_lo),
      high: num(r.mean_tone_hi),
    })),
    evidence: records(tables.media_evidence).map((r) => ({
      outletCountry: str(r.outlet_country),
      target: str(r.target),
      kind: str(r.kind),
      tone: num(r.tone),
      sentence: str(r.sentence),
      outlet: str(r.outlet),
      date: str(r.date),
    })),
    corpus: corpus
      ? {
          articles: num(corpus.articles),
          mentions: num(corpus.mentions),
          duplicates: num(corpus.duplicates),
          bad: num(corpus.bad),
        }
      : null,
  };
}
