import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { type Cell, toCsv, writeFileAtomic } from "../io/write.ts";
import { noRunsError, storePath } from "../store/db.ts";
import { diffRuns } from "../store/diff.ts";
import { listRuns } from "../store/read.ts";

/** Left-aligned text columns, two spaces apart (numbers right-aligned). */
function formatTable(columns: string[], rows: string[][], right: boolean[] = []): string {
  const width = columns.map((c, j) => Math.max(c.length, ...rows.map((r) => r[j]!.length)));
  const line = (r: string[]) =>
    r
      .map((v, j) => (right[j] ? v.padStart(width[j]!) : v.padEnd(width[j]!)))
      .join("  ")
      .trimEnd();
  return `${[line(columns), ...rows.map(line)].join("\n")}\n`;
}

/** "2026-11-28T19:15:02.431Z" → "2026-11-28 19:15:02" (UTC). */
const shortTime = (iso: string) => iso.replace("T", " ").replace(/\.\d+Z$|Z$/, "");

async function runsList(dir: string, o: { json?: boolean }): Promise<void> {
  const db = storePath(dir);
  const runs = await listRuns(db);
  if (runs.length === 0) throw noRunsError(db);
  if (o.json) {
    process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    return;
  }
  const note = (r: (typeof runs)[number]) =>
    [r.synthetic ? "synthetic data" : "", r.status === "complete" ? "" : "INCOMPLETE"]
      .filter(Boolean)
      .join(", ");
  const withNotes = runs.some((r) => note(r) !== "");
  const columns = [
    "id",
    "time (UTC)",
    "study",
    "version",
    "tables",
    ...(withNotes ? ["note"] : []),
  ];
  process.stdout.write(
    formatTable(
      columns,
      runs.map((r) => [
        r.id,
        shortTime(r.startedAt),
        r.study,
        r.version,
        String(r.tables),
        ...(withNotes ? [note(r)] : []),
      ]),
      [false, false, false, false, true, false],
    ),
  );
}

interface DiffOptions {
  table: string;
  unit: string;
  score: string;
  rank: string;
  json?: boolean;
  out?: string;
}

const num = (v: Cell, signed = false): string => {
  if (typeof v !== "number") return "";
  const s = String(Number(v.toFixed(4)));
  return signed && v > 0 ? `+${s}` : s;
};

async function runsDiff(a: string, b: string, dir: string, o: DiffOptions): Promise<void> {
  const d = await diffRuns(storePath(dir), a, b, o);
  if (o.out) await writeFileAtomic(o.out, toCsv(d.columns, d.rows));
  if (o.json) {
    const units = d.rows.map((r) => Object.fromEntries(d.columns.map((c, j) => [c, r[j] ?? null])));
    process.stdout.write(`${JSON.stringify({ a: d.a, b: d.b, table: o.table, units }, null, 2)}\n`);
    return;
  }
  const moved = d.rows.filter((r) => typeof r[6] === "number" && r[6] !== 0).length;
  const added = d.rows.filter((r) => !r[7]).length;
  const dropped = d.rows.filter((r) => !r[8]).length;
  process.stdout.write(
    `${o.table}: run ${d.a} (a) -> run ${d.b} (b), ${d.rows.length} units: ${moved} changed rank, ${added} only in b, ${dropped} only in a\n`,
  );
  process.stdout.write(
    formatTable(
      [o.unit, "score_a", "score_b", "change", "rank_a", "rank_b", "rank_change", ""],
      d.rows.map((r) => [
        String(r[0]),
        num(r[1]),
        num(r[2]),
        num(r[3], true),
        num(r[4]),
        num(r[5]),
        num(r[6], true),
        r[7] ? (r[8] ? "" : "only in a") : "only in b",
      ]),
      [false, true, true, true, true, true, true, false],
    ),
  );
  if (o.out) process.stdout.write(`Wrote ${o.out}\n`);
}

/** `softpower runs list|diff`: the runs recorded in a study's store, and how two of them differ. */
export function registerRunsCommand(program: Command): void {
  const runs = program
    .command("runs")
    .description("List the runs stored in DIR/.softpower/study.duckdb, or compare two of them");
  runs
    .command("list")
    .description("List the stored runs, newest first")
    .argument("[dir]", "study folder", ".")
    .option("--json", "print the runs as JSON")
    .action((dir: string, o: { json?: boolean }) => runsList(dir, o));
  runs
    .command("diff")
    .description("Compare a table of two runs unit by unit; units whose rank changed most first")
    .argument("<a>", 'run id, unique prefix of one, "latest" or "previous"')
    .argument("<b>", 'run id, unique prefix of one, "latest" or "previous"')
    .argument("[dir]", "study folder", ".")
    .option("--table <name>", "result table to compare", "index_scores")
    .option("--unit <column>", "column naming the unit", "uCode")
    .option("--score <column>", "score column", "score")
    .option("--rank <column>", "rank column", "rank")
    .option("--json", "print the comparison as JSON")
    .option("--out <file>", "also write the comparison as CSV")
    .addHelpText("after", "\nExample:\n  softpower runs diff previous latest examples/demo")
    .action((a: string, b: string, dir: string, o: DiffOptions) => {
      if (o.out !== undefined && o.out.trim() === "")
        throw new InputError("--out needs a file name");
      return runsDiff(a, b, dir, o);
    });
}
