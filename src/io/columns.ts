import { stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import { cannotRead, InputError } from "../core/errors.ts";
import { type ColumnTable, csvFileColumns } from "./csv-columns.ts";
import { parseCsv, parseNumber, readText, type Table } from "./table.ts";

export type { ColumnTable } from "./csv-columns.ts";

/** How to read a table column by column. */
export interface ColumnOptions {
  /** CSV field delimiter (default: tab for .tsv/.tab, else as {@link parseCsv} chooses). */
  delimiter?: string;
}

/**
 * Reads a CSV, TSV or Parquet file into typed columns: a column is a Float64Array (NaN =
 * missing) when every cell is a number or missing ({@link parseNumber}: "", "NA", "NaN",
 * "#N/A", "NULL"), else its cells as strings, exactly as {@link parseCsv} reads them.
 *
 * CSV/TSV: one pass over the bytes ({@link csvColumns}); a file outside its common case (or with
 * an error: a ragged row, an unbalanced quote, invalid UTF-8) is read again with the strict
 * parser (csv-parse), which gives the same columns or the error message as {@link readTable}.
 * Parquet: DuckDB (loaded on first use); numeric columns as numbers, others as text (then
 * numbers when every cell is one, as in CSV), NULL = missing.
 *
 * @throws InputError naming the file (and line) when it cannot be read or parsed
 */
export async function readColumns(path: string, options: ColumnOptions = {}): Promise<ColumnTable> {
  const ext = extname(path).toLowerCase();
  const file = basename(path);
  if (ext === ".parquet") return readParquetColumns(path, file);
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (e) {
    throw cannotRead(path, e);
  }
  const delimiter = options.delimiter ?? (ext === ".tsv" || ext === ".tab" ? "\t" : undefined);
  const fast = isFile ? csvFileColumns(path, delimiter, file) : null;
  if (fast) return fast;
  const text = await readText(path);
  // Large files: skip per-record line tracking (rows are numbered by position).
  return columnsFromTable(
    parseCsv(text, file, { lineNumbers: text.length < 2_000_000, delimiter }),
  );
}

/** The columns of a table of strings; see {@link readColumns}. */
export function columnsFromTable(t: Table): ColumnTable {
  const n = t.rows.length;
  const columns = t.columns.map((_, j): Float64Array | string[] => {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = parseNumber(t.rows[i]![j] ?? "");
      if (v === undefined) return t.rows.map((r) => r[j] ?? "");
      values[i] = v;
    }
    return values;
  });
  return { file: t.file, names: t.columns, columns, n };
}

const NUMERIC_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(.*\))$/;

async function readParquetColumns(path: string, file: string): Promise<ColumnTable> {
  const { sqlIdent, sqlString } = await import("./duck.ts");
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    const src = `read_parquet(${sqlString(path)})`;
    let described: Record<string, unknown>[];
    let n: number;
    try {
      described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjectsJson();
      n = Number(
        (await conn.runAndReadAll(`SELECT count(*) AS n FROM ${src}`)).getRowObjectsJson()[0]!.n,
      );
    } catch (e) {
      throw new InputError(`${path}: cannot read as Parquet (${(e as Error).message})`);
    }
    const names = described.map((d) => String(d.column_name));
    const numeric = described.map((d) => NUMERIC_TYPE.test(String(d.column_type)));
    const text = (c: string) => `coalesce(CAST(${sqlIdent(c)} AS VARCHAR), '')`;
    // Text with few distinct values as an ENUM: each value's string is made once, not per row.
    const distinct = numeric.every((x) => x)
      ? {}
      : (
          await conn.runAndReadAll(
            `SELECT ${names
              .filter((_, j) => !numeric[j])
              .map((c) => `count(DISTINCT ${text(c)}) AS ${sqlIdent(c)}`)
              .join(", ")} FROM ${src}`,
          )
        ).getRowObjectsJson()[0]!;
    const select: string[] = [];
    for (const [j, c] of names.entries()) {
      if (numeric[j]) select.push(`coalesce(CAST(${sqlIdent(c)} AS DOUBLE), 'NaN'::DOUBLE)`);
      else if (Number(distinct[c]) <= 65_535) {
        await conn.run(
          `CREATE TYPE softpower_e${j} AS ENUM (SELECT DISTINCT ${text(c)} FROM ${src})`,
        );
        select.push(`CAST(${text(c)} AS softpower_e${j})`);
      } else select.push(text(c));
    }
    const numbers = numeric.map((isNum) => (isNum ? new Float64Array(n) : null));
    const strings = numeric.map((isNum) => (isNum ? null : new Array<string>(n)));
    const result = await conn.stream(`SELECT ${select.join(", ")} FROM ${src}`);
    let row = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const m = chunk.rowCount;
      if (row + m > n) throw new InputError(`${path}: more rows than counted`);
      for (let j = 0; j < names.length; j++) {
        const vector = chunk.getColumnVector(j);
        const out = numbers[j];
        if (out) out.set((vector as unknown as { items: Float64Array }).items.subarray(0, m), row);
        else {
          const s = strings[j]!;
          for (let i = 0; i < m; i++) s[row + i] = vector.getItem(i) as string;
        }
      }
      row += m;
    }
    const columns = names.map((_, j): Float64Array | string[] => {
      const v = numbers[j];
      if (v) return v;
      const s = strings[j]!;
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const x = parseNumber(s[i]!);
        if (x === undefined) return s;
        values[i] = x;
      }
      return values;
    });
    return { file, names, columns, n };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
