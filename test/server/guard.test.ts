/**
 * Host and Origin checks of the read-only server (`softpower serve`): in-process requests with a
 * foreign Host or Origin get 403, over a real port too (a raw HTTP request with `Host: evil.com`,
 * which is what a DNS-rebinding page sends), while loopback names and same-origin requests pass.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/server/app.ts";
import { allowedHostsFor, hostName } from "../../src/server/guard.ts";
import { type RunningServer, startServer } from "../../src/server/server.ts";
import { miniRun, miniScores, writeStudy } from "./helpers.ts";

let tmp: string;
let app: Hono;
let server: RunningServer;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "softpower-guard-"));
  await writeStudy(join(tmp, "mini"), "Mini study", [
    miniRun("20260101T000000Z-aaaa", "2026-01-01T00:00:00.000Z", { index_scores: miniScores(0) }),
  ]);
  app = createApp({ studies: [{ id: "mini", dir: join(tmp, "mini") }] });
  server = await startServer({ app, port: 0 });
});

afterAll(async () => {
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A raw request over the port with the headers as given (fetch cannot set Host). */
function raw(
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: server.port, path, method: "GET", headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (d) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("Host and Origin checks (read-only serve)", () => {
  it("parses host names from Host headers", () => {
    expect(hostName("LocalHost:8080")).toBe("localhost");
    expect(hostName("[::1]:80")).toBe("::1");
    expect(hostName("127.0.0.1")).toBe("127.0.0.1");
    expect(hostName("evil.com:80 x")).toBeUndefined();
    expect(hostName("")).toBeUndefined();
  });

  it("answers loopback Hosts in-process and refuses a foreign one", async () => {
    expect((await app.request("/api/studies")).status).toBe(200);
    expect((await app.request("/api/studies", { headers: { Host: "127.0.0.1:9" } })).status).toBe(
      200,
    );
    const r = await app.request("/api/studies", { headers: { Host: "evil.com" } });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: string }).error).toMatch(
      /Host "evil.com" is not this server's/,
    );
    expect(r.headers.get("Content-Security-Policy")).toBeTruthy();
  });

  it("refuses a foreign or null Origin, accepts its own", async () => {
    const own = await app.request("http://localhost:8080/api/studies", {
      headers: { Host: "localhost:8080", Origin: "http://localhost:8080" },
    });
    expect(own.status).toBe(200);
    for (const origin of ["http://evil.com", "null", "http://localhost:9999", "file://"]) {
      const r = await app.request("http://localhost:8080/api/studies", {
        headers: { Host: "localhost:8080", Origin: origin },
      });
      expect(r.status, origin).toBe(403);
    }
  });

  it("over a real port: Host evil.com gets 403, 127.0.0.1 gets 200 (DNS rebinding)", async () => {
    const bad = await raw("/api/studies", { Host: "evil.com" });
    expect(bad.status).toBe(403);
    expect(bad.body).toMatch(/not this server's/);
    const page = await raw("/", { Host: "evil.com:80" });
    expect(page.status).toBe(403);
    const ok = await raw("/api/studies", { Host: `127.0.0.1:${server.port}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)[0].id).toBe("mini");
  });

  it("allows the bound address when serving beyond loopback", () => {
    expect(allowedHostsFor("127.0.0.1")).toEqual(["localhost", "127.0.0.1", "::1"]);
    expect(allowedHostsFor("192.168.1.5")).toContain("192.168.1.5");
    expect(allowedHostsFor("0.0.0.0").length).toBeGreaterThan(3);
  });
});
