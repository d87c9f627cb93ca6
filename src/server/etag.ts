import { createHash } from "node:crypto";
import { VERSION } from "../core/version.ts";

/**
 * The strong ETag of a response determined by `key` (for run data: the study's store, the
 * resolved run id, the canonical path and query) and the softpower version that rendered it.
 */
export function etagOf(key: string): string {
  return `"${createHash("sha1").update(VERSION).update("\0").update(key).digest("base64url").slice(0, 27)}"`;
}

/** Whether an If-None-Match header matches `etag` (weak comparison, as RFC 9110 asks for GET). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, "");
  for (const part of header.split(",")) {
    const t = part.trim();
    if (t === "*" || t.replace(/^W\//, "") === bare) return true;
  }
  return false;
}
