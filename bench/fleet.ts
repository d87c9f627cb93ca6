/**
 * Fleet figures (issue 14): throughput of `media score --queue` with 1, 2 and 3 worker processes
 * (`softpower worker --threads 1` each, a real redis-server on a loopback port) against the
 * one-process `media score --threads 1` on the same corpus, in wall and CPU time (this machine is
 * shared: the load average is printed with every figure); the queue's overhead at one worker
 * broken down: the coordinator's split pass, Redis commands (counted by Redis, INFO
 * commandstats) × the measured round trip, the worker's Parquet conversion and hash of each part
 * (from the manifest's per-shard phases) against writing CSV only, worker start-up, and the
 * per-shard scheduling gap (a worker's next shard start minus its previous shard's end); peak RSS
 * per worker (getrusage, bench/peak-rss.mjs). Corpus: synthetic JSONL news of
 * SOFTPOWER_BENCH_FLEET_MB MB (default 64; the issue's size is 1024), shards of
 * SOFTPOWER_BENCH_FLEET_SHARD_MB (default: the CLI's 64, or 8 below 256 MB so there are shards
 * to share), worker counts SOFTPOWER_BENCH_FLEET_WORKERS (default 1,2,3). Skips, saying so,
 * without redis-server. Runs alone with `node --import tsx bench/fleet.ts`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { splitCorpus } from "../src/fleet/shards.ts";
import { hasRedis, startRedis } from "../test/fleet/redis.ts";
import { childUsage, measuredCli, runCli } from "./timing.ts";

export async function writeCorpus(file: string, mb: number): Promise<void> {
  let seed = 11;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)]!;
  const who = [
    "China",
    "the United States",
    "Japan",
    "Germany",
    "Huawei",
    "TikTok",
    "France",
    "India",
    "Beijing",
    "Washington",
    "the company",
    "officials",
  ];
  const say = [
    "praised",
    "criticised",
    "welcomed",
    "condemned",
    "met",
    "warned",
    "signed a good deal with",
    "faced bad news about",
    "talked to",
  ];
  const sentence = () =>
    `${pick(who)} ${pick(say)} ${pick(who)} on ${pick(["trade", "security", "climate", "chips", "tourism", "the economy"])} this week.`;
  const out = createWriteStream(file);
  let bytes = 0;
  for (let i = 0; bytes < mb * 2 ** 20; i++) {
    const line = `${JSON.stringify({
      id: `a${i}`,
      date: `2024-${String((i % 12) + 1).padStart(2, "0")}-1${i % 10}`,
      outlet: pick(["Daily A", "Times B", "Post C"]),
      outlet_country: pick(["GBR", "USA", "DEU"]),
      title: sentence(),
      text: Array.from({ length: 10 + Math.floor(rnd() * 30) }, sentence).join(" "),
    })}\n`;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise((r) => out.end(r));
}

const load = () => `load ${loadavg()[0]!.toFixed(1)}`;
const f1 = (x: number) => x.toFixed(1);

/** Redis commands served so far (INFO commandstats: the sum of calls). */
async function redisCalls(url: string): Promise<number> {
  const { Redis } = await import("ioredis");
  const r = new Redis(url);
  try {
    const info = await r.info("commandstats");
    return [...info.matchAll(/calls=(\d+)/g)].reduce((a, m) => a + Number(m[1]), 0);
  } finally {
    r.disconnect();
  }
}

/** Median round trip of a PING, milliseconds. */
async function redisRtt(url: string): Promise<number> {
  const { Redis } = await import("ioredis");
  const r = new Redis(url);
  try {
    const t: number[] = [];
    for (let k = 0; k < 200; k++) {
      const a = performance.now();
      await r.ping();
      t.push(performance.now() - a);
    }
    return t.sort((x, y) => x - y)[100]!;
  } finally {
    r.disconnect();
  }
}

interface ManifestShard {
  worker: string;
  started_at: string;
  ms: number;
  phases?: { score: number; parquet: number; hash: number; cpu: number };
}

/** Gaps (ms) between a worker's shards: next start minus previous end. */
function gaps(shards: ManifestShard[]): number[] {
  const by = new Map<string, ManifestShard[]>();
  for (const s of shards) by.set(s.worker, [...(by.get(s.worker) ?? []), s]);
  const out: number[] = [];
  for (const list of by.values()) {
    list.sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at));
    for (let k = 1; k < list.length; k++)
      out.push(
        Date.parse(list[k]!.started_at) - (Date.parse(list[k - 1]!.started_at) + list[k - 1]!.ms),
      );
  }
  return out;
}

export async function fleetBench(): Promise<void> {
  console.log("\n## Fleet (media score --queue, BullMQ on Redis)");
  if (!hasRedis()) {
    console.log("SKIPPED: redis-server is not installed");
    return;
  }
  const mb = Number(process.env.SOFTPOWER_BENCH_FLEET_MB ?? 64);
  const shardMb = Number(process.env.SOFTPOWER_BENCH_FLEET_SHARD_MB ?? (mb >= 256 ? 64 : 8));
  const counts = (process.env.SOFTPOWER_BENCH_FLEET_WORKERS ?? "1,2,3").split(",").map(Number);
  const dir = mkdtempSync(join(tmpdir(), "sp-bench-fleet-"));
  const corpus = join(dir, "news.jsonl");
  await writeCorpus(corpus, mb);
  const size = statSync(corpus).size / 2 ** 20;
  const redis = await startRedis(dir);
  try {
    console.log(`corpus ${size.toFixed(0)} MB synthetic JSONL, shards of ${shardMb} MB`);
    const t = performance.now();
    const c0 = process.cpuUsage();
    const shards = await splitCorpus([corpus], shardMb * 2 ** 20);
    const splitS = (performance.now() - t) / 1000;
    const cu = process.cpuUsage(c0);
    console.log(
      `split (the coordinator's pass over the file): ${shards.length} shards, ${f1(splitS)} s wall, ${f1((cu.user + cu.system) / 1e6)} s CPU (${load()})`,
    );
    // The one-process baseline twice: CSV output, and Parquet output (what a worker writes for
    // each shard: the same scoring, then DuckDB's CSV -> Parquet conversion).
    const runOne = (file: string) => {
      const r = runCli([
        "media",
        "score",
        "--corpus",
        corpus,
        "--out",
        join(dir, file),
        "--threads",
        "1",
      ]);
      console.log(
        `one process (media score --threads 1 --out ${file}): ${f1(r.wallS)} s wall, ${f1(r.cpuS)} s CPU, ${f1(size / r.wallS)} MB/s wall, ${f1(size / r.cpuS)} MB/s per CPU-second, peak RSS ${r.rssMiB.toFixed(0)} MiB (${load()})`,
      );
      return { s: r.wallS, cpu: r.cpuS };
    };
    const oneCsv = runOne("one.csv");
    const csvMb = statSync(join(dir, "one.csv")).size / 2 ** 20;
    rmSync(join(dir, "one.csv"));
    const onePq = runOne("one.parquet");
    console.log(
      `  the part format's own cost (mentions CSV ${csvMb.toFixed(0)} MB -> Parquet ${(statSync(join(dir, "one.parquet")).size / 2 ** 20).toFixed(0)} MB): ${f1(onePq.s - oneCsv.s)} s wall, ${f1(onePq.cpu - oneCsv.cpu)} s CPU`,
    );
    const oneS = onePq.s;
    const oneU = { cpu: onePq.cpu };
    const rtt = await redisRtt(redis.url);
    let oneWorker = Number.NaN;
    for (const n of counts) {
      const out = join(dir, `out-${n}`);
      const ws: { p: ChildProcess; err: string; exit: Promise<unknown>; ready: Promise<number> }[] =
        [];
      const spawned = performance.now();
      for (let k = 0; k < n; k++) {
        const p = spawn(
          process.execPath,
          measuredCli(["worker", "--queue", redis.url, "--threads", "1"]),
          { stdio: ["ignore", "ignore", "pipe"] },
        );
        let ready: (ms: number) => void = () => {};
        const w = {
          p,
          err: "",
          exit: new Promise((r) => p.once("exit", r)),
          ready: new Promise<number>((r) => {
            ready = r;
          }),
        };
        p.stderr!.on("data", (d: Buffer) => {
          w.err += d.toString();
          if (w.err.includes(" thread(s)")) ready(performance.now() - spawned);
        });
        ws.push(w);
      }
      const startup = await Promise.all(ws.map((w) => w.ready));
      await new Promise((r) => setTimeout(r, 1500)); // BullMQ workers connected
      const calls0 = await redisCalls(redis.url);
      let coord: ReturnType<typeof runCli>;
      try {
        coord = runCli([
          "media",
          "score",
          "--corpus",
          corpus,
          "--queue",
          redis.url,
          "--out",
          out,
          "--shard-mb",
          String(shardMb),
        ]);
      } finally {
        for (const w of ws) w.p.kill("SIGTERM");
        await Promise.all(ws.map((w) => w.exit));
      }
      const s = coord.wallS;
      const calls = (await redisCalls(redis.url)) - calls0;
      const m = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
      const list = m.shards as ManifestShard[];
      const sum = (f: (x: ManifestShard) => number) => list.reduce((a, x) => a + f(x), 0) / 1000;
      const work = sum((x) => x.ms);
      const wu = ws.map((w) => childUsage(w.err));
      const workerCpu = wu.reduce((a, u) => a + u.cpuS, 0);
      const rss = wu.map((u) => u.rssMiB.toFixed(0)).join(", ");
      const g = gaps(list);
      const gapMs = g.length ? g.reduce((a, b) => a + b, 0) / g.length : Number.NaN;
      console.log(
        `${n} worker(s): ${f1(s)} s wall, ${f1(size / s)} MB/s; CPU ${f1(workerCpu)} s workers + ${f1(coord.cpuS)} s coordinator; peak RSS per worker ${rss} MiB, coordinator ${coord.rssMiB.toFixed(0)} MiB (${load()})`,
      );
      if (n === 1) {
        oneWorker = s;
        const score = sum((x) => x.phases?.score ?? 0);
        const parquet = sum((x) => x.phases?.parquet ?? 0);
        const hash = sum((x) => x.phases?.hash ?? 0);
        const shardCpu = sum((x) => x.phases?.cpu ?? 0);
        console.log(
          `  the queue's overhead (vs one process writing Parquet): wall ${(((s - oneS) / oneS) * 100).toFixed(1)}%, CPU ${(((workerCpu + coord.cpuS - oneU.cpu) / oneU.cpu) * 100).toFixed(1)}% (workers + coordinator); vs one process writing CSV: wall ${(((s - oneCsv.s) / oneCsv.s) * 100).toFixed(1)}%`,
        );
        console.log(
          `  breakdown (wall): scoring to CSV ${f1(score)} s, Parquet conversion ${f1(parquet)} s, hash ${f1(hash)} s over ${list.length} shards (CPU inside shards ${f1(shardCpu)} s); split ${f1(splitS)} s; worker start-up ${(startup[0]! / 1000).toFixed(2)} s; ${calls} Redis commands (${(calls / list.length).toFixed(0)} per shard, all clients) x ${rtt.toFixed(2)} ms round trip = ${f1((calls * rtt) / 1000)} s if serial; scheduling gap ${gapMs.toFixed(0)} ms per shard; coordinator wall beyond the shards ${f1(s - work)} s`,
        );
      } else
        console.log(
          `  speed-up vs 1 worker ${(oneWorker / s).toFixed(2)}x; scheduling gap ${gapMs.toFixed(0)} ms per shard; start-up ${startup.map((x) => (x / 1000).toFixed(2)).join(", ")} s`,
        );
    }
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await fleetBench();
