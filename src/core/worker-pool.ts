import type { ResourceLimits } from "node:worker_threads";
import { Piscina } from "piscina";

/**
 * A pool of exactly `threads` worker threads running `src/core/workers/<name>.worker.ts`
 * (TypeScript, loaded through tsx like the CLI itself).
 */
export function workerPool(
  name: string,
  threads: number,
  resourceLimits?: ResourceLimits,
): Piscina {
  return new Piscina({
    filename: new URL(`./workers/${name}.worker.ts`, import.meta.url).href,
    execArgv: ["--import", "tsx"],
    minThreads: threads,
    maxThreads: threads,
    ...(resourceLimits ? { resourceLimits } : {}),
  });
}
