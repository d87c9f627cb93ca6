import { describe, expect, it } from "vitest";
import { buildFramework } from "../../src/composite/framework.ts";
import { InputError } from "../../src/core/errors.ts";
import { dataFromTable, metaFromTable, weightSetsFromTable } from "../../src/io/coin.ts";
import { parseCsv } from "../../src/io/table.ts";

const META = `Level,iCode,iName,Direction,Weight,Unit,Target,Denominator,Parent,Type
1,a,a,1,1,NA,NA,NA,I,Indicator
1,b,b,1,1,NA,NA,NA,I,Indicator
2,I,Index,1,1,NA,NA,NA,NA,Aggregate
NA,Grp,Group,NA,NA,NA,NA,NA,NA,Group
`;
const fw = () => buildFramework(metaFromTable(parseCsv(META, "iMeta.csv")));

describe("iData validation", () => {
  it("rejects an indicator with no data at all, naming the column", () => {
    const t = parseCsv("uCode,Grp,a,b\nA,x,NA,1\nB,y,,2\n", "iData.csv");
    expect(() => dataFromTable(t, fw())).toThrow(InputError);
    expect(() => dataFromTable(t, fw())).toThrow(
      /iData.csv row 1, column a: indicator "a" has no data/,
    );
  });
  it("rejects a duplicate unit and a column iMeta does not describe", () => {
    expect(() => dataFromTable(parseCsv("uCode,a,b\nA,1,2\nA,3,4\n", "iData.csv"), fw())).toThrow(
      /iData.csv row 3, column uCode: duplicate unit "A" \(first at row 2\)/,
    );
    expect(() => dataFromTable(parseCsv("uCode,a,b,zz\nA,1,2,3\n", "iData.csv"), fw())).toThrow(
      /column zz: column "zz" is not in iMeta/,
    );
  });
  it("reads group columns as strings with missing as null", () => {
    const d = dataFromTable(parseCsv("uCode,Grp,a,b\nA,x,1,1\nB,NA,2,2\n", "iData.csv"), fw());
    expect(d.groups.Grp).toEqual(["x", null]);
    expect(d.uName).toEqual(["A", "B"]);
  });
  it("reads named weight sets and checks codes", () => {
    const w = weightSetsFromTable(parseCsv("iCode,S1,S2\na,1,2\nI,1,NA\n", "w.csv"), fw());
    expect(w).toEqual({ S1: { a: 1, I: 1 }, S2: { a: 2 } });
    expect(() => weightSetsFromTable(parseCsv("iCode,S1\nzz,1\n", "w.csv"), fw())).toThrow(
      /w.csv row 2, column iCode/,
    );
  });
});
