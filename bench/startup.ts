/**
 * Start-up and end-to-end CLI figures (issue 12), each command timed as a whole process from
 * outside (spawn to exit), median of `SOFTPOWER_BENCH_STARTUP_RUNS` (default 7) runs, with the
 * commands alternated round by round so a change in machine load hits them alike. CPU seconds
 * (user + system, all threads, from the child's own getrusage via bench/peak-rss.mjs) are
 * printed beside the wall time: they vary less with load on a shared machine.
 *
 * Targets: `softpower --version` at most 3x `node -e 0`; `softpower index` on ASEM at most
 * 300 ms; `softpower drivers` (15 predictors, 20,000 rows, exact LMG) at most 0.5 s.
 * Growth: `softpower drivers` on 5,000 to 80,000 rows, and `softpower index` on synthetic
 * indices of 50 to 800 units.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRng } from "../src/stats/rng.ts";

const BIN = fileURLToPath(new URL("../bin/softpower.js", import.meta.url));
const PEAK = fileURLToPath(new URL("./peak-rss.mjs", import.meta.url));
const ASEM = fileURLToPath(new URL("../../shared/data/composite/asem/", import.meta.url));
const PIPELINE = fileURLToPath(new URL("../examples/asem/pipeline.json", import.meta.url));

interface Timed {
  wall: number;
  cpu: number;
}

/** One process: wall seconds from spawn to exit and its CPU seconds. */
function once(args: string[]): Timed {
  const t = performance.now();
  const r = spawnSync(process.execPath, ["--import", PEAK, ...args], { encoding: "utf8" });
  const wall = (performance.now() - t) / 1000;
  const m = /softpower-bench maxrss_kib=\d+ cpu_us=(\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return { wall, cpu: Number(m[1]) / 1e6 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Runs every command `runs` times, alternating; medians of wall and CPU seconds. */
function alternate(commands: Record<string, string[]>, runs: number) {
  const times: Record<string, Timed[]> = {};
  for (const name of Object.keys(commands)) once(commands[name]!); // warm the file cache
  for (let k = 0; k < runs; k++)
    for (const [name, args] of Object.entries(commands)) {
      times[name] ??= [];
      times[name].push(once(args));
    }
  return Object.fromEntries(
    Object.entries(times).map(([n, ts]) => [
      n,
      { wall: median(ts.map((t) => t.wall)), cpu: median(ts.map((t) => t.cpu)) },
    ]),
  ) as Record<string, Timed>;
}

/** A standard normal draw (Box-Muller) from a seeded uniform source. */
function normal(rng: ReturnType<typeof createRng>): number {
  return Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
}

/** A drivers data set: 15 correlated predictors and an outcome, seeded. */
function driversCsv(path: string, rows: number, p = 15): string[] {
  const rng = createRng(7);
  const names = Array.from({ length: p }, (_, j) => `x${j + 1}`);
  const lines = [`y,${names.join(",")}`];
  for (let i = 0; i < rows; i++) {
    const common = normal(rng);
    const x = names.map(() => 0.5 * common + normal(rng));
    const y = x.reduce((s, v, j) => s + v * (0.1 + j / p), 0) + normal(rng);
    lines.push([y, ...x].map((v) => v.toFixed(5)).join(","));
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
  return names;
}

/**
 * iData and iMeta CSV (COINr layout): `units` units in 3 groups, 20 log-normal indicators in 2
 * pillars, one index; built with the ASEM pipeline (group-mean imputation needs the group).
 */
function indexCsv(dataPath: string, metaPath: string, units: number): void {
  const rng = createRng(3);
  const codes = Array.from({ length: 20 }, (_, i) => `I${i}`);
  const meta = ["Level,iCode,iName,Direction,Weight,Unit,Target,Denominator,Parent,Type"];
  for (const [i, c] of codes.entries())
    meta.push(`1,${c},${c},1,1,,,,P${Math.floor(i / 10)},Indicator`);
  meta.push("2,P0,P0,1,1,,,,Index,Aggregate", "2,P1,P1,1,1,,,,Index,Aggregate");
  meta.push("3,Index,Index,1,1,,,,,Aggregate", "NA,EurAsia_group,Group,NA,NA,NA,NA,NA,NA,Group");
  const data = [`uCode,uName,EurAsia_group,${codes.join(",")}`];
  for (let u = 0; u < units; u++)
    data.push(
      [
        `U${u}`,
        `Unit ${u}`,
        `G${u % 3}`,
        ...codes.map(() => (Math.exp(normal(rng)) * 10).toFixed(4)),
      ].join(","),
    );
  writeFileSync(metaPath, `${meta.join("\n")}\n`);
  writeFileSync(dataPath, `${data.join("\n")}\n`);
}

const ms = (s: number) => `${Math.round(s * 1000)} ms`;

export async function startupBench(): Promise<void> {
  const runs = Number(process.env.SOFTPOWER_BENCH_STARTUP_RUNS ?? 7);
  const dir = mkdtempSync(join(tmpdir(), "softpower-startup-"));
  try {
    console.log(
      `\nCLI start-up and end to end (whole processes, median of ${runs} alternated runs; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")})`,
    );
    if (!existsSync(join(BIN, "..", "..", "dist", "bundle", "main.js"))) {
      console.log("(skipped: dist/bundle is missing; run npm run build)");
      return;
    }
    const predictors = driversCsv(join(dir, "drivers.csv"), 20_000);
    const commands: Record<string, string[]> = {
      "node -e 0": ["-e", "0"],
      "softpower --version": [BIN, "--version"],
      "softpower drivers (15 predictors, 20,000 rows)": [
        BIN,
        ...["drivers", "--data", join(dir, "drivers.csv"), "--outcome", "y"],
        ...["--predictors", predictors.join(","), "--out", join(dir, "drivers-out.csv")],
      ],
    };
    if (existsSync(ASEM))
      commands["softpower index (ASEM, 51 × 49, COINr default build)"] = [
        BIN,
        ...["index", "--data", `${ASEM}ASEM_iData.csv`, "--meta", `${ASEM}ASEM_iMeta.csv`],
        ...["--pipeline", PIPELINE, "--out", join(dir, "asem")],
      ];
    else console.log(`(ASEM skipped: ${ASEM} is absent)`);
    const t = alternate(commands, runs);
    const base = t["node -e 0"]!;
    const targets: Record<string, (x: Timed) => string> = {
      "softpower --version": (x) => `${(x.wall / base.wall).toFixed(2)}x node -e 0  [target <= 3x]`,
      "softpower drivers (15 predictors, 20,000 rows)": () => "[target <= 500 ms]",
      "softpower index (ASEM, 51 × 49, COINr default build)": () => "[target <= 300 ms]",
    };
    for (const [name, x] of Object.entries(t))
      console.log(
        `  ${name.padEnd(56)} ${ms(x.wall).padStart(7)} wall, ${ms(x.cpu).padStart(7)} CPU  ${targets[name]?.(x) ?? ""}`,
      );

    console.log("\n  how it grows: softpower drivers, 15 predictors (exact LMG, 32,767 subsets)");
    const grow: Record<string, string[]> = {};
    for (const rows of [5_000, 20_000, 80_000]) {
      const file = join(dir, `drivers-${rows}.csv`);
      driversCsv(file, rows);
      grow[`${rows.toLocaleString("en")} rows`] = [
        BIN,
        ...["drivers", "--data", file, "--outcome", "y", "--predictors", predictors.join(",")],
        ...["--out", join(dir, `d-${rows}.csv`)],
      ];
    }
    for (const [name, x] of Object.entries(alternate(grow, Math.min(runs, 5))))
      console.log(`    ${name.padEnd(14)} ${ms(x.wall).padStart(7)} wall, ${ms(x.cpu)} CPU`);

    console.log("\n  how it grows: softpower index, synthetic, 20 indicators, ASEM pipeline");
    const idx: Record<string, string[]> = {};
    for (const units of [50, 200, 800]) {
      indexCsv(join(dir, `i-${units}.csv`), join(dir, `m-${units}.csv`), units);
      idx[`${units} units`] = [
        BIN,
        ...["index", "--data", join(dir, `i-${units}.csv`), "--meta", join(dir, `m-${units}.csv`)],
        ...["--pipeline", PIPELINE, "--out", join(dir, `idx-${units}`)],
      ];
    }
    for (const [name, x] of Object.entries(alternate(idx, Math.min(runs, 5))))
      console.log(`    ${name.padEnd(14)} ${ms(x.wall).padStart(7)} wall, ${ms(x.cpu)} CPU`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
