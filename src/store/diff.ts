import { InputError } from "../core/errors.ts";
import { withStore } from "./db.ts";
import { type RunRef, readTableIn, resolveRunRef } from "./read.ts";
import type { Cell, TableData } from "./types.ts";

export interface DiffOptions {
  /** Result table to compare (default "index_scores"). */
  table?: string;
  /** Column naming the unit (default "uCode"). */
  unit?: string;
  /** Score column (default "score"). */
  score?: string;
  /** Rank column (default "rank"). */
  rank?: string;
}

/** A run's table as unit → [score, rank], checking the columns and that units are unique. */
function byUnit(
  t: TableData,
  runId: string,
  o: Required<DiffOptions>,
): Map<string, [number | null, number | null]> {
  const idx = (c: string) => {
    const j = t.columns.indexOf(c);
    if (j < 0)
      throw new InputError(
        `diff: table ${o.table} of run ${runId} has no column "${c}"; its columns: ${t.columns.join(", ")}`,
      );
    return j;
  };
  const [ju, js, jr] = [idx(o.unit), idx(o.score), idx(o.rank)];
  const asNum = (v: Cell) => (typeof v === "number" && !Number.isNaN(v) ? v : null);
  const out = new Map<string, [number | null, number | null]>();
  for (const r of t.rows) {
    const u = String(r[ju] ?? "");
    if (out.has(u))
      throw new InputError(
        `diff: table ${o.table} of run ${runId} has ${o.unit} "${u}" on more than one row; diff compares one row per unit`,
      );
    out.set(u, [asNum(r[js]), asNum(r[jr])]);
  }
  return out;
}

const sub = (b: number | null, a: number | null) => (a === null || b === null ? null : b - a);

/**
 * Compares one table of two runs unit by unit: `<unit>, score_a, score_b, score_change, rank_a,
 * rank_b, rank_change, in_a, in_b`, where changes are b − a (a negative rank_change means the unit
 * moved up) and a unit missing from one run has nulls on that side. Rows come with the largest
 * |rank_change| first (ties: larger |score_change|, then rank in b), then units whose rank change
 * is unknown (present in one run only, or unranked).
 *
 * @throws InputError for unknown or ambiguous runs, a missing table or column, or a unit on two rows.
 * @example await diffRuns(storePath("."), "previous", "latest")
 */
export function diffRuns(
  dbPath: string,
  a: RunRef,
  b: RunRef,
  options: DiffOptions = {},
): Promise<TableData & { a: string; b: string }> {
  const o: Required<DiffOptions> = {
    table: options.table ?? "index_scores",
    unit: options.unit ?? "uCode",
    score: options.score ?? "score",
    rank: options.rank ?? "rank",
  };
  return withStore(dbPath, "read", async (conn) => {
    const idA = await resolveRunRef(conn, dbPath, a);
    const idB = await resolveRunRef(conn, dbPath, b);
    const ua = byUnit(await readTableIn(conn, idA, o.table), idA, o);
    const ub = byUnit(await readTableIn(conn, idB, o.table), idB, o);
    const units = [...ua.keys(), ...[...ub.keys()].filter((u) => !ua.has(u))];
    const rows = units.map((u) => {
      const [sa, ra] = ua.get(u) ?? [null, null];
      const [sb, rb] = ub.get(u) ?? [null, null];
      return [u, sa, sb, sub(sb, sa), ra, rb, sub(rb, ra), ua.has(u), ub.has(u)] as Cell[];
    });
    const abs = (v: Cell) => (typeof v === "number" ? Math.abs(v) : -1);
    const rankOf = (r: Cell[]) =>
      (r[5] as number | null) ?? (r[4] as number | null) ?? Number.POSITIVE_INFINITY;
    rows.sort(
      (x, y) =>
        abs(y[6]) - abs(x[6]) ||
        abs(y[3]) - abs(x[3]) ||
        rankOf(x) - rankOf(y) ||
        String(x[0]).localeCompare(String(y[0])),
    );
    return {
      a: idA,
      b: idB,
      columns: [
        o.unit,
        "score_a",
        "score_b",
        "score_change",
        "rank_a",
        "rank_b",
        "rank_change",
        "in_a",
        "in_b",
      ],
      rows,
    };
  });
}
