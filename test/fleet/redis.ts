import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";

/** True when redis-server is installed (the fleet tests skip, saying so, when it is not). */
export function hasRedis(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => res(typeof a === "object" && a ? a.port : 0));
    });
  });
}

/** A redis-server of the tests' own on 127.0.0.1:port with its data in `dir`. */
export interface TestRedis {
  port: number;
  url: string;
  proc: ChildProcess;
  /** SHUTDOWN (saving the append-only file), then the same server again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts redis-server (append-only persistence, so a restart keeps the queue) and waits until it is ready. */
export async function startRedis(dir: string): Promise<TestRedis> {
  const port = await freePort();
  const start = async () => {
    const proc = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--save",
        "",
        "--appendonly",
        "yes",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    await new Promise<void>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`redis-server did not start:\n${out}`)), 15_000);
      proc.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("Ready to accept connections")) {
          clearTimeout(t);
          res();
        }
      });
      proc.once("exit", (c) => rej(new Error(`redis-server exited (${c}):\n${out}`)));
    });
    return proc;
  };
  const r: TestRedis = {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    proc: await start(),
    async restart() {
      await r.stop();
      r.proc = await start();
    },
    async stop() {
      const p = r.proc;
      if (p.exitCode !== null) return;
      const gone = new Promise((res) => p.once("exit", res));
      execFileSync("redis-cli", ["-p", String(port), "shutdown"], { stdio: "ignore" });
      await gone;
    },
  };
  return r;
}
