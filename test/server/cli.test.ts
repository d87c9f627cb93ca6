/**
 * `softpower serve` as a child process: prints the URL with the real port (port 0), answers on
 * 127.0.0.1, stops cleanly on SIGTERM and SIGINT, warns when bound beyond loopback, serves a
 * folder of studies (listing one without runs), and exits 2 with a clear message for a missing
 * folder, a folder without a study, a study without runs and a bad port.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnTsx } from "../helpers/child.ts";
import { BIN, miniRun, miniScores, ROOT, writeStudy } from "./helpers.ts";

let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "softpower-server-cli-"));
  await writeStudy(join(tmp, "studies", "alpha"), "Alpha", [
    miniRun("20260101T000000Z-aaaa", "2026-01-01T00:00:00.000Z", { index_scores: miniScores(0) }),
  ]);
  await writeStudy(join(tmp, "studies", "beta"), "Beta", []);
  mkdirSync(join(tmp, "studies", "not-a-study"));
  mkdirSync(join(tmp, "nothing"));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, TZ: "UTC", NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("softpower serve", () => {
  it("prints the URL of port 0's real port, serves on 127.0.0.1, stops on SIGTERM", async () => {
    const c = spawnTsx(BIN, ["serve", join(tmp, "studies", "alpha"), "--port", "0"], ROOT);
    try {
      const line = await c.waitFor(/^Serving /);
      const m = /^Serving alpha at (http:\/\/127\.0\.0\.1:(\d+)\/)$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(Number(m![2])).toBeGreaterThan(0);
      const r = await fetch(`${m![1]}api/studies`);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual([
        {
          id: "alpha",
          name: "Mini study",
          synthetic: false,
          runs: 1,
          latest: "20260101T000000Z-aaaa",
        },
      ]);
      expect(c.stderr()).not.toMatch(/warning/);
      c.proc.kill("SIGTERM");
      expect(await c.exited).toEqual({ code: 0, signal: null });
      expect(c.lines).toContain("Stopped (SIGTERM).");
      await expect(fetch(`${m![1]}api/studies`)).rejects.toThrow();
    } finally {
      c.proc.kill("SIGKILL");
    }
  });

  it("serves a folder of studies, noting one without runs; stops on SIGINT", async () => {
    const c = spawnTsx(BIN, ["serve", join(tmp, "studies"), "--port", "0"], ROOT);
    try {
      const line = await c.waitFor(/^Serving /);
      expect(line).toMatch(/^Serving alpha, beta at http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(c.stderr()).toContain(
        `note: study beta has no runs yet (softpower build ${join(tmp, "studies", "beta")}); it is listed with runs: 0`,
      );
      const url = /at (\S+)$/.exec(line)![1]!;
      const studies = (await (await fetch(`${url}api/studies`)).json()) as { runs: number }[];
      expect(studies.map((s) => s.runs)).toEqual([1, 0]);
      c.proc.kill("SIGINT");
      expect((await c.exited).code).toBe(0);
    } finally {
      c.proc.kill("SIGKILL");
    }
  });

  it("warns that --host beyond loopback makes the API reachable from other machines", async () => {
    const c = spawnTsx(
      BIN,
      ["serve", join(tmp, "studies", "alpha"), "--port", "0", "--host", "0.0.0.0"],
      ROOT,
    );
    try {
      const line = await c.waitFor(/^Serving /);
      expect(line).toMatch(/^Serving alpha at http:\/\/0\.0\.0\.0:\d+\/$/);
      expect(c.stderr()).toMatch(
        /^warning: --host 0\.0\.0\.0: the API and dashboard are reachable from other machines, without authentication/m,
      );
      c.proc.kill("SIGTERM");
      expect((await c.exited).code).toBe(0);
    } finally {
      c.proc.kill("SIGKILL");
    }
  });

  it("exits 2 with a clear message for a missing folder, no study, no runs, a bad port", () => {
    const cases: [string[], string][] = [
      [["serve", join(tmp, "absent")], `softpower: ${join(tmp, "absent")}: no such folder\n`],
      [
        ["serve", join(tmp, "nothing")],
        `softpower: ${join(tmp, "nothing")}: no study here (no study.yaml in it nor in any folder inside it); create one with softpower init DIR\n`,
      ],
      [
        ["serve", join(tmp, "studies", "beta")],
        `softpower: no runs yet: run softpower build ${join(tmp, "studies", "beta")}\n`,
      ],
      [
        ["serve", join(tmp, "studies", "alpha"), "--port", "80000"],
        'softpower: --port "80000" is not valid: use a whole number from 0 to 65535 (0 = any free port)\n',
      ],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toBe(message);
    }
  });
});
