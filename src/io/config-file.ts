import { basename } from "node:path";
import { isMap, isScalar, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { InputError } from "../core/errors.ts";
import { readText } from "./table.ts";

/**
 * Parses YAML (JSON is YAML too) and validates it with a zod schema. Every problem is reported
 * with the key path and the line it is on, so a user can go straight to it:
 *
 * @example
 * parseConfig("name: x\nindex:\n  meta: 3\n  colour: red\n", "study.yaml", StudySchema)
 * // InputError: study.yaml line 3 (index.meta): expected string, received number;
 * //             study.yaml line 4 (index): unknown key "colour"
 */
export function parseConfig<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
): z.output<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = lines.linePos(e.pos[0]).line;
    throw new InputError(`${file} line ${line}: not valid YAML (${e.message.split("\n")[0]})`);
  }
  const raw: unknown = doc.toJS();
  const r = schema.safeParse(raw ?? {});
  if (r.success) return r.data;
  const messages = branchIssues(r.error.issues)
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
      const keys = "keys" in issue && Array.isArray(issue.keys) ? (issue.keys as string[]) : [];
      // For an unknown key, point at the key itself; otherwise at the value (or its nearest parent).
      const node = keys.length > 0 ? keyNode(doc.contents, path, keys[0]!) : nodeAt(doc, path);
      const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
      const where = `${file}${line ? ` line ${line}` : ""}${path.length ? ` (${path.join(".")})` : ""}`;
      // A schema's own message (a refinement naming what to give) is kept even at a missing key.
      const missing =
        keys.length === 0 &&
        issue.code !== "custom" &&
        path.length > 0 &&
        valueAt(raw, path) === undefined;
      const what =
        keys.length > 0
          ? `unknown key${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k}"`).join(", ")}`
          : missing
            ? "required key is missing"
            : issue.message.replace(/^Invalid input: /, "");
      return `${where}: ${what}`;
    });
  throw new InputError(messages.join("; "));
}

/**
 * The issues with each failed union opened where only one of its options has the value's type:
 * a spec given inline where a path or the spec may stand (`calibration: {method: ipf}`) gets the
 * spec's own messages at their keys, not the union's bare "Invalid input".
 */
function branchIssues(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    if (issue.code !== "invalid_union" || !Array.isArray(issue.errors)) {
      out.push(issue);
      continue;
    }
    const typed = issue.errors.filter(
      (branch) => !branch.every((i) => i.code === "invalid_type" && i.path.length === 0),
    );
    if (typed.length !== 1 || typed[0]!.length === 0) {
      out.push(issue);
      continue;
    }
    for (const i of branchIssues(typed[0]!)) out.push({ ...i, path: [...issue.path, ...i.path] });
  }
  return out;
}

/** Reads a YAML or JSON config file and validates it (see parseConfig). */
export async function readConfigFile<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<z.output<S>> {
  return parseConfig(await readText(path), basename(path), schema);
}

/** The plain value at `path`, or undefined. */
function valueAt(raw: unknown, path: (string | number)[]): unknown {
  let v = raw;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** The deepest node on `path` (the value itself when it exists). */
function nodeAt(
  doc: ReturnType<typeof parseDocument>,
  path: (string | number)[],
): Node | undefined {
  for (let k = path.length; k >= 0; k--) {
    const n = doc.getIn(path.slice(0, k), true);
    if (n && typeof n === "object" && "range" in n) return n as Node;
  }
  return undefined;
}

/** The key node `key` of the map at `path`. */
function keyNode(root: unknown, path: (string | number)[], key: string): Node | undefined {
  let node: unknown = root;
  for (const p of path) {
    if (!node || typeof node !== "object" || !("get" in node)) return undefined;
    node = (node as { get(k: unknown, keep: true): unknown }).get(p, true);
  }
  if (!isMap(node)) return undefined;
  for (const pair of node.items) {
    if (isScalar(pair.key) && pair.key.value === key) return pair.key;
  }
  return node;
}
