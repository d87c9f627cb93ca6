import { access, mkdir, readdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { SingleBar } from "cli-progress";
import { InputError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import { corpusFiles } from "../io/corpus.ts";
import { writeFileAtomic } from "../io/write.ts";
import type { FieldMap } from "../media/corpus-spec.ts";
import { PART_FILE } from "./parts.ts";
import {
  connectionOptions,
  fleetTimings,
  parseQueueUrl,
  pingRedis,
  QUEUES_KEY,
  queueName,
  type ShardJob,
  type ShardResult,
  shardId,
} from "./queue.ts";
import { SHARD_BYTES, splitCorpus } from "./shards.ts";

/** One shard's line in `manifest.json`. */
export interface ManifestShard {
  id: string;
  file: string;
  start: number;
  end: number;
  first_line: number;
  size: number;
  mtime_ms: number;
  status: "done" | "failed";
  attempts: number;
  part?: string;
  sha256?: string;
  articles?: number;
  mentions?: number;
  bad?: number;
  worker?: string;
  started_at?: string;
  ms?: number;
  /** Milliseconds scoring, converting to Parquet, hashing; the worker's CPU ms over the shard. */
  phases?: ShardResult["phases"];
  reason?: string;
}

/** What the coordinator wrote. */
export interface FleetRun {
  queue: string;
  shards: ManifestShard[];
  failed: number;
  mentions: number;
  ms: number;
}

/**
 * The coordinator of `media score --queue`: splits the corpus into shards ({@link splitCorpus}),
 * enqueues one BullMQ job per shard with a deterministic id on a queue of its own (attempts 3,
 * fixed backoff), registers the queue for workers, waits (progress: shards and MB done) until
 * every shard is done or failed for good, then writes `OUT/manifest.json`. Run again with the
 * same settings, it enqueues nothing that exists (finished shards are not redone; a finished
 * shard whose part is missing is enqueued again).
 *
 * @throws InputError for a bad URL, an unreachable Redis, a missing corpus, dedupe in the field
 * map, or (after the manifest is written) shards that failed three times.
 */
export async function runCoordinator(o: {
  corpus: string;
  queue: string;
  out: string;
  map: FieldMap;
  skipBad?: boolean;
  shardBytes?: number;
  progress?: boolean;
  note?: (m: string) => void;
}): Promise<FleetRun> {
  const t0 = Date.now();
  const address = parseQueueUrl(o.queue);
  if (o.map.dedupe)
    throw new InputError(
      `--queue: the field map's "dedupe" is not supported with a fleet: it keeps the first article of each key in corpus order, which needs every earlier shard read first (one process), so shards scored apart cannot apply it. Deduplicate the corpus files before scoring, or remove "dedupe" from the field map, or score without --queue`,
    );
  const files = (await corpusFiles(o.corpus)).map((f) => resolve(f));
  await pingRedis(address);
  const shards = await splitCorpus(files, o.shardBytes ?? SHARD_BYTES);
  const out = resolve(o.out);
  await mkdir(out, { recursive: true });
  const settings = { out, map: o.map, skipBad: !!o.skipBad, version: VERSION };
  const name = queueName(settings);
  const jobs = shards.map((shard) => {
    const data: ShardJob = { ...settings, shard };
    return { id: shardId(data), data };
  });
  const { Queue, QueueEvents } = await import("bullmq");
  const { Redis } = await import("ioredis");
  const t = fleetTimings();
  const conn = connectionOptions(address);
  const queue = new Queue<ShardJob, ShardResult>(name, { connection: conn });
  queue.on("error", () => {});
  const redis = new Redis(conn);
  redis.on("error", () => {});
  const bar = o.progress
    ? new SingleBar({
        format: "shards {value}/{total} | {mb}/{totalMb} MB | failed {failed}",
        hideCursor: true,
      })
    : null;
  try {
    // A finished shard whose part is gone (output folder cleared) is done again.
    for (const j of await queue.getJobs(["completed"])) {
      const part = (j.returnvalue as ShardResult | undefined)?.part;
      if (part && !(await exists(join(out, part)))) await j.remove();
    }
    await queue.addBulk(
      jobs.map((j) => ({
        name: "shard",
        data: j.data,
        opts: {
          jobId: j.id,
          attempts: 3,
          backoff: { type: "fixed", delay: t.backoffMs },
          removeOnComplete: false,
          removeOnFail: false,
        },
      })),
    );
    await redis.sadd(QUEUES_KEY, name);
    o.note?.(
      `queue ${name}: ${jobs.length} shards of ${files.length} file(s); waiting for workers`,
    );
    const size = new Map(jobs.map((j) => [j.id, j.data.shard.end - j.data.shard.start]));
    const totalMb = [...size.values()].reduce((a, b) => a + b, 0) / 2 ** 20;
    bar?.start(jobs.length, 0, { mb: "0", totalMb: totalMb.toFixed(0), failed: 0 });
    // Which shards have ended, from BullMQ's event stream (one message per completion or
    // failure, whatever the number of shards), with a reconcile of the shards still open (each
    // one's state) when the events start, after Redis comes back, and every 10 polls: events
    // published while this process was away or Redis restarting are caught there.
    const open = new Set(size.keys());
    const failedIds = new Set<string>();
    let endedMb = 0;
    const end = (id: string, failed: boolean) => {
      if (!open.delete(id)) return;
      endedMb += size.get(id)! / 2 ** 20;
      if (failed) failedIds.add(id);
      bar?.update(jobs.length - open.size, {
        mb: endedMb.toFixed(0),
        totalMb: totalMb.toFixed(0),
        failed: failedIds.size,
      });
    };
    let wake = () => {};
    const settle = async (ids: Iterable<string>) => {
      const list = [...ids].filter((id) => open.has(id));
      for (let k = 0; k < list.length; k += 500) {
        const batch = list.slice(k, k + 500);
        const states = await Promise.all(batch.map((id) => queue.getJobState(id)));
        batch.forEach((id, i) => {
          if (states[i] === "completed" || states[i] === "failed") end(id, states[i] === "failed");
        });
      }
      if (open.size === 0) wake();
    };
    const events = new QueueEvents(name, { connection: conn });
    events.on("error", () => {});
    // A failed attempt may be retried (the job goes back to waiting): its state says which.
    events.on("completed", ({ jobId }) => void settle([jobId]).catch(() => {}));
    events.on("failed", ({ jobId }) => void settle([jobId]).catch(() => {}));
    try {
      await events.waitUntilReady();
      let since = 0;
      while (open.size > 0) {
        if (since === 0)
          try {
            await settle(open);
          } catch {
            // Redis restarting: the next reconcile asks again
          }
        since = (since + 1) % 10;
        if (open.size === 0) break;
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, t.pollMs);
        });
      }
    } finally {
      await events.close();
    }
    bar?.stop();
    const manifest: ManifestShard[] = [];
    for (const j of jobs) {
      const job = await queue.getJob(j.id);
      if (!job) throw new Error(`shard ${j.id}: its job is gone from the queue ${name}`);
      const state = await job.getState();
      const s = j.data.shard;
      const base = {
        id: j.id,
        file: s.file,
        start: s.start,
        end: s.end,
        first_line: s.firstLine,
        size: s.size,
        mtime_ms: s.mtimeMs,
        attempts: job.attemptsMade,
      };
      const r = job.returnvalue as ShardResult | null;
      if (state === "completed" && r)
        manifest.push({
          ...base,
          status: "done",
          part: r.part,
          sha256: r.sha256,
          articles: r.articles,
          mentions: r.mentions,
          bad: r.bad,
          worker: r.worker,
          started_at: r.startedAt,
          ms: r.ms,
          ...(r.phases ? { phases: r.phases } : {}),
        });
      else manifest.push({ ...base, status: "failed", reason: job.failedReason ?? state });
    }
    const failed = manifest.filter((m) => m.status === "failed");
    const mentions = manifest.reduce((a, m) => a + (m.mentions ?? 0), 0);
    const ms = Date.now() - t0;
    await writeFileAtomic(
      join(out, "manifest.json"),
      `${JSON.stringify(
        {
          version: VERSION,
          queue: name,
          corpus: resolve(o.corpus),
          settings: { map: o.map, skip_bad: !!o.skipBad, shard_bytes: o.shardBytes ?? SHARD_BYTES },
          finished_at: new Date().toISOString(),
          ms,
          totals: {
            shards: manifest.length,
            done: manifest.length - failed.length,
            failed: failed.length,
            articles: manifest.reduce((a, m) => a + (m.articles ?? 0), 0),
            mentions,
            bad: manifest.reduce((a, m) => a + (m.bad ?? 0), 0),
          },
          shards: manifest,
        },
        null,
        2,
      )}\n`,
    );
    // Parts of earlier runs on other shards (the corpus changed since): gone, so the folder holds
    // this run's parts only (summarise and bias read the manifest's list either way).
    const mine = new Set(manifest.flatMap((m) => (m.part ? [m.part] : [])));
    const stale = (await readdir(out)).filter((f) => PART_FILE.test(f) && !mine.has(f));
    for (const f of stale) await rm(join(out, f), { force: true });
    if (stale.length)
      o.note?.(`removed ${stale.length} part file(s) of an earlier run on other shards`);
    await redis.srem(QUEUES_KEY, name);
    if (failed.length)
      throw new InputError(
        `${failed.length} of ${manifest.length} shard(s) failed after 3 attempts: ${failed
          .slice(0, 5)
          .map((f) => `${f.file} bytes ${f.start}-${f.end}: ${f.reason}`)
          .join("; ")}${failed.length > 5 ? "; ..." : ""} (see ${join(out, "manifest.json")})`,
      );
    return { queue: name, shards: manifest, failed: failed.length, mentions, ms };
  } finally {
    bar?.stop();
    await queue.close();
    redis.disconnect();
  }
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}
