/**
 * The parameters of each pipeline step as form fields, with COINr's names and meanings (see
 * PipelineSchema in src/composite/pipeline.ts, which checks them): which parameters a step and
 * its method take, how a field shows a value, and how typed text becomes one. Pure; the index
 * page renders them (pipeline-editor.tsx) and test/studio/step-params.test.ts drives them.
 *
 * @example
 * paramsFor("normalise", "n_minmax") // [{key: "params.l_u", kind: "pair", ...}, {key: "global", ...}]
 * setParam({method: "n_minmax"}, "params.l_u", [1, 10]) // {method: "n_minmax", params: {l_u: [1, 10]}}
 */
import { asObj, NUMBER, type Obj, type Parsed, parseAssignments } from "./edits.ts";

export type ParamKind =
  | "number"
  | "integer"
  | "boolean"
  | "choice"
  | "pair"
  | "triple"
  | "words"
  | "numbers"
  | "pairs"
  | "text";

export interface ParamField {
  /** Dotted path inside the step object, e.g. "params.l_u" or "force.include". */
  key: string;
  kind: ParamKind;
  label: string;
  /** For "choice": the values (the first, "", means unset). */
  options?: readonly string[];
  /** For "numbers": one number is written as a number, several as a list (per level). */
  scalarWhenOne?: boolean;
}

const NORMALISE_PARAMS: Record<string, ParamField[]> = {
  n_minmax: [
    { key: "params.l_u", kind: "pair", label: "l_u: lower and upper bound (default 0, 100)" },
  ],
  n_zscore: [
    { key: "params.m_sd", kind: "pair", label: "m_sd: mean and standard deviation (default 0, 1)" },
  ],
  n_scaled: [
    { key: "params.npara", kind: "pair", label: "npara: subtracted, divided by (default 0, 100)" },
  ],
  n_rank: [
    {
      key: "params.ties_method",
      kind: "choice",
      label: "ties.method (default min)",
      options: ["", "average", "min", "max", "first"],
    },
  ],
  n_dist2ref: [
    {
      key: "params.iref",
      kind: "text",
      label: "iref: the reference unit (uCode) or its row number",
    },
    {
      key: "params.cap_max",
      kind: "boolean",
      label: "cap_max: values above the reference score 1",
    },
  ],
  n_dist2targ: [
    { key: "params.targ", kind: "number", label: "targ: the target value" },
    {
      key: "params.direction",
      kind: "choice",
      label: "direction: 1 higher is better, -1 lower is better (default 1)",
      options: ["", "1", "-1"],
    },
    { key: "params.cap_max", kind: "boolean", label: "cap_max: values beyond the target score 1" },
  ],
  n_goalposts: [
    {
      key: "params.gposts",
      kind: "triple",
      label: "gposts: lower and upper goalpost and the scale (e.g. 0, 100, 1)",
    },
    {
      key: "params.direction",
      kind: "choice",
      label: "direction (default 1)",
      options: ["", "1", "-1"],
    },
    {
      key: "params.trunc2posts",
      kind: "boolean",
      label: "trunc2posts: cut values at the goalposts (default on)",
    },
  ],
};

/**
 * The fields of `step` for its `method` (normalise: the method's params, then `global`;
 * aggregate: `p` only for a_genmean). Per-indicator overrides (`indiv`) are not here: they stay
 * in the step's JSON box.
 */
export function paramsFor(step: string, method?: string): ParamField[] {
  switch (step) {
    case "denominate":
      return [
        {
          key: "map",
          kind: "pairs",
          label: "map: indicator = denominator, one per line (empty denominator: none)",
        },
      ];
    case "impute":
      return method === "i_mean_grp" || method === "i_median_grp"
        ? [
            {
              key: "group",
              kind: "text",
              label: "group: the grouping variable of iData (e.g. Group_GDP)",
            },
          ]
        : [];
    case "screen":
      return [
        {
          key: "by",
          kind: "choice",
          label: "by: what is screened (default byNA)",
          options: ["", "byNA", "byzeros", "byNAandzeros", "byNZ", "byNAandNZ", "none"],
        },
        {
          key: "dat_thresh",
          kind: "number",
          label: "dat_thresh: least share of data a unit needs (0 to 1)",
        },
        {
          key: "nonzero_thresh",
          kind: "number",
          label: "nonzero_thresh: most share of zeros (0 to 1)",
        },
        {
          key: "force.include",
          kind: "words",
          label: "force include: units kept whatever their data",
        },
        { key: "force.exclude", kind: "words", label: "force exclude: units always removed" },
      ];
    case "treat":
      return [
        { key: "winmax", kind: "integer", label: "winmax: most points Winsorised (default 5)" },
        {
          key: "skew_thresh",
          kind: "number",
          label: "skew_thresh: absolute skewness above which to treat (default 2)",
        },
        {
          key: "kurt_thresh",
          kind: "number",
          label: "kurt_thresh: kurtosis above which to treat (default 3.5)",
        },
        {
          key: "force_win",
          kind: "boolean",
          label: "force_win: Winsorise up to winmax even when it does not fix the outliers",
        },
        {
          key: "f2",
          kind: "choice",
          label: "f2: the transformation when Winsorising is not enough (default log_CT)",
          options: ["", "log_CT", "log_CT_plus", "log_CT_orig", "boxcox", "none"],
        },
        { key: "lambda", kind: "number", label: "lambda: the Box-Cox parameter (f2 boxcox)" },
        {
          key: "combine_treat",
          kind: "boolean",
          label: "combine_treat: apply f2 after Winsorising (COINr's option)",
        },
      ];
    case "normalise":
      return [
        ...(NORMALISE_PARAMS[method ?? "n_minmax"] ?? []),
        {
          key: "global",
          kind: "boolean",
          label: "global: panel data normalised over all years together",
        },
      ];
    case "aggregate":
      return [
        ...(method === "a_genmean"
          ? [
              {
                key: "p",
                kind: "numbers",
                label: "p: the generalised mean's power (one, or one per level)",
                scalarWhenOne: true,
              } as ParamField,
            ]
          : []),
        {
          key: "dat_thresh",
          kind: "numbers",
          label: "dat_thresh: least share of data to aggregate (0 to 1; one, or one per level)",
          scalarWhenOne: true,
        },
        {
          key: "weights",
          kind: "text",
          label: "weights: a named weight set (default the framework's weights)",
        },
      ];
    default:
      return [];
  }
}

/** The value at a dotted path. */
export function getParam(step: unknown, key: string): unknown {
  let v: unknown = step;
  for (const k of key.split(".")) v = asObj(v)[k];
  return v;
}

/** The step with the value at a dotted path set (undefined removes it, and empty parents). */
export function setParam(step: unknown, key: string, value: unknown): Obj {
  const [head, ...rest] = key.split(".") as [string, ...string[]];
  const out: Obj = { ...asObj(step) };
  const next = rest.length ? setParam(out[head], rest.join("."), value) : value;
  if (next === undefined || (rest.length && Object.keys(next as Obj).length === 0))
    delete out[head];
  else out[head] = next;
  return out;
}

/** The text a field shows for a value. */
export function formatParam(field: ParamField, v: unknown): string {
  if (v === undefined || v === null) return "";
  switch (field.kind) {
    case "pair":
    case "triple":
    case "words":
    case "numbers":
      return Array.isArray(v) ? v.map(String).join(", ") : String(v);
    case "pairs":
      return Object.entries(asObj(v))
        .map(([k, x]) => `${k} = ${x === null ? "" : String(x)}`)
        .join("\n");
    default:
      return String(v);
  }
}

/** What typed text means for a field (empty text: unset). */
export function parseParam(field: ParamField, text: string): Parsed<unknown> {
  const t = text.trim();
  if (t === "") return { value: undefined };
  const words = t
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter((w) => w !== "");
  const numbers = (): Parsed<number[]> => {
    const out: number[] = [];
    for (const w of words) {
      if (!NUMBER.test(w)) return { error: `"${w}" is not a number` };
      out.push(Number(w));
    }
    return { value: out };
  };
  switch (field.kind) {
    case "number":
    case "integer": {
      if (!NUMBER.test(t)) return { error: `"${t}" is not a number` };
      const x = Number(t);
      if (field.kind === "integer" && !Number.isInteger(x))
        return { error: `"${t}" is not a whole number` };
      return { value: x };
    }
    case "pair":
    case "triple": {
      const n = field.kind === "pair" ? 2 : 3;
      const r = numbers();
      if (r.error !== undefined) return r;
      if (r.value.length !== n) return { error: `write ${n} numbers separated by commas` };
      return r;
    }
    case "numbers": {
      const r = numbers();
      if (r.error !== undefined) return r;
      return { value: field.scalarWhenOne && r.value.length === 1 ? r.value[0] : r.value };
    }
    case "words":
      return { value: words };
    case "pairs":
      return parseAssignments<string | null>(text, {
        split: "first",
        form: "INDICATOR = DENOMINATOR",
        value: (d) => ({ value: d === "" ? null : d }),
      });
    case "choice":
      // direction is a number (1 or -1); the other choices are names.
      return { value: field.key.endsWith("direction") ? Number(t) : t };
    case "text":
      return { value: field.key === "params.iref" && /^\d+$/.test(t) ? Number(t) : t };
    default:
      return { value: t };
  }
}
