/**
 * src/io/sav.ts: the bulk decoder of .sav cases gives exactly the frame that sav-reader's
 * readAllRows() gave (values, missing values, value labels, variable labels, string factors), on
 * every Pew file under ../shared/data/survey (skipped without ../shared).
 */
import { readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import { readSav } from "../../src/io/sav.ts";
import type { Column, SurveyFrame } from "../../src/survey/frame.ts";
import { hasShared, sharedPath } from "../helpers/shared.ts";

type Missing = number | number[] | { min?: number; max?: number; value?: number } | null;

/** The frame as src/io/sav.ts built it before the bulk decoder: one object per case from sav-reader. */
async function readSavRowByRow(path: string): Promise<SurveyFrame> {
  const { SavFileReader } = createRequire(import.meta.url)("sav-reader");
  const sav = new SavFileReader(path);
  await sav.open();
  const rows: Record<string, number | string | null>[] = await sav.readAllRows();
  const columns = new Map<string, Column>();
  for (const v of sav.meta.sysvars as {
    name: string;
    type: number;
    label?: string;
    missing: Missing;
  }[]) {
    const labels: { val: number | string; label: string }[] = sav.meta.getValueLabels(v.name) ?? [];
    if (v.type === 0) {
      const m = v.missing;
      const isMissing = (x: number) =>
        m === null || m === undefined
          ? false
          : typeof m === "number"
            ? x === m
            : Array.isArray(m)
              ? m.includes(x)
              : (x >= (m.min ?? -Infinity) && x <= (m.max ?? Infinity)) || x === m.value;
      const values = Float64Array.from(rows, (r) => {
        const x = r[v.name];
        return typeof x === "number" && !isMissing(x) ? x : Number.NaN;
      });
      const map = new Map<number, string>();
      for (const l of labels)
        if (typeof l.val === "number" && !isMissing(l.val)) map.set(l.val, l.label.trim());
      columns.set(v.name, {
        kind: "number",
        values,
        labels: map.size ? map : undefined,
        label: v.label,
      });
    } else {
      const strs = rows.map((r) => {
        const x = r[v.name];
        return x === null || x === undefined || String(x).trim() === "" ? null : String(x).trim();
      });
      const levels = [...new Set(strs.filter((s): s is string => s !== null))].sort();
      const index = new Map(levels.map((l, i) => [l, i]));
      const codes = Int32Array.from(strs, (s) => (s === null ? -1 : index.get(s)!));
      columns.set(v.name, { kind: "factor", levels, codes, label: v.label });
    }
  }
  return { n: rows.length, columns, file: basename(path) };
}

const PEW = hasShared ? sharedPath("survey", "pew-2005") : "";
const files = hasShared ? readdirSync(PEW).filter((f) => f.endsWith(".sav")) : [];

describe.skipIf(!hasShared)("readSav on the Pew files", () => {
  it("finds the Pew files", () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)(
    "%s: the same frame as sav-reader's readAllRows",
    async (f) => {
      const path = `${PEW}/${f}`;
      const fast = await readSav(path);
      const ref = await readSavRowByRow(path);
      expect(fast.n).toBe(ref.n);
      expect(fast.file).toBe(f);
      expect([...fast.columns.keys()]).toEqual([...ref.columns.keys()]);
      for (const [name, want] of ref.columns) {
        const got = fast.columns.get(name)!;
        // element-wise with NaN equal to NaN and -0 distinct from 0
        if (!isDeepStrictEqual(got, want)) expect({ name, got }).toEqual({ name, got: want });
      }
      const labelled = [...fast.columns.values()].filter((c) => c.kind === "number" && c.labels);
      expect(labelled.length).toBeGreaterThan(0);
    },
    120_000,
  );
});

describe("readSav errors", () => {
  it("names the path of a file that does not exist", async () => {
    await expect(readSav("/nonexistent/x.sav")).rejects.toThrow(InputError);
    await expect(readSav("/nonexistent/x.sav")).rejects.toThrow(/x\.sav: cannot read \(ENOENT\)/);
  });

  it("names the path of a file that is not .sav", async () => {
    const dir = await mkdtemp(join(tmpdir(), "softpower-sav-"));
    const p = join(dir, "fake.sav");
    await writeFile(p, "uCode,x\nAAA,1\n");
    await expect(readSav(p)).rejects.toThrow(/fake\.sav: cannot read as an SPSS \.sav file/);
    await rm(dir, { recursive: true, force: true });
  });
});
