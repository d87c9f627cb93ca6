/**
 * The fleet end to end with a real Redis (started here on a free loopback port) and worker
 * processes of the built CLI: identical rows to one process, a worker SIGKILLed mid-shard, Redis
 * restarted mid-job, a poisoned shard, a coordinator restarted halfway, and bad input.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { duckQuery, sqlString } from "../../src/io/duck.ts";
import { csvCell } from "../../src/io/write.ts";
import { hasRedis, startRedis, type TestRedis } from "./redis.ts";

const BIN = resolve("bin/softpower.js");
const present = hasRedis();
if (!present)
  console.warn("test/fleet: redis-server not installed: fleet integration tests SKIPPED");

const dir = mkdtempSync(join(tmpdir(), "sp-fleet-"));
const corpus = join(dir, "corpus");
const ENV = {
  ...process.env,
  TZ: "UTC",
  SOFTPOWER_FLEET_LOCK_MS: "1500",
  SOFTPOWER_FLEET_STALLED_MS: "1000",
  SOFTPOWER_FLEET_POLL_MS: "200",
  SOFTPOWER_FLEET_BACKOFF_MS: "200",
};

/** A seeded synthetic corpus: JSONL (ids from line numbers for some files) and a CSV. */
function writeCorpus(root: string) {
  let seed = 7;
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
  ];
  const sentence = () =>
    `${pick(who)} ${pick(say)} ${pick(who)} on ${pick(["trade", "security", "climate", "chips", "tourism"])}.`;
  const article = (i: number) => ({
    date: `2024-${String((i % 12) + 1).padStart(2, "0")}-1${i % 10}`,
    outlet: pick(["Daily A", "Times B", "Post C"]),
    outlet_country: pick(["GBR", "USA", "DEU"]),
    title: sentence(),
    text: Array.from({ length: 3 + Math.floor(rnd() * 6) }, sentence).join(" "),
  });
  rmSync(root, { recursive: true, force: true });
  spawnSync("mkdir", ["-p", join(root, "sub")]);
  for (const [name, n, ids] of [
    ["a.jsonl", 2500, false],
    ["sub/b.jsonl", 1500, true],
    ["c.jsonl", 40, false],
  ] as const) {
    const lines = Array.from({ length: n }, (_, i) =>
      JSON.stringify({ ...(ids ? { id: `b${i}` } : {}), ...article(i) }),
    );
    writeFileSync(join(root, name), `${lines.join(i2crlf(name))}\n`);
  }
  const rows = Array.from({ length: 800 }, (_, i) => {
    const a = article(i);
    return [`c${i}`, a.date, a.outlet, a.outlet_country, a.title, a.text]
      .map((v) => csvCell(v))
      .join(",");
  });
  writeFileSync(
    join(root, "d.csv"),
    `id,date,outlet,outlet_country,title,text\n${rows.join("\n")}\n`,
  );
}
const i2crlf = (name: string) => (name === "sub/b.jsonl" ? "\r\n" : "\n");

function cli(args: string[], env: NodeJS.ProcessEnv = ENV) {
  return spawnSync(process.execPath, [BIN, ...args], { env, encoding: "utf8", timeout: 120_000 });
}

interface Proc {
  proc: ChildProcess;
  err: () => string;
  exited: Promise<number | null>;
}
function start(args: string[], env: NodeJS.ProcessEnv = ENV): Proc {
  const proc = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  proc.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  proc.stdout!.resume();
  return { proc, err: () => err, exited: new Promise((r) => proc.once("exit", (c) => r(c))) };
}
const workers: Proc[] = [];
function startWorkers(n: number, url: string, env: NodeJS.ProcessEnv = ENV) {
  const ws = Array.from({ length: n }, () => start(["worker", "--queue", url], env));
  workers.push(...ws);
  return ws;
}
async function stopWorkers(ws: Proc[]) {
  for (const w of ws) if (w.proc.exitCode === null) w.proc.kill("SIGTERM");
  await Promise.all(ws.map((w) => w.exited));
}

/** Rows of the mentions CSV of the one-process run, sorted. */
function baselineRows(file: string): string[] {
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(1).sort();
}
/** Rows of the fleet's parts, written back with the CSV writer's quoting, sorted. */
async function partRows(out: string): Promise<string[]> {
  const rows = await duckQuery([
    `SELECT * FROM read_parquet(${sqlString(join(out, "part-*.parquet"))})`,
  ]);
  const cols = [
    "article_id",
    "date",
    "outlet",
    "outlet_country",
    "target",
    "via",
    "entity",
    "sentence_index",
    "tone",
    "label",
    "frames",
  ];
  return rows
    .map((r) => cols.map((c) => csvCell((r[c] ?? "") as string | number)).join(","))
    .sort();
}
const manifestOf = (out: string) => JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
const parts = (out: string) => readdirSync(out).filter((f) => /^part-.*\.parquet$/.test(f));
/** The coordinator over `from` (default: the test corpus) in shards of 0.25 MiB. */
const score = (out: string, url: string, extra: string[] = [], from = corpus) =>
  start([
    "media",
    "score",
    "--corpus",
    from,
    "--queue",
    url,
    "--out",
    out,
    "--shard-mb",
    "0.25",
    ...extra,
  ]);

describe.skipIf(!present)("fleet on BullMQ with a real Redis", () => {
  let redis: TestRedis;
  let baseline: string[];
  beforeAll(async () => {
    writeCorpus(corpus);
    redis = await startRedis(dir);
    const one = join(dir, "one.csv");
    const r = cli(["media", "score", "--corpus", corpus, "--out", one, "--threads", "1"]);
    expect(r.status, r.stderr).toBe(0);
    baseline = baselineRows(one);
    expect(baseline.length).toBeGreaterThan(10_000);
  }, 120_000);
  afterAll(async () => {
    await stopWorkers(workers);
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("three workers: every shard once, the rows of the one-process run", async () => {
    const ws = startWorkers(3, redis.url);
    const out = join(dir, "out-plain");
    const c = score(out, redis.url);
    expect(await c.exited, c.err()).toBe(0);
    const m = manifestOf(out);
    expect(m.totals.shards).toBeGreaterThan(5);
    expect(m.totals.failed).toBe(0);
    expect(parts(out).sort()).toEqual(m.shards.map((s: { part: string }) => s.part).sort());
    expect(new Set(m.shards.map((s: { worker: string }) => s.worker)).size).toBeGreaterThan(1);
    expect(m.totals.mentions).toBe(baseline.length);
    expect(await partRows(out)).toEqual(baseline);
    // summarise and bias read the folder (DuckDB over the parts) as they read the one file
    const one = join(dir, "one.csv");
    for (const args of [
      ["summarise", "--by", "outlet_country,target,month", "--bootstrap", "50"],
      ["bias", "--group", "outlet_country=GBR", "--target", "CHN", "--compare", "USA,JPN,DEU"],
    ]) {
      const a = cli(["media", ...args, "--mentions", out]);
      const b = cli(["media", ...args, "--mentions", one]);
      expect(a.status, a.stderr).toBe(0);
      expect(a.stdout.split("\n").length).toBeGreaterThan(1);
      // exact sums (DECIMAL) in both: the same digits whatever order the rows are read in
      expect(a.stdout).toBe(b.stdout);
    }
    // run again: nothing is redone
    const again = score(out, redis.url);
    expect(await again.exited, again.err()).toBe(0);
    expect(manifestOf(out).shards).toEqual(m.shards);
    await stopWorkers(ws);
  }, 120_000);

  it("a worker SIGKILLed mid-shard: another takes the shard, its part appears once", async () => {
    const slow = { ...ENV, SOFTPOWER_FLEET_TEST_DELAY_MS: "600" };
    const ws = startWorkers(3, redis.url, slow);
    const out = join(dir, "out-kill");
    const c = score(out, redis.url);
    // the first worker to hold a shard (its temporary files appear) is killed in it
    let victim: Proc | undefined;
    for (let k = 0; k < 300 && !victim; k++) {
      await new Promise((r) => setTimeout(r, 50));
      let tmp: string[] = [];
      try {
        tmp = readdirSync(out).filter((f) => f.startsWith(".part-"));
      } catch {}
      const pid = tmp.map((f) => /-(\d+)\.(csv|parquet)$/.exec(f)?.[1]).find(Boolean);
      victim = ws.find((w) => String(w.proc.pid) === pid);
    }
    expect(victim).toBeDefined();
    victim!.proc.kill("SIGKILL");
    expect(await c.exited, c.err()).toBe(0);
    const m = manifestOf(out);
    expect(m.totals.failed).toBe(0);
    const killed = `:${victim!.proc.pid}`;
    expect(m.shards.every((s: { worker: string }) => !s.worker.endsWith(killed))).toBe(true);
    expect(parts(out)).toHaveLength(m.shards.length);
    expect(await partRows(out)).toEqual(baseline);
    await stopWorkers(ws);
  }, 120_000);

  it("Redis restarted mid-job: the job resumes and completes", async () => {
    const slow = { ...ENV, SOFTPOWER_FLEET_TEST_DELAY_MS: "300" };
    const ws = startWorkers(3, redis.url, slow);
    const out = join(dir, "out-restart");
    const c = score(out, redis.url);
    for (let k = 0; k < 400; k++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        if (parts(out).length >= 2) break;
      } catch {}
    }
    const before = parts(out).length;
    expect(before).toBeGreaterThanOrEqual(2);
    await redis.restart();
    expect(await c.exited, c.err()).toBe(0);
    const m = manifestOf(out);
    expect(m.totals.failed).toBe(0);
    expect(m.shards.length).toBeGreaterThan(before);
    expect(await partRows(out)).toEqual(baseline);
    await stopWorkers(ws);
  }, 120_000);

  it("a coordinator stopped halfway and started again: finished shards are not redone", async () => {
    const slow = { ...ENV, SOFTPOWER_FLEET_TEST_DELAY_MS: "300" };
    const ws = startWorkers(2, redis.url, slow);
    const out = join(dir, "out-coord");
    const c1 = score(out, redis.url);
    for (let k = 0; k < 400; k++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        if (parts(out).length >= 2) break;
      } catch {}
    }
    c1.proc.kill("SIGKILL");
    await c1.exited;
    const c2 = score(out, redis.url);
    expect(await c2.exited, c2.err()).toBe(0);
    await stopWorkers(ws);
    const m = manifestOf(out);
    // each shard was scored once: one "done" log line per shard id over all workers
    const logs = ws.map((w) => w.err()).join("");
    for (const s of m.shards as { id: string }[])
      expect(logs.split(`${s.id} `).length - 1, s.id).toBe(1);
    expect(await partRows(out)).toEqual(baseline);
  }, 120_000);

  it("a corpus changed between runs: its new shards are scored, the old shards' parts go; summarise reads the manifest's parts", async () => {
    const changed = join(dir, "changed-corpus");
    spawnSync("cp", ["-r", corpus, changed]);
    const ws = startWorkers(2, redis.url);
    const out = join(dir, "out-changed");
    const run = () => score(out, redis.url, [], changed);
    const c1 = run();
    expect(await c1.exited, c1.err()).toBe(0);
    const before = manifestOf(out).shards.map((s: { part: string }) => s.part);
    // c.jsonl gains an article: its shard's id (size, mtime) changes
    const extra = JSON.stringify({
      date: "2024-05-05",
      outlet: "Post C",
      outlet_country: "GBR",
      title: "China praised Japan.",
      text: "Japan welcomed China on trade.",
    });
    writeFileSync(
      join(changed, "c.jsonl"),
      `${readFileSync(join(changed, "c.jsonl"), "utf8")}${extra}\n`,
    );
    const c2 = run();
    expect(await c2.exited, c2.err()).toBe(0);
    expect(c2.err()).toMatch(/removed 1 part file\(s\) of an earlier run/);
    const m = manifestOf(out);
    const now = m.shards.map((s: { part: string }) => s.part);
    expect(now.filter((p: string) => !before.includes(p))).toHaveLength(1);
    expect(parts(out).sort()).toEqual([...now].sort());
    const one = join(dir, "changed.csv");
    const r = cli(["media", "score", "--corpus", changed, "--out", one, "--threads", "1"]);
    expect(r.status, r.stderr).toBe(0);
    expect(await partRows(out)).toEqual(baselineRows(one));
    // a stray part (not in the manifest) is not counted; a listed part gone is an error
    spawnSync("cp", [join(out, now[0]), join(out, "part-stray.parquet")]);
    const sum = ["media", "summarise", "--by", "target", "--bootstrap", "0"];
    const a = cli([...sum, "--mentions", out]);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toBe(cli([...sum, "--mentions", one]).stdout);
    rmSync(join(out, now[1]));
    const gone = cli([...sum, "--mentions", out]);
    expect(gone.status).toBe(2);
    expect(gone.stderr).toContain(`1 part(s) listed in manifest.json are missing (${now[1]})`);
    await stopWorkers(ws);
  }, 120_000);

  it("a poisoned shard fails three times, is reported with its reason; the others finish", async () => {
    const bad = join(dir, "bad-corpus");
    spawnSync("cp", ["-r", corpus, bad]);
    writeFileSync(
      join(bad, "poison.jsonl"),
      '{"title": "China", "date": "2024-01-01"}\n{not json\n',
    );
    const ws = startWorkers(3, redis.url);
    const out = join(dir, "out-poison");
    const c = score(out, redis.url, [], bad);
    expect(await c.exited).toBe(2);
    expect(c.err()).toMatch(
      /1 of \d+ shard\(s\) failed after 3 attempts: .*poison\.jsonl bytes 0-\d+: 1 bad record\(s\).*poison\.jsonl line 2: not valid JSON/,
    );
    const m = manifestOf(out);
    const failed = m.shards.filter((s: { status: string }) => s.status === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0].attempts).toBe(3);
    expect(failed[0].reason).toMatch(/line 2: not valid JSON/);
    expect(m.totals.done).toBe(m.shards.length - 1);
    expect(await partRows(out)).toEqual(baseline);
    await stopWorkers(ws);
  }, 120_000);

  it("bad input: a bad URL, an unreachable Redis, a missing corpus exit with 2 and say so", () => {
    const bad = cli([
      "media",
      "score",
      "--corpus",
      corpus,
      "--queue",
      "http://x",
      "--out",
      join(dir, "o"),
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/"http:\/\/x" is not a redis:\/\/ URL/);
    const away = cli(["worker", "--queue", "redis://127.0.0.1:1/0"]);
    expect(away.status).toBe(2);
    expect(away.stderr).toMatch(/cannot reach Redis at 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    const missing = cli([
      "media",
      "score",
      "--corpus",
      join(dir, "nope"),
      "--queue",
      redis.url,
      "--out",
      join(dir, "o"),
    ]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope: cannot read \(ENOENT\)/);
  });
});
