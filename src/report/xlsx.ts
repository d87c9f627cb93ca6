/**
 * The results workbook: one sheet per result table of the run, with the stored columns in the
 * stored order and the stored values (numbers as numbers, booleans as booleans, missing values as
 * empty cells), and a README sheet first that describes the run, the study, its inputs and every
 * sheet. Sheet names are the table names, cut to Excel's 31 characters and made unique.
 */
import type * as ExcelJS from "exceljs";
import { addBannerSheets, addToplineSheets } from "../io/survey-tables.ts";
import type { Cell } from "../store/types.ts";
import type { LoadedRun, ReportModel } from "./model.ts";

/** Excel's limits: sheet name length, characters in a cell. */
const MAX_SHEET_NAME = 31;
const MAX_CELL_CHARS = 32_767;

/**
 * Sheet names for tables: the table name when it fits in 31 characters, else its first 28 and
 * "~k" with the smallest k that keeps names unique (Excel compares them case-insensitively);
 * "README" is reserved for the description sheet.
 *
 * @example sheetNames(["index_analysis_effective_weights"]) // Map { "index_analysis_effective_weights" => "index_analysis_effective_we~1" }
 */
export function sheetNames(tables: string[]): Map<string, string> {
  const used = new Set(["readme"]);
  const out = new Map<string, string>();
  for (const t of tables) {
    const clean = t.replace(/[[\]:*?/\\]/g, "_").replace(/^'|'$/g, "_") || "table";
    let name = clean;
    if (clean.length > MAX_SHEET_NAME || used.has(clean.toLowerCase()))
      for (let k = 1; ; k++) {
        name = `${clean.slice(0, MAX_SHEET_NAME - 1 - String(k).length)}~${k}`;
        if (!used.has(name.toLowerCase())) break;
      }
    used.add(name.toLowerCase());
    out.set(t, name);
  }
  return out;
}

/** What each result table holds (by name, then by prefix), for the README sheet. */
const DESCRIPTIONS: [RegExp, string][] = [
  [
    /^survey_ratings$/,
    "Design-based ratings: wave × audience × segment × target × attribute, primary measure (share or mean), with SE, confidence interval and n.",
  ],
  [/^survey_ratings_detail$/, "As survey_ratings, with every measure computed (share and mean)."],
  [
    /^survey_head_to_head$/,
    "Paired comparisons of two targets rated by the same respondents: difference, linearised SE, interval, leader and significance.",
  ],
  [
    /^survey_topline$/,
    "Topline: every answer's weighted share with its design-based SE, margin of error, interval, base n and count, by wave and audience.",
  ],
  [
    /^survey_banner$/,
    "Banner table cells: per wave, row (answer or rating mean) and column (Total, audiences, segments), the estimate, SE, n and the letters of the columns it is significantly higher than.",
  ],
  [
    /^survey_banner_tests$/,
    "The pairwise tests behind the banner letters: column a minus b, SE (with the covariance), t, p and adjusted p.",
  ],
  [
    /^survey_banner_info$/,
    "The banner's test, confidence level, adjustment and degrees of freedom per wave.",
  ],
  [
    /^survey_crosstab$/,
    "Weighted crosstabs of each rating by each segment, per wave and audience: counts, column % with design-based SE and interval, n.",
  ],
  [
    /^survey_crosstab_tests$/,
    "Rao-Scott (or Wald) tests of independence of each rating by each segment, per wave and audience: statistic, ndf, ddf (or df), p-value.",
  ],
  [
    /^drivers_importance$/,
    "Key-driver importance per analysis and group: contribution to R² (value), share of R², bootstrap interval, rank.",
  ],
  [/^drivers_ranks$/, "Rank intervals of the drivers from the bootstrap."],
  [
    /^drivers_diff$/,
    "Differences in driver importance between groups (e.g. waves): a minus b, with bootstrap interval.",
  ],
  [/^drivers_fit$/, "Fit of each driver model: R², respondents used and excluded."],
  [
    /^media_tone$/,
    "News tone by outlet country × target × period: mentions, articles, mean tone and negative/positive shares with article-bootstrap intervals.",
  ],
  [/^media_tone_overall$/, "News tone by outlet country × target over the whole period."],
  [/^media_tone_outlet$/, "News tone by outlet × target."],
  [/^media_frames$/, "News tone by target × frame (topic)."],
  [/^media_companies$/, "News tone toward technology companies, by company and home country."],
  [
    /^media_bias$/,
    "Bias estimates: tone toward the target minus the comparison set, frame and period fixed effects, article-clustered interval.",
  ],
  [
    /^media_evidence$/,
    "The most negative and most positive mentions per outlet country × target (the sentences behind the numbers).",
  ],
  [
    /^media_corpus$/,
    "Corpus counts: articles scored, mentions, duplicates and unreadable records left out.",
  ],
  [
    /^polling$/,
    "The polling pillar: per target, the audience mean of each attribute that enters the index.",
  ],
  [/^tech_signals$/, "The technology pillar's company signals by home country."],
  [
    /^tech_attribution$/,
    "Technology companies' share of explained favourability (from the driver analyses), with interval.",
  ],
  [
    /^index_sources$/,
    "How each indicator source file was read: rows, values used, units, codes not matched.",
  ],
  [
    /^index_stage_(\w+)$/,
    "The indicator data after the $1 step of the index pipeline (COINr data set).",
  ],
  [/^index_results$/, "Index results: every aggregate's score per unit and the rank, best first."],
  [
    /^index_treat$/,
    "Outlier treatment per indicator: skew/kurtosis checks, winsorised points, transformation.",
  ],
  [
    /^index_stats$/,
    "Indicator statistics (COINr get_stats): min, max, mean, median, SD, skew, kurtosis, availability flags.",
  ],
  [
    /^index_analysis_effective_weights$/,
    "Nominal and effective weights of every indicator and aggregate.",
  ],
  [/^index_analysis_cronbach$/, "Cronbach's alpha of each aggregate's children."],
  [
    /^index_analysis_correlations$/,
    "Correlation of each indicator and aggregate with its parent and with the index.",
  ],
  [
    /^index_analysis_pca_weights$/,
    "PCA weights and the first component's variance share, per aggregate.",
  ],
  [
    /^index_uncertainty$/,
    "Monte Carlo rank statistics per unit: nominal, median, mean, 5th and 95th percentile rank.",
  ],
  [
    /^index_sensitivity$/,
    "Sobol sensitivity indices (first-order Si and total STi) per uncertain factor, with intervals.",
  ],
  [/^index_framework$/, "The index framework (COINr iMeta), including pillars the study adds."],
  [/^index_scores$/, "The ranking: score, rank, median rank and 5–95% rank interval per unit."],
  [
    /^index_aggregates$/,
    "Score and rank of every unit on every aggregate (pillars and index), with its level.",
  ],
  [
    /^index_compare$/,
    "Spearman and Kendall agreement of the ranks with other rankings, and the units in common.",
  ],
  [
    /^findings$/,
    "Findings: short statements with their value, interval, n and the table and rows they come from.",
  ],
];

/** The README description of a table. */
export function describeTable(name: string): string {
  for (const [re, text] of DESCRIPTIONS) if (re.test(name)) return name.replace(re, text);
  return "A result table of the run.";
}

/** A stored cell as an Excel value: null/undefined/NaN empty, other values as they are. */
function excelValue(v: Cell | unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "boolean") return v;
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > MAX_CELL_CHARS ? `${s.slice(0, MAX_CELL_CHARS - 1)}…` : s;
}

/**
 * The workbook as XLSX bytes.
 *
 * @example await writeFileAtomic("results.xlsx", await renderXlsx(run, reportModel(run)))
 */
export async function renderXlsx(run: LoadedRun, m: ReportModel): Promise<Buffer> {
  // exceljs (CommonJS, slow to load) only when a workbook is written.
  const { default: excel } = await import("exceljs");
  const wb = new excel.Workbook();
  // Fixed metadata so the workbook describes the run, not the moment it was written.
  const when = new Date(m.startedAt);
  wb.creator = `softpower ${m.version}`;
  wb.lastModifiedBy = `softpower ${m.version}`;
  wb.created = when;
  wb.modified = when;
  wb.title = m.study;
  wb.subject = `Run ${m.runId}${m.synthetic ? " (synthetic data)" : ""}`;
  const names = sheetNames(run.info.tables);
  readmeSheet(wb, m, names, formattedSheets(m));
  for (const table of run.info.tables) {
    const t = run.tables[table];
    if (!t) continue;
    const ws = wb.addWorksheet(names.get(table)!, { views: [{ state: "frozen", ySplit: 1 }] });
    const header = ws.addRow(t.columns);
    header.font = { bold: true };
    for (const r of t.rows) ws.addRow(r.map(excelValue));
    ws.columns.forEach((c, j) => {
      c.width = Math.min(40, Math.max(8, (t.columns[j]?.length ?? 6) + 2));
    });
  }
  // The topline and banners formatted as `softpower survey topline|banner --out FILE.xlsx` writes
  // them (percentages, letters in the cells, legends), after the stored tables.
  if (m.topline)
    addToplineSheets(
      wb,
      m.topline.all.map((r) => r.row),
      m.topline.level,
      { topline: "Topline", legend: "Topline legend" },
      m.topline.all.some((r) => r.wave !== "")
        ? { name: "wave", values: m.topline.all.map((r) => r.wave) }
        : null,
    );
  for (const [i, b] of (m.banner?.all ?? []).entries())
    addBannerSheets(wb, b.table, bannerSheetNames(b.wave, i));
  const buf = await wb.xlsx.writeBuffer();
  return Buffer.from(buf as ArrayBuffer);
}

/** Sheet names of a wave's banner: "Banner" and "Banner legend", or "Banner w2"… with waves. */
function bannerSheetNames(wave: string, i: number): { banner: string; legend: string } {
  const tag = wave === "" ? "" : ` w${wave.replace(/[[\]:*?/\\']/g, "_").slice(0, 12) || i + 1}`;
  return { banner: `Banner${tag}`, legend: `Banner${tag} legend` };
}

/** The formatted survey sheets the workbook adds after the tables, with what they hold. */
export function formattedSheets(m: ReportModel): [string, string][] {
  const out: [string, string][] = [];
  if (m.topline)
    out.push(
      [
        "Topline",
        "The topline formatted: every answer's % with its margin of error and n, by audience (from survey_topline).",
      ],
      ["Topline legend", "How to read the topline: share, margin of error, n."],
    );
  for (const [i, b] of (m.banner?.all ?? []).entries()) {
    const n = bannerSheetNames(b.wave, i);
    out.push(
      [
        n.banner,
        `The banner table${b.wave ? ` of wave ${b.wave}` : ""}: % (or mean), n and significance letters per column (from survey_banner).`,
      ],
      [n.legend, "The banner's letters, test, confidence level and adjustment."],
    );
  }
  return out;
}

function readmeSheet(
  wb: ExcelJS.Workbook,
  m: ReportModel,
  names: Map<string, string>,
  formatted: [string, string][],
): void {
  const ws = wb.addWorksheet("README");
  ws.columns = [{ width: 34 }, { width: 60 }, { width: 12 }, { width: 16 }, { width: 70 }];
  const title = ws.addRow(["Soft Power Observatory results workbook"]);
  title.font = { bold: true, size: 14 };
  if (m.synthetic) {
    const w = ws.addRow([
      "SYNTHETIC DATA",
      "Every number in this workbook comes from synthetic data made by softpower's seeded generator; it describes no real country, public or news outlet.",
    ]);
    w.font = { bold: true, color: { argb: "FFD55E00" } };
  }
  ws.addRow([]);
  const about: [string, string][] = [
    ["Study", m.study],
    ["Description", m.description],
    ["Run id", m.runId],
    ["Started (UTC)", m.startedAt],
    ["Finished (UTC)", m.finishedAt],
    ["softpower version", m.version],
    ["Node", m.node],
    ["Synthetic data", m.synthetic ? "yes" : "no"],
    ["Targets", m.targets.join(", ")],
    ["Audiences", m.audiences.join(", ")],
    ["Study configuration (JSON)", JSON.stringify(m.config)],
  ];
  for (const [k, v] of about) ws.addRow([k, excelValue(v)]).getCell(1).font = { bold: true };
  ws.addRow([]);
  ws.addRow([
    "How to read the sheets: each sheet is one result table of the run, exactly as stored (same columns, same order, same values); empty cells are missing values.",
  ]);
  ws.addRow([]);
  const sh = ws.addRow([
    "Sheet",
    "Contents",
    "Rows",
    "Columns",
    "Table (as stored) and its columns",
  ]);
  sh.font = { bold: true };
  for (const t of m.tables)
    ws.addRow([
      names.get(t.name) ?? t.name,
      describeTable(t.name),
      t.rows,
      t.columns.length,
      `${t.name}: ${t.columns.join(", ")}`,
    ]);
  for (const [sheet, what] of formatted) ws.addRow([sheet, what]);
  ws.addRow([]);
  const ih = ws.addRow(["Input (role)", "File", "Rows", "", "SHA-256"]);
  ih.font = { bold: true };
  for (const i of m.inputs) ws.addRow([i.role, i.path, i.rows, null, i.sha256]);
}
