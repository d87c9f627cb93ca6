/**
 * softpower media score / summarise / bias on a small hand-made corpus: the contract's columns,
 * bad records reported with line numbers, counts checked against the mentions file itself.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { duckQuery, sqlString } from "../../src/io/duck.ts";
import { parseCsv } from "../../src/io/table.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "softpower-media-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["bin/softpower.js", "media", ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
/** `media score` of the test corpus into `out` on `threads` threads, with extra options. */
const score = (out: string, threads: string, ...extra: string[]) =>
  cli(
    "score",
    "--corpus",
    corpus,
    "--fields",
    fields,
    "--out",
    out,
    "--threads",
    threads,
    ...extra,
  );

const articles = [
  {
    id: "a1",
    date: "2020-01-15",
    outlet: "Daily A",
    title: "China's economy grows strongly",
    text: "Beijing welcomed the good news. Japan praised the deal.",
  },
  {
    id: "a2",
    date: "2020-02-03",
    outlet: "Daily A",
    title: "US sanctions hit Huawei",
    text: "Washington accused the company of spying. China condemned the move.",
  },
  {
    id: "a3",
    date: "2020-02-20",
    outlet: "Times B",
    title: "Germany and France agree on trade",
    text: "Berlin said the talks were excellent.",
  },
];
const corpus = join(dir, "corpus.jsonl");
const fields = join(dir, "map.json");
writeFileSync(
  corpus,
  `${articles.map((a) => JSON.stringify(a)).join("\n")}\n{broken json\n${JSON.stringify({ id: "a5", date: "someday", title: "Chile votes" })}\n`,
);
writeFileSync(
  fields,
  JSON.stringify({
    fields: { id: "id", date: "date", outlet: "outlet", title: "title", text: "text" },
    outlet_country: { "Daily A": "USA", "Times B": "GBR" },
  }),
);

describe("media score", () => {
  it("reports bad records with their lines and exits 2 without --skip-bad", () => {
    const r = score(join(dir, "m.csv"), "1");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("corpus.jsonl line 4: not valid JSON");
    expect(r.stderr).toContain('corpus.jsonl line 5: unparseable date "someday"');
  });
  it("writes one row per article × sentence × mention with the contract's columns", () => {
    const r = score(join(dir, "m.csv"), "1", "--skip-bad");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("skipped 2 bad record(s)");
    const t = parseCsv(readFileSync(join(dir, "m.csv"), "utf8"), "m.csv");
    expect(t.columns).toEqual([
      "article_id",
      "date",
      "outlet",
      "outlet_country",
      "target",
      "via",
      "entity",
      "sentence_index",
      "tone",
      "label",
      "frames",
    ]);
    const col = (c: string) => t.columns.indexOf(c);
    const key = (row: string[]) =>
      `${row[col("article_id")]}:${row[col("target")]}:${row[col("via")]}:${row[col("sentence_index")]}`;
    const keys = t.rows.map(key);
    expect(keys).toContain("a1:CHN:name:0"); // "China's" in the title
    expect(keys.some((k) => k.startsWith("a1:CHN:capital:1"))).toBe(true); // "Beijing welcomed"
    expect(keys.some((k) => k.startsWith("a2:CHN:company:0"))).toBe(true); // Huawei → CHN
    expect(keys.some((k) => k.startsWith("a2:USA:capital:1"))).toBe(true); // "Washington accused"
    for (const row of t.rows) {
      expect(Math.abs(Number(row[col("tone")]))).toBeLessThanOrEqual(1);
      expect(["negative", "neutral", "positive"]).toContain(row[col("label")]);
    }
    expect(t.rows.find((r) => r[col("article_id")] === "a3")![col("outlet_country")]).toBe("GBR");
  });
  it("gives the same bad-record report and byte-identical rows on 2 threads (lines parsed where they are scored)", () => {
    const two = join(dir, "m2.csv");
    const strict = score(two, "2");
    expect(strict.status).toBe(2);
    expect(strict.stderr).toContain("corpus.jsonl line 4: not valid JSON");
    expect(strict.stderr).toContain('corpus.jsonl line 5: unparseable date "someday"');
    const r = score(two, "2", "--skip-bad");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("skipped 2 bad record(s)");
    expect(readFileSync(two, "utf8")).toBe(readFileSync(join(dir, "m.csv"), "utf8"));
  });
  it("keeps rows and bad records in file order on 1, 2 and 3 threads (JSONL and CSV files mixed)", () => {
    // A folder: JSONL (scored from raw lines wherever a thread is free), CSV (parsed here), JSONL.
    const folder = join(dir, "mixed");
    mkdirSync(folder, { recursive: true });
    const line = (a: (typeof articles)[number], id: string) => JSON.stringify({ ...a, id });
    writeFileSync(join(folder, "a.jsonl"), `${line(articles[0]!, "a")}\n{bad a\n`);
    writeFileSync(
      join(folder, "b.csv"),
      `id,date,outlet,title,text\nb,2020-03-01,Times B,China and Japan meet,\nb2,never,Times B,Chile,\n`,
    );
    writeFileSync(join(folder, "c.jsonl"), `{bad c\n${line(articles[1]!, "c")}\n`);
    const run = (threads: string) => {
      const out = join(dir, `mixed-${threads}.csv`);
      const r = cli(
        ...["score", "--corpus", folder, "--fields", fields, "--out", out],
        ...["--threads", threads, "--skip-bad"],
      );
      expect(r.status, r.stderr).toBe(0);
      return { stderr: r.stderr, rows: readFileSync(out, "utf8") };
    };
    const one = run("1");
    expect(one.stderr).toContain(
      "a.jsonl line 2: not valid JSON (Expected property name or '}' in JSON at position 1); b.csv line 3: unparseable date \"never\"; c.jsonl line 1: not valid JSON",
    );
    expect(one.rows.split("\n").map((r) => r.split(",")[0])).toEqual(
      expect.arrayContaining(["a", "b", "c"]),
    );
    for (const threads of ["2", "3"]) expect(run(threads)).toEqual(one);
  });
  it("writes Parquet with the same rows", async () => {
    const r = score(join(dir, "m.parquet"), "1", "--skip-bad");
    expect(r.status, r.stderr).toBe(0);
    const rows = await duckQuery([
      `SELECT count(*) AS n FROM read_parquet(${sqlString(join(dir, "m.parquet"))})`,
    ]);
    const csvRows = parseCsv(readFileSync(join(dir, "m.csv"), "utf8"), "m.csv").rows.length;
    expect(Number(rows[0]!.n)).toBe(csvRows);
  });
});

describe("media summarise and bias", () => {
  it("counts mentions and articles per group as the mentions file has them", () => {
    const out = join(dir, "s.csv");
    const r = cli(
      "summarise",
      "--mentions",
      join(dir, "m.csv"),
      "--by",
      "outlet_country,target,month",
      "--bootstrap",
      "200",
      "--out",
      out,
    );
    expect(r.status, r.stderr).toBe(0);
    const s = parseCsv(readFileSync(out, "utf8"), "s.csv");
    expect(s.columns.slice(0, 5)).toEqual([
      "outlet_country",
      "target",
      "month",
      "mentions",
      "articles",
    ]);
    const m = parseCsv(readFileSync(join(dir, "m.csv"), "utf8"), "m.csv");
    const c = (n: string) => m.columns.indexOf(n);
    for (const row of s.rows) {
      const sel = m.rows.filter(
        (x) =>
          x[c("outlet_country")] === row[0] &&
          x[c("target")] === row[1] &&
          x[c("date")]!.slice(0, 7) === row[2],
      );
      expect(Number(row[3])).toBe(sel.length);
      expect(Number(row[4])).toBe(new Set(sel.map((x) => x[c("article_id")])).size);
      const mean = sel.reduce((a, x) => a + Number(x[c("tone")]), 0) / sel.length;
      expect(Number(row[5])).toBeCloseTo(mean, 12);
    }
  });
  it("estimates the bias in an outlet group with the contract's inputs", () => {
    const r = cli(
      "bias",
      "--mentions",
      join(dir, "m.csv"),
      "--group",
      "outlet_country=USA",
      "--target",
      "CHN",
      "--compare",
      "JPN,USA",
    );
    expect(r.status, r.stderr).toBe(0);
    const t = parseCsv(r.stdout, "bias");
    expect(t.columns).toEqual([
      "group",
      "target",
      "compare",
      "estimate",
      "se",
      "ci_low",
      "ci_high",
      "n_mentions",
      "n_articles",
      "n_target",
      "n_compare",
      "raw_difference",
    ]);
    const m = parseCsv(readFileSync(join(dir, "m.csv"), "utf8"), "m.csv");
    const c = (n: string) => m.columns.indexOf(n);
    const sel = m.rows.filter(
      (x) => x[c("outlet_country")] === "USA" && ["CHN", "JPN", "USA"].includes(x[c("target")]!),
    );
    expect(Number(t.rows[0]![7])).toBe(sel.length);
    const bad = cli(
      "bias",
      "--mentions",
      join(dir, "m.csv"),
      "--group",
      "country=USA",
      "--target",
      "CHN",
      "--compare",
      "JPN",
    );
    expect(bad.status).toBe(2);
  });
});

describe("media tone", () => {
  it("scores a text file line by line and a CSV by id, with the reference's rounding", () => {
    writeFileSync(join(dir, "s.txt"), "The book was good.\nNot bad at all\n");
    const r = cli("tone", "--input", join(dir, "s.txt"), "--out", join(dir, "t.csv"));
    expect(r.status, r.stderr).toBe(0);
    // vaderSentiment README: "The book was good." → compound 0.4404; "Not bad at all" → 0.431
    expect(readFileSync(join(dir, "t.csv"), "utf8").trim().split("\n")).toEqual([
      "id,compound,pos,neu,neg",
      "1,0.4404,0.492,0.508,0",
      "2,0.431,0.487,0.513,0",
    ]);
    writeFileSync(join(dir, "s.csv"), 'id,text\nx7,"Today SUX!"\n');
    expect(cli("tone", "--input", join(dir, "s.csv"), "--out", join(dir, "t2.csv")).status).toBe(0);
    expect(readFileSync(join(dir, "t2.csv"), "utf8")).toContain("x7,-0.5461");
    writeFileSync(join(dir, "bad.txt"), Buffer.from([0x61, 0x0a, 0xff, 0xfe, 0x0a]));
    const bad = cli("tone", "--input", join(dir, "bad.txt"), "--out", join(dir, "t3.csv"));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("line 2: invalid UTF-8");
  });
});
