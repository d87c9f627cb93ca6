/**
 * `softpower studio` as a child process (from the sources): refuses a non-loopback --host
 * without --allow-remote (exit 2), prints the URL with a fresh token, answers the token and
 * refuses its absence and a foreign Host, and stops on SIGTERM.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnTsx } from "../helpers/child.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MAIN = join(ROOT, "src/cli/main.ts");
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "softpower-studio-cli-"));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function get(port: number, path: string, headers: Record<string, string>) {
  return new Promise<number>((done, fail) => {
    const r = request({ host: "127.0.0.1", port, path, headers }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    r.on("error", fail);
    r.end();
  });
}

describe("softpower studio", () => {
  it("refuses --host beyond loopback without --allow-remote", async () => {
    const c = spawnTsx(MAIN, ["studio", join(tmp, "a"), "--host", "0.0.0.0", "--port", "0"]);
    const { code } = await c.exited;
    expect(code).toBe(2);
    expect(c.stderr()).toMatch(/--allow-remote/);
  });

  it("prints a URL with a token; the token is needed, a foreign Host refused", async () => {
    const c = spawnTsx(MAIN, ["studio", join(tmp, "b"), "--port", "0"]);
    try {
      const line = await c.waitFor(/token=/, 60_000);
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})#\/studio/.exec(line);
      expect(m, line).not.toBeNull();
      const port = Number(m![1]);
      const host = `127.0.0.1:${port}`;
      expect(await get(port, "/api/studio/studies", { Host: host })).toBe(403);
      expect(
        await get(port, "/api/studio/studies", { Host: host, "X-Softpower-Token": m![2]! }),
      ).toBe(200);
      expect(
        await get(port, "/api/studio/studies", { Host: "evil.com", "X-Softpower-Token": m![2]! }),
      ).toBe(403);
    } finally {
      c.proc.kill("SIGTERM");
    }
    const { code } = await c.exited;
    expect(code).toBe(0);
  }, 90_000);
});
