import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { createApp } from "../server/app.ts";
import { allowedHostsFor } from "../server/guard.ts";
import { isLoopback, startServer } from "../server/server.ts";
import { discoverStudies } from "../server/studies.ts";
import { storePath } from "../store/db.ts";
import { listRuns } from "../store/read.ts";

/** The dashboard's build folder (`npm run build:web` writes it). */
export const WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../dist/web");

interface ServeOptions {
  port: string;
  host?: string;
}

/** Runs in a study's store; 0 when it has none; undefined when another process is writing it. */
async function runCount(dir: string): Promise<number | undefined> {
  try {
    return (await listRuns(storePath(dir))).length;
  } catch (e) {
    if (e instanceof InputError && /^no runs yet/.test(e.message)) return 0;
    if (e instanceof InputError && /in use by another process/.test(e.message)) return undefined;
    throw e;
  }
}

async function runServe(dir: string, o: ServeOptions): Promise<void> {
  const port = /^\d{1,5}$/.test(o.port) ? Number(o.port) : Number.NaN;
  if (!(port >= 0 && port <= 65535))
    throw new InputError(
      `--port "${o.port}" is not valid: use a whole number from 0 to 65535 (0 = any free port)`,
    );
  const host = o.host ?? "127.0.0.1";
  if (host.trim() === "") throw new InputError("--host needs an address, e.g. 127.0.0.1");
  const studies = discoverStudies(dir);
  const counts = await Promise.all(studies.map((s) => runCount(s.dir)));
  if (counts.every((n) => n === 0))
    throw new InputError(
      `no runs yet: run ${studies.map((s) => `softpower build ${s.dir}`).join(", ")}`,
    );
  studies.forEach((s, k) => {
    if (counts[k] === 0)
      process.stderr.write(
        `note: study ${s.id} has no runs yet (softpower build ${s.dir}); it is listed with runs: 0\n`,
      );
  });
  if (!isLoopback(host))
    process.stderr.write(
      `warning: --host ${host}: the API and dashboard are reachable from other machines, without authentication; every study's results, configuration and input paths can be read\n`,
    );
  const app = createApp({ studies, webRoot: WEB_ROOT, allowedHosts: allowedHostsFor(host) });
  const server = await startServer({ app, host, port });
  // Listen for the signals before printing the URL: whoever waits for that line may stop us at once.
  const stopped = new Promise<NodeJS.Signals>((done) => {
    const on = (s: NodeJS.Signals) => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      done(s);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
  process.stdout.write(`Serving ${studies.map((s) => s.id).join(", ")} at ${server.url}\n`);
  if (!existsSync(join(WEB_ROOT, "index.html")))
    process.stdout.write(
      `The dashboard is not built (npm run build:web); the API works: ${server.url}api/studies\n`,
    );
  process.stdout.write("Press Ctrl+C to stop.\n");
  const signal = await stopped;
  await server.close();
  process.stdout.write(`Stopped (${signal}).\n`);
}

/** `softpower serve [DIR]`: the read-only API over the results store and the dashboard. */
export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description(
      "Serve the results API and the dashboard for a study folder, or a folder of study folders",
    )
    .argument("[dir]", "a study folder (with study.yaml) or a folder of study folders", ".")
    .option("--port <n>", "port (0 = any free port)", "8080")
    .option(
      "--host <address>",
      "address to bind (default 127.0.0.1: this machine only; others get a warning)",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  softpower serve examples/demo\n  softpower serve examples --port 0\n\nThe API: GET /api/studies, /api/studies/:study/runs/:run/... (see README, Serve).",
    )
    .action((dir: string, o: ServeOptions) => runServe(dir, o));
}
