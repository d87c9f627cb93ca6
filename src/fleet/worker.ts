import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { Job, Worker } from "bullmq";
import type { Piscina } from "piscina";
import { mentionsCsvToParquet } from "../io/mentions-parquet.ts";
import { scoreCorpus } from "../tasks/media.ts";
import {
  connectionOptions,
  fleetTimings,
  QUEUES_KEY,
  type RedisAddress,
  type ShardJob,
  type ShardResult,
} from "./queue.ts";

/**
 * Scores one shard into `OUT/part-<id>.parquet` with the one-machine code (scoreCorpus over the
 * shard's byte range), atomically: mention rows go to a hidden temporary CSV on the local disk, DuckDB converts it
 * to a hidden temporary Parquet file, which is renamed into place. A retry of the same shard
 * writes the same rows under the same name.
 *
 * @throws Error when the file changed since it was split (size or mtime), or InputError for bad
 * records without skipBad (BullMQ retries, then reports the reason).
 */
export async function scoreShard(
  id: string,
  j: ShardJob,
  o: { threads: number; pool: Piscina; worker: string },
): Promise<ShardResult> {
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const s = j.shard;
  const st = await stat(s.file);
  if (st.size !== s.size || st.mtimeMs !== s.mtimeMs)
    throw new Error(`${s.file}: changed since the corpus was split (size or mtime)`);
  const tag = `${hostname()}-${process.pid}`;
  // The rows' CSV (several times the Parquet part's size) stays on the worker's local disk; only
  // the Parquet file is written to the shared folder (hidden, then renamed there).
  const tmpCsv = join(tmpdir(), `.part-${id}.tmp-${tag}.csv`);
  const tmpParquet = join(j.out, `.part-${id}.tmp-${tag}.parquet`);
  const part = join(j.out, `part-${id}.parquet`);
  try {
    const counts = await scoreCorpus({
      corpus: s.file,
      files: [{ file: s.file, range: { start: s.start, end: s.end, firstLine: s.firstLine } }],
      map: j.map,
      out: tmpCsv,
      threads: o.threads,
      skipBad: j.skipBad,
      pool: o.pool,
      poolOnly: true,
    });
    const t1 = Date.now();
    // DuckDB on the worker's own thread budget (by default it takes every core, which the
    // other workers of the machine are using).
    await mentionsCsvToParquet(tmpCsv, tmpParquet, { threads: o.threads });
    const t2 = Date.now();
    const { testDelayMs } = fleetTimings();
    if (testDelayMs) await new Promise((r) => setTimeout(r, testDelayMs));
    const t3 = Date.now();
    const sha256 = await fileHash(tmpParquet);
    await rename(tmpParquet, part);
    const cpu = process.cpuUsage(cpu0);
    return {
      part: `part-${id}.parquet`,
      sha256,
      ...counts,
      worker: o.worker,
      startedAt: new Date(t0).toISOString(),
      ms: Date.now() - t0,
      phases: {
        score: t1 - t0,
        parquet: t2 - t1,
        hash: Date.now() - t3,
        cpu: Math.round((cpu.user + cpu.system) / 1000),
      },
    };
  } finally {
    await rm(tmpCsv, { force: true });
    await rm(tmpParquet, { force: true });
  }
}

async function fileHash(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const b of createReadStream(path)) h.update(b as Buffer);
  return h.digest("hex");
}

/**
 * A fleet worker: watches Redis for scoring queues (the set {@link QUEUES_KEY}), runs a BullMQ
 * worker on each (one shard at a time), and stops on `signal` after the shard in hand. Each shard
 * uses `threads` worker threads (a shared pool; this thread only talks to Redis). BullMQ's lock (renewed while
 * the shard runs) and stalled-job check move the shard of a dead worker back to the queue.
 */
export async function runFleetWorker(o: {
  address: RedisAddress;
  threads: number;
  signal: AbortSignal;
  log?: (m: string) => void;
}): Promise<void> {
  const { Worker: BullWorker } = await import("bullmq");
  const { Redis } = await import("ioredis");
  const { workerPool } = await import("../core/worker-pool.ts");
  const t = fleetTimings();
  const conn = connectionOptions(o.address);
  const redis = new Redis(conn);
  redis.on("error", () => {});
  const name = `${hostname()}:${process.pid}`;
  // Every shard is scored on `threads` worker threads, none on this one: this thread has ioredis
  // loaded, and its String subclass slows string methods on the whole isolate (scoreCorpus's
  // poolOnly); the worker threads never load it.
  // A 48 MB young generation: on a 64 MB shard, 4 MB (the one-process pool's, where threads
  // share a machine's memory) cost up to 20% more CPU in scavenges and 16 MB about 4% more
  // (16.3-16.6 s against 15.7-15.8 s CPU; one process on its main thread: 15.4 s); peak RSS
  // 229-264 MiB (64 MB: 294 MiB, too near the 300 MiB budget).
  const pool = workerPool(
    "media",
    o.threads,
    { maxYoungGenerationSizeMb: 48, maxOldGenerationSizeMb: 96 },
    2,
  );
  const workers = new Map<string, Worker>();
  const process_ = async (job: Job<ShardJob, ShardResult>) => {
    await job.updateProgress({ worker: name, phase: "scoring" });
    const r = await scoreShard(job.id!, job.data, { threads: o.threads, pool, worker: name });
    o.log?.(`${job.id} ${r.mentions} mentions in ${r.ms} ms`);
    return r;
  };
  const sync = async () => {
    let names: string[];
    try {
      names = await redis.smembers(QUEUES_KEY);
    } catch {
      return; // Redis away: BullMQ's own connections reconnect; try again next poll
    }
    for (const q of names) {
      if (workers.has(q)) continue;
      const w = new BullWorker<ShardJob, ShardResult>(q, process_, {
        connection: conn,
        concurrency: 1,
        lockDuration: t.lockMs,
        stalledInterval: t.stalledMs,
        maxStalledCount: 3,
        name,
      });
      w.on("error", () => {});
      w.on("failed", (job, err) => o.log?.(`${job?.id} failed: ${err.message}`));
      workers.set(q, w);
    }
    for (const [q, w] of workers)
      if (!names.includes(q)) {
        workers.delete(q);
        void w.close();
      }
  };
  await sync();
  const timer = setInterval(() => void sync(), t.pollMs);
  await new Promise<void>((res) => {
    if (o.signal.aborted) res();
    else o.signal.addEventListener("abort", () => res(), { once: true });
  });
  clearInterval(timer);
  await Promise.all([...workers.values()].map((w) => w.close()));
  redis.disconnect();
  await pool.destroy();
}
