/** SQL string literal (single quotes doubled). */
export const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** A quoted SQL identifier. */
export const sqlIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * Runs statements on an in-memory DuckDB and returns the rows of the last one as JSON objects.
 * Options: DuckDB's `threads`, `memory_limit` (e.g. "3GB"; beyond it DuckDB spills to
 * `temp_directory`).
 */
export async function duckQuery(
  statements: string[],
  o: { threads?: number; memoryLimit?: string; tempDirectory?: string } = {},
): Promise<Record<string, unknown>[]> {
  // Loaded on first use: DuckDB's bindings add ~30 MB to a process that never queries.
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const config: Record<string, string> = {};
  if (o.threads) config.threads = String(o.threads);
  if (o.memoryLimit) config.memory_limit = o.memoryLimit;
  if (o.tempDirectory) config.temp_directory = o.tempDirectory;
  const instance = await DuckDBInstance.create(":memory:", config);
  const conn = await instance.connect();
  try {
    let rows: Record<string, unknown>[] = [];
    for (const sql of statements)
      rows = (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    return rows;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** A table-valued SQL expression reading a mentions file (CSV or Parquet). */
export function mentionsSource(path: string): string {
  return /\.parquet$/i.test(path)
    ? `read_parquet(${sqlString(path)})`
    : `read_csv(${sqlString(path)}, header = true, types = {'tone': 'DOUBLE', 'sentence_index': 'INTEGER', 'date': 'VARCHAR', 'frames': 'VARCHAR', 'article_id': 'VARCHAR'})`;
}
