import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { createApp } from "../server/app.ts";
import { allowedHostsFor } from "../server/guard.ts";
import { isLoopback, startServer } from "../server/server.ts";
import { studioRoutes } from "../server/studio-routes.ts";
import { BuildRunner } from "../studio/build-runner.ts";
import { Workspace } from "../studio/workspace.ts";
import { WEB_ROOT } from "./serve-command.ts";

interface StudioOptions {
  port: string;
  host?: string;
  allowRemote?: boolean;
}

async function runStudio(dir: string, o: StudioOptions): Promise<void> {
  const port = /^\d{1,5}$/.test(o.port) ? Number(o.port) : Number.NaN;
  if (!(port >= 0 && port <= 65535))
    throw new InputError(
      `--port "${o.port}" is not valid: use a whole number from 0 to 65535 (0 = any free port)`,
    );
  const host = o.host ?? "127.0.0.1";
  if (host.trim() === "") throw new InputError("--host needs an address, e.g. 127.0.0.1");
  if (!isLoopback(host) && !o.allowRemote)
    throw new InputError(
      `--host ${host} would let other machines edit and build studies: add --allow-remote to do it anyway`,
    );
  if (!isLoopback(host))
    process.stderr.write(
      `warning: --host ${host} --allow-remote: anyone who can reach this machine and has the token can edit, upload and build; the token travels unencrypted over http\n`,
    );
  const workspace = new Workspace(dir);
  const token = randomBytes(32).toString("hex");
  const runner = new BuildRunner();
  const app = createApp({
    studies: workspace.list(),
    webRoot: WEB_ROOT,
    allowedHosts: allowedHostsFor(host),
    studio: studioRoutes({ workspace, token, runner, webRoot: WEB_ROOT }),
  });
  const server = await startServer({ app, host, port });
  const stopped = new Promise<NodeJS.Signals>((done) => {
    const on = (s: NodeJS.Signals) => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      done(s);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
  process.stdout.write(
    `Workbench for ${workspace.root} (${workspace.list().length} studies) at:\n  ${server.url}?token=${token}#/studio\nPress Ctrl+C to stop.\n`,
  );
  const signal = await stopped;
  await runner.stopAll();
  await server.close();
  process.stdout.write(`Stopped (${signal}).\n`);
}

/** `softpower studio [DIR]`: the workbench, where studies are created, edited, built and shared. */
export function registerStudioCommand(program: Command): void {
  program
    .command("studio")
    .description(
      "Serve the workbench: create, edit, build and share the studies of a folder from the browser",
    )
    .argument("[dir]", "a folder of study folders (created if missing), or one study folder", ".")
    .option("--port <n>", "port (0 = any free port)", "8080")
    .option("--host <address>", "address to bind (default 127.0.0.1: this machine only)")
    .option("--allow-remote", "allow --host to be an address other machines can reach")
    .addHelpText(
      "after",
      "\nExample:\n  softpower studio my-studies\n\nOpen the printed URL: it carries the token every change needs.",
    )
    .action((dir: string, o: StudioOptions) => runStudio(dir, o));
}
