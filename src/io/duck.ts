/** SQL string literal (single quotes doubled). */
export const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** A quoted SQL identifier. */
export const sqlIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** DuckDB settings: `threads`, `memory_limit` (e.g. "3GB"; beyond it DuckDB spills to `temp_directory`). */
export interface DuckOptions {
  threads?: number;
  memoryLimit?: string;
  tempDirectory?: string;
}

/**
 * Runs `f` with one in-memory DuckDB connection, so that later statements may depend on earlier
 * results (temporary tables, a value read back into node); `run` returns a statement's rows as
 * JSON values. The database is closed when `f` settles.
 *
 * @example await duckSession({ threads: 2 }, async (run) => (await run("SELECT 42 AS x"))[0]!.x) // 42
 */
export async function duckSession<T>(
  o: DuckOptions,
  f: (run: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>,
): Promise<T> {
  // Loaded on first use: DuckDB's bindings add ~30 MB to a process that never queries.
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const config: Record<string, string> = {};
  if (o.threads) config.threads = String(o.threads);
  if (o.memoryLimit) config.memory_limit = o.memoryLimit;
  if (o.tempDirectory) config.temp_directory = o.tempDirectory;
  const instance = await DuckDBInstance.create(":memory:", config);
  const conn = await instance.connect();
  try {
    return await f(
      async (sql) =>
        (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[],
    );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Runs statements on an in-memory DuckDB ({@link duckSession}) and returns the rows of the last one. */
export async function duckQuery(
  statements: string[],
  o: DuckOptions = {},
): Promise<Record<string, unknown>[]> {
  return duckSession(o, async (run) => {
    let rows: Record<string, unknown>[] = [];
    for (const sql of statements) rows = await run(sql);
    return rows;
  });
}

/** A table-valued SQL expression reading a mentions file (CSV or Parquet). */
export function mentionsSource(path: string): string {
  return /\.parquet$/i.test(path)
    ? `read_parquet(${sqlString(path)})`
    : `read_csv(${sqlString(path)}, header = true, types = {'tone': 'DOUBLE', 'sentence_index': 'INTEGER', 'date': 'VARCHAR', 'frames': 'VARCHAR', 'article_id': 'VARCHAR'})`;
}
