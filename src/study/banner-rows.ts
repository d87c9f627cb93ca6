/**
 * Banner tables as stored result tables and back: `survey_banner` (one row per cell: the row's
 * question and answer, the column's variable, label and letter, the estimate, SE, n and the
 * letters of the columns it beats), `survey_banner_tests` (every pairwise test behind the
 * letters) and `survey_banner_info` (per wave: the test, its level, adjustment and df). The
 * report rebuilds the `BannerTable`s from them to print and to write the XLSX banner with the
 * CLI's code (io/survey-tables.ts).
 */
import type { TableData } from "../composite/tables.ts";
import type { Cell } from "../io/write.ts";
import type {
  BannerAdjust,
  BannerColumn,
  BannerRow,
  BannerTable,
  BannerTest,
} from "../survey/banner.ts";

/** Columns of `survey_banner`. */
export const BANNER_CELL_COLUMNS = [
  "wave",
  "row",
  "question",
  "column",
  "target",
  "attribute",
  "code",
  "answer",
  "kind",
  "col_index",
  "col_name",
  "col_variable",
  "col_label",
  "col_letter",
  "col_group",
  "estimate",
  "se",
  "n",
  "letters",
] as const;

/** Columns of `survey_banner_tests`: column a minus column b (indices into the banner's columns). */
export const BANNER_TEST_COLUMNS = [
  "wave",
  "row",
  "question",
  "column",
  "code",
  "answer",
  "col_a",
  "letter_a",
  "label_a",
  "col_b",
  "letter_b",
  "label_b",
  "diff",
  "se",
  "t",
  "p_value",
  "p_adjusted",
  "significant",
] as const;

/** Columns of `survey_banner_info`. */
export const BANNER_INFO_COLUMNS = [
  "wave",
  "rows",
  "columns",
  "df",
  "level",
  "adjust",
  "test",
] as const;

/** The three stored tables of the banners of every wave ("" when the study has no waves). */
export function bannerTableData(banners: { wave: string; table: BannerTable }[]): {
  survey_banner: TableData;
  survey_banner_tests: TableData;
  survey_banner_info: TableData;
} {
  const cells: Cell[][] = [];
  const tests: Cell[][] = [];
  const info: Cell[][] = [];
  for (const { wave, table: t } of banners) {
    t.rows.forEach((r, i) => {
      r.cells.forEach((c, j) => {
        const col = t.columns[j]!;
        cells.push([
          wave,
          i,
          r.question,
          r.column,
          r.target,
          r.attribute,
          r.code,
          r.answer,
          r.kind,
          j,
          col.name,
          col.variable,
          col.label,
          col.letter,
          col.group,
          c.estimate,
          c.se,
          c.n,
          // Space-separated so that two-letter columns (AA, AB…) read back unambiguously.
          c.letters.join(" "),
        ]);
      });
    });
    for (const x of t.tests) {
      const r = t.rows[x.row]!;
      const a = t.columns[x.a]!;
      const b = t.columns[x.b]!;
      tests.push([
        wave,
        x.row,
        r.question,
        r.column,
        r.code,
        r.answer,
        x.a,
        a.letter,
        a.label,
        x.b,
        b.letter,
        b.label,
        x.diff,
        x.se,
        x.t,
        x.p,
        x.p_adjusted,
        x.significant,
      ]);
    }
    info.push([wave, t.rows.length, t.columns.length, t.df, t.level, t.adjust, t.test]);
  }
  return {
    survey_banner: { columns: [...BANNER_CELL_COLUMNS], rows: cells },
    survey_banner_tests: { columns: [...BANNER_TEST_COLUMNS], rows: tests },
    survey_banner_info: { columns: [...BANNER_INFO_COLUMNS], rows: info },
  };
}

const text = (v: Cell | undefined): string => (v === null || v === undefined ? "" : String(v));
const number = (v: Cell | undefined): number =>
  typeof v === "number" ? v : v === null || v === undefined || v === "" ? Number.NaN : Number(v);

/** Rows of a stored table as records (none when absent). */
function recordsOf(t: TableData | undefined): Record<string, Cell>[] {
  if (!t) return [];
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j] ?? null])));
}

/**
 * The banners of a run, wave by wave in stored order, rebuilt from `survey_banner`,
 * `survey_banner_tests` and `survey_banner_info` (empty when the run has no banner).
 */
export function bannersFromTables(
  tables: Record<string, TableData | undefined>,
): { wave: string; table: BannerTable }[] {
  const info = recordsOf(tables.survey_banner_info);
  const cells = recordsOf(tables.survey_banner);
  const tests = recordsOf(tables.survey_banner_tests);
  return info.map((inf) => {
    const wave = text(inf.wave);
    const mine = cells.filter((c) => text(c.wave) === wave);
    const columns: BannerColumn[] = [];
    const rows: BannerRow[] = [];
    for (const c of mine) {
      const j = number(c.col_index);
      const i = number(c.row);
      columns[j] ??= {
        name: text(c.col_name),
        variable: text(c.col_variable),
        label: text(c.col_label),
        letter: text(c.col_letter),
        group: number(c.col_group),
      };
      rows[i] ??= {
        column: text(c.column),
        target: text(c.target),
        attribute: text(c.attribute),
        question: text(c.question),
        code: text(c.code),
        answer: text(c.answer),
        kind: text(c.kind) === "mean" ? "mean" : "share",
        cells: [],
      };
      rows[i].cells[j] = {
        estimate: number(c.estimate),
        se: number(c.se),
        n: number(c.n),
        letters: text(c.letters).split(" ").filter(Boolean),
      };
    }
    const pairs: BannerTest[] = tests
      .filter((x) => text(x.wave) === wave)
      .map((x) => ({
        row: number(x.row),
        a: number(x.col_a),
        b: number(x.col_b),
        diff: number(x.diff),
        se: number(x.se),
        t: number(x.t),
        p: number(x.p_value),
        p_adjusted: number(x.p_adjusted),
        significant: x.significant === true || x.significant === "true",
      }));
    const level = inf.level === null || inf.level === undefined ? null : number(inf.level);
    return {
      wave,
      table: {
        columns,
        rows,
        tests: pairs,
        df: number(inf.df),
        level,
        adjust: (text(inf.adjust) || "none") as BannerAdjust,
        test: text(inf.test),
      },
    };
  });
}
