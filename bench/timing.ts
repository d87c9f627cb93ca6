import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";

/** Median milliseconds of `runs` runs of fn after one warm-up (in-process timings of the benches). */
export function medianMs(fn: () => void, runs = 5): number {
  fn();
  const t: number[] = [];
  for (let k = 0; k < runs; k++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

/**
 * Median wall and CPU (user + system, this process's threads) milliseconds of `runs` runs of fn
 * after one warm-up: on a shared machine the CPU time moves less with the load than the wall.
 */
export function medianWallCpuMs(fn: () => void, runs = 5): { wall: number; cpu: number } {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let k = 0; k < runs; k++) {
    const s = performance.now();
    const c = process.cpuUsage();
    fn();
    const dc = process.cpuUsage(c);
    wall.push(performance.now() - s);
    cpu.push((dc.user + dc.system) / 1000);
  }
  const med = (t: number[]) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
  return { wall: med(wall), cpu: med(cpu) };
}

/** The 1-minute load average, for printing beside timings. */
export function load1(): string {
  return loadavg()[0]!.toFixed(1);
}

const BIN = fileURLToPath(new URL("../bin/softpower.js", import.meta.url));
const RSS = fileURLToPath(new URL("./peak-rss.mjs", import.meta.url));

/** Peak RSS (MiB) and CPU seconds a child run with bench/peak-rss.mjs reported on stderr. */
export function childUsage(stderr: string): { rssMiB: number; cpuS: number } {
  const m = /maxrss_kib=(\d+) cpu_us=(\d+)/.exec(stderr);
  return m
    ? { rssMiB: Number(m[1]) / 1024, cpuS: Number(m[2]) / 1e6 }
    : { rssMiB: Number.NaN, cpuS: Number.NaN };
}

/** The arguments that run the built CLI in a child with peak RSS and CPU reporting. */
export const measuredCli = (args: string[]) => ["--import", RSS, BIN, ...args];

/**
 * Runs the built CLI (`bin/softpower.js args`) as a user does, in a child process, and returns
 * its wall seconds with the peak RSS and CPU it reported ({@link childUsage}).
 *
 * @throws Error with the child's stderr when it exits non-zero.
 * @example runCli(["media", "score", "--corpus", "news.jsonl", "--out", "m.csv"]).wallS
 */
export function runCli(args: string[]): { wallS: number; rssMiB: number; cpuS: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, measuredCli(args), {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0)
    throw new Error(`softpower ${args.slice(0, 2).join(" ")} failed: ${r.stderr}`);
  return { wallS, ...childUsage(r.stderr) };
}
