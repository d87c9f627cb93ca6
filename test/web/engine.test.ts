/**
 * The dashboard's engine adapter (web/src/engine.ts) reproduces the CLI's index from the tables
 * the store keeps: the demo's iMeta as the framework table, the Normalised stage as
 * `index_stage_normalised`, checked against buildIndex with the same weights.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildIndex, type Pipeline } from "../../src/composite/pipeline.ts";
import { datasetTable } from "../../src/composite/tables.ts";
import { readCoin } from "../../src/io/coin.ts";
import { readTable } from "../../src/io/table.ts";
import { datasetFromTable, indexEngine, metaRowsFromTable } from "../../web/src/engine.ts";

const demo = (f: string) =>
  fileURLToPath(new URL(`../../examples/demo/data/${f}`, import.meta.url));

const pipeline: Pipeline = {
  denominate: {},
  impute: { method: "i_mean" },
  screen: { by: "byNA", dat_thresh: 0.5 },
  treat: { winmax: 5, skew_thresh: 2, kurt_thresh: 3.5 },
  normalise: { method: "n_minmax", params: { l_u: [0, 100] } },
  aggregate: { method: "a_amean" },
};

async function setup() {
  const input = await readCoin(demo("indicators.csv"), demo("iMeta.csv"));
  const meta = await readTable(demo("iMeta.csv"), "iMeta");
  const built = buildIndex(input, pipeline);
  const normalised = datasetTable(built.stages.Normalised!);
  return { input, meta: { columns: meta.columns, rows: meta.rows }, built, normalised };
}

describe("web engine", () => {
  it("reads the framework table as the CLI does (NA and empty cells missing)", async () => {
    const { meta, input } = await setup();
    const rows = metaRowsFromTable(meta);
    expect(rows.map((r) => r.iCode)).toEqual(input.framework.meta.map((r) => r.iCode));
    expect(rows.map((r) => [r.level, r.weight, r.parent, r.type])).toEqual(
      input.framework.meta.map((r) => [r.level, r.weight, r.parent, r.type]),
    );
  });

  it("nominal weights give the stored index and ranks exactly", async () => {
    const { meta, built, normalised } = await setup();
    const engine = indexEngine(meta, normalised, pipeline.aggregate);
    const r = engine.run({});
    const res = built.results;
    expect([...engine.units]).toEqual(res.units);
    expect([...r.scores.get(engine.framework.top)!]).toEqual([...res.scores[0]!]);
    expect([...r.rank]).toEqual([...res.rank]);
  });

  it("new weights give what buildIndex gives with those weights (a_amean and a_gmean)", async () => {
    const { input, meta } = await setup();
    const weights = { Tech: 3, Culture: 0.5, rd_gdp: 2, hdi: 0 };
    // a_gmean needs positive values: normalise onto [1, 100] for it.
    const cases: Pipeline[] = [
      pipeline,
      {
        ...pipeline,
        normalise: { method: "n_minmax", params: { l_u: [1, 100] } },
        aggregate: { method: "a_gmean" },
      },
    ];
    for (const p of cases) {
      const normalised = datasetTable(buildIndex(input, p).stages.Normalised!);
      const r = indexEngine(meta, normalised, p.aggregate).run(weights);
      const ref = buildIndex(input, { ...p, aggregate: { ...p.aggregate!, weights } }).results;
      expect([...r.scores.get("Index")!]).toEqual([...ref.scores[0]!]);
      expect([...r.rank]).toEqual([...ref.rank]);
    }
  });

  it("accepts rows keyed by column and missing cells", () => {
    const ds = datasetFromTable({
      columns: ["uCode", "a", "b"],
      rows: [
        { uCode: "X", a: 1, b: null },
        { uCode: "Y", a: "2", b: "NA" },
      ],
    });
    expect(ds.units).toEqual(["X", "Y"]);
    expect([...ds.values[0]!]).toEqual([1, 2]);
    expect(ds.values[1]!.every(Number.isNaN)).toBe(true);
  });

  it("names the row and column of a bad framework cell", () => {
    expect(() =>
      metaRowsFromTable({
        columns: ["iCode", "Level", "Parent", "Type", "Weight"],
        rows: [["a", "1", "I", "Indicator", "heavy"]],
      }),
    ).toThrow('index_framework row 1, column Weight: "heavy" is not a number');
  });
});

describe("the dashboard bundle", () => {
  const web = fileURLToPath(new URL("../../web/src", import.meta.url));
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? files(join(dir, e.name))
        : /\.tsx?$/.test(e.name)
          ? [join(dir, e.name)]
          : [],
    );
  for (const f of files(web)) {
    it(`${f.slice(web.length + 1)} imports no Node built-ins and only the pure engines of src/`, () => {
      const text = readFileSync(f, "utf8");
      expect(text).not.toMatch(/from "node:/);
      for (const m of text.matchAll(/^import (type )?[^;]*from "((\.\.\/)+src\/[^"]+)"/gm)) {
        if (m[1]) continue;
        expect(m[2], `${f} imports ${m[2]}`).toMatch(
          /\/src\/(composite|survey|stats|core\/errors)[./]/,
        );
      }
    });
  }
});
