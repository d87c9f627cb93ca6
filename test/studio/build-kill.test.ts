/**
 * A build started from the workbench whose child process is killed mid-build (SIGKILL: no
 * clean-up runs) leaves no half-written run: the store lists the same runs with the same tables,
 * out/ and every other file of the study are byte for byte as before, no temporary file or
 * folder is left behind, the workbench reports the stop (build status, the event stream's last
 * event, with the stage it stopped in), and the next build succeeds. Killed at three points: the
 * start of the first stage, the start of the last, and the end of the last (the build then
 * writes the run in one transaction and exports out/ by rename: the kill lands in that write).
 */
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/server/app.ts";
import { studioRoutes } from "../../src/server/studio-routes.ts";
import { storePath } from "../../src/store/db.ts";
import { listRuns, readRunTable } from "../../src/store/read.ts";
import { type BuildEvent, BuildRunner } from "../../src/studio/build-runner.ts";
import { Workspace } from "../../src/studio/workspace.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const TOKEN = "4b".repeat(32);
const H = { "X-Softpower-Token": TOKEN };
let tmp: string;
let dir: string;
let runner: BuildRunner;
let app: ReturnType<typeof createApp>;
let stages: string[] = [];

/** Every file of the study folder but the store itself, with its SHA-256. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if ((await stat(p)).isDirectory()) await walk(p);
      else {
        const rel = relative(root, p);
        if (/^\.softpower[\\/]study\.duckdb(\.wal)?$/.test(rel)) continue;
        out.set(
          rel,
          createHash("sha256")
            .update(await readFile(p))
            .digest("hex"),
        );
      }
    }
  };
  await walk(root);
  return out;
}

/** All entries' paths (files and folders), to find temporary leftovers. */
async function entries(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      out.push(relative(root, join(d, e.name)));
      if ((await stat(join(d, e.name))).isDirectory()) await walk(join(d, e.name));
    }
  };
  await walk(root);
  return out;
}

/** Starts a build through the API; resolves with its events once it ends. */
async function buildVia(kill?: (e: BuildEvent) => boolean): Promise<BuildEvent[]> {
  const r = await app.request("/api/studio/studies/demo/builds", { method: "POST", headers: H });
  expect(r.status).toBe(202);
  const b = runner.get("demo")!;
  if (kill)
    b.subscribe((e) => {
      if (b.status === "running" && kill(e)) b.child?.kill("SIGKILL");
    });
  await b.finished;
  return b.events;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "softpower-build-kill-"));
  dir = join(tmp, "studies", "demo");
  await mkdir(dir, { recursive: true });
  await cp(join(ROOT, "examples/demo/study.yaml"), join(dir, "study.yaml"));
  await cp(join(ROOT, "examples/demo/data"), join(dir, "data"), { recursive: true });
  runner = new BuildRunner([process.execPath, "--import", "tsx", join(ROOT, "src/cli/main.ts")]);
  const workspace = new Workspace(join(tmp, "studies"));
  app = createApp({
    studies: workspace.list(),
    studio: studioRoutes({ workspace, token: TOKEN, runner }),
  });
  const events = await buildVia();
  expect(events.at(-1)?.type, JSON.stringify(events.at(-1))).toBe("done");
  stages = [...new Set(events.flatMap((e) => (e.type === "stage" ? [e.stage] : [])))];
  expect(stages.length).toBeGreaterThan(2);
}, 180_000);

afterAll(async () => {
  await runner?.stopAll();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("a build killed mid-way", () => {
  const POINTS = [
    ["at the start of the first stage", "first", "start"],
    ["at the start of the last stage", "last", "start"],
    ["after the last stage, while the run is written and exported", "last", "done"],
  ] as const;
  for (const [label, at, status] of POINTS)
    it(`${label}: nothing half-written, the workbench says so`, async () => {
      const stage = at === "first" ? stages[0]! : stages.at(-1)!;
      const runsBefore = await listRuns(storePath(dir));
      const scoresBefore = await readRunTable(storePath(dir), "latest", "index_scores");
      const filesBefore = await snapshot(dir);
      const events = await buildVia(
        (e) => e.type === "stage" && e.stage === stage && e.status === status,
      );
      const last = events.at(-1)!;
      expect(last.type).toBe("error");
      if (last.type !== "error") return;
      expect(last.message).toMatch(
        new RegExp(`^the build was stopped \\(SIGKILL\\) during ${stage} before it finished`),
      );
      expect(last.code).toBeNull();
      // The workbench's view: the build's status and its event stream.
      const cur = await app.request("/api/studio/studies/demo/builds/current", { headers: H });
      const body = (await cur.json()) as { status: string; events: BuildEvent[] };
      expect(body.status).toBe("failed");
      expect(body.events.at(-1)).toEqual(last);
      const sse = await app.request("/api/studio/studies/demo/builds/current/events", {
        headers: H,
      });
      const text = await sse.text();
      expect(text.trim().split("\n").at(-1)).toBe(`data: ${JSON.stringify(last)}`);
      // Nothing lost, nothing half-written.
      const runsAfter = await listRuns(storePath(dir));
      expect(runsAfter.map((r) => r.id)).toEqual(runsBefore.map((r) => r.id));
      expect(runsAfter).toEqual(runsBefore);
      expect(await readRunTable(storePath(dir), "latest", "index_scores")).toEqual(scoresBefore);
      expect(await snapshot(dir)).toEqual(filesBefore);
      expect((await entries(dir)).filter((p) => /\.tmp|\.old-/.test(p))).toEqual([]);
    }, 180_000);

  it("the next build succeeds and adds exactly one run", async () => {
    const before = await listRuns(storePath(dir));
    const events = await buildVia();
    expect(events.at(-1)?.type).toBe("done");
    const after = await listRuns(storePath(dir));
    expect(after.length).toBe(before.length + 1);
  }, 180_000);
});
