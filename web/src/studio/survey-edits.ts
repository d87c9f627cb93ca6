/**
 * The survey page's variance and weighting edits as pure functions (no DOM, no fetch), in the
 * style of edits.ts: the text a field shows (`format…`), what it means (`parse…`, with a message
 * when it cannot be read), and the section it gives (`with…`). What parses is then checked by the
 * server with the CLI's schemas (CalibrationSpecSchema, the survey section's `replicates`).
 * test/studio/survey-edits.test.ts drives them through the study.yaml model.
 */
import { asObj, compact, NUMBER, type Obj, type Parsed, parseAssignments } from "./edits.ts";

function numberIn(word: string, where: string): Parsed<number> {
  const x = Number(word);
  if (!NUMBER.test(word) || !Number.isFinite(x))
    return { error: `${where}: "${word}" is not a number` };
  return { value: x };
}

/**
 * `NAME = NUMBER` lines: calibration totals named as R's model matrix, e.g.
 * `(Intercept) = 6194` and `stypeH = 755`.
 *
 * @example parseTotals("(Intercept) = 6194\nstypeH = 755").value // {"(Intercept)": 6194, stypeH: 755}
 */
export const parseTotals = (text: string): Parsed<Record<string, number>> =>
  parseAssignments(text, {
    split: "last",
    form: "NAME = NUMBER",
    value: (v, line) => numberIn(v, `line ${line}`),
  });

export const formatTotals = (v: unknown): string =>
  Object.entries(asObj(v))
    .map(([k, x]) => `${k} = ${String(x)}`)
    .join("\n");

/**
 * One line per calibration variable: `VARIABLE: LEVEL = COUNT, LEVEL = COUNT` (population
 * counts of each level, for poststratify and rake).
 *
 * @example parseMargins("stype: E = 4421, H = 755, M = 1018").value // {stype: {E: 4421, H: 755, M: 1018}}
 */
export function parseMargins(text: string): Parsed<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  const lines = text.split("\n");
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!.trim();
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) return { error: `line ${k + 1}: write VARIABLE: LEVEL = COUNT, LEVEL = COUNT` };
    const variable = line.slice(0, colon).trim();
    const counts: Record<string, number> = {};
    for (const part of line.slice(colon + 1).split(",")) {
      const p = part.trim();
      if (p === "") continue;
      const at = p.lastIndexOf("=");
      if (at <= 0) return { error: `line ${k + 1}: "${p}" is not LEVEL = COUNT` };
      const x = numberIn(p.slice(at + 1).trim(), `line ${k + 1}`);
      if (x.error !== undefined) return { error: x.error };
      counts[p.slice(0, at).trim()] = x.value;
    }
    out[variable] = counts;
  }
  return { value: out };
}

export const formatMargins = (v: unknown): string =>
  Object.entries(asObj(v))
    .map(
      ([name, counts]) =>
        `${name}: ${Object.entries(asObj(counts))
          .map(([level, x]) => `${level} = ${String(x)}`)
          .join(", ")}`,
    )
    .join("\n");

/**
 * Two numbers `LOWER, UPPER` (calibration bounds on g, or R's `trim` bounds); empty text gives
 * undefined (no bounds).
 */
export function parsePair(text: string): Parsed<[number, number] | undefined> {
  const words = text
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter((w) => w !== "");
  if (words.length === 0) return { value: undefined };
  if (words.length !== 2) return { error: "write two numbers: LOWER, UPPER" };
  const lo = numberIn(words[0]!, "lower");
  if (lo.error !== undefined) return { error: lo.error };
  const hi = numberIn(words[1]!, "upper");
  if (hi.error !== undefined) return { error: hi.error };
  return { value: [lo.value, hi.value] };
}

export const formatPair = (v: unknown): string =>
  Array.isArray(v) && v.length === 2 ? `${String(v[0])}, ${String(v[1])}` : "";

/** The calibration methods of CalibrationSpecSchema, with what each needs. */
export const CALIBRATION_METHODS = ["poststratify", "rake", "linear", "raking", "logit"] as const;

/** Whether a method takes population counts per variable (`margins`) rather than `totals`. */
export const takesMargins = (method: unknown): boolean =>
  method === "poststratify" || method === "rake";

/**
 * The calibration spec after choosing `method` ("" removes calibration): margins are kept when
 * switching between poststratify and rake, totals between linear, raking and logit; a switch
 * across the two kinds drops what the new method does not read (and g-bounds, which only the
 * calibrate() methods take).
 */
export function withCalibrationMethod(spec: unknown, method: string): Obj | undefined {
  if (method === "") return undefined;
  const s = asObj(spec);
  if (takesMargins(method))
    return {
      method,
      margins: s.margins ?? {},
      ...compact({
        maxit: method === "rake" ? s.maxit : undefined,
        epsilon: method === "rake" ? s.epsilon : undefined,
        trim: Array.isArray(s.trim) ? undefined : s.trim,
      }),
    };
  return {
    method,
    totals: s.totals ?? {},
    ...compact({ bounds: s.bounds, maxit: s.maxit, epsilon: s.epsilon, trim: s.trim }),
  };
}

/**
 * The spec with `patch` applied: keys set to undefined are removed, and `margins` / `totals`
 * stay present (possibly empty) so the CLI names what is missing.
 */
export function withCalibration(spec: unknown, patch: Obj): Obj {
  const next: Obj = { ...asObj(spec), ...patch };
  for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
  return next;
}

/**
 * How `trim` is given: "g" ([lower, upper] on g = calibrated / original weight, R calibrate's
 * `trim`), "weights" ({lower, upper, strict} on the final weights, R trimWeights) or "".
 */
export const trimKind = (trim: unknown): "" | "g" | "weights" =>
  Array.isArray(trim) ? "g" : trim && typeof trim === "object" ? "weights" : "";

/** The survey section's `replicates` after a change (type "" removes it). */
export function withReplicates(replicates: unknown, patch: Obj): Obj | undefined {
  const next: Obj = { ...asObj(replicates), ...patch };
  if (!next.type) return undefined;
  for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
  if (next.type !== "Fay") delete next.fay_rho;
  if (next.type !== "bootstrap" && next.type !== "subbootstrap") delete next.seed;
  if (next.type === "JK1" || next.type === "JKn") delete next.count;
  return next;
}

/**
 * A recode's value map, one line per value: `LABEL OR CODE = NUMBER`, or `LABEL =` (nothing
 * after the sign) for missing. Split at the last "=" so labels may hold one.
 *
 * @example parseCodeMap("Very favorable = 4\nDon't know =").value // {"Very favorable": 4, "Don't know": null}
 */
export const parseCodeMap = (text: string): Parsed<Record<string, number | null>> =>
  parseAssignments<number | null>(text, {
    split: "last",
    form: "LABEL = NUMBER (nothing after = for missing)",
    value: (v, line) => (v === "" ? { value: null } : numberIn(v, `line ${line}`)),
  });

export const formatCodeMap = (v: unknown): string =>
  Object.entries(asObj(v))
    .map(([k, x]) => (x === null ? `${k} =` : `${k} = ${String(x)}`))
    .join("\n");

/** The recode spec with variable `name` renamed, patched or (patch undefined) removed. */
export function withRecode(
  spec: unknown,
  name: string,
  patch: Obj | undefined,
  rename?: string,
): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(asObj(spec))) {
    if (k !== name) {
      out[k] = v;
      continue;
    }
    if (patch === undefined) continue;
    const next: Obj = { ...asObj(v), ...patch };
    for (const f of Object.keys(next)) if (next[f] === undefined) delete next[f];
    out[rename ?? k] = next;
  }
  return out;
}
