/**
 * src/io/write.ts (writeDirAtomic, sha256File, recordsToCsv) and src/io/json.ts (readJsonFile).
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { InputError } from "../../src/core/errors.ts";
import { readJsonFile } from "../../src/io/json.ts";
import { recordsToCsv, sha256File, writeDirAtomic } from "../../src/io/write.ts";

let TMP: string;
beforeAll(async () => {
  TMP = await mkdtemp(join(tmpdir(), "softpower-write-"));
});
afterAll(async () => {
  await rm(TMP, { recursive: true, force: true });
});

describe("writeDirAtomic", () => {
  it("creates the directory with nested files and leaves no temporary siblings", async () => {
    const parent = await mkdtemp(join(TMP, "new-"));
    const dir = join(parent, "out");
    await writeDirAtomic(dir, { "a.csv": "x\n1\n", "stages/Raw.csv": "uCode\nAAA\n" });
    expect(await readFile(join(dir, "a.csv"), "utf8")).toBe("x\n1\n");
    expect(await readFile(join(dir, "stages", "Raw.csv"), "utf8")).toBe("uCode\nAAA\n");
    expect(await readdir(parent)).toEqual(["out"]);
  });

  it("replaces an existing directory entirely", async () => {
    const parent = await mkdtemp(join(TMP, "replace-"));
    const dir = join(parent, "out");
    await mkdir(join(dir, "old"), { recursive: true });
    await writeFile(join(dir, "marker.txt"), "old");
    await writeDirAtomic(dir, { "b.txt": "new" });
    expect((await readdir(dir)).sort()).toEqual(["b.txt"]);
    expect(await readdir(parent)).toEqual(["out"]);
  });

  it("creates missing parent directories", async () => {
    const dir = join(TMP, "deep", "er", "out");
    await writeDirAtomic(dir, { "c.txt": "c" });
    expect(await readFile(join(dir, "c.txt"), "utf8")).toBe("c");
  });

  it("a failure while writing leaves the existing directory as it was", async () => {
    const parent = await mkdtemp(join(TMP, "fail-"));
    const dir = join(parent, "out");
    await mkdir(dir);
    await writeFile(join(dir, "marker.txt"), "keep");
    // "x" is written as a file, then "x/y" needs "x" to be a directory: the write fails.
    await expect(writeDirAtomic(dir, { x: "file", "x/y": "nested" })).rejects.toThrow();
    expect(await readdir(dir)).toEqual(["marker.txt"]);
    expect(await readFile(join(dir, "marker.txt"), "utf8")).toBe("keep");
    expect(await readdir(parent)).toEqual(["out"]);
  });
});

describe("sha256File", () => {
  it("is the hex SHA-256 of the file's bytes", async () => {
    const p = join(TMP, "hash.bin");
    const bytes = Buffer.from("uCode,x\nAAA,1\n\u00e9\n", "utf8");
    await writeFile(p, bytes);
    expect(await sha256File(p)).toBe(createHash("sha256").update(bytes).digest("hex"));
  });

  it("of an empty file is the SHA-256 of nothing", async () => {
    const p = join(TMP, "empty.bin");
    await writeFile(p, "");
    expect(await sha256File(p)).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("rejects for a file that does not exist", async () => {
    await expect(sha256File(join(TMP, "missing.bin"))).rejects.toThrow();
  });
});

describe("recordsToCsv", () => {
  it("writes the given columns in order, NA for absent keys", () => {
    expect(
      recordsToCsv(
        ["b", "a", "c"],
        [
          { a: 1, b: "x" },
          { a: Number.NaN, b: "y,z", c: true },
        ],
      ),
    ).toBe('b,a,c\nx,1,NA\n"y,z",NA,TRUE\n');
  });
});

describe("readJsonFile", () => {
  const Schema = z.object({ treat: z.object({ winmax: z.number() }).strict() }).strict();

  it("returns the validated value", async () => {
    const p = join(TMP, "ok.json");
    await writeFile(p, '{ "treat": { "winmax": 5 } }');
    expect(await readJsonFile(p, Schema)).toEqual({ treat: { winmax: 5 } });
  });

  it("names the file and key path of a wrong type", async () => {
    const p = join(TMP, "typed.json");
    await writeFile(p, '{ "treat": { "winmax": "5" } }');
    await expect(readJsonFile(p, Schema)).rejects.toThrow(InputError);
    await expect(readJsonFile(p, Schema)).rejects.toThrow(/^typed\.json: at treat\.winmax: /);
  });

  it("names the file and an unknown key", async () => {
    const p = join(TMP, "keys.json");
    await writeFile(p, '{ "treat": { "winmax": 5, "winmin": 1 } }');
    await expect(readJsonFile(p, Schema)).rejects.toThrow(/keys\.json: at treat: .*winmin/);
  });

  it("names the file for text that is not JSON", async () => {
    const p = join(TMP, "broken.json");
    await writeFile(p, "{ treat: ");
    await expect(readJsonFile(p, Schema)).rejects.toThrow(/broken\.json: not valid JSON/);
  });

  it("names the path of a file that does not exist", async () => {
    const p = join(TMP, "absent.json");
    await expect(readJsonFile(p, Schema)).rejects.toThrow(InputError);
    await expect(readJsonFile(p, Schema)).rejects.toThrow(/absent\.json: cannot read \(ENOENT\)/);
  });
});
