import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename } from "node:path";
import { cannotRead, InputError } from "../core/errors.ts";
import type { Column, SurveyFrame } from "../survey/frame.ts";

interface SavVar {
  name: string;
  type: number;
  label?: string;
  missing: number | number[] | { min?: number; max?: number; value?: number } | null;
  __nb_string_contin_recs?: number;
  __child_string_sysvars?: SavVar[];
}
interface SavMeta {
  header: { compression?: { bias: number } | null; n_cases?: number };
  sysvars: SavVar[];
  firstRecordPosition: number;
  getValueLabels(name: string): { val: number | string; label: string }[] | null;
}
interface SavReader {
  open(): Promise<void>;
  meta: SavMeta;
}

const require = createRequire(import.meta.url);

/**
 * Reads an SPSS .sav file: the dictionary (names, labels, missing-value specs, value labels)
 * with sav-reader (CommonJS, loaded with createRequire), the cases with {@link decodeSavCases},
 * which gives sav-reader's `readAllRows` values in one pass over the bytes. Numeric variables
 * keep their value labels (so they become labelled factors) and their variable label;
 * user-missing values become missing, as R's `haven::read_sav` (user_na = FALSE); string
 * variables become factors.
 *
 * @throws InputError when the file cannot be read as .sav
 */
export async function readSav(path: string): Promise<SurveyFrame> {
  const { SavBufferReader } = require("sav-reader") as {
    SavBufferReader: new (b: Buffer) => SavReader;
  };
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw cannotRead(path, e);
  }
  const sav = new SavBufferReader(bytes);
  let cases: SavCases;
  try {
    await sav.open();
    cases = decodeSavCases(bytes, sav.meta);
  } catch (e) {
    throw new InputError(`${path}: cannot read as an SPSS .sav file (${(e as Error).message})`);
  }
  return frameFromSav(sav.meta, cases, basename(path));
}

/** The frame of decoded cases; see {@link readSav}. */
function frameFromSav(meta: SavMeta, cases: SavCases, file: string): SurveyFrame {
  const { n } = cases;
  const columns = new Map<string, Column>();
  meta.sysvars.forEach((v, j) => {
    const labels = meta.getValueLabels(v.name) ?? [];
    const data = cases.columns[j]!;
    if (data instanceof Float64Array) {
      const isMissing = missingTest(v.missing);
      if (v.missing !== null && v.missing !== undefined)
        for (let i = 0; i < n; i++) if (isMissing(data[i]!)) data[i] = Number.NaN;
      const map = new Map<number, string>();
      for (const l of labels)
        if (typeof l.val === "number" && !isMissing(l.val)) map.set(l.val, l.label.trim());
      columns.set(v.name, {
        kind: "number",
        values: data,
        labels: map.size ? map : undefined,
        label: v.label,
      });
    } else {
      const strs = data.map((x) => (x === null || x.trim() === "" ? null : x.trim()));
      const levels = [...new Set(strs.filter((s): s is string => s !== null))].sort();
      const index = new Map(levels.map((l, i) => [l, i]));
      columns.set(v.name, {
        kind: "factor",
        levels,
        codes: Int32Array.from(strs, (s) => (s === null ? -1 : index.get(s)!)),
        label: v.label,
      });
    }
  });
  return { n, columns, file };
}

/** The cases of a .sav file, one column per variable of `meta.sysvars`. */
export interface SavCases {
  n: number;
  /** Numeric variables: NaN where sav-reader gives no value; strings: null likewise. */
  columns: (Float64Array | (string | null)[])[];
}

/**
 * Decodes the data records of a .sav file (uncompressed or bytecode-compressed) that follow
 * the dictionary sav-reader read into `meta`, with exactly the values sav-reader's
 * `readAllRows()` gives (its quirks included: system-missing and the end-of-data code give no
 * value, an 8-byte string segment is decoded as UTF-8 on its own, a segment longer than 255
 * characters is cut, a string is trimmed at its end), but column by column into typed arrays
 * without an object per case. Running time O(file size).
 *
 * @throws Error (sav-reader's messages) when the data end inside a command block or value
 */
export function decodeSavCases(bytes: Uint8Array, meta: SavMeta): SavCases {
  const len = bytes.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const compression = meta.header.compression;
  const bias = compression?.bias ?? 0;
  const compressed = compression !== null && compression !== undefined;
  const vars = meta.sysvars;
  const nv = vars.length;
  const kinds = vars.map((v) => v.type);
  // per string variable: the number of 8-byte slots of each of its segments
  const segments = vars.map((v) =>
    v.type === 1
      ? [v, ...(v.__child_string_sysvars ?? [])].map((s) => 1 + (s.__nb_string_contin_recs ?? 0))
      : [],
  );
  // The header's case count (-1 when the writer did not know it) sizes the columns once; more
  // cases than it says still grow them by doubling.
  const declared = meta.header.n_cases ?? -1;
  let cap = declared > 0 ? declared : 1024;
  const numbers: (Float64Array | null)[] = kinds.map((k) =>
    k === 0 ? new Float64Array(cap) : null,
  );
  const strings: ((string | null)[] | null)[] = kinds.map((k) => (k === 0 ? null : []));

  let pos = meta.firstRecordPosition;
  let cmd = 0; // offset of the current command block
  let cp = 0; // next command in it (0: a new block is read first)
  /** The next command code (zeros skipped), or -1 when the data have ended. */
  const nextCode = (): number => {
    for (;;) {
      if (cp === 0) {
        const left = len - pos;
        if (left <= 0) return -1;
        if (left < 8) throw new Error("not enough bytes read for command");
        cmd = pos;
        pos += 8;
      }
      const code = bytes[cmd + cp]!;
      cp = cp === 7 ? 0 : cp + 1;
      if (code !== 0) return code;
    }
  };
  const rawString = (): string => {
    if (len - pos < 8) throw new Error("not enough bytes read for string of length 8");
    const s = buf.toString("utf8", pos, pos + 8);
    pos += 8;
    return s;
  };
  /** One 8-byte slot of a string, as sav-reader's read8CharString ("null" when it gives none). */
  const slot = (): string => {
    if (!compressed) return rawString();
    const code = nextCode();
    if (code === 253) return rawString();
    if (code === 254) return "        ";
    return "null"; // sav-reader appends its null
  };
  /** Whether another case starts: a non-zero command left in the block, or bytes left. */
  const moreCases = (): boolean => {
    if (compressed && cp > 0) for (let i = cp; i < 8; i++) if (bytes[cmd + i] !== 0) return true;
    return pos < len;
  };

  let n = 0;
  while (moreCases()) {
    if (n === cap) {
      cap *= 2;
      for (let j = 0; j < nv; j++) {
        const a = numbers[j];
        if (a) {
          const b = new Float64Array(cap);
          b.set(a);
          numbers[j] = b;
        }
      }
    }
    for (let j = 0; j < nv; j++) {
      if (kinds[j] === 0) {
        let d = Number.NaN;
        if (!compressed) {
          if (len - pos < 8) throw new Error("not enough bytes read for Double");
          d = view.getFloat64(pos, true);
          pos += 8;
        } else {
          const code = nextCode();
          if (code > 0 && code < 252) d = code - bias;
          else if (code === 253) {
            if (len - pos < 8) throw new Error("not enough bytes read for Double");
            d = view.getFloat64(pos, true);
            pos += 8;
          }
        }
        numbers[j]![n] = d;
      } else if (kinds[j] === 1) {
        let str = "";
        for (const slots of segments[j]!) {
          let s = "";
          for (let k = 0; k < slots; k++) s += slot();
          str += s.length > 255 ? s.substring(0, 255) : s;
        }
        strings[j]!.push(str.trimEnd());
      }
    }
    n++;
  }
  return {
    n,
    columns: kinds.map((k, j) =>
      k === 0 ? (n === cap ? numbers[j]! : numbers[j]!.slice(0, n)) : strings[j]!,
    ),
  };
}

function missingTest(m: SavVar["missing"]): (x: number) => boolean {
  if (m === null || m === undefined) return () => false;
  if (typeof m === "number") return (x) => x === m;
  if (Array.isArray(m)) return (x) => m.includes(x);
  const lo = m.min ?? Number.NEGATIVE_INFINITY;
  const hi = m.max ?? Number.POSITIVE_INFINITY;
  const v = m.value;
  return (x) => (x >= lo && x <= hi) || x === v;
}
