/**
 * The workbench's folder of studies (`softpower studio DIR`): each sub-folder with a study.yaml
 * is a study (DIR itself when it holds one); new studies are created as sub-folders. Everything
 * the workbench writes stays inside DIR.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { strToU8, zipSync } from "fflate";
import { InputError } from "../core/errors.ts";
import { writeFileAtomic } from "../io/write.ts";
import { STUDY_FILE } from "../study/load.ts";
import { StudySchema } from "../study/schema.ts";
import { listStudyFiles } from "./files.ts";
import { type Issue, insideStudy, readModel, specPaths, studyYaml, validateText } from "./model.ts";

/** A study of the workspace: its id (the folder name) and folder. */
export interface WorkspaceStudy {
  id: string;
  dir: string;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A folder name from a study name: lower case, letters and digits joined by "-". */
export function slugOf(name: string): string {
  const s = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48);
  return s || "study";
}

/** The folder of studies. */
export class Workspace {
  readonly root: string;
  /** True when `root` is itself one study (no new studies can be created). */
  readonly single: boolean;

  constructor(dir: string) {
    this.root = resolve(dir);
    if (!existsSync(this.root)) mkdirSync(this.root, { recursive: true });
    if (!statSync(this.root).isDirectory()) throw new InputError(`${dir}: not a folder`);
    this.single = existsSync(join(this.root, STUDY_FILE));
  }

  /** The studies, sorted by id. */
  list(): WorkspaceStudy[] {
    if (this.single) return [{ id: this.#idOf(basename(this.root)), dir: this.root }];
    return readdirSync(this.root, { withFileTypes: true })
      .filter(
        (e) =>
          e.isDirectory() &&
          !e.name.startsWith(".") &&
          ID.test(e.name) &&
          existsSync(join(this.root, e.name, STUDY_FILE)),
      )
      .map((e) => ({ id: e.name, dir: join(this.root, e.name) }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  #idOf(name: string): string {
    const id = name.replace(/[^A-Za-z0-9._-]/g, "-");
    return ID.test(id) ? id : "study";
  }

  /** The study `id`, or undefined (ids are checked: no path reaches the file system unchecked). */
  get(id: string): WorkspaceStudy | undefined {
    if (!ID.test(id)) return undefined;
    return this.list().find((s) => s.id === id);
  }

  /**
   * Creates a study folder from a study.yaml object (validated by StudySchema first): the folder
   * is named from `name` (or `id`), with a data/ folder; an existing folder is never reused.
   *
   * @returns the new study, or the issues (nothing created)
   */
  async create(
    study: Record<string, unknown>,
    id?: string,
  ): Promise<{ study?: WorkspaceStudy; issues: Issue[] }> {
    if (this.single)
      return {
        issues: [
          {
            file: STUDY_FILE,
            key: "",
            message: `the workbench was started on one study (${this.root}); start it on a folder of studies to create one`,
          },
        ],
      };
    const text = studyYaml(study);
    const issues = validateText(text, STUDY_FILE, StudySchema);
    const folder = id ?? slugOf(String(study.name ?? ""));
    if (!ID.test(folder))
      issues.push({ file: STUDY_FILE, key: "id", message: `folder name "${folder}" is not valid` });
    if (issues.length > 0) return { issues };
    const dir = join(this.root, folder);
    try {
      await mkdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST")
        return {
          issues: [
            { file: STUDY_FILE, key: "name", message: `a study folder named ${folder} exists` },
          ],
        };
      throw e;
    }
    try {
      await mkdir(join(dir, "data"));
      await writeFileAtomic(join(dir, ".gitignore"), ".softpower/\nout\n");
      await writeFileAtomic(join(dir, STUDY_FILE), text);
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
    return { study: { id: folder, dir }, issues: [] };
  }
}

/**
 * The study folder as a zip: study.yaml and the spec files it names (inside the folder), and
 * with `data` every data file of the folder too. The store (.softpower), out/ and reports/ are
 * left out; files outside the folder are never read.
 */
export async function zipStudy(dir: string, data: boolean): Promise<Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const { model } = await readModel(dir);
  files[STUDY_FILE] = await readFile(join(dir, STUDY_FILE));
  for (const s of specPaths(model.study)) {
    const abs = insideStudy(dir, s.path);
    if (abs && existsSync(abs)) files[s.path.split("\\").join("/")] = await readFile(abs);
  }
  if (data)
    for (const f of await listStudyFiles(dir)) {
      const abs = insideStudy(dir, f.path);
      if (abs) files[f.path] = await readFile(abs);
    }
  const gitignore = join(dir, ".gitignore");
  if (existsSync(gitignore)) files[".gitignore"] = await readFile(gitignore);
  files["README.txt"] = strToU8(
    `A softpower study folder. Build it with: softpower build <this folder>\n${data ? "" : "Data files are not included: put them where study.yaml names them.\n"}`,
  );
  const name = basename(dir);
  const prefixed: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(files)) prefixed[`${name}/${k}`] = v;
  return zipSync(prefixed, { level: 6, mtime: new Date("2026-01-01T00:00:00Z") });
}
