/**
 * src/io/columns.ts and src/io/csv-columns.ts: typed columns read in one pass equal what the
 * strict parser (parseCsv + the numeric test of parseNumber) gives, on edge cases and on random
 * tricky CSV text; where the one-pass reader declines, the strict parser's result or error
 * message is what readColumns gives.
 */
import { writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.ts";
import { columnsFromTable, readColumns } from "../../src/io/columns.ts";
import { csvColumns, csvFileColumns } from "../../src/io/csv-columns.ts";
import { duckQuery, sqlString } from "../../src/io/duck.ts";
import { frameFromColumns, frameFromTable, readSurveyFrame } from "../../src/io/survey-data.ts";
import { parseCsv } from "../../src/io/table.ts";

let TMP: string;
beforeAll(async () => {
  TMP = await mkdtemp(join(tmpdir(), "softpower-columns-"));
});
afterAll(async () => {
  await rm(TMP, { recursive: true, force: true });
});

/** The strict reading: parseCsv then the numeric test, or the error message. */
function strict(text: string, delimiter?: string) {
  try {
    return columnsFromTable(parseCsv(text, "t.csv", { delimiter }));
  } catch (e) {
    return (e as Error).message;
  }
}

/** The one-pass reading of the same text (null: declined). */
const fast = (text: string, delimiter = ",") =>
  csvColumns(Buffer.from(text, "utf8"), delimiter, "t.csv");

/** Asserts the one-pass reader gives the strict result, or declines; returns whether it read. */
function agree(text: string, delimiter = ","): boolean {
  const want = strict(text, delimiter);
  const got = fast(text, delimiter);
  if (got === null) return false;
  expect(typeof want, `strict parser fails on ${JSON.stringify(text)}: ${want}`).toBe("object");
  expect(got, JSON.stringify(text)).toEqual(want);
  return true;
}

describe("csvColumns agrees with the strict parser", () => {
  it.each([
    ["plain", "a,b,c\n1,x,2.5\n2,y,NA\n"],
    ["no final newline", "a,b\n1,2\n3,4"],
    ["CRLF", "a,b\r\n1,2\r\n3,4\r\n"],
    ["LF header, CRLF rows", "a,b\n1,2\r\n3,4\r\n"],
    ["BOM", "\uFEFFuCode,x\nAAA,1\n"],
    ["blank lines between rows", "a,b\n1,2\n\n3,4\n\r\n\n5,6\n\n"],
    ["cells trimmed", "a , b\n 1 ,\t2 \n"],
    [
      "quoted fields with commas, doubled quotes and newlines",
      'a,b\n"x, y","say ""hi"""\n"two\nlines","3"\n',
    ],
    ["quoted CRLF inside a field", 'a,b\r\n"1\r\n2",3\r\n'],
    ["quoted spaces kept (so not a number)", 'a,b\n" 5",1\n"6 ",2\n'],
    ["quoted numbers are numbers", 'a\n"5"\n"-2.5e3"\n'],
    ["NA spellings", "a,b\nNA,x\nNaN,\n#N/A,NULL\n,NA\n"],
    ["numeric except one row", "a,b\n1,1\n2,2\n3,x\n4,4\n"],
    ["numeric except the last row", "a,b\n1,1\n2,2\n3,3\nfoo,4\n"],
    ["numeric except the first row", "a\nfoo\n1\n2\n"],
    ["leading zeros (numbers, as parseNumber reads them)", "code,iso\n007,GBR\n010,DEU\n"],
    ["ISO and uCode text", "uCode,uName\nGBR,United Kingdom\nCHN,China\n"],
    ["hexadecimal, Inf, separators are text", "a,b,c,d\n0x10,Inf,1_000,1e\n1,2,3,4\n"],
    [
      "very large and small numbers",
      "a,b,c,d\n1e308,5e-324,1.7976931348623157e308,-0\n1e-400,2.2250738585072014e-308,123456789012345678,0.1\n",
    ],
    ["1e400 overflows: text", "a\n1e400\n1\n"],
    [
      "many significant digits",
      "a\n3.14159265358979323846\n0.30000000000000004\n9007199254740993\n",
    ],
    ["exponent forms", "a\n1E5\n1e+5\n1.e5\n.5e-3\n+3\n5.\n"],
    ["duplicate header names", "a,a,b\n1,x,2\n3,y,4\n"],
    ["empty header cells", "a,,b\n1,2,3\n"],
    ["header only", "a,b\n"],
    ["header only, no newline", "a,b"],
    ["one column", "a\n1\n\n2\n"],
    ["one column of empty cells", 'a\n""\n1\n'],
    ["non-ASCII text and white space", "a,b\n\u00e9t\u00e9,\u00a05\u00a0\nna\u00efve,6\n"],
    ["trailing empty fields", "a,b,c\n1,,\n,,\n"],
    ["semicolons", "a;b\n1,5;x\n2;y\n"],
  ])("%s", (_, text) => {
    const delimiter = text.split("\n")[0]!.includes(",") || !text.includes(";") ? "," : ";";
    const want = strict(text, delimiter);
    const got = fast(text, delimiter) ?? want;
    expect(got).toEqual(want);
  });

  it("reads the common cases itself (does not decline them)", () => {
    for (const text of [
      "a,b,c\n1,x,2.5\n2,y,NA\n",
      "a,b\r\n1,2\r\n3,4\r\n",
      "\uFEFFuCode,x\nAAA,1\n",
      'a,b\n"x, y","say ""hi"""\n"two\nlines","3"\n',
      "a,b\n1,1\n2,2\n3,x\n4,4\n",
      "a,b\n\u00e9t\u00e9,\u00a05\u00a0\nna\u00efve,6\n",
      "a,b\n",
    ])
      expect(agree(text), JSON.stringify(text)).toBe(true);
  });

  it.each([
    ["empty file", ""],
    ["blank file", "\n\n"],
    ["ragged row", "a,b\n1,2\n1,2,3\n"],
    ["short row", "a,b\n1,2\n1\n"],
    ["unbalanced quote", 'a,b\n1,"2\n3,4\n'],
    ["quote inside a field", 'a,b\n x"y,2\n'],
    ["text after a closing quote", 'a,b\n"x"y,2\n'],
    ["space after a closing quote", 'a,b\n"x" ,2\n'],
    ["a lone CR", "a,b\n1,2\r3,4\r"],
    ["a line of spaces (one column)", "a\n1\n  \n3\n"],
    ["a line of spaces (two columns)", "a,b\n1,2\n  \n3,4\n"],
    ["LF row in a CRLF file", "a,b\r\n1,2\n3,4\r\n"],
    ["blank line before the header", "\na,b\n1,2\n"],
    ["U+FFFD", "a,b\n\uFFFD,2\n"],
  ])("declines (or agrees on) %s", (_, text) => {
    const got = fast(text);
    if (got !== null) expect(got).toEqual(strict(text));
  });

  it("declines invalid UTF-8", () => {
    const bytes = Buffer.concat([
      Buffer.from("a,b\nx"),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(",1\n"),
    ]);
    expect(csvColumns(bytes, ",", "bad.csv")).toBeNull();
  });

  it("agrees on random tricky text (seeded)", () => {
    let seed = 12345;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const cells = [
      "1",
      "-2.5",
      "0",
      "-0",
      "007",
      "1e5",
      "1E-3",
      ".5",
      "5.",
      "+3",
      "1e400",
      "0x1F",
      "Inf",
      "NA",
      "NaN",
      "#N/A",
      "NULL",
      "",
      " ",
      " 4 ",
      "\t5",
      "x",
      "GBR",
      "a b",
      "\u00e9",
      "\u00a07",
      '"q"',
      '"1,5"',
      '"a""b"',
      '"two\nlines"',
      '" 6"',
      '""',
      '"NA"',
      "12345678901234567890",
      "1.5e-320",
      'x"y',
      '"z" ',
      "3.000",
      "9007199254740993",
    ];
    let read = 0;
    let declined = 0;
    for (let k = 0; k < 3000; k++) {
      const delimiter = pick([",", ",", ";", "\t"]);
      const ncol = 1 + Math.floor(rnd() * 4);
      const eol = pick(["\n", "\n", "\r\n"]);
      const lines = [Array.from({ length: ncol }, (_, j) => `c${j}`).join(delimiter)];
      const nrow = Math.floor(rnd() * 6);
      // a column is mostly numbers, mostly text or mixed
      const kinds = Array.from({ length: ncol }, () => pick([0, 1, 2]));
      for (let i = 0; i < nrow; i++) {
        if (rnd() < 0.08) lines.push(pick(["", " ", "\r"]));
        const width = rnd() < 0.05 ? ncol + pick([-1, 1]) : ncol;
        lines.push(
          Array.from({ length: Math.max(width, 1) }, (_, j) => {
            const c = pick(cells);
            if (kinds[j] === 0 && rnd() < 0.8) return pick(["1", "2.5", "-3", "NA", "", "1e3"]);
            if (kinds[j] === 1 && rnd() < 0.8) return pick(["x", "GBR", '"y z"', "NA"]);
            return c;
          }).join(delimiter),
        );
      }
      let text = lines.join(eol) + (rnd() < 0.8 ? eol : "");
      if (rnd() < 0.1) text = `\uFEFF${text}`;
      const want = strict(text, delimiter);
      const got = fast(text, delimiter);
      if (k % 10 === 0) {
        // read from a file in small pieces: the same columns (or declined likewise)
        const p = join(TMP, `random-${k}.csv`);
        writeFileSync(p, text);
        const pieces = csvFileColumns(p, delimiter, "t.csv", pick([1, 3, 8, 17, 64]));
        expect(pieces, JSON.stringify(text)).toEqual(got);
      }
      if (got === null) declined++;
      else {
        read++;
        expect(typeof want, `strict fails on ${JSON.stringify(text)}: ${want}`).toBe("object");
        expect(got, JSON.stringify(text)).toEqual(want);
      }
    }
    if (process.env.SHOW_COUNTS) console.log({ read, declined });
    // the one-pass reader must handle most files itself, or the test proves little
    expect(read).toBeGreaterThan(declined);
  });
});

describe("readColumns", () => {
  const file = async (name: string, text: string | Buffer) => {
    const p = join(TMP, name);
    await writeFile(p, text);
    return p;
  };

  it("reads a CSV file into numbers and strings", async () => {
    const t = await readColumns(await file("plain.csv", "id,w,country\n1,0.5,GBR\n2,NA,CHN\n"));
    expect(t.file).toBe("plain.csv");
    expect(t.names).toEqual(["id", "w", "country"]);
    expect(t.n).toBe(2);
    expect(t.columns[0]).toEqual(Float64Array.from([1, 2]));
    expect(t.columns[1]).toEqual(Float64Array.from([0.5, Number.NaN]));
    expect(t.columns[2]).toEqual(["GBR", "CHN"]);
  });

  it("reads a TSV file (tab-delimited)", async () => {
    const t = await readColumns(await file("plain.tsv", "id\tname\n1\tA, B\n2\tC\n"));
    expect(t.names).toEqual(["id", "name"]);
    expect(t.columns[1]).toEqual(["A, B", "C"]);
  });

  it("uses ';' when the header has no comma", async () => {
    const t = await readColumns(await file("semi.csv", "a;b\n1;x\n"));
    expect(t.names).toEqual(["a", "b"]);
  });

  it.each([
    ["empty.csv", "", "empty.csv: the file is empty; a header row is expected"],
    [
      "ragged.csv",
      "a,b\n1,2\n1,2,3\n",
      "ragged.csv line 3: not valid CSV (Invalid Record Length: expect 2, got 3 on line 3)",
    ],
    ["quote.csv", 'a,b\n1,"2\n3,4\n', null],
  ])("gives the strict parser's message for %s", async (name, text, message) => {
    const p = await file(name, text);
    let want: string;
    try {
      parseCsv(text, name);
      throw new Error("no error");
    } catch (e) {
      want = (e as Error).message;
    }
    if (message) expect(want).toBe(message);
    await expect(readColumns(p)).rejects.toThrow(InputError);
    await expect(readColumns(p)).rejects.toThrow(want);
  });

  it("reports invalid UTF-8 with the path and line, as readText does", async () => {
    const p = await file(
      "bad.csv",
      Buffer.concat([Buffer.from("a,b\n1,2\nx"), Buffer.from([0xff]), Buffer.from(",3\n")]),
    );
    await expect(readColumns(p)).rejects.toThrow(`${p} line 3: invalid UTF-8`);
  });

  it("names the path of a file that does not exist", async () => {
    await expect(readColumns(join(TMP, "nope.csv"))).rejects.toThrow(
      /nope\.csv: cannot read \(ENOENT\)/,
    );
  });
});

describe("readSurveyFrame on CSV", () => {
  it("gives the frame the strict parser gives (numbers, factors, a late text cell)", async () => {
    const rows = ["id,w,q1,country,mixed"];
    for (let i = 0; i < 5000; i++)
      rows.push(
        `${i + 1},${(i % 7) / 3},${i % 11 === 0 ? "NA" : i % 5},${["GBR", "CHN", "USA"][i % 3]},${i === 4000 ? "n/a" : i}`,
      );
    const text = `${rows.join("\n")}\n`;
    const p = join(TMP, "survey.csv");
    await writeFile(p, text);
    const frame = await readSurveyFrame(p);
    expect(frame).toEqual(frameFromTable(parseCsv(text, "survey.csv")));
    expect(frame.columns.get("mixed")!.kind).toBe("factor");
    expect(frame.columns.get("q1")!.kind).toBe("number");
  });

  it("a repeated column name keeps its first place and its last data, as before", () => {
    const t = parseCsv("a,b,a\n1,x,y\n", "dup.csv");
    const f = frameFromColumns(columnsFromTable(t));
    expect([...f.columns.keys()]).toEqual(["a", "b"]);
    expect(f.columns.get("a")).toEqual({
      kind: "factor",
      levels: ["y"],
      codes: Int32Array.from([0]),
    });
  });
});

describe("readColumns on Parquet (DuckDB)", () => {
  it("reads numeric columns as numbers, text as strings (numbers when every cell is one), NULL as missing", async () => {
    const p = join(TMP, "t.parquet");
    await duckQuery([
      `COPY (SELECT * FROM (VALUES (1, 0.5::DOUBLE, 'GBR', '7', 3::DECIMAL(5,2)), (2, NULL, NULL, NULL, NULL), (3, -2.25, 'CHN', '8', 1.5)) t(id, w, country, code, d)) TO ${sqlString(p)} (FORMAT parquet)`,
    ]);
    const t = await readColumns(p);
    expect(t.file).toBe("t.parquet");
    expect(t.names).toEqual(["id", "w", "country", "code", "d"]);
    expect(t.n).toBe(3);
    expect(t.columns).toEqual([
      Float64Array.from([1, 2, 3]),
      Float64Array.from([0.5, Number.NaN, -2.25]),
      ["GBR", "", "CHN"],
      Float64Array.from([7, Number.NaN, 8]),
      Float64Array.from([3, Number.NaN, 1.5]),
    ]);
    const frame = await readSurveyFrame(p);
    expect(frame.columns.get("country")).toEqual({
      kind: "factor",
      levels: ["CHN", "GBR"],
      codes: Int32Array.from([1, -1, 0]),
    });
  });

  it("names the file that is not Parquet", async () => {
    const p = join(TMP, "fake.parquet");
    await writeFile(p, "a,b\n1,2\n");
    await expect(readColumns(p)).rejects.toThrow(InputError);
    await expect(readColumns(p)).rejects.toThrow(/fake\.parquet: cannot read as Parquet/);
  });
});
