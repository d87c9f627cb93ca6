import { loadavg } from "node:os";

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
