/**
 * Host and Origin checks, on every request in every mode (read-only `serve` and `studio`).
 *
 * DNS rebinding: a page on evil.com resolves its own name to 127.0.0.1 and then reads (or, in
 * studio mode, writes) through the victim's browser; its requests carry `Host: evil.com`, so a
 * request whose Host names no allowed host is refused (403), as Jupyter does. Cross-site
 * requests: a browser sends `Origin` on cross-origin fetches and on every POST, PUT and DELETE;
 * an Origin that is not this server's own (same scheme, host and port as the Host header) is
 * refused, and so is `Origin: null` (sandboxed frames, file: pages). Requests without Origin
 * (curl, the CLI, in-process tests, same-origin navigation) pass this check; state changes are
 * guarded again by the launch token (see studio-routes.ts).
 */
import { networkInterfaces, hostname as osHostname } from "node:os";
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors.ts";
import { isLoopback } from "./server.ts";

/** Host names a loopback-bound server answers to. */
export const LOOPBACK_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "::1"];

/** The host name of a Host header or URL authority, lower-cased, without port or brackets. */
export function hostName(authority: string): string | undefined {
  const a = authority.trim().toLowerCase();
  if (a === "") return undefined;
  if (a.startsWith("[")) {
    const end = a.indexOf("]");
    if (end < 0) return undefined;
    const rest = a.slice(end + 1);
    if (rest !== "" && !/^:\d{1,5}$/.test(rest)) return undefined;
    return a.slice(1, end);
  }
  const m = /^([a-z0-9.\-_]+)(?::(\d{1,5}))?$/.exec(a);
  return m ? m[1] : undefined;
}

/**
 * The host names a server bound to `bind` answers to: the loopback names always; the bound
 * address when it is another; for a wildcard bind (0.0.0.0, ::) this machine's name and the
 * addresses of its interfaces; plus `extra` (e.g. a DNS name that points at this machine).
 */
export function allowedHostsFor(bind: string, extra: readonly string[] = []): string[] {
  const out = new Set(LOOPBACK_HOSTS);
  const b = bind.toLowerCase().replace(/^\[|\]$/g, "");
  if (b === "0.0.0.0" || b === "::") {
    out.add(osHostname().toLowerCase());
    for (const list of Object.values(networkInterfaces()))
      for (const i of list ?? []) out.add(i.address.toLowerCase());
  } else if (!isLoopback(b)) out.add(b);
  for (const e of extra) out.add(e.toLowerCase());
  return [...out];
}

/**
 * Middleware refusing (403) a request whose Host is not in `allowed` or whose Origin is not the
 * server's own. The Host is the header when present, else the URL's (in-process requests).
 */
export function hostOriginGuard(allowed: readonly string[]): MiddlewareHandler {
  const hosts = new Set(allowed.map((h) => h.toLowerCase()));
  return async (c, next) => {
    const header = c.req.header("Host");
    const authority = header ?? new URL(c.req.url).host;
    const name = hostName(authority);
    if (name === undefined || !hosts.has(name))
      throw new ApiError(
        403,
        `refused: Host ${JSON.stringify(authority.slice(0, 100))} is not this server's (it answers to ${[...hosts].join(", ")}; start it with --host to serve another name)`,
      );
    const origin = c.req.header("Origin");
    if (origin !== undefined) {
      let ok = false;
      try {
        const u = new URL(origin);
        ok =
          (u.protocol === "http:" || u.protocol === "https:") &&
          u.host === authority.toLowerCase() &&
          hosts.has(hostName(u.host) ?? "");
      } catch {
        ok = false;
      }
      if (!ok)
        throw new ApiError(
          403,
          `refused: cross-origin request from ${JSON.stringify(origin.slice(0, 100))}; only pages served by this server may call it`,
        );
    }
    await next();
  };
}
