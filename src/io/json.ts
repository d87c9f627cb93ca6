import { basename } from "node:path";
import type { z } from "zod";
import { InputError } from "../core/errors.ts";
import { readText } from "./table.ts";

/**
 * Reads a JSON file and validates it with a zod schema.
 *
 * @throws InputError naming the file and the key path of the first problem, e.g.
 *   `pipeline.json: at treat.winmax: expected number, received string`
 */
export async function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<z.output<S>> {
  const file = basename(path);
  const text = await readText(path);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return parseWith(schema, raw, file);
}

/** Validates a value with a zod schema, turning the first issue into an InputError. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  where: string,
): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 3).map((i) => {
    const path = i.path.length ? i.path.join(".") : "(top level)";
    const keys = "keys" in i && Array.isArray(i.keys) ? ` ${i.keys.join(", ")}` : "";
    return `at ${path}: ${i.message}${keys}`;
  });
  throw new InputError(`${where}: ${issues.join("; ")}`);
}
