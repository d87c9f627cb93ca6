import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { PipelineSchema } from "../../src/composite/pipeline.ts";
import { readModel, type StudyModel, validateModel } from "../../src/studio/model.ts";
import { asObj, type Obj } from "../../web/src/studio/edits.ts";
import {
  formatParam,
  getParam,
  type ParamField,
  paramsFor,
  parseParam,
  setParam,
} from "../../web/src/studio/step-params.ts";
import { EXAMPLES, exampleModels, specOf } from "../helpers/studio-model.ts";

const STEPS = ["denominate", "impute", "screen", "treat", "normalise", "aggregate"] as const;
const METHODS: Record<string, (string | undefined)[]> = {
  impute: ["i_mean", "i_median", "i_mean_grp", "i_median_grp", "i_panel"],
  normalise: [
    "n_minmax",
    "n_zscore",
    "n_scaled",
    "n_rank",
    "n_borda",
    "n_prank",
    "n_dist2max",
    "n_dist2ref",
    "n_dist2targ",
    "n_fracmax",
    "n_goalposts",
    "none",
  ],
  aggregate: ["a_amean", "a_gmean", "a_hmean", "a_genmean", "a_copeland"],
};

/** Dotted parameter paths of a zod object (nested objects opened; method and indiv left out). */
function schemaKeys(s: z.ZodType, prefix = ""): string[] {
  let t = s as unknown as { def: { type: string; innerType?: z.ZodType }; shape?: object };
  while (t.def.type === "optional" || t.def.type === "default")
    t = t.def.innerType as unknown as typeof t;
  if (t.def.type !== "object") return [prefix.slice(0, -1)];
  const out: string[] = [];
  for (const [k, v] of Object.entries(t.shape as Record<string, z.ZodType>)) {
    if (k === "method" || k === "indiv") continue;
    out.push(...schemaKeys(v, `${prefix}${k}.`));
  }
  return out;
}

const withPipeline = (model: StudyModel, pipeline: Obj): StudyModel => ({
  ...model,
  study: { ...model.study, index: { ...asObj(model.study.index), pipeline } },
});

describe("step parameter fields", () => {
  it("cover every parameter of PipelineSchema", () => {
    for (const step of STEPS) {
      const want = schemaKeys(PipelineSchema.shape[step]).sort();
      const have = new Set<string>();
      for (const m of METHODS[step] ?? [undefined])
        for (const f of paramsFor(step, m)) have.add(f.key);
      expect([...have].sort(), step).toEqual(want);
    }
  });

  it("read back every example's pipeline the same", async () => {
    let checked = 0;
    for (const { name, model } of await exampleModels()) {
      const pipeline = specOf(model, "index.pipeline") ?? {};
      for (const step of STEPS) {
        const value = pipeline[step];
        if (value === undefined) continue;
        const method = asObj(value).method as string | undefined;
        for (const f of paramsFor(step, method)) {
          const v = getParam(value, f.key);
          if (v === undefined || f.kind === "boolean") continue;
          expect(parseParam(f, formatParam(f, v)).value, `${name} ${step}.${f.key}`).toEqual(v);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it("edits through the fields are valid and mean what was typed", async () => {
    const { model } = await readModel(join(EXAMPLES, "demo"));
    const field = (step: string, method: string | undefined, key: string): ParamField =>
      paramsFor(step, method).find((f) => f.key === key)!;
    const typed = (step: string, method: string | undefined, key: string, text: string) =>
      parseParam(field(step, method, key), text).value;
    let normalise: Obj = { method: "n_goalposts" };
    normalise = setParam(
      normalise,
      "params.gposts",
      typed("normalise", "n_goalposts", "params.gposts", "0, 100, 1"),
    );
    normalise = setParam(
      normalise,
      "params.direction",
      typed("normalise", "n_goalposts", "params.direction", "-1"),
    );
    normalise = setParam(normalise, "params.trunc2posts", true);
    let screen: Obj = {};
    screen = setParam(screen, "by", typed("screen", undefined, "by", "byNAandzeros"));
    screen = setParam(screen, "dat_thresh", typed("screen", undefined, "dat_thresh", "0.66"));
    screen = setParam(
      screen,
      "force.exclude",
      typed("screen", undefined, "force.exclude", "JPN, KOR"),
    );
    let aggregate: Obj = { method: "a_genmean" };
    aggregate = setParam(aggregate, "p", typed("aggregate", "a_genmean", "p", "2"));
    aggregate = setParam(
      aggregate,
      "dat_thresh",
      typed("aggregate", "a_genmean", "dat_thresh", "0.5, 0.6"),
    );
    const denominate = setParam(
      {},
      "map",
      typed("denominate", undefined, "map", "gdp_pc_usd =\nembassies = gdp_pc_usd"),
    );
    const pipeline = {
      ...asObj(asObj(model.study.index).pipeline),
      normalise,
      screen,
      aggregate,
      denominate,
    };
    expect(validateModel(withPipeline(model, pipeline))).toEqual([]);
    expect(PipelineSchema.parse(pipeline)).toMatchObject({
      normalise: {
        method: "n_goalposts",
        params: { gposts: [0, 100, 1], direction: -1, trunc2posts: true },
      },
      screen: { by: "byNAandzeros", dat_thresh: 0.66, force: { exclude: ["JPN", "KOR"] } },
      aggregate: { method: "a_genmean", p: 2, dat_thresh: [0.5, 0.6] },
      denominate: { map: { gdp_pc_usd: null, embassies: "gdp_pc_usd" } },
    });
    // Clearing a field removes the key, and a parent left empty.
    expect(setParam(screen, "force.exclude", undefined)).toEqual({
      by: "byNAandzeros",
      dat_thresh: 0.66,
    });
  });

  it("the CLI's messages for a value out of range come back at the field's key", async () => {
    const { model } = await readModel(join(EXAMPLES, "demo"));
    const pipeline = {
      ...asObj(asObj(model.study.index).pipeline),
      treat: { winmax: 5, skew_thresh: -2 },
      screen: { dat_thresh: 1.5 },
    };
    const keys = validateModel(withPipeline(model, pipeline)).map((i) => i.key);
    expect(keys).toContain("index.pipeline.treat.skew_thresh");
    expect(keys).toContain("index.pipeline.screen.dat_thresh");
  });

  it("text a field cannot read gets the field's own message", () => {
    const f = (step: string, method: string | undefined, key: string) =>
      paramsFor(step, method).find((x) => x.key === key)!;
    expect(parseParam(f("normalise", "n_minmax", "params.l_u"), "0").error).toBe(
      "write 2 numbers separated by commas",
    );
    expect(parseParam(f("normalise", "n_minmax", "params.l_u"), "0, top").error).toBe(
      '"top" is not a number',
    );
    expect(parseParam(f("treat", undefined, "winmax"), "4.5").error).toBe(
      '"4.5" is not a whole number',
    );
    expect(parseParam(f("denominate", undefined, "map"), "gdp").error).toBe(
      "line 1: write INDICATOR = DENOMINATOR",
    );
    expect(parseParam(f("treat", undefined, "winmax"), " ").value).toBeUndefined();
    expect(paramsFor("impute", "i_mean")).toEqual([]);
    expect(paramsFor("aggregate", "a_amean").map((x) => x.key)).toEqual(["dat_thresh", "weights"]);
  });
});
