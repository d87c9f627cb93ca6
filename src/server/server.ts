/**
 * Running the app on a port with @hono/node-server.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener, RequestError } from "@hono/node-server";
import type { Hono } from "hono";
import { InputError } from "../core/errors.ts";
import { CACHE, SECURITY_HEADERS } from "./headers.ts";

/** Options of {@link startServer}. */
export interface ServerOptions {
  app: Hono;
  /** Address to bind (default 127.0.0.1: this machine only). */
  host?: string;
  /** Port (default 8080; 0 = any free port). */
  port?: number;
}

/** A running server: its URL (with the real port) and how to stop it. */
export interface RunningServer {
  url: string;
  host: string;
  port: number;
  /** Stops accepting connections, ends open ones and resolves once the server is closed. */
  close(): Promise<void>;
}

/** Whether `host` is a loopback address (the server then answers this machine only). */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The JSON error response for a request the adapter cannot turn into a Request (bad URL, host). */
function adapterError(e: unknown): Response {
  const bad = e instanceof RequestError;
  return new Response(
    JSON.stringify({ error: bad ? `bad request: ${(e as Error).message}` : "internal error" }),
    {
      status: bad ? 400 : 500,
      headers: {
        ...SECURITY_HEADERS,
        "Content-Type": "application/json; charset=utf-8",
        "Cache-Control": CACHE.none,
      },
    },
  );
}

/**
 * Serves `app` on `host:port` (Node's http server, request handling by @hono/node-server).
 *
 * @throws InputError when the port is in use or the address cannot be bound.
 * @example const s = await startServer({ app, port: 0 }); console.log(s.url); await s.close();
 */
export async function startServer({
  app,
  host = "127.0.0.1",
  port = 8080,
}: ServerOptions): Promise<RunningServer> {
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new InputError(`port ${port} is not valid: use a whole number from 0 to 65535`);
  const server: Server = createServer(
    { maxHeaderSize: 16 * 1024, requestTimeout: 30_000, headersTimeout: 10_000 },
    getRequestListener(app.fetch, { errorHandler: adapterError }),
  );
  await new Promise<void>((resolve, reject) => {
    const fail = (e: NodeJS.ErrnoException) => {
      const why =
        e.code === "EADDRINUSE"
          ? `port ${port} on ${host} is in use; choose another with --port (0 = any free port)`
          : e.code === "EADDRNOTAVAIL" || e.code === "ENOTFOUND"
            ? `cannot bind ${host}: not an address of this machine`
            : e.code === "EACCES"
              ? `not allowed to bind ${host}:${port} (ports below 1024 need privileges)`
              : undefined;
      reject(why ? new InputError(why) : e);
    };
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shown =
    addr.family === "IPv6" || addr.address.includes(":") ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${addr.port}/`,
    host: addr.address,
    port: addr.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      }),
  };
}
