import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename, dirname, join } from "node:path";
import { SingleBar } from "cli-progress";
import type { Piscina } from "piscina";
import modelJson from "../../data/media/target-tone-model.json" with { type: "json" };
import type { TableData } from "../composite/tables.ts";
import { InputError } from "../core/errors.ts";
import { workerPool } from "../core/worker-pool.ts";
import { mentionsOrParts } from "../fleet/parts.ts";
import {
  type BadRecord,
  corpusFiles,
  type FileRange,
  isJsonl,
  jsonlChunks,
  readCorpusFile,
} from "../io/corpus.ts";
import { duckQuery, sqlIdent, sqlString } from "../io/duck.ts";
import { gkgChunks, isGkg } from "../io/gdelt.ts";
import { readJsonFile } from "../io/json.ts";
import { vaderLexicon } from "../io/lexicon.ts";
import {
  MentionCsvWriter,
  type ScoredChunk,
  scoreBatchCsv,
  scoreJsonlChunk,
} from "../io/mentions-csv.ts";
import { mentionsCsvToParquet } from "../io/mentions-parquet.ts";
import { type Cell, toCsv, writeFileAtomic } from "../io/write.ts";
import type { BiasPattern } from "../media/bias-patterns.ts";
import { type Article, type FieldMap, FieldMapSchema } from "../media/corpus-spec.ts";
import { MENTION_COLUMNS } from "../media/score.ts";
import type { TargetToneModel } from "../media/target-tone.ts";
import { PERIODS, summariseMentions } from "./media-summarise.ts";

/** Characters of title and text per batch handed to a scoring worker. */
const BATCH_CHARS = 1 << 20;
/** Articles per batch at most (headline corpora reach BATCH_CHARS slowly). */
const BATCH_ARTICLES = 2000;

export interface ScoreOptions {
  corpus: string;
  fields?: string;
  out: string;
  threads?: string;
  skipBad?: boolean;
  /** redis://HOST:PORT/DB: run as the fleet's coordinator (src/fleet), `out` is a folder. */
  queue?: string;
  /** Shard size in MiB with --queue (default 64). */
  shardMb?: string;
}

/**
 * `media score`: streams the corpus, scores its articles (on this thread and, when asked or when
 * there are 2+ cores, on worker threads), writes mention rows to a temporary CSV as they come
 * (memory stays flat), then renames it (or converts it to Parquet with DuckDB).
 */
export async function runScore(o: ScoreOptions): Promise<void> {
  const map: FieldMap = o.fields
    ? await readJsonFile(o.fields, FieldMapSchema)
    : FieldMapSchema.parse({});
  if (o.queue) {
    const { runCoordinator } = await import("../fleet/coordinator.ts");
    const mb = o.shardMb === undefined ? 64 : Number(o.shardMb);
    if (!(mb > 0)) throw new InputError(`--shard-mb must be > 0, got "${o.shardMb}"`);
    const r = await runCoordinator({
      corpus: o.corpus,
      queue: o.queue,
      out: o.out,
      map,
      skipBad: o.skipBad,
      shardBytes: Math.max(1, Math.round(mb * 2 ** 20)),
      progress: process.stdout.isTTY,
      note: (m) => process.stderr.write(`softpower: note: ${m}\n`),
    });
    process.stdout.write(
      `Scored ${r.shards.length} shards: ${r.mentions} mentions; wrote ${o.out}/manifest.json\n`,
    );
    return;
  }
  const threads = o.threads === undefined ? Math.max(1, availableParallelism()) : Number(o.threads);
  if (!Number.isInteger(threads) || threads < 1)
    throw new InputError(`--threads must be a positive integer, got "${o.threads}"`);
  const r = await scoreCorpus({
    corpus: o.corpus,
    map,
    out: o.out,
    threads,
    skipBad: o.skipBad,
    progress: process.stdout.isTTY,
    note: (m) => process.stderr.write(`softpower: note: ${m}\n`),
  });
  process.stdout.write(
    `Scored ${r.articles} articles: ${r.mentions} mentions${r.duplicates ? `, ${r.duplicates} duplicate articles skipped` : ""}${r.bad ? `, ${r.bad} bad records skipped` : ""}; wrote ${o.out}\n`,
  );
}

/** What scoring a corpus counted. */
export interface ScoreCounts {
  articles: number;
  mentions: number;
  duplicates: number;
  bad: number;
}

/**
 * Scores a corpus into a mentions file (CSV, or Parquet by extension), streaming; see runScore.
 * Bad records fail the run with their file and line unless `skipBad` (then they are counted).
 */
export async function scoreCorpus(o: {
  corpus: string;
  map: FieldMap;
  out: string;
  threads: number;
  skipBad?: boolean;
  progress?: boolean;
  note?: (message: string) => void;
  /** Score these files (or byte ranges of them: fleet shards) instead of the corpus's files. */
  files?: { file: string; range?: FileRange }[];
  /** A worker pool of `threads` − 1 threads to use (kept open) instead of starting one. */
  pool?: Piscina;
  /**
   * Score everything on `pool` (then of `threads` threads), none on this thread: a fleet worker's
   * main thread has ioredis loaded, whose `class VerbatimString extends String` makes every
   * string method call on this isolate several times slower (V8 11, Node 20; measured 2×
   * on a shard), so its scoring runs on threads that never load it.
   */
  poolOnly?: boolean;
}): Promise<ScoreCounts> {
  const { map, threads } = o;
  const parquet = /\.parquet$/i.test(o.out);
  const tmp = join(dirname(o.out), `.${basename(o.out)}.tmp-${process.pid}.csv`);
  await mkdir(dirname(o.out), { recursive: true });
  const out = createWriteStream(tmp);
  out.write(`${MENTION_COLUMNS.join(",")}\n`);
  const bad: BadRecord[] = [];
  let articles = 0;
  let mentions = 0;
  const bar = o.progress
    ? new SingleBar({ format: "articles {value} | mentions {mentions}", hideCursor: true })
    : null;
  bar?.start(0, 0, { mentions: 0 });
  // N threads = the main thread and N − 1 workers, all scoring: the main thread's only other
  // work (reading bytes, writing CSV bytes) is small, and a worker costs memory (its own heap and
  // module loader). Small young generations keep the workers' memory flat: their live data is a
  // chunk of about 1 MB and the garbage of one sentence at a time.
  if (o.poolOnly && !o.pool) throw new Error("scoreCorpus: poolOnly needs a pool");
  const workers = o.poolOnly ? threads : threads - 1;
  const pool =
    o.pool ??
    (workers > 0
      ? workerPool(
          "media",
          workers,
          { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 96 },
          2, // the second task waits in the worker, not for this thread to hand it over
        )
      : null);
  const model = modelJson as TargetToneModel;
  const lexicon = vaderLexicon();
  // Results in input order; `done` is set when a worker's result has arrived.
  const pending: { result: Promise<ScoredChunk>; done?: ScoredChunk }[] = [];
  let onPool = 0;
  const writeOut = async (chunk: ScoredChunk) => {
    mentions += chunk.count;
    if (chunk.articles !== undefined) articles += chunk.articles;
    if (chunk.bad) bad.push(...chunk.bad);
    if (chunk.csv.length > 0 && !out.write(chunk.csv))
      await new Promise<void>((res) => out.once("drain", () => res()));
    bar?.update(articles, { mentions });
  };
  /** Writes the results that are ready, in order; waits while more than `upTo` are pending. */
  const flush = async (upTo: number) => {
    while (pending.length > 0 && (pending[0]!.done || pending.length > upTo)) {
      const head = pending[0]!;
      const r = head.done ?? (await head.result);
      pending.shift();
      await writeOut(r);
    }
  };
  const maxPending = 2 * threads + 2; // bounded in-flight work: backpressure on the reader
  /** Scores a chunk or batch on a worker while each has two queued, else on this thread. */
  const dispatch = async (
    viaPool: (p: NonNullable<typeof pool>) => Promise<ScoredChunk>,
    here: () => ScoredChunk,
  ) => {
    if (pool && (o.poolOnly || onPool < 2 * workers)) {
      onPool++;
      const entry: (typeof pending)[number] = { result: viaPool(pool) };
      entry.result.then(
        (r) => {
          onPool--;
          entry.done = r;
        },
        () => onPool--,
      );
      pending.push(entry);
    } else {
      const r = here();
      pending.push({ result: Promise.resolve(r), done: r });
    }
    await flush(maxPending);
  };
  // One thread scores each article as it is read (nothing piles up).
  const inThread = new MentionCsvWriter(lexicon, model);
  let batch: Article[] = [];
  let batchChars = 0;
  const seen = map.dedupe ? new Set<string>() : null;
  let duplicates = 0;
  const submit = async () => {
    if (!batch.length) return;
    const b = batch;
    batch = [];
    batchChars = 0;
    await dispatch(
      (p) => p.run(b),
      () => scoreBatchCsv(b, lexicon, model),
    );
  };
  try {
    const files: { file: string; range?: FileRange }[] =
      o.files ?? (await corpusFiles(o.corpus)).map((file) => ({ file }));
    for (const { file, range } of files) {
      // GDELT GKG records come with their targets and GDELT's tone: rows, no scoring.
      if (isGkg(file)) {
        await submit();
        await flush(0);
        for await (const chunk of gkgChunks(file, map, range)) await writeOut(chunk);
        continue;
      }
      // JSONL files go as chunks of raw lines, parsed where they are scored (a worker gets
      // bytes, moved, not copied); other files, and any file when repeats are skipped (that
      // needs the articles in order), are parsed here.
      if (!seen && isJsonl(file)) {
        await submit();
        for await (const chunk of jsonlChunks(file, map, BATCH_CHARS, range)) {
          await dispatch(
            (p) =>
              p.run(
                { chunk, map },
                { name: "scoreJsonl", transferList: [chunk.bytes.buffer as ArrayBuffer] },
              ),
            () => scoreJsonlChunk(chunk, map, lexicon, model),
          );
        }
        continue;
      }
      // Bad records of chunks are counted when their results are written: keep them in order.
      await flush(0);
      for await (const rec of readCorpusFile(file, map, range)) {
        if ("bad" in rec) {
          bad.push(rec);
          continue;
        }
        if (seen) {
          const key = map.dedupe!.map((k) => rec[k]).join("\u0001");
          if (seen.has(key)) {
            duplicates++;
            continue;
          }
          seen.add(key);
        }
        articles++;
        if (!pool) {
          inThread.add(rec);
          if (inThread.length >= BATCH_CHARS) await writeOut(inThread.take());
          continue;
        }
        batch.push(rec);
        batchChars += rec.title.length + rec.text.length;
        // Batches of about 1 MB of text keep each thread's live data, and so memory, small.
        if (batchChars >= BATCH_CHARS || batch.length >= BATCH_ARTICLES) await submit();
      }
      if (!pool) await writeOut(inThread.take());
    }
    await submit();
    await flush(0);
  } finally {
    await new Promise<void>((res) => out.end(() => res()));
    bar?.stop();
    if (!o.pool) await pool?.destroy();
  }
  if (bad.length) {
    const list = bad
      .slice(0, 10)
      .map((b) => `${b.source}: ${b.reason}`)
      .join("; ");
    if (!o.skipBad) {
      await rm(tmp, { force: true });
      throw new InputError(
        `${bad.length} bad record(s) in ${o.corpus}: ${list}${bad.length > 10 ? "; ..." : ""} (use --skip-bad to skip them)`,
      );
    }
    o.note?.(`skipped ${bad.length} bad record(s): ${list}`);
  }
  if (parquet) {
    const tmpParquet = `${tmp}.parquet`;
    await mentionsCsvToParquet(tmp, tmpParquet, { threads });
    await rename(tmpParquet, o.out);
    await rm(tmp, { force: true });
  } else await rename(tmp, o.out);
  return { articles, mentions, duplicates, bad: bad.length };
}

export { summariseMentions };

/** `media summarise`: mentions, mean tone and shares by the given keys, article-bootstrap CIs. */
export async function runSummarise(o: {
  mentions: string;
  by: string;
  out?: string;
  bootstrap: string;
  seed: string;
  memoryLimit?: string;
}): Promise<void> {
  const by = o.by
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const B = Number(o.bootstrap);
  if (!Number.isInteger(B) || B < 0)
    throw new InputError(`--bootstrap must be an integer >= 0, got "${o.bootstrap}"`);
  if (
    o.memoryLimit !== undefined &&
    !/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(o.memoryLimit)
  )
    throw new InputError(
      `--memory-limit must be a size such as 3GB or 500MiB, got "${o.memoryLimit}"`,
    );
  const { tmpdir } = await import("node:os");
  const t = await summariseMentions(o.mentions, by, {
    bootstrap: B,
    seed: Number(o.seed),
    memoryLimit: o.memoryLimit,
    tempDirectory: join(tmpdir(), `softpower-duckdb-${process.pid}`),
  });
  const csv = toCsv(t.columns, t.rows);
  if (o.out) await writeFileAtomic(o.out, csv);
  else process.stdout.write(csv);
}

/** `media bias`: tone toward a target vs a comparison set in an outlet group, with FE and clustered SEs. */
export async function runBias(o: {
  mentions: string;
  group: string;
  target: string;
  compare: string;
  period: string;
  out?: string;
  level: string;
}): Promise<void> {
  const m = /^([a-z_]+)=(.+)$/.exec(o.group);
  if (!m || !["outlet", "outlet_country"].includes(m[1]!))
    throw new InputError(`--group must be outlet=NAME or outlet_country=ISO3, got "${o.group}"`);
  if (!PERIODS[o.period])
    throw new InputError(
      `--period must be one of ${Object.keys(PERIODS).join(", ")}, got "${o.period}"`,
    );
  const compare = o.compare
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (compare.length === 0) throw new InputError("--compare: give at least one comparison target");
  if (compare.includes(o.target))
    throw new InputError(`--compare must not include the target ${o.target}`);
  const t = await biasTable(o.mentions, {
    field: m[1] as "outlet" | "outlet_country",
    value: m[2]!,
    target: o.target,
    compare,
    period: o.period,
    level: Number(o.level),
  });
  const csv = toCsv(t.columns, t.rows);
  if (o.out) await writeFileAtomic(o.out, csv);
  else process.stdout.write(csv);
}

/**
 * Tone toward `target` minus tone toward the comparison targets in one outlet group, with frame
 * and period fixed effects and article-clustered SEs (media/bias.ts): one row. Streams in DuckDB
 * over the file or the folder's Parquet glob (media/bias-patterns.ts): pass 1 counts mentions and
 * sums tone exactly (DECIMAL(38, 18)) by pattern (is target, frames, period), node fits β from
 * these; pass 2 sums each article's c_p·(T_gp − n_gp·f_p) by pattern in pattern order (s_g) and
 * Σ_g s_g² exactly (each s_g·2^k squared as DECIMAL(38, 18), 2^k chosen so the largest is about
 * 2³²). Only patterns and four numbers reach node; one file and its parts give the same digits.
 */
export async function biasTable(
  mentions: string,
  o: {
    field: "outlet" | "outlet_country";
    value: string;
    target: string;
    compare: string[];
    period: string;
    level: number;
    memoryLimit?: string;
    tempDirectory?: string;
  },
): Promise<TableData> {
  const { compare } = o;
  const { checkMentionColumns } = await import("../fleet/parts.ts");
  await checkMentionColumns(mentions, ["tone", "target", "frames", "date", "article_id", o.field]);
  const sel = `SELECT target = ${sqlString(o.target)} AS is_target,
      array_to_string(list_sort(list_distinct(list_filter(string_split(coalesce(frames, ''), ';'), x -> x <> ''))), ';') AS fk,
      coalesce(${PERIODS[o.period]}, '') AS period, article_id, CAST(tone AS DECIMAL(38, 18)) AS t
    FROM ${mentionsOrParts(mentions)}
    WHERE ${sqlIdent(o.field)} = ${sqlString(o.value)} AND target IN (${[o.target, ...compare].map(sqlString).join(", ")})`;
  const duck = { memoryLimit: o.memoryLimit, tempDirectory: o.tempDirectory };
  const pats = await duckQuery(
    [
      `SELECT is_target, fk, period, count(*) AS n, CAST(coalesce(sum(t), 0) AS VARCHAR) AS ts
       FROM (${sel}) GROUP BY ALL ORDER BY is_target, fk, period`,
    ],
    duck,
  );
  const patterns: BiasPattern[] = pats.map((r) => ({
    isTarget: r.is_target === true,
    frames: String(r.fk).split(";").filter(Boolean),
    period: String(r.period),
    n: Number(r.n),
    toneSum: String(r.ts),
  }));
  const { biasFromClusters, fitBiasPatterns } = await import("../media/bias-patterns.ts");
  const fit = fitBiasPatterns(patterns);
  const values = pats
    .map(
      (r, i) =>
        `(${r.is_target === true}, ${sqlString(String(r.fk))}, ${sqlString(String(r.period))}, ${i}, CAST(${sqlString(String(fit.coef[i]))} AS DOUBLE), CAST(${sqlString(String(fit.fitted[i]))} AS DOUBLE))`,
    )
    .join(",\n");
  const [cl] = await duckQuery(
    [
      `CREATE TEMP TABLE pat AS SELECT * FROM (VALUES ${values}) v(is_target, fk, period, pid, c, f)`,
      `CREATE TEMP TABLE sg AS
       SELECT sum(c * (CAST(t AS DOUBLE) - n * f) ORDER BY pid) AS s
       FROM (SELECT article_id, pid, count(*) AS n, coalesce(sum(t), 0) AS t
             FROM (${sel}) JOIN pat USING (is_target, fk, period) GROUP BY article_id, pid)
         JOIN pat USING (pid)
       GROUP BY article_id`,
      `WITH m AS (SELECT max(abs(s)) AS m FROM sg),
         k AS (SELECT CASE WHEN m > 0 THEN pow(2.0, 16 - CAST(ceil(log2(m)) AS INTEGER)) ELSE 1.0 END AS k FROM m)
       SELECT count(*) AS g, any_value(k) AS k,
         CAST(coalesce(sum(CAST((s * k) * (s * k) AS DECIMAL(38, 18))), 0) AS VARCHAR) AS ss
       FROM sg, k`,
    ],
    duck,
  );
  const k = Number(cl!.k);
  const b = biasFromClusters(
    fit,
    { G: Number(cl!.g), sumSquares: Number(cl!.ss) / (k * k) },
    o.level,
  );
  const cols = [
    "group",
    "target",
    "compare",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "n_mentions",
    "n_articles",
    "n_target",
    "n_compare",
    "raw_difference",
  ] as const;
  const record: Record<string, Cell> = {
    group: `${o.field}=${o.value}`,
    target: o.target,
    compare: compare.join(";"),
    ...b,
  };
  return { columns: [...cols], rows: [cols.map((c) => record[c])] };
}
