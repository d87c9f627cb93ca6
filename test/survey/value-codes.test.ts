import { describe, expect, it } from "vitest";
import { valueCodes } from "../../src/survey/value-codes.ts";

describe("valueCodes (R factor(x) codes)", () => {
  it("sorts the distinct values and codes NaN as -1, by table and by map alike", () => {
    expect(valueCodes(Float64Array.of(3, 1, Number.NaN, 3))).toEqual({
      values: [1, 3],
      codes: Int32Array.of(1, 0, -1, 1),
    });
    // Non-integers and a wide range take the Map route; same answer shape.
    expect(valueCodes(Float64Array.of(2.5, -1, 2.5, 1e9))).toEqual({
      values: [-1, 2.5, 1e9],
      codes: Int32Array.of(1, 0, 1, 2),
    });
    expect(valueCodes(Float64Array.of(Number.NaN))).toEqual({
      values: [],
      codes: Int32Array.of(-1),
    });
  });
});
