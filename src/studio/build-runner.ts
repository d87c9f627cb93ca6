/**
 * Builds started from the workbench: `softpower build DIR --progress-json` in a child process
 * (the same command a user types, so the browser and the CLI give the same run), its stage lines
 * turned into events as they arrive (the server streams them as server-sent events), one build
 * at a time per study. The build writes its run in one transaction, so a killed child (or
 * server) leaves the study folder and the store as they were.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../core/errors.ts";
import { type Issue, issuesOf } from "./model.ts";

/** The CLI as built (bin/softpower.js), as `npm start` and an installed package run it. */
export const DEFAULT_BUILD_COMMAND = [
  process.execPath,
  resolve(dirname(fileURLToPath(import.meta.url)), "../../bin/softpower.js"),
];

/** One event of a build; `ms` is the time since the build started. */
export type BuildEvent =
  | {
      type: "stage";
      ms: number;
      stage: string;
      index: number;
      total: number;
      status: "start" | "done";
      stageMs?: number;
      detail?: string;
      /** When the build printed it (epoch ms), to measure how far events lag the build. */
      at?: number;
    }
  | { type: "done"; ms: number; run: string }
  | { type: "error"; ms: number; message: string; issues: Issue[]; code: number | null };

/** A build in progress or finished. */
export class Build {
  readonly events: BuildEvent[] = [];
  status: "running" | "done" | "failed" = "running";
  readonly startedAt = Date.now();
  readonly #t0 = performance.now();
  readonly #listeners = new Set<(e: BuildEvent) => void>();
  /** Resolves when the build ends (done or failed). */
  readonly finished: Promise<void>;
  #finish!: () => void;
  child?: ChildProcess;

  constructor(
    readonly id: string,
    readonly study: string,
  ) {
    this.finished = new Promise((r) => {
      this.#finish = r;
    });
  }

  /** Milliseconds since the build started. */
  elapsed(): number {
    return Math.round(performance.now() - this.#t0);
  }

  emit(e: BuildEvent): void {
    this.events.push(e);
    if (e.type === "done") this.status = "done";
    if (e.type === "error") this.status = "failed";
    for (const l of this.#listeners) l(e);
    if (e.type !== "stage") this.#finish();
  }

  /** Calls `fn` with every event so far, then with each new one; returns the unsubscribe. */
  subscribe(fn: (e: BuildEvent) => void): () => void {
    for (const e of this.events) fn(e);
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }
}

/** A second build of a study while one runs. */
export class BuildBusyError extends InputError {
  constructor(study: string) {
    super(`a build of study ${study} is running; wait for it to finish`);
  }
}

/** Runs builds, one at a time per study. */
export class BuildRunner {
  readonly #command: string[];
  readonly #builds = new Map<string, Build>();
  #seq = 0;

  /** `command`: the CLI to run (default {@link DEFAULT_BUILD_COMMAND}); `build DIR ...` is appended. */
  constructor(command: string[] = DEFAULT_BUILD_COMMAND) {
    this.#command = command;
  }

  /** The study's current or last build. */
  get(study: string): Build | undefined {
    return this.#builds.get(study);
  }

  /**
   * Starts building `dir` as study `study`.
   * @throws BuildBusyError while a build of that study runs
   */
  start(study: string, dir: string): Build {
    const prev = this.#builds.get(study);
    if (prev?.status === "running") throw new BuildBusyError(study);
    const build = new Build(`${Date.now().toString(36)}-${++this.#seq}`, study);
    this.#builds.set(study, build);
    const [cmd, ...pre] = this.#command;
    const child = spawn(cmd!, [...pre, "build", dir, "--progress-json"], {
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    build.child = child;
    let buf = "";
    let err = "";
    let run: string | undefined;
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      buf += d;
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let e: Record<string, unknown>;
        try {
          e = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        if (e.event === "stage")
          build.emit({
            type: "stage",
            ms: build.elapsed(),
            stage: String(e.stage),
            index: Number(e.index),
            total: Number(e.total),
            status: e.status === "done" ? "done" : "start",
            stageMs: typeof e.ms === "number" ? e.ms : undefined,
            detail: typeof e.detail === "string" ? e.detail : undefined,
            at: typeof e.at === "number" ? e.at : undefined,
          });
        else if (e.event === "done") run = String(e.run);
      }
    });
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      if (err.length < 64_000) err += d;
    });
    child.on("error", (e) => {
      err += e.message;
    });
    child.on("close", (code, signal) => {
      if (code === 0 && run) build.emit({ type: "done", ms: build.elapsed(), run });
      else {
        const last = [...build.events].reverse().find((e) => e.type === "stage");
        const where = last?.type === "stage" ? ` during ${last.stage}` : "";
        const message = signal
          ? `the build was stopped (${signal})${where} before it finished: no run was recorded, the store and out/ are as they were`
          : err
              .trim()
              .replace(/^(error|softpower): /i, "")
              .trim() || `the build stopped (exit code ${code})${where}`;
        build.emit({
          type: "error",
          ms: build.elapsed(),
          message,
          issues: issuesOf(new InputError(message), "study.yaml"),
          code,
        });
      }
    });
    return build;
  }

  /** Stops every running build (SIGTERM); their runs are not recorded. */
  async stopAll(): Promise<void> {
    const running = [...this.#builds.values()].filter((b) => b.status === "running");
    for (const b of running) b.child?.kill("SIGTERM");
    await Promise.all(running.map((b) => b.finished));
  }
}

export const STUDY_YAML = join("study.yaml");
