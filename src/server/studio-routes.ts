/**
 * The workbench's write API (studio mode only, `softpower studio`), under /api/studio/.
 *
 * Every request needs the launch token (a random 32-byte hex string printed in the URL at
 * start, as Jupyter does): the `X-Softpower-Token` header, or for GET (the build's event stream,
 * downloads opened as links) the `token` query parameter. Host and Origin are checked before
 * (guard.ts); a state change is never a GET; JSON bodies must be sent as application/json
 * (a cross-site form cannot) and are validated with the CLI's zod schemas; uploads are capped,
 * their names sanitised and written atomically into the study's data/ folder, never over a file.
 *
 *   GET    /api/studio/studies                          [{ id, name, issues }]
 *   POST   /api/studio/studies                          { study: study.yaml object } -> 201 { id }
 *   GET    /api/studio/studies/:id/model                { model, issues }
 *   PUT    /api/studio/studies/:id/model                { study, specs } -> { written } | 422 { issues }
 *   POST   /api/studio/studies/:id/validate             { study, specs } -> { issues }
 *   GET    /api/studio/studies/:id/files                [{ path, bytes }]
 *   PUT    /api/studio/studies/:id/files/:name          raw bytes -> 201 { path } (409 exists, 413)
 *   PUT    /api/studio/studies/:id/framework            { columns, rows } -> framework.csv (422 invalid)
 *   GET    /api/studio/studies/:id/preview?path=        first rows, types, labels, row count
 *   POST   /api/studio/studies/:id/estimate             one rating's share, SE, deff
 *   POST   /api/studio/studies/:id/builds               202 { build } | 409 while one runs
 *   GET    /api/studio/studies/:id/builds/current       { status, events }
 *   GET    /api/studio/studies/:id/builds/current/events  text/event-stream
 *   GET    /api/studio/studies/:id/export.zip?data=1    the study folder as a zip
 *   GET    /api/studio/studies/:id/report?format=html|pdf|xlsx&run=latest
 *   GET    /api/studio/studies/:id/site.zip?run=latest  a static read-only dashboard of the run
 */
import { timingSafeEqual } from "node:crypto";
import { join } from "node:path";
import type { Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { InputError } from "../core/errors.ts";
import { BuildBusyError, type BuildRunner } from "../studio/build-runner.ts";
import { EstimateRequestSchema, estimatePreview, surveyFrame } from "../studio/estimate.ts";
import {
  listStudyFiles,
  previewFile,
  saveUpload,
  UploadError,
  writeFramework,
} from "../studio/files.ts";
import { warmSurveyFrame } from "../studio/frame-cache.ts";
import { insideStudy, readModel, specPaths, validateModel, writeModel } from "../studio/model.ts";
import { type Workspace, zipStudy } from "../studio/workspace.ts";
import { ApiError, badRequest, notFound } from "./errors.ts";
import { CACHE } from "./headers.ts";
import type { StudySource } from "./studies.ts";

/** Options of {@link studioRoutes}. */
export interface StudioOptions {
  workspace: Workspace;
  /** The launch token. */
  token: string;
  runner: BuildRunner;
  /** Largest upload, bytes (default 512 MiB). */
  maxUploadBytes?: number;
  /** Largest JSON body, bytes (default 2 MiB). */
  maxJsonBytes?: number;
  /** The dashboard's build folder, for the static copy (site.zip; 404 without it). */
  webRoot?: string;
}

const ModelSchema = z
  .object({
    study: z.record(z.string(), z.unknown()),
    specs: z
      .array(z.object({ key: z.string(), path: z.string(), content: z.unknown() }).strict())
      .default([]),
  })
  .strict();

const CreateSchema = z
  .object({
    study: z.record(z.string(), z.unknown()),
    id: z.string().optional(),
  })
  .strict();

const FrameworkSchema = z
  .object({
    columns: z.array(z.string().min(1)).min(1).max(64),
    rows: z.array(z.array(z.union([z.string(), z.number(), z.null()])).max(64)).max(100_000),
  })
  .strict();

/** A study's cache folder (parsed .sav files, shared with the build). */
const cacheOf = (dir: string) => join(dir, ".softpower", "cache");

const sameToken = (given: string | undefined, token: string): boolean => {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** The write routes and the study lister of studio mode, for `createApp({ studio })`. */
export function studioRoutes(o: StudioOptions): {
  register: (app: Hono) => void;
  sources: () => StudySource[];
} {
  const maxUpload = o.maxUploadBytes ?? 512 * 2 ** 20;
  const maxJson = o.maxJsonBytes ?? 2 * 2 ** 20;
  const { workspace, runner } = o;

  const studyOf = (c: Context) => {
    const id = c.req.param("id") ?? "";
    const s = workspace.get(id);
    if (!s)
      throw notFound(
        `unknown study ${JSON.stringify(id.slice(0, 80))}; studies: ${
          workspace
            .list()
            .map((x) => x.id)
            .join(", ") || "none yet"
        }`,
      );
    return s;
  };

  const json = async <S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> => {
    const type = c.req.header("Content-Type") ?? "";
    if (!/^application\/json\b/i.test(type))
      throw new ApiError(415, "send the body as JSON (Content-Type: application/json)");
    const len = Number(c.req.header("Content-Length") ?? "0");
    if (len > maxJson) throw new ApiError(413, `request body too large: at most ${maxJson} bytes`);
    const text = await c.req.text();
    if (text.length > maxJson)
      throw new ApiError(413, `request body too large: at most ${maxJson} bytes`);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw badRequest("the body is not valid JSON");
    }
    const r = schema.safeParse(raw);
    if (!r.success)
      throw badRequest(
        `invalid body: ${r.error.issues
          .slice(0, 5)
          .map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`)
          .join("; ")}`,
      );
    return r.data;
  };

  const register = (app: Hono) => {
    app.use("/api/studio/*", async (c, next) => {
      const m = c.req.method;
      const header = c.req.header("X-Softpower-Token");
      const query = m === "GET" || m === "HEAD" ? c.req.query("token") : undefined;
      if (!sameToken(header ?? query, o.token))
        throw new ApiError(
          403,
          header === undefined && query === undefined
            ? "this request needs the workbench's token (open the URL softpower studio printed)"
            : "wrong token: open the URL softpower studio printed",
        );
      await next();
      c.res.headers.set("Cache-Control", CACHE.none);
    });

    app.get("/api/studio/studies", async (c) => {
      const out = [];
      for (const s of workspace.list()) {
        try {
          const { model, issues } = await readModel(s.dir);
          out.push({ id: s.id, name: String(model.study.name ?? s.id), issues: issues.length });
        } catch (e) {
          out.push({ id: s.id, name: s.id, issues: 1, error: (e as Error).message });
        }
      }
      return c.json({ studies: out, single: workspace.single });
    });
    app.post("/api/studio/studies", async (c) => {
      const body = await json(c, CreateSchema);
      const r = await workspace.create(body.study, body.id);
      if (!r.study) return c.json({ issues: r.issues }, 422);
      return c.json({ id: r.study.id }, 201);
    });
    app.get("/api/studio/studies/:id/model", async (c) => {
      const s = studyOf(c);
      const { model, issues } = await readModel(s.dir);
      return c.json({ id: s.id, model, issues });
    });
    app.put("/api/studio/studies/:id/model", async (c) => {
      const s = studyOf(c);
      const model = await json(c, ModelSchema);
      const r = await writeModel(s.dir, model);
      if (r.issues.length > 0) return c.json({ issues: r.issues }, 422);
      return c.json({ written: r.written.length, issues: [] });
    });
    app.post("/api/studio/studies/:id/validate", async (c) => {
      studyOf(c);
      const model = await json(c, ModelSchema);
      return c.json({ issues: validateModel(model) });
    });
    app.get("/api/studio/studies/:id/files", async (c) => {
      const s = studyOf(c);
      return c.json({ files: await listStudyFiles(s.dir) });
    });
    app.put("/api/studio/studies/:id/files/:name", async (c) => {
      const s = studyOf(c);
      const len = c.req.header("Content-Length");
      if (len !== undefined && Number(len) > maxUpload)
        throw new ApiError(413, `upload too large: at most ${maxUpload} bytes`);
      try {
        const path = await saveUpload(s.dir, c.req.param("name"), c.req.raw.body, maxUpload);
        // Parse it now: the preview and the first estimate that follow find it parsed.
        warmSurveyFrame(join(s.dir, path), cacheOf(s.dir));
        return c.json({ path }, 201);
      } catch (e) {
        if (e instanceof UploadError) throw new ApiError(e.status, e.message);
        if (e instanceof InputError) throw badRequest(e.message);
        throw e;
      }
    });
    app.put("/api/studio/studies/:id/framework", async (c) => {
      const s = studyOf(c);
      const body = await json(c, FrameworkSchema);
      const r = await writeFramework(s.dir, body.columns, body.rows);
      if (r.error)
        return c.json(
          { issues: [{ file: "framework.csv", key: "index.meta", message: r.error }] },
          422,
        );
      return c.json({ path: r.path });
    });
    /** A data path from the client: inside the study folder, or exactly one study.yaml names. */
    const dataPath = async (dir: string, p: string | undefined): Promise<string> => {
      if (!p) throw badRequest("query parameter path is required (a file of the study folder)");
      const inside = insideStudy(dir, p);
      if (inside) return inside;
      const { model } = await readModel(dir);
      const named = [
        (model.study.survey as { data?: unknown } | undefined)?.data,
        (model.study.index as { data?: unknown; meta?: unknown } | undefined)?.data,
        (model.study.index as { meta?: unknown } | undefined)?.meta,
        ...specPaths(model.study).map((x) => x.path),
      ];
      if (named.includes(p)) {
        const { resolve } = await import("node:path");
        return resolve(dir, p);
      }
      throw badRequest(
        `path ${JSON.stringify(p.slice(0, 120))} is not a file of the study folder (nor one study.yaml names)`,
      );
    };
    const inputError = (e: unknown) => {
      if (e instanceof InputError) return badRequest(e.message);
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return notFound("no such file");
      return e;
    };
    app.get("/api/studio/studies/:id/preview", async (c) => {
      const s = studyOf(c);
      const p = c.req.query("path");
      const abs = await dataPath(s.dir, p);
      const rows = Math.min(Math.max(Number(c.req.query("rows") ?? 20) || 20, 1), 200);
      const t = performance.now();
      try {
        const preview = await previewFile(abs, p!, rows, cacheOf(s.dir));
        return c.json({ ...preview, ms: Math.round(performance.now() - t) });
      } catch (e) {
        throw inputError(e);
      }
    });
    app.post("/api/studio/studies/:id/estimate", async (c) => {
      const s = studyOf(c);
      const req = await json(c, EstimateRequestSchema);
      const abs = await dataPath(s.dir, req.data);
      try {
        return c.json(estimatePreview(await surveyFrame(abs, cacheOf(s.dir)), req));
      } catch (e) {
        throw inputError(e);
      }
    });
    app.post("/api/studio/studies/:id/builds", (c) => {
      const s = studyOf(c);
      try {
        const b = runner.start(s.id, s.dir);
        return c.json({ build: b.id, status: b.status }, 202);
      } catch (e) {
        if (e instanceof BuildBusyError) throw new ApiError(409, e.message);
        throw e;
      }
    });
    const current = (c: Context) => {
      const s = studyOf(c);
      const b = runner.get(s.id);
      if (!b) throw notFound(`study ${s.id} has not been built from the workbench yet`);
      return b;
    };
    app.get("/api/studio/studies/:id/builds/current", (c) => {
      const b = current(c);
      return c.json({ build: b.id, status: b.status, events: b.events });
    });
    app.get("/api/studio/studies/:id/builds/current/events", (c) => {
      const b = current(c);
      return streamSSE(c, async (stream) => {
        let done = false;
        const queue: string[] = [];
        let wake: (() => void) | undefined;
        const off = b.subscribe((e) => {
          queue.push(JSON.stringify(e));
          if (e.type !== "stage") done = true;
          wake?.();
        });
        stream.onAbort(() => {
          done = true;
          wake?.();
        });
        try {
          for (;;) {
            while (queue.length > 0)
              await stream.writeSSE({ event: "build", data: queue.shift()! });
            if (done || stream.aborted) break;
            await new Promise<void>((r) => {
              wake = r;
            });
            wake = undefined;
          }
        } finally {
          off();
        }
      });
    });
    app.get("/api/studio/studies/:id/export.zip", async (c) => {
      const s = studyOf(c);
      const data = c.req.query("data") === "1";
      const bytes = await zipStudy(s.dir, data);
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
        "Content-Type": "application/zip",
        "Content-Disposition": `attachment; filename="${s.id}${data ? "" : "-no-data"}.zip"`,
      });
    });
    app.get("/api/studio/studies/:id/report", async (c) => {
      const s = studyOf(c);
      const format = c.req.query("format") ?? "html";
      if (format !== "html" && format !== "pdf" && format !== "xlsx")
        throw badRequest(`format ${JSON.stringify(format)} is not one of html, pdf, xlsx`);
      const run = c.req.query("run") ?? "latest";
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(run)) throw badRequest("run is not a run id");
      const { generateReport } = await import("../report/report.ts");
      let content: string | Buffer;
      try {
        content = (await generateReport(s.dir, run, format)).content;
      } catch (e) {
        throw inputError(e);
      }
      const types = {
        html: "text/html; charset=utf-8",
        pdf: "application/pdf",
        xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      };
      return c.body(
        (typeof content === "string" ? Buffer.from(content) : content) as Uint8Array<ArrayBuffer>,
        200,
        {
          "Content-Type": types[format],
          "Content-Disposition": `attachment; filename="${s.id}-${run}.${format}"`,
        },
      );
    });
    app.get("/api/studio/studies/:id/site.zip", async (c) => {
      const s = studyOf(c);
      const run = c.req.query("run") ?? "latest";
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(run)) throw badRequest("run is not a run id");
      if (o.webRoot === undefined)
        throw notFound("this workbench has no dashboard build to copy (npm run build:web)");
      const { staticSite, zipSite } = await import("./export-site.ts");
      let bytes: Uint8Array;
      let name: string;
      try {
        const site = await staticSite(s, run, o.webRoot);
        name = `${site.study}-${site.run}-site`;
        bytes = zipSite(site, name);
      } catch (e) {
        throw inputError(e);
      }
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
        "Content-Type": "application/zip",
        "Content-Disposition": `attachment; filename="${name}.zip"`,
      });
    });
    app.all("/api/studio/*", (c) => {
      throw new ApiError(
        c.req.method === "GET" ? 404 : 405,
        `no studio endpoint ${c.req.method} ${c.req.path}`,
      );
    });
  };

  return { register, sources: () => workspace.list() };
}
