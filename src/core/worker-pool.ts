import type { ResourceLimits } from "node:worker_threads";
import { Piscina } from "piscina";

/**
 * Whether this module runs from TypeScript sources (through tsx: tests, benches, development)
 * rather than from the built JavaScript in `dist/`. Workers are started the same way.
 */
const FROM_SOURCE = import.meta.url.endsWith(".ts");

/** Set by the CLI bundle's build (scripts/build-cli.mjs): there the workers sit beside this chunk. */
declare const SOFTPOWER_BUNDLED: boolean | undefined;
const WORKERS = typeof SOFTPOWER_BUNDLED !== "undefined" && SOFTPOWER_BUNDLED ? "./" : "./workers/";

/**
 * A pool of exactly `threads` worker threads running `core/workers/<name>.worker.js` next to
 * this module (built JavaScript, plain node; `<name>.worker.js` beside it in the CLI bundle), or
 * `<name>.worker.ts` through tsx when this module itself runs from the sources. With
 * `tasksPerWorker` > 1 each worker is sent that many tasks at once: it starts the next as soon as
 * one ends, even while the thread that feeds the pool is busy.
 */
export function workerPool(
  name: string,
  threads: number,
  resourceLimits?: ResourceLimits,
  tasksPerWorker = 1,
): Piscina {
  return new Piscina({
    concurrentTasksPerWorker: tasksPerWorker,
    filename: new URL(`${WORKERS}${name}.worker.${FROM_SOURCE ? "ts" : "js"}`, import.meta.url)
      .href,
    execArgv: FROM_SOURCE ? ["--import", "tsx"] : [],
    minThreads: threads,
    maxThreads: threads,
    ...(resourceLimits ? { resourceLimits } : {}),
  });
}
