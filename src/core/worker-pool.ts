import type { ResourceLimits } from "node:worker_threads";
import { Piscina } from "piscina";

/**
 * A pool of exactly `threads` worker threads running `src/core/workers/<name>.worker.ts`
 * (TypeScript, loaded through tsx like the CLI itself). With `tasksPerWorker` > 1 each worker
 * is sent that many tasks at once: it starts the next as soon as one ends, even while the
 * thread that feeds the pool is busy.
 */
export function workerPool(
  name: string,
  threads: number,
  resourceLimits?: ResourceLimits,
  tasksPerWorker = 1,
): Piscina {
  return new Piscina({
    concurrentTasksPerWorker: tasksPerWorker,
    filename: new URL(`./workers/${name}.worker.ts`, import.meta.url).href,
    execArgv: ["--import", "tsx"],
    minThreads: threads,
    maxThreads: threads,
    ...(resourceLimits ? { resourceLimits } : {}),
  });
}
