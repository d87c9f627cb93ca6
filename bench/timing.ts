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
