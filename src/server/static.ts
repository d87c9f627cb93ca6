/**
 * The dashboard's static files, served only from the web root (the Vite build, `dist/web`):
 * the request path is checked as it came over the wire (no `..` or `.` segments, no encoded
 * `/`, `\` or NUL, no backslash, no hidden files), mapped into the root, resolved through any
 * symlinks and served only when the real file is a regular file inside the real root.
 */
import { readFile, realpath, stat } from "node:fs/promises";
import { extname, join, sep } from "node:path";
import type { Context } from "hono";
import { badRequest, notFound } from "./errors.ts";
import { matchesEtag } from "./etag.ts";
import { CACHE } from "./headers.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".wasm": "application/wasm",
  ".webmanifest": "application/manifest+json",
};

/** The Content-Type of a file by its extension (application/octet-stream when unknown). */
export const contentType = (path: string) =>
  TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";

/** The page `/` shows when the dashboard is not built. No script; one inline style. */
export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Soft Power Observatory</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{background:#eee;padding:0 .2em}</style>
</head>
<body>
<h1>Soft Power Observatory</h1>
<p>The dashboard is not built. Run <code>npm run build:web</code> (it writes <code>dist/web</code>), then reload this page.</p>
<p>The API works without it: <a href="/api/studies">/api/studies</a>.</p>
</body>
</html>
`;

/** The request path as sent (before URL normalisation removed any dot segments), without the query. */
function rawPath(c: Context): string {
  const incoming = (c.env as { incoming?: { url?: string } } | undefined)?.incoming?.url;
  const target = incoming?.startsWith("/") ? incoming : new URL(c.req.url).pathname;
  const q = target.search(/[?#]/);
  return q < 0 ? target : target.slice(0, q);
}

/**
 * The decoded path segments of a static request, or a 400 for anything that could step out of
 * the root: a backslash, NUL, an encoded `/` or `\`, a `.` or `..` segment (raw or encoded),
 * a malformed escape.
 */
export function safeSegments(path: string): string[] {
  if (path.includes("\\") || path.includes("\0") || /%(2f|5c|00)/i.test(path))
    throw badRequest("path: backslashes, NUL and encoded / or \\ are not allowed");
  const segments: string[] = [];
  const parts = path.split("/");
  for (let k = 0; k < parts.length; k++) {
    const raw = parts[k]!;
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      throw badRequest("path: malformed percent-encoding");
    }
    if (s === "." || s === "..") throw badRequest("path: . and .. segments are not allowed");
    if (s.includes("/") || s.includes("\\") || s.includes("\0"))
      throw badRequest("path: encoded /, \\ or NUL are not allowed");
    if (s === "") {
      if (k === 0 || k === parts.length - 1) continue;
      throw badRequest("path: empty segments (//) are not allowed");
    }
    segments.push(s);
  }
  return segments;
}

/** The real path of `p`, or undefined when it does not exist. */
async function real(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch {
    return undefined;
  }
}

/** A file of the root: its bytes, type and weak ETag; undefined when not a regular file inside. */
async function readInside(
  rootReal: string,
  segments: string[],
): Promise<{ body: Uint8Array<ArrayBuffer>; type: string; etag: string } | undefined> {
  const file = await real(join(rootReal, ...segments));
  if (!file?.startsWith(rootReal + sep)) return undefined;
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  const body = (await readFile(file)) as Uint8Array<ArrayBuffer>;
  return {
    body,
    type: contentType(file),
    etag: `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`,
  };
}

/**
 * Answers a GET/HEAD for a non-API path from `webRoot`; `/` is `index.html`. When the root has
 * no index.html, `/` is a short page saying how to build the dashboard. No fallback to
 * index.html for other paths (the dashboard routes by URL hash). Files under `assets/` (Vite's
 * content-hashed names) are cached for a year; everything else is revalidated by ETag.
 */
export async function serveStatic(c: Context, webRoot: string | undefined): Promise<Response> {
  const segments = safeSegments(rawPath(c));
  if (segments.some((s) => s.startsWith("."))) throw notFound(`no file ${c.req.path}`);
  const rootReal = webRoot === undefined ? undefined : await real(webRoot);
  const wanted = segments.length === 0 ? ["index.html"] : segments;
  const file = rootReal === undefined ? undefined : await readInside(rootReal, wanted);
  if (!file) {
    if (wanted.length === 1 && wanted[0] === "index.html")
      return c.body(NOT_BUILT_PAGE, 200, {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": CACHE.none,
      });
    throw notFound(`no file ${c.req.path}`);
  }
  const cacheControl = wanted[0] === "assets" ? CACHE.immutable : CACHE.revalidate;
  const headers = { ETag: file.etag, "Cache-Control": cacheControl };
  if (matchesEtag(c.req.header("If-None-Match"), file.etag)) return c.body(null, 304, headers);
  return c.body(file.body, 200, { ...headers, "Content-Type": file.type });
}
