/**
 * JSONL corpora are read in chunks of whole lines (src/io/corpus.ts), which worker threads may
 * parse: line ends and line numbers must be those of Node's readline ("\n", "\r\n", lone "\r"),
 * whatever the chunk size.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jsonlChunkRecords, jsonlChunks, readCorpus } from "../../src/io/corpus.ts";
import { FieldMapSchema } from "../../src/media/corpus-spec.ts";

const dir = mkdtempSync(join(tmpdir(), "softpower-chunks-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const map = FieldMapSchema.parse({});
const ok = (title: string) => JSON.stringify({ title, date: "2020-01-02" });
// Line numbers by construction: 1 ok, 2 blank, 3 bad JSON, 4 spaces, 5 ok, 6 invalid UTF-8,
// 7 blank (between "\r" and "\r\n"), 8 ok without a final line end.
const file = join(dir, "c.jsonl");
writeFileSync(
  file,
  Buffer.concat([
    Buffer.from(`${ok("one")}\r\n\n{nope\r   \n${ok("five — é")}\r`),
    Buffer.from('{"title":"x'),
    Buffer.from([0xe2, 0x82]),
    Buffer.from(`"}\r\r\n${ok("eight")}`),
  ]),
);

async function viaChunks(size: number) {
  const out = [];
  for await (const c of jsonlChunks(file, map, size)) out.push(...jsonlChunkRecords(c, map));
  return out;
}

describe("JSONL chunks", () => {
  it("number lines as readline does", async () => {
    const recs = [];
    for await (const r of readCorpus(file, map)) recs.push(r);
    expect(recs.map((r) => ("bad" in r ? `${r.source}: ${r.reason.slice(0, 14)}` : r.id))).toEqual([
      "c.jsonl line 1",
      "c.jsonl line 3: not valid JSON",
      "c.jsonl line 5",
      "c.jsonl line 6: invalid UTF-8",
      "c.jsonl line 8",
    ]);
    expect(recs.filter((r) => !("bad" in r)).map((r) => ("bad" in r ? "" : r.title))).toEqual([
      "one",
      "five — é",
      "eight",
    ]);
  });

  it("give the same records for any chunk size", async () => {
    const whole = JSON.stringify(await viaChunks(1 << 20));
    for (const size of [1, 2, 3, 5, 17]) expect(JSON.stringify(await viaChunks(size))).toBe(whole);
  });

  it("own their bytes, so they can be transferred", async () => {
    for await (const c of jsonlChunks(file, map, 4)) {
      expect(c.bytes.byteOffset).toBe(0);
      structuredClone(c.bytes, { transfer: [c.bytes.buffer as ArrayBuffer] });
    }
  });
});
