/**
 * The dashboard's static files: served only from the web root, with the right types and cache
 * headers; path traversal (raw, encoded, backslashes, NUL, symlinks out) never reaches the
 * secret file placed next to the root. In-process and, for paths the URL parser would
 * normalise away, against a real server on port 0 with raw request lines.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/server/app.ts";
import { SECURITY_HEADERS } from "../../src/server/headers.ts";
import { type RunningServer, startServer } from "../../src/server/server.ts";
import { miniRun, miniScores, writeStudy } from "./helpers.ts";

const SECRET = "top-secret-4b1d";
let tmp: string;
let app: Hono;
let server: RunningServer;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "softpower-server-static-"));
  const web = join(tmp, "web");
  mkdirSync(join(web, "assets"), { recursive: true });
  writeFileSync(
    join(web, "index.html"),
    '<!doctype html><title>dash</title><script type="module" src="./assets/index-abc123.js"></script>',
  );
  writeFileSync(join(web, "assets", "index-abc123.js"), "console.log('dashboard');\n");
  writeFileSync(join(web, "assets", "index-abc123.css"), "body{margin:0}\n");
  writeFileSync(join(web, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  writeFileSync(join(web, ".env"), SECRET);
  writeFileSync(join(tmp, "secret.txt"), SECRET);
  writeFileSync(join(tmp, "web-secret.txt"), SECRET);
  symlinkSync(join(tmp, "secret.txt"), join(web, "link.txt"));
  symlinkSync(tmp, join(web, "assets", "up"));
  await writeStudy(join(tmp, "mini"), "Mini", [
    miniRun("20260101T000000Z-aaaa", "2026-01-01T00:00:00.000Z", { index_scores: miniScores(0) }),
  ]);
  app = createApp({ studies: [{ id: "mini", dir: join(tmp, "mini") }], webRoot: web });
  server = await startServer({ app, port: 0 });
});

afterAll(async () => {
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function expectSecurityHeaders(h: Headers | Record<string, unknown>): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS))
    expect(h instanceof Headers ? h.get(k) : h[k.toLowerCase()], k).toBe(v);
}

/** A raw request to the real server: the path goes on the wire exactly as given. */
function raw(
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, method: "GET", headers },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          text += d;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("static files (in-process)", () => {
  it("serves index.html for / with no-cache, hashed assets as immutable, with their types", async () => {
    const index = await app.request("/");
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(index.headers.get("cache-control")).toBe("no-cache");
    expect(await index.text()).toContain("<title>dash</title>");
    expectSecurityHeaders(index.headers);
    const js = await app.request("/assets/index-abc123.js");
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await js.text()).toBe("console.log('dashboard');\n");
    expectSecurityHeaders(js.headers);
    const css = await app.request("/assets/index-abc123.css");
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    const svg = await app.request("/favicon.svg");
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(svg.headers.get("cache-control")).toBe("no-cache");
  });

  it("answers If-None-Match with 304", async () => {
    const a = await app.request("/assets/index-abc123.js");
    const etag = a.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"/);
    const b = await app.request("/assets/index-abc123.js", {
      headers: { "If-None-Match": etag },
    });
    expect(b.status).toBe(304);
    expect(await b.text()).toBe("");
  });

  it("404s a missing file, a hidden file, a symlink out of the root and a directory", async () => {
    for (const path of [
      "/missing.js",
      "/.env",
      "/link.txt",
      "/assets/up/secret.txt",
      "/assets",
      "/assets/",
    ]) {
      const r = await app.request(path);
      const text = await r.text();
      expect(r.status, path).toBe(404);
      expect(text, path).not.toContain(SECRET);
      expectSecurityHeaders(r.headers);
    }
  });

  it("400s encoded traversal, encoded slashes and backslashes, NUL and bad escapes", async () => {
    for (const path of [
      "/..%2fsecret.txt",
      "/..%2Fsecret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/%2e%2e%2fsecret.txt",
      "/..%5csecret.txt",
      "/assets/%2e%2e%5c%2e%2e%5csecret.txt",
      "/index.html%00.js",
      "/%E0%A4%A",
    ]) {
      const r = await app.request(path);
      const text = await r.text();
      expect(r.status, path).toBe(400);
      expect(text, path).not.toContain(SECRET);
      expectSecurityHeaders(r.headers);
    }
  });

  it("without a built dashboard, / says how to build it and other paths 404", async () => {
    for (const webRoot of [undefined, join(tmp, "no-such-dir")]) {
      const bare = createApp({ studies: [], webRoot });
      const r = await bare.request("/");
      expect(r.status).toBe(200);
      const html = await r.text();
      expect(html).toContain("npm run build:web");
      expect(html).not.toMatch(/<script/i);
      expectSecurityHeaders(r.headers);
      expect((await bare.request("/assets/index-abc123.js")).status).toBe(404);
    }
  });
});

describe("a real server on port 0", () => {
  it("binds 127.0.0.1 and serves the API and the files", async () => {
    expect(server.host).toBe("127.0.0.1");
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.port).toBeGreaterThan(0);
    const r = await fetch(new URL("/api/studies", server.url));
    expect(r.status).toBe(200);
    expect(((await r.json()) as { id: string }[])[0]!.id).toBe("mini");
    expectSecurityHeaders(r.headers);
    const page = await fetch(server.url);
    expect(await page.text()).toContain("<title>dash</title>");
  });

  it("never serves a file outside the root, whatever the raw path", async () => {
    for (const path of [
      "/../secret.txt",
      "/../../../../etc/passwd",
      "/assets/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/%2E%2E/secret.txt",
      "/assets/%2e%2e/%2e%2e/secret.txt",
      "/.%2e/secret.txt",
      "/..%2fsecret.txt",
      "/..\\secret.txt",
      "/assets\\..\\..\\secret.txt",
      "/%5c..%5csecret.txt",
      "/./secret.txt",
      "/web-secret.txt",
      "/../web-secret.txt",
      "//secret.txt",
      "/link.txt",
      "/assets/up/secret.txt",
      "/index.html%00",
    ]) {
      const r = await raw(path);
      expect([400, 404], `${path}: ${r.status}`).toContain(r.status);
      expect(r.body, path).not.toContain(SECRET);
      expectSecurityHeaders(r.headers);
    }
  });

  it("rejects a GET with a body over the limit, sized or chunked (413)", async () => {
    const cases: Record<string, string>[] = [
      { "Content-Length": "5000" },
      { "Transfer-Encoding": "chunked" },
    ];
    for (const headers of cases) {
      const r = await raw("/api/studies", headers, "x".repeat(5000));
      expect(r.status, r.body).toBe(413);
      expect(JSON.parse(r.body)).toEqual({ error: "request body too large: at most 1024 bytes" });
      expectSecurityHeaders(r.headers);
    }
  });

  it("answers a URL over the limit with 414", async () => {
    const r = await raw(`/api/studies?format=${"j".repeat(5000)}`);
    expect(r.status).toBe(414);
    expectSecurityHeaders(r.headers);
  });
});
