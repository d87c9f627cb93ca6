/**
 * A one-pass CSV reader into typed columns for the common case, giving exactly what
 * {@link parseCsv} (csv-parse with trim, skip_empty_lines, strict column count) followed by the
 * numeric test of {@link parseNumber} gives, or `null` when the text holds anything outside that
 * case (then the caller reads it with the strict parser, which also words any error).
 *
 * The common case: UTF-8 text, an optional BOM, records ended by "\n" or "\r\n", fields either
 * unquoted (trimmed of ASCII white space; non-ASCII cells decoded and trimmed as strings) or
 * wholly quoted ('"', doubled inside), every record as long as the header, blank lines between
 * records. Anything else (a quote inside an unquoted field, characters after a closing quote, a
 * lone "\r", a line of only spaces, invalid UTF-8, a blank line before the header, no header)
 * gives `null`.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { parseNumber } from "./table.ts";

/** Columns of a table: numbers when every cell is a number or missing, else the cells. */
export interface ColumnTable {
  /** The file's base name, for messages. */
  file: string;
  /** Header cells, in file order (duplicates kept). */
  names: string[];
  /**
   * Per column: a Float64Array (NaN = missing) when every cell is a number or a missing value
   * ({@link parseNumber}), else the cells as strings ("" = empty), as {@link parseCsv} gives them.
   */
  columns: (Float64Array | string[])[];
  /** Number of data rows. */
  n: number;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Column modes during a pass. */
const NUMERIC = 0;
const STRING = 1;
const IGNORE = 2;

interface PassResult {
  n: number;
  numbers: (Float64Array | null)[];
  strings: (string[] | null)[];
  /** The row from which a column read as numbers holds strings (−1: numbers throughout). */
  switchedAt: Int32Array;
}

class Bail extends Error {}

/** Where the bytes come from: pieces that each end at the end of a record (but the last). */
interface Source {
  pieces(): Iterable<{ buf: Buffer; final: boolean }>;
  /** Number of "\n" bytes in all. */
  lineFeeds(): number;
}

/**
 * Parses CSV bytes into typed columns; see the module comment. `delimiter` is one ASCII
 * character (default: as {@link parseCsv} chooses from the first line). Running time O(bytes);
 * a column that turns out not numeric after its first row is read again for the rows before.
 */
export function csvColumns(
  bytes: Uint8Array,
  delimiter: string | undefined,
  file: string,
): ColumnTable | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return readSource(
    {
      pieces: () => [{ buf, final: true }],
      lineFeeds: () => countLineFeeds(buf),
    },
    delimiter,
    file,
  );
}

/**
 * {@link csvColumns} on a file read in pieces of about `pieceBytes` (so that the whole file is
 * never in memory at once).
 */
export function csvFileColumns(
  path: string,
  delimiter: string | undefined,
  file: string,
  pieceBytes = 4 << 20,
): ColumnTable | null {
  return readSource(
    {
      pieces: () => filePieces(path, pieceBytes),
      lineFeeds: () => {
        let count = 0;
        for (const { buf } of filePieces(path, pieceBytes, false)) count += countLineFeeds(buf);
        return count;
      },
    },
    delimiter,
    file,
  );
}

function countLineFeeds(buf: Buffer): number {
  let count = 0;
  for (let p = buf.indexOf(LF); p >= 0; p = buf.indexOf(LF, p + 1)) count++;
  return count;
}

/**
 * A file in pieces that end after a "\n" outside quotes (`whole`: else in plain blocks); the
 * same buffer is reused, so a piece is valid until the next is asked for.
 */
function* filePieces(
  path: string,
  size: number,
  whole = true,
): Generator<{ buf: Buffer; final: boolean }> {
  const fd = openSync(path, "r");
  try {
    let buf = Buffer.allocUnsafe(size);
    let have = 0;
    let eof = false;
    for (;;) {
      while (!eof && have < buf.length) {
        const r = readSync(fd, buf, have, buf.length - have, null);
        if (r === 0) eof = true;
        else have += r;
      }
      if (eof) {
        if (have > 0) yield { buf: buf.subarray(0, have), final: true };
        return;
      }
      const cut = whole ? recordsEnd(buf.subarray(0, have)) : have;
      if (cut <= 0) {
        // a record longer than the buffer
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
        continue;
      }
      yield { buf: buf.subarray(0, cut), final: false };
      buf.copy(buf, 0, cut, have);
      have -= cut;
    }
  } finally {
    closeSync(fd);
  }
}

/** The offset after the last "\n" that is outside quotes (quote parity), or 0. */
function recordsEnd(buf: Buffer): number {
  if (buf.indexOf(QUOTE) < 0) return buf.lastIndexOf(LF) + 1;
  let inside = false;
  let cut = 0;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === QUOTE) inside = !inside;
    else if (c === LF && !inside) cut = i + 1;
  }
  return cut;
}

function readSource(source: Source, given: string | undefined, file: string): ColumnTable | null {
  try {
    let first: { buf: Buffer; final: boolean } | undefined;
    for (const piece of source.pieces()) {
      first = { buf: Buffer.from(piece.buf), final: piece.final };
      break;
    }
    if (!first) return null;
    const delimiter = given ?? guessDelimiter(first.buf);
    if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 127) return null;
    const delim = delimiter.charCodeAt(0);
    const head = readHeader(first.buf, delim);
    const ncol = head.names.length;
    // at most one row per line: columns are allocated once, never grown
    const cap = source.lineFeeds() + 1;
    const once = pass(source, delim, head, new Uint8Array(ncol), -1, cap);
    const late: number[] = [];
    for (let j = 0; j < ncol; j++) if (once.switchedAt[j]! > 0) late.push(j);
    if (late.length > 0) {
      const modes = new Uint8Array(ncol).fill(IGNORE);
      for (const j of late) modes[j] = STRING;
      const stop = Math.max(...late.map((j) => once.switchedAt[j]!));
      // the rows before the switch, into the same arrays
      pass(source, delim, head, modes, stop, cap, once.strings);
    }
    const n = once.n;
    return {
      file,
      names: head.names,
      columns: head.names.map((_, j) => {
        const s = once.strings[j];
        if (s) {
          s.length = n;
          return s;
        }
        const v = once.numbers[j]!;
        // blank lines or quoted line breaks leave room at the end; copy only when it is much
        return v.length === n ? v : v.length - n > n / 8 ? v.slice(0, n) : v.subarray(0, n);
      }),
      n,
    };
  } catch (e) {
    if (e instanceof Bail) return null;
    throw e;
  }
}

/** As parseCsv: ";" when the first line has ";" and no ",", else ",". */
function guessDelimiter(buf: Buffer): string {
  let end = buf.indexOf(LF);
  if (end < 0) end = buf.length;
  const line = buf.subarray(0, end);
  return !line.includes(44) && line.includes(59) ? ";" : ",";
}

interface Header {
  names: string[];
  /** Offset of the first data line. */
  start: number;
  crlf: boolean;
}

function readHeader(buf: Buffer, delim: number): Header {
  const len = buf.length;
  let pos = len >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  if (pos >= len || buf[pos] === LF || buf[pos] === CR) throw new Bail();
  const names: string[] = [];
  for (;;) {
    let s: string;
    if (buf[pos] === QUOTE) {
      const q = quotedEnd(buf, pos);
      s = quotedText(buf, pos + 1, q.end, q.doubled);
      pos = q.end + 1;
    } else {
      const a = pos;
      let high = false;
      while (pos < len) {
        const c = buf[pos]!;
        if (c === delim || c === LF || c === CR) break;
        if (c === QUOTE) throw new Bail();
        if (c > 127) high = true;
        pos++;
      }
      s = cellText(buf, a, pos, high);
    }
    names.push(s);
    if (pos >= len) return { names, start: len, crlf: false };
    const c = buf[pos]!;
    if (c === delim) {
      pos++;
      continue;
    }
    if (c === LF) return { names, start: pos + 1, crlf: false };
    if (c === CR && buf[pos + 1] === LF) return { names, start: pos + 2, crlf: true };
    throw new Bail();
  }
}

/** The closing quote of the quoted field opening at `open`, and whether it holds doubled quotes. */
function quotedEnd(buf: Buffer, open: number): { end: number; doubled: boolean } {
  let doubled = false;
  let p = open + 1;
  for (;;) {
    const q = buf.indexOf(QUOTE, p);
    if (q < 0) throw new Bail();
    if (buf[q + 1] === QUOTE) {
      doubled = true;
      p = q + 2;
      continue;
    }
    return { end: q, doubled };
  }
}

function quotedText(buf: Buffer, a: number, b: number, doubled: boolean): string {
  const s = buf.toString("utf8", a, b);
  if (s.includes("\uFFFD")) throw new Bail();
  return doubled ? s.replaceAll('""', '"') : s;
}

/** An unquoted cell's text, trimmed as csv-parse trims (ECMAScript white space). */
function cellText(buf: Buffer, a: number, b: number, high: boolean): string {
  if (high) {
    const s = buf.toString("utf8", a, b);
    if (s.includes("\uFFFD")) throw new Bail();
    return s.trim();
  }
  while (a < b && isSpace(buf[a]!)) a++;
  while (b > a && isSpace(buf[b - 1]!)) b--;
  return buf.toString("latin1", a, b);
}

/** ASCII white space that can sit inside an unquoted field: space, tab, vertical tab, form feed. */
const isSpace = (c: number) => c === 32 || c === 9 || c === 11 || c === 12;

/**
 * One pass over the data lines: per column, numbers (switching to strings at the first cell that
 * is not a number), strings, or nothing (`modes`). Stops after `stop` rows when `stop` >= 0.
 */
function pass(
  source: Source,
  delim: number,
  head: Header,
  modes: Uint8Array,
  stop: number,
  cap: number,
  into?: (string[] | null)[],
): PassResult {
  const ncol = head.names.length;
  const mode = Uint8Array.from(modes);
  const switchedAt = new Int32Array(ncol).fill(-1);
  const numbers: (Float64Array | null)[] = [];
  const strings: (string[] | null)[] = [];
  const interns: (Intern | null)[] = [];
  for (let j = 0; j < ncol; j++) {
    numbers.push(mode[j] === NUMERIC ? new Float64Array(cap) : null);
    strings.push(mode[j] === STRING ? (into?.[j] ?? new Array<string>(cap)) : null);
    interns.push(mode[j] === STRING ? new Intern() : null);
  }
  const crlf = head.crlf;
  let n = 0;
  let firstPiece = true;
  for (const piece of source.pieces()) {
    const { buf, final } = piece;
    const len = buf.length;
    let pos = firstPiece ? head.start : 0;
    firstPiece = false;
    while (pos < len && n !== stop) {
      let c = buf[pos]!;
      // blank lines
      if (c === LF) {
        if (crlf) throw new Bail();
        pos++;
        continue;
      }
      if (c === CR) {
        if (buf[pos + 1] !== LF) throw new Bail();
        pos += 2;
        continue;
      }
      if (n === cap) throw new Error("csvColumns: more rows than lines");
      let j = 0;
      for (;;) {
        if (j >= ncol) throw new Bail(); // ragged: more fields than the header
        const m = mode[j]!;
        let a: number;
        let b: number;
        let kind: number; // 0 plain ASCII, 1 non-ASCII, 2 quoted, 3 quoted with doubled quotes
        if (buf[pos] === QUOTE) {
          const q = quotedEnd(buf, pos);
          a = pos + 1;
          b = q.end;
          kind = q.doubled ? 3 : 2;
          pos = q.end + 1;
          if (pos >= len && !final) throw new Bail();
          c = pos < len ? buf[pos]! : LF;
          if (c !== delim && c !== LF && !(c === CR && buf[pos + 1] === LF)) throw new Bail();
        } else {
          a = pos;
          const raw = pos;
          let high = false;
          for (;;) {
            if (pos >= len) {
              if (!final) throw new Bail();
              c = LF;
              break;
            }
            c = buf[pos]!;
            if (c === delim || c === LF || c === CR) break;
            if (c === QUOTE) throw new Bail();
            if (c > 127) high = true;
            pos++;
          }
          if (c === CR && buf[pos + 1] !== LF) throw new Bail();
          if (c === LF && crlf && pos < len) throw new Bail();
          b = pos;
          kind = high ? 1 : 0;
          if (kind === 0) {
            while (a < b && isSpace(buf[a]!)) a++;
            while (b > a && isSpace(buf[b - 1]!)) b--;
            // a line of only white space, which csv-parse skips
            if (ncol === 1 && a === b && pos > raw) throw new Bail();
          }
        }
        if (m === NUMERIC) {
          const v = kind === 0 ? plainNumber(buf, a, b) : Number.NaN;
          if (kind === 0 && !Number.isNaN(v)) numbers[j]![n] = v;
          else {
            const s = kind === 0 ? buf.toString("latin1", a, b) : cellString(buf, a, b, kind);
            const x = parseNumber(s);
            if (x !== undefined) numbers[j]![n] = x;
            else {
              // not numeric: strings from here on
              mode[j] = STRING;
              switchedAt[j] = n;
              numbers[j] = null;
              strings[j] = new Array<string>(cap);
              strings[j]![n] = s;
              interns[j] = new Intern();
            }
          }
        } else if (m === STRING) {
          strings[j]![n] = kind === 0 ? interns[j]!.get(buf, a, b) : cellString(buf, a, b, kind);
        }
        j++;
        if (c === delim) {
          pos++;
          continue;
        }
        // end of the record
        if (j !== ncol) throw new Bail(); // ragged: fewer fields (or a line of only white space)
        pos += c === CR ? 2 : 1;
        break;
      }
      n++;
    }
    if (n === stop) break;
  }
  return { n, numbers, strings, switchedAt };
}

function cellString(buf: Buffer, a: number, b: number, kind: number): string {
  return kind === 1 ? cellText(buf, a, b, true) : quotedText(buf, a, b, kind === 3);
}

/**
 * A plain decimal number in bytes [a, b): sign, digits, point, exponent, at most 15 significant
 * digits and a power of ten within 10^±22, so that one exactly rounded operation gives the value
 * Number() gives. NaN for anything else (the missing spellings too): the caller then decides
 * with {@link parseNumber}.
 */
function plainNumber(buf: Buffer, a: number, b: number): number {
  let i = a;
  let c = buf[i];
  let neg = false;
  if (c === 45 || c === 43) {
    neg = c === 45;
    c = buf[++i];
  }
  let m = 0;
  let digits = 0;
  let any = false;
  let e10 = 0;
  while (i < b && c! >= 48 && c! <= 57) {
    any = true;
    if (m !== 0 || c !== 48) {
      m = m * 10 + (c! - 48);
      digits++;
    }
    c = buf[++i];
  }
  if (i < b && c === 46) {
    c = buf[++i];
    while (i < b && c! >= 48 && c! <= 57) {
      any = true;
      if (m !== 0 || c !== 48) {
        m = m * 10 + (c! - 48);
        digits++;
      }
      e10--;
      c = buf[++i];
    }
  }
  if (!any || digits > 15) return Number.NaN;
  if (i < b && (c === 101 || c === 69)) {
    c = buf[++i];
    let eneg = false;
    if (c === 45 || c === 43) {
      eneg = c === 45;
      c = buf[++i];
    }
    let e = 0;
    let ed = 0;
    while (i < b && c! >= 48 && c! <= 57) {
      if (e < 10000) e = e * 10 + (c! - 48);
      ed++;
      c = buf[++i];
    }
    if (ed === 0) return Number.NaN;
    e10 += eneg ? -e : e;
  }
  if (i !== b) return Number.NaN;
  let v: number;
  if (m === 0) v = 0;
  else if (e10 >= 0 && e10 <= 22) v = m * POW10[e10]!;
  else if (e10 < 0 && e10 >= -22) v = m / POW10[-e10]!;
  else return Number.NaN;
  return neg ? -v : v;
}

/** Strings of one column, shared when the same bytes come again (few distinct values). */
class Intern {
  private slots = new Int32Array(1024).fill(-1);
  private keys: Buffer[] = [];
  private strs: string[] = [];
  private off = false;

  get(buf: Buffer, a: number, b: number): string {
    if (this.off) return buf.toString("latin1", a, b);
    let h = 0x811c9dc5;
    for (let i = a; i < b; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const mask = this.slots.length - 1;
    const len = b - a;
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const e = this.slots[k]!;
      if (e < 0) {
        const s = buf.toString("latin1", a, b);
        if (this.strs.length >= 512) {
          this.off = true; // many distinct values: sharing does not pay
          return s;
        }
        this.slots[k] = this.strs.length;
        this.keys.push(Buffer.from(buf.subarray(a, b)));
        this.strs.push(s);
        return s;
      }
      const key = this.keys[e]!;
      if (key.length === len) {
        let i = 0;
        while (i < len && key[i] === buf[a + i]) i++;
        if (i === len) return this.strs[e]!;
      }
    }
  }
}
