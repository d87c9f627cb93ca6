import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../src/io/table.ts";
import { expectClose } from "../helpers/expectClose.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["bin/softpower.js", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, TZ: "UTC", NO_COLOR: "1" },
  });
/** `softpower index` with DATA (a file in the temporary folder), meta.csv and more options. */
const index = (data: string, ...args: string[]) =>
  cli("index", "--data", join(dir, data), "--meta", join(dir, "meta.csv"), ...args);

const META = `Level,iCode,iName,Direction,Weight,Unit,Target,Denominator,Parent,Type
1,a,a,1,1,NA,NA,NA,I,Indicator
1,b,b,1,1,NA,NA,NA,I,Indicator
2,I,Index,1,1,NA,NA,NA,NA,Aggregate
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "softpower-panel-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("softpower index on panel data", () => {
  it("imputes over time, normalises globally and writes Time in the stage and results tables", async () => {
    await writeFile(join(dir, "meta.csv"), META);
    await writeFile(
      join(dir, "data.csv"),
      "uCode,uName,Time,a,b\nA,Aa,2020,NA,1\nB,Bb,2020,2,2\nC,Cc,2020,4,3\nA,Aa,2021,6,4\nB,Bb,2021,3,5\nC,Cc,2021,5,6\n",
    );
    await writeFile(
      join(dir, "p.json"),
      JSON.stringify({
        impute: { method: "i_panel" },
        normalise: { method: "n_minmax", params: { l_u: [0, 100] } },
        aggregate: { method: "a_amean" },
      }),
    );
    const out = join(dir, "out");
    const r = index("data.csv", "--pipeline", join(dir, "p.json"), "--out", out);
    expect(r.status, r.stderr).toBe(0);
    const res = parseCsv(await readFile(join(out, "results.csv"), "utf8"), "results.csv");
    expect(res.columns).toEqual(["uCode", "uName", "Time", "I", "Rank"]);
    // By hand (global min-max: a in [2, 6], b in [1, 6]): 2020 A 50, C 45, B 10; 2021 C 87.5, A 80, B 52.5
    expect(res.rows.map((x) => `${x[0]} ${x[2]} ${x[4]}`)).toEqual([
      "A 2020 1",
      "C 2020 2",
      "B 2020 3",
      "C 2021 1",
      "A 2021 2",
      "B 2021 3",
    ]);
    expectClose(Number(res.rows[0]![3]), 50, { rtol: 1e-12 });
    expectClose(Number(res.rows[3]![3]), 87.5, { rtol: 1e-12 });
    const imputed = parseCsv(
      await readFile(join(out, "stages", "Imputed.csv"), "utf8"),
      "Imputed.csv",
    );
    expect(imputed.columns).toEqual(["uCode", "Time", "a", "b"]);
    expect(imputed.rows[0]).toEqual(["A", "2020", "6", "1"]);
  });

  it("runs an uncertainty analysis of a panel year by year (refused before issue 16)", async () => {
    await writeFile(
      join(dir, "ua.json"),
      JSON.stringify({
        type: "uncertainty",
        runs: 10,
        factors: [{ name: "W", noise: { levels: [1], factor: 0.5, nrep: 10 } }],
      }),
    );
    const out = join(dir, "o2");
    const r = index(
      "data.csv",
      "--pipeline",
      join(dir, "p.json"),
      "--uncertainty",
      join(dir, "ua.json"),
      "--out",
      out,
    );
    expect(r.status, r.stderr).toBe(0);
    const u = parseCsv(await readFile(join(out, "uncertainty.csv"), "utf8"), "uncertainty.csv");
    expect(u.columns.slice(0, 3)).toEqual(["Time", "uCode", "nominal_rank"]);
    // Nominal ranks per year are the build's (results.csv above): 2020 A 1, B 3, C 2; 2021 A 2, B 3, C 1.
    expect(u.rows.map((x) => `${x[0]} ${x[1]} ${x[2]}`)).toEqual([
      "2020 A 1",
      "2020 B 3",
      "2020 C 2",
      "2021 A 2",
      "2021 B 3",
      "2021 C 1",
    ]);
  });
});

describe("softpower index with named weight sets", () => {
  it("aggregates with the set the pipeline names, and rejects an unknown set or a bad weight", async () => {
    await writeFile(join(dir, "meta.csv"), META);
    await writeFile(join(dir, "d1.csv"), "uCode,a,b\nA,1,10\nB,3,0\nC,2,5\n");
    await writeFile(join(dir, "w.csv"), "iCode,Equal,AHeavy\na,1,3\nb,1,1\n");
    await writeFile(
      join(dir, "p.json"),
      JSON.stringify({ normalise: { method: "n_minmax" }, aggregate: { weights: "AHeavy" } }),
    );
    const out = join(dir, "w-out");
    const r = index(
      "d1.csv",
      "--pipeline",
      join(dir, "p.json"),
      "--weights",
      join(dir, "w.csv"),
      "--out",
      out,
    );
    expect(r.status, r.stderr).toBe(0);
    const res = parseCsv(await readFile(join(out, "results.csv"), "utf8"), "results.csv");
    // a → (0, 100, 50), b → (100, 0, 50); weights 3:1 → A 25, B 75, C 50 (by hand)
    expect(res.rows.map((x) => [x[0], Number(x[2])])).toEqual([
      ["B", 75],
      ["C", 50],
      ["A", 25],
    ]);
    await writeFile(join(dir, "p2.json"), JSON.stringify({ aggregate: { weights: "Nope" } }));
    const bad = index(
      "d1.csv",
      "--pipeline",
      join(dir, "p2.json"),
      "--weights",
      join(dir, "w.csv"),
      "--out",
      join(dir, "w2"),
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('"Nope"');
    await writeFile(join(dir, "w3.csv"), "iCode,S\na,-1\nb,1\n");
    const neg = index("d1.csv", "--weights", join(dir, "w3.csv"), "--out", join(dir, "w4"));
    expect(neg.status).toBe(2);
    expect(neg.stderr).toContain("w3.csv row 2, column S");
  });
});
