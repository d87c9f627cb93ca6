import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { splitCorpus } from "../../src/fleet/shards.ts";
import { type FileRange, readCorpusFile } from "../../src/io/corpus.ts";
import { FieldMapSchema } from "../../src/media/corpus-spec.ts";

const dir = mkdtempSync(join(tmpdir(), "sp-shards-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, body: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
};
const map = FieldMapSchema.parse({});

/** Line ends before byte `at` ("\n", "\r\n", lone "\r"). */
function linesBefore(b: Buffer, at: number): number {
  let n = 0;
  for (let k = 0; k < at; k++) {
    if (b[k] === 10) n++;
    else if (b[k] === 13 && b[k + 1] !== 10) n++;
  }
  return n;
}

/** Shards tile the file, each but the last ends at a line end, line numbers are right. */
function checkTiling(path: string, shards: Awaited<ReturnType<typeof splitCorpus>>) {
  const b = readFileSync(path);
  expect(shards[0]!.start).toBe(0);
  expect(shards.at(-1)!.end).toBe(b.length);
  for (let i = 0; i < shards.length; i++) {
    const s = shards[i]!;
    expect(s.end).toBeGreaterThan(s.start);
    if (i > 0) expect(s.start).toBe(shards[i - 1]!.end);
    if (i < shards.length - 1) {
      const last = b[s.end - 1];
      expect(last === 10 || (last === 13 && b[s.end] !== 10)).toBe(true);
    }
    expect(s.firstLine).toBe(linesBefore(b, s.start) + 1);
  }
}

async function records(file: string, range?: FileRange) {
  const out: unknown[] = [];
  for await (const r of readCorpusFile(file, map, range)) out.push(r);
  return out;
}

/** Reading the shards one by one gives the records (ids, line-number sources) of the whole file. */
async function sameRecords(path: string, shardBytes: number) {
  const shards = await splitCorpus([path], shardBytes);
  checkTiling(path, shards);
  const parts: unknown[] = [];
  for (const s of shards) parts.push(...(await records(path, s)));
  expect(parts).toEqual(await records(path));
  return shards;
}

const line = (i: number, extra = "") =>
  JSON.stringify({ date: "2024-03-01", outlet: "X", title: `Title ${i} ${extra}`, text: "t" });

describe("splitCorpus", () => {
  it("cuts JSONL at line ends, about shardBytes apart", async () => {
    const p = write("a.jsonl", `${Array.from({ length: 400 }, (_, i) => line(i)).join("\n")}\n`);
    const shards = await sameRecords(p, 2000);
    expect(shards.length).toBeGreaterThan(10);
    for (const s of shards.slice(0, -1)) expect(s.end - s.start).toBeGreaterThanOrEqual(2000);
  });

  it("never cuts inside a multi-byte UTF-8 character", async () => {
    // 3- and 4-byte characters straddle every possible cut offset
    const body = `${Array.from({ length: 300 }, (_, i) => line(i, "中国 🇨🇳 日本".repeat((i % 5) + 1))).join("\n")}\n`;
    const p = write("utf8.jsonl", body);
    for (const size of [97, 500, 1999]) {
      const shards = await sameRecords(p, size);
      const b = readFileSync(p);
      for (const s of shards)
        expect(b.subarray(s.start, s.end).toString("utf8")).not.toContain("\uFFFD");
    }
  });

  it("keeps CRLF pairs together and counts lone CR line ends", async () => {
    const crlf = write(
      "crlf.jsonl",
      `${Array.from({ length: 200 }, (_, i) => line(i)).join("\r\n")}\r\n`,
    );
    for (const size of [50, 333, 1000]) await sameRecords(crlf, size);
    const cr = write("cr.jsonl", Array.from({ length: 200 }, (_, i) => line(i)).join("\r"));
    await sameRecords(cr, 777);
    const mixed = write(
      "mixed.jsonl",
      Array.from({ length: 300 }, (_, i) => line(i) + ["\n", "\r\n", "\r", "\n\n"][i % 4]).join(""),
    );
    for (const size of [61, 400]) await sameRecords(mixed, size);
  });

  it("a file smaller than a shard is one shard; an empty file none", async () => {
    const small = write("small.jsonl", `${line(1)}\n${line(2)}`);
    const size = readFileSync(small).length;
    expect(await splitCorpus([small], 1 << 20)).toMatchObject([
      { start: 0, end: size, firstLine: 1, size },
    ]);
    expect(await splitCorpus([small], size)).toHaveLength(1);
    expect(await splitCorpus([write("empty.jsonl", "")], 100)).toEqual([]);
  });

  it("CSV: cuts outside quoted fields (embedded line ends), later shards use the header", async () => {
    const rows = Array.from(
      { length: 300 },
      (_, i) =>
        `${i},2024-03-0${(i % 9) + 1},Out,"Title ${i}${i % 3 === 0 ? '\nwith ""a"" line\nend' : ""}",text 5" long`,
    );
    const p = write("a.csv", `\uFEFFid,date,outlet,title,text\n${rows.join("\n")}\n`);
    for (const size of [200, 1500]) {
      const shards = await sameRecords(p, size);
      expect(shards.length).toBeGreaterThan(3);
    }
    const t = write(
      "a.tsv",
      `id\tdate\ttitle\n${rows.map((_r, i) => `${i}\t2024-01-01\tT${i}`).join("\n")}\n`,
    );
    await sameRecords(t, 300);
  });

  it("files past one read buffer (1 MiB): mixed line ends, a CR LF pair across the buffer edge", async () => {
    // Seeded lines ending in "\n", "\r\n" or a lone "\r"; one "\r" at the last byte of the
    // first 1 MiB read with its "\n" the first byte of the next, one lone "\r" there too.
    let seed = 5;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const ends = ["\n", "\r\n", "\r"];
    const chunks: Buffer[] = [];
    let len = 0;
    for (let i = 0; len < 3.2 * 2 ** 20; i++) {
      const b = Buffer.from(
        `${line(i, "x".repeat(Math.floor(rnd() * 300)))}${ends[Math.floor(rnd() * 3)]}`,
      );
      chunks.push(b);
      len += b.length;
    }
    const body = Buffer.concat(chunks);
    const edge = 2 ** 20;
    for (const [at, pair] of [
      [edge - 1, "\r\n"],
      [2 * edge - 1, "\r}"],
    ] as const) {
      // overwrite inside a title so the JSON stays whole: close the line at `at`
      body.write(pair, at, "latin1");
    }
    const p = write("big.jsonl", body);
    for (const size of [edge - 1, edge, 300_000, 777_777]) {
      const shards = await splitCorpus([p], size);
      expect(shards.length).toBeGreaterThan(2);
      checkTiling(p, shards);
    }
  });

  it("rejects a bad size and names a missing file", async () => {
    await expect(splitCorpus([], 0)).rejects.toThrow(/shardBytes/);
    await expect(splitCorpus([join(dir, "nope.jsonl")], 10)).rejects.toThrow(
      /nope.jsonl: cannot read \(ENOENT\)/,
    );
  });
});
