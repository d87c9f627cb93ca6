/**
 * An error in what the user gave us (a file, a cell, an option). The CLI exits with code 2 for it;
 * every other error is internal and exits with 1.
 *
 * Messages say where the problem is and what would be valid, for example
 * `iMeta.csv row 12, column Parent: "Conect" is not an iCode in iMeta (did you mean "Conn"?)`.
 */
export class InputError extends Error {
  override readonly name = "InputError";
  readonly exitCode = 2;
}

/** The InputError for a path that cannot be read: "PATH: cannot read (ENOENT)". */
export function cannotRead(path: string, e: unknown): InputError {
  return new InputError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
}

/** Where a value came from, for messages: a file, a 1-based row as the user sees it, a column. */
export interface Source {
  file?: string;
  row?: number;
  column?: string;
}

/** "file row N, column C" (omitting what is unknown). */
export function formatSource(src: Source | undefined): string {
  if (!src) return "";
  const parts: string[] = [];
  if (src.file) parts.push(src.file);
  if (src.row !== undefined) parts.push(`row ${src.row}`);
  const head = parts.join(" ");
  if (src.column !== undefined)
    return head ? `${head}, column ${src.column}` : `column ${src.column}`;
  return head;
}

/** Throws an InputError whose message is prefixed with its source. */
export function inputError(src: Source | undefined, message: string): never {
  const where = formatSource(src);
  throw new InputError(where ? `${where}: ${message}` : message);
}
