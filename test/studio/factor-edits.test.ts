import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UncertaintySpecSchema } from "../../src/composite/uncertainty-spec.ts";
import { readModel, validateModel } from "../../src/studio/model.ts";
import { asObj } from "../../web/src/studio/edits.ts";
import {
  emptyFactor,
  type FactorRow,
  factorRows,
  factorsOf,
  parseValues,
} from "../../web/src/studio/factor-edits.ts";
import { EXAMPLES, exampleModels, specOf } from "../helpers/studio-model.ts";

describe("uncertainty factors as table rows", () => {
  it("every example's factors read back the same", async () => {
    let n = 0;
    for (const { name, model } of await exampleModels()) {
      const unc = specOf(model, "index.uncertainty") ?? {};
      if (!Array.isArray(unc.factors)) continue;
      expect(factorsOf(factorRows(unc.factors)).value, name).toEqual(unc.factors);
      n += unc.factors.length;
    }
    expect(n).toBeGreaterThanOrEqual(3);
  });

  it("odd values survive: text that reads as a number, commas, lists, booleans", () => {
    const factors = [
      { name: "A", step: "aggregate", param: "method", values: ["a_amean", "a_gmean"] },
      { name: "B", step: "impute", param: "group", values: ["2019", "x,y"] },
      {
        name: "C",
        step: "normalise",
        param: "params.l_u",
        values: [
          [0, 100],
          [1, 10],
        ],
      },
      { name: "D", step: "treat", param: "force_win", values: [true, false] },
      { name: "E", step: "screen", alternatives: [null, { by: "byNA", dat_thresh: 0.5 }] },
      { name: "F", exclude: ["LPI", "Flights"] },
      { name: "G", noise: { levels: [2, 3], factor: 0.1, nrep: 50 } },
    ];
    expect(factorsOf(factorRows(factors)).value).toEqual(factors);
  });

  it("rows typed in the table make a spec the CLI accepts, as typed", async () => {
    const rows: FactorRow[] = [
      { ...emptyFactor("weights"), name: "Weights", levels: "2", factor: "0.25" },
      {
        ...emptyFactor("values"),
        name: "Winsorisation",
        step: "treat",
        param: "winmax",
        values: "3, 4, 5",
      },
      { ...emptyFactor("exclude"), name: "Leave one out", exclude: "gdp_pc_usd, hdi" },
    ];
    const factors = factorsOf(rows).value!;
    const spec = UncertaintySpecSchema.parse({ type: "uncertainty", runs: 50, factors });
    expect(spec.factors).toEqual([
      { name: "Weights", noise: { levels: [2], factor: 0.25, nrep: 100 } },
      { name: "Winsorisation", step: "treat", param: "winmax", values: [3, 4, 5] },
      { name: "Leave one out", exclude: ["gdp_pc_usd", "hdi"] },
    ]);
    const { model } = await readModel(join(EXAMPLES, "demo"));
    const index = asObj(model.study.index);
    const edited = {
      ...model,
      study: {
        ...model.study,
        index: { ...index, uncertainty: { ...asObj(index.uncertainty), factors } },
      },
    };
    expect(validateModel(edited)).toEqual([]);
    // A factor of 2 is refused by the CLI at the factor's key.
    const bad = factorsOf([{ ...rows[0]!, factor: "2" }]).value!;
    const issues = validateModel({
      ...model,
      study: {
        ...model.study,
        index: { ...index, uncertainty: { ...asObj(index.uncertainty), factors: bad } },
      },
    });
    expect(issues.some((i) => i.key.startsWith("index.uncertainty.factors.0"))).toBe(true);
  });

  it("a cell that cannot be read is named", () => {
    expect(factorsOf([{ ...emptyFactor("weights"), levels: "two" }]).error).toBe(
      'factor 1 levels: "two" is not a number',
    );
    expect(factorsOf([emptyFactor(), { ...emptyFactor("weights"), factor: "1/4" }]).error).toBe(
      'factor 2 factor: "1/4" is not a number',
    );
    expect(factorsOf([{ ...emptyFactor("alternatives"), alternatives: "[{" }]).error).toMatch(
      /^factor 1 alternatives: not valid JSON/,
    );
    expect(parseValues("[1, 2").error).toMatch(/^not valid JSON/);
    expect(parseValues('3, "4"').value).toEqual([3, "4"]);
  });
});
