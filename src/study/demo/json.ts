/**
 * JSON text laid out as the project's formatter (Biome) lays it out, so generated files pass
 * `biome check` unchanged: objects one member per line, arrays of scalars (or of such arrays)
 * on one line when they fit in 100 columns, two-space indents, a final newline.
 */
export function formatJson(value: unknown): string {
  return `${layout(value, "", 0)}\n`;
}

const WIDTH = 100;

/** The one-line form of a value, or null when it must break (objects, long arrays). */
function inline(value: unknown): string | null {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (!Array.isArray(value)) return Object.keys(value).length === 0 ? "{}" : null;
  const parts = value.map(inline);
  return parts.every((p) => p !== null) ? `[${parts.join(", ")}]` : null;
}

/**
 * `value` printed at `indent`, where `used` columns of its line are taken by what surrounds it
 * (the indent and key before, a separating comma after).
 */
function layout(value: unknown, indent: string, used: number): string {
  const one = inline(value);
  if (one !== null && used + one.length <= WIDTH) return one;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const items = value.map(
      (v, i) => `${inner}${layout(v, inner, inner.length + (i < value.length - 1 ? 1 : 0))}`,
    );
    return `[\n${items.join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const members = entries.map(([k, v], i) => {
    const head = `${inner}${JSON.stringify(k)}: `;
    return `${head}${layout(v, inner, head.length + (i < entries.length - 1 ? 1 : 0))}`;
  });
  return `{\n${members.join(",\n")}\n${indent}}`;
}
