/**
 * Fleet figures (issue 14): throughput of `media score --queue` with 1, 2 and 3 worker processes
 * (`softpower worker --threads 1` each, a real redis-server on a loopback port) against the
 * one-process `media score --threads 1` on the same corpus; the queue's overhead at one worker;
 * per-shard scheduling latency (wall time at one worker minus the shards' own scoring time, per
 * shard); peak RSS per worker (getrusage, bench/peak-rss.mjs). Corpus: synthetic JSONL news of
 * SOFTPOWER_BENCH_FLEET_MB MB (default 64; the issue's size is 1024), shards of
 * SOFTPOWER_BENCH_FLEET_SHARD_MB (default 8). Skips, saying so, without redis-server. Runs alone
 * with `node --import tsx bench/fleet.ts`.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hasRedis, startRedis } from "../test/fleet/redis.ts";

const BIN = fileURLToPath(new URL("../bin/softpower.js", import.meta.url));
const RSS = fileURLToPath(new URL("./peak-rss.mjs", import.meta.url));

async function writeCorpus(file: string, mb: number): Promise<void> {
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

const peak = (stderr: string) => Number(/maxrss_kib=(\d+)/.exec(stderr)?.[1] ?? Number.NaN) / 1024;

export async function fleetBench(): Promise<void> {
  console.log("\n## Fleet (media score --queue, BullMQ on Redis)");
  if (!hasRedis()) {
    console.log("SKIPPED: redis-server is not installed");
    return;
  }
  const mb = Number(process.env.SOFTPOWER_BENCH_FLEET_MB ?? 64);
  const shardMb = Number(process.env.SOFTPOWER_BENCH_FLEET_SHARD_MB ?? 8);
  const dir = mkdtempSync(join(tmpdir(), "sp-bench-fleet-"));
  const corpus = join(dir, "news.jsonl");
  await writeCorpus(corpus, mb);
  const size = statSync(corpus).size / 2 ** 20;
  const redis = await startRedis(dir);
  try {
    let t = performance.now();
    const one = spawnSync(
      process.execPath,
      [
        "--import",
        RSS,
        BIN,
        "media",
        "score",
        "--corpus",
        corpus,
        "--out",
        join(dir, "one.csv"),
        "--threads",
        "1",
      ],
      { encoding: "utf8" },
    );
    if (one.status !== 0) throw new Error(one.stderr);
    const oneS = (performance.now() - t) / 1000;
    console.log(`corpus ${size.toFixed(0)} MB synthetic JSONL, shards of ${shardMb} MB`);
    console.log(
      `one process (media score --threads 1): ${oneS.toFixed(1)} s, ${(size / oneS).toFixed(1)} MB/s, peak RSS ${peak(one.stderr).toFixed(0)} MB`,
    );
    let oneWorker = Number.NaN;
    for (const n of [1, 2, 3]) {
      const out = join(dir, `out-${n}`);
      const ws: { p: ChildProcess; err: string; exit: Promise<unknown> }[] = [];
      for (let k = 0; k < n; k++) {
        const p = spawn(
          process.execPath,
          ["--import", RSS, BIN, "worker", "--queue", redis.url, "--threads", "1"],
          { stdio: ["ignore", "ignore", "pipe"] },
        );
        const w = { p, err: "", exit: new Promise((r) => p.once("exit", r)) };
        p.stderr!.on("data", (d: Buffer) => {
          w.err += d.toString();
        });
        ws.push(w);
      }
      await new Promise((r) => setTimeout(r, 1500)); // workers up
      t = performance.now();
      const c = spawnSync(
        process.execPath,
        [
          BIN,
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
        ],
        { encoding: "utf8" },
      );
      const s = (performance.now() - t) / 1000;
      for (const w of ws) w.p.kill("SIGTERM");
      await Promise.all(ws.map((w) => w.exit));
      if (c.status !== 0) throw new Error(c.stderr);
      const m = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
      const work = m.shards.reduce((a: number, x: { ms: number }) => a + x.ms, 0) / 1000;
      const rss = ws.map((w) => peak(w.err).toFixed(0)).join(", ");
      let extra = "";
      if (n === 1) {
        oneWorker = s;
        extra = `; queue overhead vs one process ${(((s - oneS) / oneS) * 100).toFixed(0)}%; scheduling latency ${(((s - work) / m.shards.length) * 1000).toFixed(0)} ms per shard (wall ${s.toFixed(1)} s − scoring ${work.toFixed(1)} s, ${m.shards.length} shards)`;
      } else extra = `; speed-up vs 1 worker ${(oneWorker / s).toFixed(2)}x`;
      console.log(
        `${n} worker(s): ${s.toFixed(1)} s, ${(size / s).toFixed(1)} MB/s, peak RSS per worker ${rss} MB${extra}`,
      );
    }
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await fleetBench();
