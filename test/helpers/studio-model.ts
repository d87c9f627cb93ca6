/**
 * The study.yaml model as the workbench's pages read and change it, for the editor tests:
 * the example studies, a spec's value (inline or from its file), a model with a section or a
 * spec replaced, and a scratch copy of the demo study.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import { readModel, type StudyModel } from "../../src/studio/model.ts";
import { asObj, type Obj } from "../../web/src/studio/edits.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const EXAMPLES = join(ROOT, "examples");

/** The example folders holding a study.yaml (not the engine-only examples), sorted. */
export async function exampleStudies(): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(EXAMPLES, { withFileTypes: true }))
    if (e.isDirectory() && (await readFile(join(EXAMPLES, e.name, "study.yaml")).catch(() => null)))
      out.push(e.name);
  return out.sort();
}

/** Every example study's editor model. */
export async function exampleModels(): Promise<{ name: string; model: StudyModel }[]> {
  const out: { name: string; model: StudyModel }[] = [];
  for (const name of await exampleStudies())
    out.push({ name, model: (await readModel(join(EXAMPLES, name))).model });
  return out;
}

/** The value at `key` (from the spec file when study.yaml names one, else inline). */
export function specValue(model: StudyModel, key: string): unknown {
  let v: unknown = model.study;
  for (const p of key.split(".")) v = Array.isArray(v) ? v[Number(p)] : asObj(v)[p];
  if (typeof v === "string") return model.specs.find((s) => s.key === key)?.content;
  return v;
}

/** The spec object at `key`, as the pages read it (undefined when absent). */
export function specOf(model: StudyModel, key: string): Obj | undefined {
  const v = specValue(model, key);
  return v === undefined ? undefined : asObj(v);
}

/** The model with the spec at `key` set: into its file when study.yaml names one, else inline. */
export function withSpec(model: StudyModel, key: string, value: unknown): StudyModel {
  const [section, field] = key.split(".") as [string, string];
  if (typeof asObj(model.study[section])[field] === "string")
    return {
      ...model,
      specs: model.specs.map((s) => (s.key === key ? { ...s, content: value } : s)),
    };
  return {
    ...model,
    study: { ...model.study, [section]: { ...asObj(model.study[section]), [field]: value } },
  };
}

export const withSection = (model: StudyModel, name: string, value: unknown): StudyModel => ({
  ...model,
  study: { ...model.study, [name]: value },
});

const scratch: string[] = [];
afterAll(async () => {
  for (const t of scratch) await rm(t, { recursive: true, force: true });
});

/** A copy of the demo study (study.yaml and data/) in a temporary folder, removed after the file's tests. */
export async function demoCopy(prefix = "softpower-studio-"): Promise<string> {
  const tmp = join(await mkdtemp(join(tmpdir(), prefix)), "demo");
  scratch.push(dirname(tmp));
  await mkdir(tmp, { recursive: true });
  await cp(join(EXAMPLES, "demo/study.yaml"), join(tmp, "study.yaml"));
  await cp(join(EXAMPLES, "demo/data"), join(tmp, "data"), { recursive: true });
  return tmp;
}
