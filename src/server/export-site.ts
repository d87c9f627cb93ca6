/**
 * A static, read-only copy of the dashboard for one run (`softpower export-site`, and the
 * workbench's Share page): the dashboard's build (`dist/web`) plus the run's data baked in as
 * JSON files that mirror the API's paths, so any web server (or none but a file server) shows it:
 *
 *   index.html                                        the dashboard, with
 *                                                     `<meta name="softpower-static" content="data/">`
 *   assets/…                                          as built by Vite (relative URLs)
 *   static.json                                       { softpower, study, run, synthetic, tables }
 *   data/studies.json                                 GET /api/studies (this study, this run)
 *   data/studies/<study>/runs.json                    GET /api/studies/<study>/runs (this run)
 *   data/studies/<study>/runs/<run>.json              GET /api/studies/<study>/runs/<run>
 *   data/studies/<study>/runs/latest.json             the same (the dashboard opens `latest`)
 *   data/studies/<study>/runs/<run>/tables/<t>.json   GET …/tables/<t>, one per result table
 *
 * The JSON is what the read-only server answers (the same app answers in-process), so the
 * static copy shows the same numbers. The dashboard sees the meta tag, fetches `data/…json` by
 * relative URLs and hides the workbench entry. Browsers refuse fetch() from file://, so the
 * folder must be served over http (any static server: `python3 -m http.server`, nginx, GitHub
 * Pages…).
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { strToU8, zipSync } from "fflate";
import { InputError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import { createApp } from "./app.ts";
import type { StudySource } from "./studies.ts";

/** The meta tag that puts the dashboard in static mode; its content is the data folder. */
export const STATIC_META = '<meta name="softpower-static" content="data/">';

/** A static site: the resolved run and every file by its path inside the site (`/`-separated). */
export interface StaticSite {
  study: string;
  run: string;
  synthetic: boolean;
  files: Map<string, Uint8Array>;
}

/** Every file under `root` (hidden names skipped), by path relative to it with `/`. */
async function filesUnder(root: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.name.startsWith(".")) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.set(relative(root, p).split(sep).join("/"), await readFile(p));
    }
  };
  await walk(root);
  return out;
}

/** index.html with the static-mode meta tag right after `<head>`. */
export function staticIndexHtml(html: string): string {
  const m = /<head[^>]*>/i.exec(html);
  if (!m)
    throw new InputError(
      "the dashboard's index.html has no <head>: rebuild it (npm run build:web)",
    );
  const at = m.index + m[0].length;
  return `${html.slice(0, at)}\n    ${STATIC_META}${html.slice(at)}`;
}

/**
 * The static site of run `runRef` (an id, a unique prefix, `latest` or `previous`) of `source`,
 * from the dashboard build in `webRoot`. Cost: one read of each of the run's tables.
 *
 * @throws InputError when the dashboard is not built, the study has no runs, or the run is
 *   unknown (with the server's message, which lists what would be valid).
 * @example const site = await staticSite({ id: "demo", dir: "examples/demo" }, "latest", "dist/web")
 */
export async function staticSite(
  source: StudySource,
  runRef: string,
  webRoot: string,
): Promise<StaticSite> {
  const app = createApp({ studies: [source], log: () => {} });
  const get = async (path: string): Promise<unknown> => {
    const r = await app.request(path, { headers: { Host: "127.0.0.1" } });
    const body = (await r.json()) as { error?: string };
    if (r.status !== 200)
      throw new InputError(
        `study ${source.dir}: ${body.error ?? `${r.status} on ${path}`}`.replace(/\.$/, ""),
      );
    return body;
  };
  const enc = encodeURIComponent;
  const base = `/api/studies/${enc(source.id)}`;
  const info = (await get(`${base}/runs/${enc(runRef)}`)) as {
    id: string;
    synthetic: boolean;
    tables: string[];
  };
  const run = info.id;
  if (!existsSync(join(webRoot, "index.html")))
    throw new InputError(
      `the dashboard is not built (no ${join(webRoot, "index.html")}): run npm run build:web first`,
    );
  const studies = (await get("/api/studies")) as Record<string, unknown>[];
  const runs = (await get(`${base}/runs`)) as { id: string }[];
  const files = new Map<string, Uint8Array>();
  const json = (path: string, value: unknown) => files.set(path, strToU8(JSON.stringify(value)));
  const data = `data/studies/${source.id}`;
  json(
    "data/studies.json",
    studies.map((s) => ({ ...s, runs: 1, latest: run })),
  );
  json(
    `${data}/runs.json`,
    runs.filter((r) => r.id === run),
  );
  json(`${data}/runs/${run}.json`, info);
  json(`${data}/runs/latest.json`, info);
  for (const t of info.tables)
    json(`${data}/runs/${run}/tables/${t}.json`, await get(`${base}/runs/${run}/tables/${enc(t)}`));
  for (const [path, bytes] of await filesUnder(webRoot))
    files.set(
      path,
      path === "index.html" ? strToU8(staticIndexHtml(new TextDecoder().decode(bytes))) : bytes,
    );
  json("static.json", {
    softpower: VERSION,
    study: source.id,
    run,
    synthetic: info.synthetic,
    tables: info.tables,
  });
  files.set(
    "README.txt",
    strToU8(
      `A read-only copy of the Soft Power Observatory dashboard for run ${run} of study ${source.id}${info.synthetic ? " (SYNTHETIC DATA)" : ""}.\n` +
        "Put this folder on any web server (it needs no API: the run's tables are the JSON files under data/).\n" +
        "Browsers do not load data from file://, so serve it, e.g.: python3 -m http.server --directory <this folder>\n",
    ),
  );
  return { study: source.id, run, synthetic: info.synthetic, files };
}

/** The site as a zip whose entries sit in one folder `<folder>/` (fixed timestamps: same bytes). */
export function zipSite(site: StaticSite, folder: string): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [p, b] of site.files) entries[`${folder}/${p}`] = b;
  return zipSync(entries, { level: 6, mtime: new Date("2026-01-01T00:00:00Z") });
}
