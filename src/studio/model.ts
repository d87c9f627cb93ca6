/**
 * The workbench's editor model of a study: study.yaml as plain data (the input form: paths as
 * written, defaults not filled in) plus the spec files it names (design.json, ratings.json,
 * pipeline.json...), each with the schema `softpower build` reads it with. The model is what the
 * forms edit; writing it gives a plain study.yaml (comments and layout of unchanged sections
 * kept) and spec files that `softpower build` reads to the same config.
 *
 * Validation is the CLI's own: study.yaml through `parseConfig` with `StudySchema`, spec files
 * through `parseConfig` with their schemas, so a form shows exactly the messages the CLI prints.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { isMap, isScalar, parseDocument, stringify } from "yaml";
import type { z } from "zod";
import { PipelineSchema } from "../composite/pipeline.ts";
import { UncertaintySpecSchema } from "../composite/uncertainty-spec.ts";
import { InputError } from "../core/errors.ts";
import { parseConfig } from "../io/config-file.ts";
import { CompareSourceListSchema, IndicatorSourceListSchema } from "../io/indicator-sources.ts";
import { writeFileAtomic } from "../io/write.ts";
import { FieldMapSchema } from "../media/corpus-spec.ts";
import { STUDY_FILE } from "../study/load.ts";
import { StudySchema } from "../study/schema.ts";
import { CalibrationSpecSchema } from "../survey/calibration-spec.ts";
import { DesignSpecSchema } from "../survey/design.ts";
import { RatingsMapSchema } from "../survey/perceptions.ts";
import { RecodeSchema } from "../survey/recode.ts";

/** study.yaml as plain data, as written (input form). */
export type StudyInput = Record<string, unknown>;

/** A spec file named by study.yaml: where it is named, its path as written, its content. */
export interface SpecFile {
  /** Key path in study.yaml, e.g. "survey.design", "drivers.0.recode". */
  key: string;
  /** The path as written in study.yaml (relative to the study folder). */
  path: string;
  /** The file's content as plain data (input form). */
  content: unknown;
}

/** The editor model: study.yaml and its spec files. */
export interface StudyModel {
  study: StudyInput;
  specs: SpecFile[];
}

/** One validation problem: where (file, key path, line when known) and the CLI's message. */
export interface Issue {
  file: string;
  /** Key path, e.g. "survey.design.weights" ("" for the whole file). */
  key: string;
  line?: number;
  message: string;
}

/** The spec keys of study.yaml (a path there names a file holding the spec) and their schemas. */
export const SPEC_KEYS: readonly { key: string; schema: z.ZodType }[] = [
  { key: "index.pipeline", schema: PipelineSchema },
  { key: "index.uncertainty", schema: UncertaintySpecSchema },
  { key: "index.sources", schema: IndicatorSourceListSchema },
  { key: "index.compare", schema: CompareSourceListSchema },
  { key: "survey.design", schema: DesignSpecSchema },
  { key: "survey.calibration", schema: CalibrationSpecSchema },
  { key: "survey.recode", schema: RecodeSchema },
  { key: "survey.ratings", schema: RatingsMapSchema },
  { key: "media.fields", schema: FieldMapSchema },
];

/** The schema of the spec at `key` (drivers.N.recode included), or undefined. */
export function specSchema(key: string): z.ZodType | undefined {
  if (/^drivers\.\d+\.recode$/.test(key)) return RecodeSchema;
  return SPEC_KEYS.find((s) => s.key === key)?.schema;
}

const getIn = (v: unknown, path: (string | number)[]): unknown => {
  let x = v;
  for (const p of path) {
    if (x === null || typeof x !== "object") return undefined;
    x = (x as Record<string | number, unknown>)[p];
  }
  return x;
};

/** The spec keys of `study` whose value is a file path. */
export function specPaths(study: StudyInput): { key: string; path: string }[] {
  const out: { key: string; path: string }[] = [];
  for (const { key } of SPEC_KEYS) {
    const v = getIn(study, key.split("."));
    if (typeof v === "string") out.push({ key, path: v });
  }
  const drivers = Array.isArray(study.drivers) ? study.drivers : [];
  drivers.forEach((d, i) => {
    const v = getIn(d, ["recode"]);
    if (typeof v === "string") out.push({ key: `drivers.${i}.recode`, path: v });
  });
  return out;
}

/** Issues from the InputError `parseConfig` throws ("file line 3 (a.b): message; ..."). */
export function issuesOf(e: InputError, file: string): Issue[] {
  return e.message.split(/; (?=\S+ (?:line \d+|\())|; (?=\S+: )/).map((part) => {
    const m =
      /^(\S+?)(?: (?:line|row) (\d+))?(?:, column ([^:]+?))?(?: \(([^)]*)\))?: ([\s\S]*)$/.exec(
        part,
      );
    if (!m) return { file, key: "", message: part };
    return {
      file: m[1] ?? file,
      key: m[4] ?? "",
      line: m[2] ? Number(m[2]) : undefined,
      message: m[3] ? `column ${m[3]}: ${m[5]}` : (m[5] ?? part),
    };
  });
}

/** Validates YAML/JSON text with `schema` as the CLI does; [] when valid. */
export function validateText(text: string, file: string, schema: z.ZodType): Issue[] {
  try {
    parseConfig(text, file, schema);
    return [];
  } catch (e) {
    if (e instanceof InputError) return issuesOf(e, file);
    throw e;
  }
}

/** Validates the model: study.yaml with StudySchema, every spec file with its schema. */
export function validateModel(model: StudyModel): Issue[] {
  const issues = validateText(studyYaml(model.study), STUDY_FILE, StudySchema);
  for (const s of model.specs) {
    const schema = specSchema(s.key);
    if (!schema) {
      issues.push({ file: s.path, key: s.key, message: `${s.key} is not a spec key` });
      continue;
    }
    issues.push(...validateText(specText(s), baseName(s.path), schema));
  }
  return issues;
}

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** A spec file's text: JSON (2-space, newline-terminated) for .json, else YAML. */
export function specText(s: SpecFile): string {
  return /\.json$/i.test(s.path)
    ? `${JSON.stringify(s.content, null, 2)}\n`
    : stringify(s.content, { lineWidth: 100 });
}

/**
 * study.yaml text for `study`. With `previous` (the file's current text), the text is edited in
 * place: top-level keys whose value did not change keep their bytes and comments, a changed key
 * has its `key: value` text replaced, a removed one is cut out, new ones are appended.
 */
export function studyYaml(study: StudyInput, previous?: string): string {
  const fresh = (v: StudyInput) => stringify(v, { lineWidth: 100 });
  const entries = Object.entries(study).filter(([, v]) => v !== undefined);
  if (previous === undefined) return fresh(Object.fromEntries(entries));
  const doc = parseDocument(previous);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return fresh(Object.fromEntries(entries));
  const old = (doc.toJS() ?? {}) as StudyInput;
  const edits: { from: number; to: number; text: string }[] = [];
  const seen = new Set<string>();
  for (const pair of doc.contents.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
    const valueRange = (pair.value as { range?: [number, number, number] } | null)?.range;
    if (k === undefined || !keyRange) return fresh(Object.fromEntries(entries));
    seen.add(k);
    const from = keyRange[0];
    const to = valueRange ? valueRange[1] : keyRange[1];
    const now = study[k];
    if (now === undefined) {
      // Cut the pair and the rest of its last line.
      const eol = previous.indexOf("\n", to);
      edits.push({ from, to: eol < 0 ? previous.length : eol + 1, text: "" });
    } else if (!isDeepStrictEqual(old[k], now)) {
      edits.push({ from, to, text: fresh({ [k]: now }).replace(/\n$/, "") });
    }
  }
  let out = previous;
  for (const e of edits.sort((a, b) => b.from - a.from))
    out = out.slice(0, e.from) + e.text + out.slice(e.to);
  const added = entries.filter(([k]) => !seen.has(k));
  if (added.length > 0)
    out = `${out}${out.endsWith("\n") || out === "" ? "" : "\n"}${fresh(Object.fromEntries(added))}`;
  return out;
}

/**
 * `p` (a path from study.yaml or from the client) resolved inside `root`, or undefined when it
 * is absolute, leaves the folder, or names a hidden file or folder (.softpower, .git...).
 */
export function insideStudy(root: string, p: string): string | undefined {
  if (typeof p !== "string" || p === "" || p.includes("\0") || isAbsolute(p)) return undefined;
  const abs = resolve(root, p);
  const rel = relative(resolve(root), abs);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return undefined;
  if (rel.split(sep).some((part) => part.startsWith("."))) return undefined;
  return abs;
}

/**
 * Reads a study folder into the model: study.yaml (must be valid YAML; schema problems are
 * returned, not thrown, so that a form can show them) and every spec file it names that exists.
 *
 * @throws InputError when there is no study.yaml or it is not YAML
 */
export async function readModel(
  dir: string,
): Promise<{ model: StudyModel; text: string; issues: Issue[] }> {
  const file = join(dir, STUDY_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new InputError(`${file}: no study here`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new InputError(
      `${STUDY_FILE}: not valid YAML (${doc.errors[0]!.message.split("\n")[0]})`,
    );
  const study = (doc.toJS() ?? {}) as StudyInput;
  const specs: SpecFile[] = [];
  const issues = validateText(text, STUDY_FILE, StudySchema);
  for (const { key, path } of specPaths(study)) {
    let content: unknown;
    try {
      const t = await readFile(resolve(dir, path), "utf8");
      const d = parseDocument(t);
      content = d.toJS();
      issues.push(...validateText(t, baseName(path), specSchema(key)!));
    } catch {
      issues.push({ file: STUDY_FILE, key, message: `file not found: ${path}` });
      continue;
    }
    specs.push({ key, path, content });
  }
  return { model: { study, specs }, text, issues };
}

/**
 * Writes the model into `dir`, as `softpower build` will read it: validates everything first
 * (nothing is written when anything is invalid), then each changed spec file and study.yaml,
 * each atomically (a temporary sibling, then rename). Spec files are written only inside the
 * study folder; a spec kept outside it (e.g. ../shared/...) must be unchanged.
 *
 * @returns the issues (empty when written) and the files written
 */
export async function writeModel(
  dir: string,
  model: StudyModel,
): Promise<{ issues: Issue[]; written: string[] }> {
  const issues = validateModel(model);
  const named = new Map(specPaths(model.study).map((s) => [s.key, s.path]));
  for (const s of model.specs) {
    if (named.get(s.key) !== s.path)
      issues.push({
        file: STUDY_FILE,
        key: s.key,
        message: `spec file ${s.path} is not named by ${s.key} in study.yaml`,
      });
  }
  const plan: { abs: string; text: string }[] = [];
  for (const s of model.specs) {
    const abs = resolve(dir, s.path);
    const text = specText(s);
    const current = await readFile(abs, "utf8").catch(() => undefined);
    if (current !== undefined) {
      const same = isDeepStrictEqual(parseDocument(current).toJS(), s.content);
      if (same) continue;
    }
    if (!insideStudy(dir, s.path)) {
      issues.push({
        file: STUDY_FILE,
        key: s.key,
        message: `${s.path} is outside the study folder: the workbench writes only inside it`,
      });
      continue;
    }
    if (!/\.(json|ya?ml)$/i.test(s.path)) {
      issues.push({
        file: STUDY_FILE,
        key: s.key,
        message: `${s.path}: spec files end in .json, .yaml or .yml`,
      });
      continue;
    }
    plan.push({ abs, text });
  }
  if (issues.length > 0) return { issues, written: [] };
  const file = join(dir, STUDY_FILE);
  const previous = await readFile(file, "utf8").catch(() => undefined);
  for (const p of plan) await writeFileAtomic(p.abs, p.text);
  await writeFileAtomic(file, studyYaml(model.study, previous));
  return { issues: [], written: [...plan.map((p) => p.abs), file] };
}
