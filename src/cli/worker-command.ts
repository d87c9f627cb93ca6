import type { Command } from "commander";
import { InputError } from "../core/errors.ts";

/** `softpower worker`: a fleet worker that scores corpus shards from a Redis queue (docs/fleet.md). */
export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .description(
      "Score corpus shards from the fleet's Redis queues (media score --queue) until stopped",
    )
    .requiredOption("--queue <url>", "Redis of the fleet: redis://HOST:PORT/DB")
    .option(
      "--threads <n>",
      "scoring threads per shard (worker threads; the main thread talks to Redis)",
      "1",
    )
    .action(async (o: { queue: string; threads: string }) => {
      const { parseQueueUrl, pingRedis } = await import("../fleet/queue.ts");
      const address = parseQueueUrl(o.queue);
      const threads = Number(o.threads);
      if (!Number.isInteger(threads) || threads < 1)
        throw new InputError(`--threads must be a positive integer, got "${o.threads}"`);
      await pingRedis(address);
      const { runFleetWorker } = await import("../fleet/worker.ts");
      const stop = new AbortController();
      for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, () => stop.abort());
      process.stderr.write(
        `softpower: worker ${process.pid} on ${address.host}:${address.port}/${address.db}, ${threads} thread(s)\n`,
      );
      await runFleetWorker({
        address,
        threads,
        signal: stop.signal,
        log: (m) => process.stderr.write(`softpower: worker: ${m}\n`),
      });
    });
}
