/**
 * `softpower drivers` end to end as a child process (`node bin/softpower.js drivers`) on the
 * swiss data: output columns, LMG against relaimpo, dominance tables, groups, bootstrap
 * determinism and threads, --by, bad input (exit 2 naming the column) and missing rows.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv, type Table } from "../../src/io/table.ts";
import { expectClose } from "../helpers/expectClose.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const PREDICTORS = "Agriculture,Examination,Education,Catholic,Infant.Mortality";
const COLUMNS = ["predictor", "method", "value", "share", "ci_low", "ci_high", "rank", "r2"];

function run(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["bin/softpower.js", "drivers", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
}

async function table(path: string): Promise<Table> {
  return parseCsv(await readFile(path, "utf8"), path);
}

/** Rows of the main output as objects keyed by column name. */
function records(t: Table): Record<string, string>[] {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, k) => [c, r[k] ?? ""])));
}

describe.skipIf(!hasShared)("softpower drivers (swiss)", () => {
  let dir = "";
  let swissLines: string[] = [];
  const swiss = () => sharedPath("drivers", "swiss.csv");
  const out = (name: string) => join(dir, name);
  const base = (extra: string[], data = swiss()) => [
    "--data",
    data,
    "--outcome",
    "Fertility",
    "--predictors",
    PREDICTORS,
    ...extra,
  ];
  const ref = new Map<string, { lmg: number; share: number; r2: number }>();

  /** A copy of swiss.csv with an extra column (header, value of data row i). */
  async function withColumn(name: string, header: string, cell: (i: number) => string) {
    const lines = swissLines.map((l, i) => `${l},${i === 0 ? header : cell(i - 1)}`);
    await writeFile(out(name), `${lines.join("\n")}\n`);
    return out(name);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "softpower-drivers-"));
    swissLines = (await readFile(swiss(), "utf8")).split(/\r?\n/).filter((l) => l.length > 0);
    const t = await table(sharedPath("drivers", "reference", "relaimpo_swiss_lmg.csv"));
    for (const r of records(t))
      ref.set(r.predictor!, { lmg: Number(r.lmg), share: Number(r.lmg_share), r2: Number(r.R2) });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("lmg + dominance: exit 0, the columns, relaimpo's values, ranks and the tables", async () => {
    const r = run(base(["--methods", "lmg,dominance", "--out", out("swiss.csv")]));
    expect(r.status, r.stderr).toBe(0);
    const t = await table(out("swiss.csv"));
    expect(t.columns).toEqual(COLUMNS);
    const rows = records(t);
    expect(rows.length).toBe(10);
    for (const method of ["lmg", "dominance"]) {
      const mine = rows.filter((x) => x.method === method);
      expect(mine.map((x) => x.predictor)).toEqual(PREDICTORS.split(","));
      for (const x of mine) {
        const e = ref.get(x.predictor!)!;
        expectClose(Number(x.value), e.lmg, { what: `${method} ${x.predictor}` });
        expectClose(Number(x.share), e.share, { what: `${method} share ${x.predictor}` });
        expectClose(Number(x.r2), e.r2, { what: "r2" });
        expect(x.ci_low).toBe("NA");
        expect(x.ci_high).toBe("NA");
      }
      // relaimpo's order: Education 0.260 > Examination 0.171 > Infant.Mortality 0.113 >
      // Catholic 0.106 > Agriculture 0.057.
      const rank = Object.fromEntries(mine.map((x) => [x.predictor, Number(x.rank)]));
      expect(rank).toEqual({
        Education: 1,
        Examination: 2,
        "Infant.Mortality": 3,
        Catholic: 4,
        Agriculture: 5,
      });
    }
    expect(existsSync(out("swiss.complete.csv"))).toBe(true);
    expect(existsSync(out("swiss.conditional.csv"))).toBe(true);
    const comp = await table(out("swiss.complete.csv"));
    expect(comp.columns).toEqual(["predictor", ...PREDICTORS.split(",")]);
    const cond = await table(out("swiss.conditional.csv"));
    expect(cond.columns).toEqual(["predictor", "1", "2", "3", "4", "5"]);
    // Mean of the conditional dominance row = general dominance = relaimpo's lmg.
    for (const row of cond.rows) {
      const mean = row.slice(1).reduce((s, v) => s + Number(v), 0) / 5;
      expectClose(mean, ref.get(row[0]!)!.lmg, { rtol: 1e-9, what: `mean C ${row[0]}` });
    }
    // Complete dominance is antisymmetric: D[i][j] + D[j][i] = 1.
    comp.rows.forEach((row, i) => {
      row.slice(1).forEach((v, j) => {
        expect(Number(v) + Number(comp.rows[j]![i + 1]), `${i},${j}`).toBe(1);
      });
    });
  });

  it("--groups: G1 = {Education, Examination} is reported as one player", async () => {
    await writeFile(out("groups.json"), JSON.stringify({ G1: ["Education", "Examination"] }));
    const r = run(
      base(["--methods", "lmg", "--groups", out("groups.json"), "--out", out("groups.csv")]),
    );
    expect(r.status, r.stderr).toBe(0);
    const rows = records(await table(out("groups.csv")));
    const names = rows.map((x) => x.predictor);
    expect(names).toContain("G1");
    expect(names).not.toContain("Education");
    expect(names).not.toContain("Examination");
    expect(names.length).toBe(4);
    // reference.py: Shapley over (Agriculture, G1, Catholic, Infant.Mortality) by brute force.
    const expected: Record<string, number> = {
      Agriculture: 0.07384680888334008,
      G1: 0.3981789887709046,
      Catholic: 0.11573753964029383,
      "Infant.Mortality": 0.11897166429818708,
    };
    for (const x of rows) {
      expectClose(Number(x.value), expected[x.predictor!]!, { what: `group lmg ${x.predictor}` });
    }
    const total = rows.reduce((s, x) => s + Number(x.value), 0);
    expectClose(total, 0.706735001592726, { what: "Σ group lmg = R²" });
  });

  it("--bootstrap 50 --seed 3: ci_low <= value <= ci_high and identical reruns", async () => {
    const args = (o: string) =>
      base(["--methods", "lmg", "--bootstrap", "50", "--seed", "3", "--out", out(o)]);
    const a = run(args("boot_a.csv"));
    expect(a.status, a.stderr).toBe(0);
    const b = run(args("boot_b.csv"));
    expect(b.status, b.stderr).toBe(0);
    const rows = records(await table(out("boot_a.csv")));
    for (const x of rows) {
      const v = Number(x.value);
      expect(Number(x.ci_low), x.predictor).toBeLessThanOrEqual(v);
      expect(Number(x.ci_high), x.predictor).toBeGreaterThanOrEqual(v);
      expect(Number(x.ci_high)).toBeGreaterThan(Number(x.ci_low));
    }
    for (const f of ["boot_a.csv", "boot_a.ranks.csv", "boot_a.outranks.csv"]) {
      expect(await readFile(out(f.replace("boot_a", "boot_b")), "utf8"), f).toBe(
        await readFile(out(f), "utf8"),
      );
    }
    const ranks = await table(out("boot_a.ranks.csv"));
    expect(ranks.columns).toEqual(["predictor", "method", "rank", "rank_low", "rank_high"]);
  });

  it("--threads 2 gives the same output as --threads 1", async () => {
    const args = (threads: string, o: string) =>
      base(["--methods", "lmg,pratt", "--bootstrap", "40", "--threads", threads, "--out", out(o)]);
    const a = run(args("1", "t1.csv"));
    expect(a.status, a.stderr).toBe(0);
    const b = run(args("2", "t2.csv"));
    expect(b.status, b.stderr).toBe(0);
    for (const s of [".csv", ".ranks.csv", ".outranks.csv"])
      expect(await readFile(out(`t2${s}`), "utf8"), s).toBe(await readFile(out(`t1${s}`), "utf8"));
  });

  it("--by wave: the by column first, one analysis per wave, and a .diff.csv", async () => {
    const data = await withColumn("swiss_wave.csv", "wave", (i) => (i < 24 ? "1" : "2"));
    const r = run(
      base(["--methods", "lmg", "--by", "wave", "--bootstrap", "20", "--out", out("by.csv")], data),
    );
    expect(r.status, r.stderr).toBe(0);
    const t = await table(out("by.csv"));
    expect(t.columns).toEqual(["wave", ...COLUMNS]);
    const rows = records(t);
    expect(rows.map((x) => x.wave)).toEqual([...Array(5).fill("1"), ...Array(5).fill("2")]);
    expect(existsSync(out("by.diff.csv"))).toBe(true);
    const diff = records(await table(out("by.diff.csv")));
    expect(diff.length).toBe(5);
    for (const d of diff) {
      const a = rows.find((x) => x.wave === d.by_a && x.predictor === d.predictor)!;
      const b = rows.find((x) => x.wave === d.by_b && x.predictor === d.predictor)!;
      expectClose(Number(d.diff), Number(a.value) - Number(b.value), {
        rtol: 1e-12,
        atol: 1e-15,
        what: `diff ${d.predictor}`,
      });
    }
    // Wave 1 is the analysis of the first 24 rows alone.
    await writeFile(out("first24.csv"), `${swissLines.slice(0, 25).join("\n")}\n`);
    const s = run(base(["--methods", "lmg", "--out", out("first24_out.csv")], out("first24.csv")));
    expect(s.status, s.stderr).toBe(0);
    const alone = records(await table(out("first24_out.csv")));
    for (const x of alone) {
      const w1 = rows.find((y) => y.wave === "1" && y.predictor === x.predictor)!;
      expectClose(Number(w1.value), Number(x.value), {
        rtol: 1e-12,
        what: `wave 1 ${x.predictor}`,
      });
    }
    const meta = JSON.parse(await readFile(out("by.meta.json"), "utf8"));
    expect(meta.groups.map((g: { rows_used: number }) => g.rows_used)).toEqual([24, 23]);
  });

  describe("bad input exits 2 naming the column", () => {
    const expectBad = (r: SpawnSyncReturns<string>, pattern: RegExp) => {
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(pattern);
    };

    it("an unknown predictor", () => {
      const r = run([
        "--data",
        swiss(),
        "--outcome",
        "Fertility",
        "--predictors",
        "Agriculture,Religion",
        "--out",
        out("bad1.csv"),
      ]);
      expectBad(r, /Religion/);
    });

    it("a constant predictor", async () => {
      const data = await withColumn("const.csv", "Const", () => "4");
      const r = run([
        "--data",
        data,
        "--outcome",
        "Fertility",
        "--predictors",
        "Agriculture,Const,Education",
        "--out",
        out("bad2.csv"),
      ]);
      expectBad(r, /Const/);
    });

    it("a text column", async () => {
      const data = await withColumn("text.csv", "Region", (i) => (i % 2 ? "north" : "south"));
      const r = run([
        "--data",
        data,
        "--outcome",
        "Fertility",
        "--predictors",
        "Agriculture,Region",
        "--out",
        out("bad3.csv"),
      ]);
      expectBad(r, /Region/);
    });

    it("a negative weight", async () => {
      const data = await withColumn("negw.csv", "wt", (i) => (i === 5 ? "-1" : "1"));
      const r = run(base(["--weights", "wt", "--out", out("bad4.csv")], data));
      expectBad(r, /\bwt\b/);
    });

    it("--family binomial with a non-binary outcome", () => {
      const r = run(base(["--family", "binomial", "--out", out("bad5.csv")]));
      expectBad(r, /Fertility/);
    });
  });

  it("rows with a missing value are excluded and counted in .meta.json", async () => {
    // Data row 3 (Franches-Mnt) has NA Agriculture, data row 10 an empty Education.
    const lines = swissLines.map((l, i) => {
      const cells = l.split(",");
      if (i === 3) cells[2] = "NA";
      if (i === 10) cells[4] = "";
      return cells.join(",");
    });
    await writeFile(out("missing.csv"), `${lines.join("\n")}\n`);
    const kept = swissLines.filter((_, i) => i !== 3 && i !== 10);
    await writeFile(out("dropped.csv"), `${kept.join("\n")}\n`);
    const a = run(base(["--methods", "lmg", "--out", out("miss_out.csv")], out("missing.csv")));
    expect(a.status, a.stderr).toBe(0);
    const b = run(base(["--methods", "lmg", "--out", out("drop_out.csv")], out("dropped.csv")));
    expect(b.status, b.stderr).toBe(0);
    const meta = JSON.parse(await readFile(out("miss_out.meta.json"), "utf8"));
    const g = meta.groups[0];
    expect(g.rows_used).toBe(45);
    expect(g.excluded).toBe(2);
    expect(g.excluded_missing).toEqual({ Agriculture: 1, Education: 1 });
    const ra = records(await table(out("miss_out.csv")));
    const rb = records(await table(out("drop_out.csv")));
    ra.forEach((x, j) => {
      expect(x.predictor).toBe(rb[j]!.predictor);
      expectClose(Number(x.value), Number(rb[j]!.value), { rtol: 1e-12, what: x.predictor });
    });
  });
});
