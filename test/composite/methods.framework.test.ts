/**
 * buildFramework validation (COINr iMeta conventions): every error is an InputError whose
 * message names the file row and the column ("iMeta.csv row N, column C").
 */
import { describe, expect, it } from "vitest";
import { buildFramework } from "../../src/composite/framework.ts";
import type { MetaRow } from "../../src/composite/types.ts";
import { InputError } from "../../src/core/errors.ts";

function row(
  iCode: string,
  type: MetaRow["type"],
  level: number | null,
  parent: string | null,
  rowNo: number,
  extra: Partial<MetaRow> = {},
): MetaRow {
  return {
    iCode,
    iName: `${iCode} name`,
    type,
    level,
    direction: type === "Indicator" ? 1 : null,
    weight: type === "Indicator" || type === "Aggregate" ? 1 : null,
    unit: null,
    target: null,
    denominator: null,
    parent,
    source: { file: "iMeta.csv", row: rowNo },
    ...extra,
  };
}

/** A valid iMeta: rows 2..8 as in the file (row 1 is the header). */
function base(): MetaRow[] {
  return [
    row("i1", "Indicator", 1, "P1", 2),
    row("i2", "Indicator", 1, "P1", 3, { direction: -1, target: 5 }),
    row("i3", "Indicator", 1, "P2", 4, { denominator: "GDP" }),
    row("P1", "Aggregate", 2, "Index", 5),
    row("P2", "Aggregate", 2, "Index", 6),
    row("Index", "Aggregate", 3, null, 7),
    row("GDP", "Denominator", null, null, 8),
  ];
}

function replace(rows: MetaRow[], code: string, patch: Partial<MetaRow>): MetaRow[] {
  return rows.map((r) => (r.iCode === code ? { ...r, ...patch } : r));
}

function expectInputError(rows: MetaRow[], ...parts: (string | RegExp)[]): void {
  let err: unknown;
  try {
    buildFramework(rows);
  } catch (e) {
    err = e;
  }
  expect(err, "buildFramework should throw").toBeInstanceOf(InputError);
  const msg = (err as Error).message;
  for (const p of parts) {
    if (typeof p === "string") expect(msg).toContain(p);
    else expect(msg).toMatch(p);
  }
}

describe("buildFramework: valid iMeta", () => {
  it("builds the tree", () => {
    const fw = buildFramework(base());
    expect(fw.indicators).toEqual(["i1", "i2", "i3"]);
    expect(fw.aggregateLevels).toEqual([["P1", "P2"], ["Index"]]);
    expect(fw.top).toBe("Index");
    expect(fw.maxLevel).toBe(3);
    expect(fw.children.get("P1")).toEqual(["i1", "i2"]);
    expect(fw.children.get("Index")).toEqual(["P1", "P2"]);
    expect(fw.parent.get("P2")).toBe("Index");
    expect(fw.level.get("Index")).toBe(3);
    expect(fw.direction.get("i2")).toBe(-1);
    expect(fw.target.get("i2")).toBe(5);
    expect(fw.denominator.get("i3")).toBe("GDP");
    expect(fw.denominators).toEqual(["GDP"]);
  });
});

describe("buildFramework: each validation error names row and column", () => {
  it("duplicate iCode", () => {
    const rows = [...base(), row("i2", "Indicator", 1, "P2", 9)];
    expectInputError(rows, "iMeta.csv row 9", "column iCode", '"i2"');
  });

  it("unknown parent", () => {
    expectInputError(replace(base(), "i3", { parent: "PX" }), "iMeta.csv row 4", "column Parent");
  });

  it("parent not an Aggregate (an Indicator, a Denominator)", () => {
    expectInputError(replace(base(), "i3", { parent: "i1" }), "iMeta.csv row 4", "column Parent");
    expectInputError(replace(base(), "i3", { parent: "GDP" }), "iMeta.csv row 4", "column Parent");
  });

  it("wrong level: Indicator not at level 1, Aggregate at level 1", () => {
    expectInputError(replace(base(), "i1", { level: 2 }), "iMeta.csv row 2", "column Level");
    expectInputError(replace(base(), "P1", { level: 1 }), "iMeta.csv row 5", "column Level");
    expectInputError(replace(base(), "i1", { level: null }), "iMeta.csv row 2", "column Level");
  });

  it("parent not exactly one level up", () => {
    // i3 (level 1) under Index (level 3)
    const rows = replace(base(), "i3", { parent: "Index" });
    expectInputError(rows, "iMeta.csv row 4", "column Parent");
  });

  it("weights of siblings summing to 0", () => {
    const rows = replace(replace(base(), "i1", { weight: 0 }), "i2", { weight: 0 });
    expectInputError(rows, /iMeta\.csv row [23]/, "column Weight");
  });

  it("a negative or non-finite weight", () => {
    expectInputError(replace(base(), "i1", { weight: -1 }), "iMeta.csv row 2", "column Weight");
    expectInputError(
      replace(base(), "i1", { weight: Number.NaN }),
      "iMeta.csv row 2",
      "column Weight",
    );
  });

  it("a non-top node without a parent", () => {
    expectInputError(replace(base(), "P2", { parent: null }), "iMeta.csv row 6", "column Parent");
  });

  it("two top nodes", () => {
    // a second level-3 aggregate without parent, with a child so it is not childless
    const rows = [
      ...base(),
      row("P3", "Aggregate", 2, "Index2", 9),
      row("i4", "Indicator", 1, "P3", 10),
      row("Index2", "Aggregate", 3, null, 11),
    ];
    expectInputError(rows, /iMeta\.csv row (7|11), column \w+/);
  });

  it("aggregate without children", () => {
    const rows = [...base(), row("P3", "Aggregate", 2, "Index", 9)];
    expectInputError(rows, "iMeta.csv row 9", /column \w+/, '"P3"');
  });

  it("bad Direction", () => {
    expectInputError(
      replace(base(), "i1", { direction: 2 }),
      "iMeta.csv row 2",
      "column Direction",
    );
    expectInputError(
      replace(base(), "i2", { direction: 0 }),
      "iMeta.csv row 3",
      "column Direction",
    );
  });

  it("a Denominator that is not of Type Denominator", () => {
    expectInputError(
      replace(base(), "i3", { denominator: "i1" }),
      "iMeta.csv row 4",
      "column Denominator",
    );
  });

  it("no Indicator rows", () => {
    expect(() => buildFramework([row("GDP", "Denominator", null, null, 2)])).toThrow(InputError);
  });
});
