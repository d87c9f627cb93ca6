import { createHash } from "node:crypto";
import { InputError } from "../core/errors.ts";
import type { FieldMap } from "../media/corpus-spec.ts";
import type { Shard } from "./shards.ts";

/** Where the fleet's Redis is: from `redis://[user:password@]HOST:PORT/DB`. */
export interface RedisAddress {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
}

/**
 * Parses a `--queue` URL: `redis://HOST:PORT/DB` (port 6379 and db 0 when left out).
 *
 * @throws InputError naming the URL when it is not a redis:// URL or its port/db are invalid.
 * @example
 * parseQueueUrl("redis://10.0.0.5:6379/2"); // { host: "10.0.0.5", port: 6379, db: 2 }
 */
export function parseQueueUrl(url: string): RedisAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`--queue: not a URL: "${url}" (use redis://HOST:PORT/DB)`);
  }
  if (u.protocol !== "redis:")
    throw new InputError(`--queue: "${url}" is not a redis:// URL (use redis://HOST:PORT/DB)`);
  if (!u.hostname) throw new InputError(`--queue: "${url}" has no host`);
  const port = u.port ? Number(u.port) : 6379;
  const path = u.pathname.replace(/^\//, "");
  const db = path === "" ? 0 : Number(path);
  if (!(Number.isInteger(db) && db >= 0 && db < 1024 && /^\d*$/.test(path)))
    throw new InputError(`--queue: database "${path}" in "${url}" must be a number >= 0`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

/** ioredis options for BullMQ (blocking commands need maxRetriesPerRequest null: retry forever). */
export function connectionOptions(a: RedisAddress) {
  return {
    ...a,
    maxRetriesPerRequest: null,
    retryStrategy: (n: number) => Math.min(n * 200, 2000),
  };
}

/**
 * Checks that Redis answers at the address (one PING, 3 s timeout, no retries).
 *
 * @throws InputError "cannot reach Redis at HOST:PORT (reason)".
 */
export async function pingRedis(a: RedisAddress): Promise<void> {
  const { Redis } = await import("ioredis");
  const r = new Redis({
    ...a,
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let cause: NodeJS.ErrnoException | undefined;
  r.on("error", (e: NodeJS.ErrnoException) => {
    cause ??= e;
  });
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    const err = cause ?? (e as NodeJS.ErrnoException);
    throw new InputError(`cannot reach Redis at ${a.host}:${a.port} (${err.code ?? err.message})`);
  } finally {
    r.disconnect();
  }
}

/** The Redis set of the scoring queues that want workers (the coordinator adds its queue). */
export const QUEUES_KEY = "softpower:fleet:queues";

/** What a worker needs to score a shard; the job's id is {@link shardId} of it. */
export interface ShardJob {
  shard: Shard;
  /** The output folder (absolute; a path every worker sees: a shared file system). */
  out: string;
  map: FieldMap;
  skipBad: boolean;
  version: string;
}

/** What a worker reports for a finished shard (the job's return value). */
export interface ShardResult {
  part: string;
  sha256: string;
  articles: number;
  mentions: number;
  duplicates: number;
  bad: number;
  worker: string;
  startedAt: string;
  ms: number;
  /**
   * Where the shard's time went (milliseconds): scoring into the temporary CSV, its conversion to
   * Parquet (DuckDB), hashing the part; `cpu` is the worker process's CPU time over the shard
   * (all threads, DuckDB's too).
   */
  phases?: { score: number; parquet: number; hash: number; cpu: number };
}

const hash = (v: unknown) => createHash("sha256").update(JSON.stringify(v)).digest("hex");

/** The queue of one scoring job: a hash of its settings (output folder, field map, options). */
export function queueName(j: Omit<ShardJob, "shard">): string {
  return `softpower-score-${hash([j.out, j.map, j.skipBad, j.version]).slice(0, 16)}`;
}

/**
 * A shard's deterministic id (the BullMQ job id and the part's name): a hash of the job's
 * settings, the file, its size, mtime and byte range. The same inputs give the same id, so
 * enqueueing again never duplicates a job and a retry can only rewrite the same part.
 */
export function shardId(j: ShardJob): string {
  const s = j.shard;
  return hash([
    j.out,
    j.map,
    j.skipBad,
    j.version,
    s.file,
    s.size,
    s.mtimeMs,
    s.start,
    s.end,
  ]).slice(0, 24);
}

/** Test-only timing knobs (short lock and stalled intervals), from the environment. */
export function fleetTimings() {
  const n = (k: string, d: number) => {
    const v = Number(process.env[k]);
    return Number.isFinite(v) && v > 0 ? v : d;
  };
  return {
    lockMs: n("SOFTPOWER_FLEET_LOCK_MS", 30_000),
    stalledMs: n("SOFTPOWER_FLEET_STALLED_MS", 30_000),
    pollMs: n("SOFTPOWER_FLEET_POLL_MS", 1000),
    backoffMs: n("SOFTPOWER_FLEET_BACKOFF_MS", 5000),
    /** Pause before a part is renamed into place (tests kill a worker in it). */
    testDelayMs: n("SOFTPOWER_FLEET_TEST_DELAY_MS", 0),
  };
}
