/**
 * The workbench's edits as pure functions over plain study.yaml objects (no DOM, no fetch): the
 * text a field shows (`format…`), what it means (`parse…`, with a message when it cannot be read
 * at all), and the section it gives (`with…`). The pages call them as the user types; everything
 * that parses is then checked by the server with the CLI's schemas and messages, so a field shows
 * either "not a list of numbers"-type reading errors from here or the CLI's own words.
 * test/studio/editors.test.ts drives the same functions through the study.yaml model.
 */

export type Obj = Record<string, unknown>;

/** A field's reading of its text: the value, or why the text could not be read. */
export type Parsed<T> = { value: T; error?: undefined } | { value?: undefined; error: string };

/** Text that is a plain decimal number (no hex, no Infinity): `3`, `-0.25`, `1e-6`. */
export const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export const asObj = (v: unknown): Obj =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};

/** `o` without keys whose value is undefined, "", an empty array or an empty object. */
export function compact(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === "") continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}

/** Comma- or space-separated words: `"GBR, DEU"` -> ["GBR", "DEU"]. */
export const parseList = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");

export const formatList = (v: unknown): string =>
  Array.isArray(v) ? v.map(String).join(", ") : "";

/** Numbers separated by commas or spaces; an error names the first word that is not one. */
export function parseNumbers(text: string): Parsed<number[]> {
  const out: number[] = [];
  for (const w of parseList(text)) {
    const x = Number(w);
    if (!Number.isFinite(x)) return { error: `"${w}" is not a number` };
    out.push(x);
  }
  return { value: out };
}

/** A JSON value typed into a text box. */
export function parseJson(text: string): Parsed<unknown> {
  if (text.trim() === "") return { value: undefined as unknown };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { error: `not valid JSON: ${(e as Error).message}` };
  }
}

export const formatJson = (v: unknown): string =>
  v === undefined ? "" : JSON.stringify(v, null, 2);

/**
 * Driver groups, one per line: `Tech companies: huawei_fav, tiktok_fav` (study.yaml's
 * `groups: {"Tech companies": [huawei_fav, tiktok_fav]}`).
 */
export function parseGroups(text: string): Parsed<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const lines = text.split("\n");
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!.trim();
    if (line === "") continue;
    const at = line.indexOf(":");
    if (at <= 0)
      return { error: `line ${k + 1}: write the group's name, a colon, then its predictors` };
    const name = line.slice(0, at).trim();
    if (name in out) return { error: `line ${k + 1}: group "${name}" is given twice` };
    out[name] = parseList(line.slice(at + 1));
  }
  return { value: out };
}

export const formatGroups = (v: unknown): string =>
  Object.entries(asObj(v))
    .map(([name, cols]) => `${name}: ${formatList(cols)}`)
    .join("\n");

/** Numeric bands `18-29, 30-49, 50-120` (inclusive) -> [[18, 29], [30, 49], [50, 120]]. */
export function parseBands(text: string): Parsed<[number, number][]> {
  const out: [number, number][] = [];
  for (const w of text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")) {
    const m = /^(-?\d+(?:\.\d+)?)\s*(?:-|to|–)\s*(-?\d+(?:\.\d+)?)$/.exec(w);
    if (!m) return { error: `"${w}" is not a band such as 18-29` };
    out.push([Number(m[1]), Number(m[2])]);
  }
  return { value: out };
}

export const formatBands = (v: unknown): string =>
  Array.isArray(v) ? v.map((b) => (Array.isArray(b) ? `${b[0]}-${b[1]}` : "")).join(", ") : "";

/** Labels separated by commas (they may hold spaces): `18-29, 30 and over`. */
export const parseLabels = (text: string): string[] =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

/** One segment of the ratings map (`segments: {age: {variable, bands, labels}}`). */
export interface SegmentRow {
  name: string;
  variable: string;
  bands: string;
  labels: string;
}

export const segmentRows = (segments: unknown): SegmentRow[] =>
  Object.entries(asObj(segments)).map(([name, s]) => {
    const o = asObj(s);
    return {
      name,
      variable: String(o.variable ?? ""),
      bands: formatBands(o.bands),
      labels: formatList(o.labels),
    };
  });

/** The ratings map's `segments` from the editor's rows; an error names the row at fault. */
export function segmentsOf(rows: SegmentRow[]): Parsed<Obj> {
  const out: Obj = {};
  for (const [k, r] of rows.entries()) {
    const bands = parseBands(r.bands);
    if (bands.error !== undefined) return { error: `segment ${k + 1}: ${bands.error}` };
    out[r.name] = compact({
      variable: r.variable,
      bands: bands.value,
      labels: parseLabels(r.labels),
    });
  }
  return { value: out };
}

/** One bias comparison of the media section, as the editor shows it. */
export interface BiasRow {
  group: string;
  target: string;
  compare: string;
}

export const biasRows = (bias: unknown): BiasRow[] =>
  (Array.isArray(bias) ? bias : []).map((b) => {
    const o = asObj(b);
    return {
      group: String(o.group ?? ""),
      target: String(o.target ?? ""),
      compare: formatList(o.compare),
    };
  });

export const biasOf = (rows: BiasRow[]): Obj[] =>
  rows.map((r) => ({ group: r.group, target: r.target, compare: parseList(r.compare) }));

/** The media field map (`fields`): which column holds what; constants; the outlets' countries. */
export const FIELD_KEYS = ["id", "date", "outlet", "outlet_country", "title", "text"] as const;

export function withField(map: Obj, key: (typeof FIELD_KEYS)[number], column: string): Obj {
  return compact({ ...map, fields: compact({ ...asObj(map.fields), [key]: column }) });
}

/** The field map's `dedupe` choices (FieldMapSchema). */
export const DEDUPE_KEYS = ["id", "date", "outlet", "title", "text"] as const;

/**
 * A file-name pattern as typed: it must compile as a JavaScript regular expression (the corpus
 * reader's) with at least one named group.
 */
export function parseFilenamePattern(text: string): Parsed<string> {
  const t = text.trim();
  if (t === "") return { value: "" };
  try {
    new RegExp(t);
  } catch (e) {
    return { error: `not a regular expression: ${(e as Error).message}` };
  }
  if (!/\(\?<[A-Za-z_][A-Za-z0-9_]*>/.test(t))
    return { error: "name the groups, e.g. (?<outlet>[^_]+)" };
  return { value: t };
}

/**
 * `NAME = VALUE` lines (blank lines skipped) into a record: split at the first or the last "=",
 * each value read by `value` (its error is returned as is); a line without a name before the
 * sign gets `line K: write <form>`.
 *
 * @example parseAssignments("a = 1", {split: "last", form: "NAME = NUMBER", value: (v) => ({value: Number(v)})})
 */
export function parseAssignments<T>(
  text: string,
  o: { split: "first" | "last"; form: string; value: (v: string, line: number) => Parsed<T> },
): Parsed<Record<string, T>> {
  const out: Record<string, T> = {};
  const lines = text.split("\n");
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!.trim();
    if (line === "") continue;
    const at = o.split === "first" ? line.indexOf("=") : line.lastIndexOf("=");
    if (at <= 0) return { error: `line ${k + 1}: write ${o.form}` };
    const v = o.value(line.slice(at + 1).trim(), k + 1);
    if (v.error !== undefined) return { error: v.error };
    out[line.slice(0, at).trim()] = v.value as T;
  }
  return { value: out };
}

/** `outlet = ISO3` lines: `New York Times = USA` (the field map's outlet_country). */
export const parsePairs = (text: string): Parsed<Record<string, string>> =>
  parseAssignments(text, { split: "last", form: "NAME = VALUE", value: (v) => ({ value: v }) });

export const formatPairs = (v: unknown): string =>
  Object.entries(asObj(v))
    .map(([k, x]) => `${k} = ${String(x)}`)
    .join("\n");

/** A pipeline step's parameters: the step without `method` (the method has its own picker). */
export const stepParams = (step: unknown): Obj => {
  const { method: _method, ...rest } = asObj(step);
  return rest;
};

/**
 * The step from its method (undefined keeps the step's own, "" removes the step) and its
 * parameters object (as typed, JSON).
 */
export function withStepParams(step: unknown, params: unknown, method?: string): Obj | undefined {
  if (method === "") return undefined;
  const m = method ?? asObj(step).method;
  return { ...(m === undefined ? {} : { method: m }), ...asObj(params) };
}

/** The uncertainty spec with `patch` applied (keys set to undefined removed). */
export function withUncertainty(spec: unknown, patch: Obj): Obj {
  const next: Obj = { ...asObj(spec), ...patch };
  for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
  return next;
}

/** The default factors: COINr-style weight noise at level 2 (±25%). */
export const DEFAULT_FACTORS = [{ name: "Weights", noise: { levels: [2], factor: 0.25 } }];

/** A number typed into a box: undefined when empty, NaN (kept, for the CLI to refuse) otherwise. */
export const numberOf = (text: string): number | undefined =>
  text.trim() === "" ? undefined : Number(text);
