import { inputError } from "../core/errors.ts";
import type { Framework, MetaRow } from "./types.ts";

/**
 * Builds and validates the framework tree from iMeta rows (COINr conventions): level-1
 * Indicators, Aggregates at levels 2.., one top node; Group, Denominator and Other rows carry
 * no level. Rejects, naming the row and column: duplicate iCodes, a Parent that is not an
 * Aggregate, a parent not exactly one level up, cycles, aggregates without children,
 * more than one top node, non-finite weights and sibling weights summing to zero.
 *
 * @example buildFramework(rows).aggregateLevels // [["Physical", ...], ["Conn", "Sust"], ["Index"]]
 * @throws InputError
 */
export function buildFramework(rows: MetaRow[]): Framework {
  const byCode = new Map<string, MetaRow>();
  for (const r of rows) {
    const prev = byCode.get(r.iCode);
    if (prev) {
      inputError(
        { ...r.source, column: "iCode" },
        `duplicate iCode "${r.iCode}" (first at row ${prev.source?.row ?? "?"}); every iCode must be unique`,
      );
    }
    byCode.set(r.iCode, r);
  }
  const tree = rows.filter((r) => r.type === "Indicator" || r.type === "Aggregate");
  if (!tree.some((r) => r.type === "Indicator")) {
    inputError(
      rows[0]?.source && { file: rows[0].source.file },
      "iMeta has no rows of Type Indicator",
    );
  }
  const children = new Map<string, string[]>();
  const parent = new Map<string, string>();
  const level = new Map<string, number>();
  for (const r of tree) {
    if (r.level === null || !Number.isInteger(r.level) || r.level < 1) {
      inputError({ ...r.source, column: "Level" }, `Level of "${r.iCode}" must be an integer >= 1`);
    }
    if (r.type === "Indicator" && r.level !== 1) {
      inputError(
        { ...r.source, column: "Level" },
        `Indicator "${r.iCode}" must have Level 1, got ${r.level}`,
      );
    }
    if (r.type === "Aggregate" && r.level < 2) {
      inputError(
        { ...r.source, column: "Level" },
        `Aggregate "${r.iCode}" must have Level >= 2, got ${r.level}`,
      );
    }
    level.set(r.iCode, r.level);
    if (r.type === "Aggregate") children.set(r.iCode, []);
  }
  const maxLevel = Math.max(...tree.map((r) => r.level ?? 0));
  for (const r of tree) {
    if (r.parent === null) {
      if (r.level !== maxLevel) {
        inputError(
          { ...r.source, column: "Parent" },
          `"${r.iCode}" (Level ${r.level}) has no Parent; only the top level (${maxLevel}) may have none`,
        );
      }
      continue;
    }
    const p = byCode.get(r.parent);
    if (!p) {
      inputError(
        { ...r.source, column: "Parent" },
        `Parent "${r.parent}" of "${r.iCode}" is not an iCode in iMeta`,
      );
    }
    if (p.type !== "Aggregate") {
      inputError(
        { ...r.source, column: "Parent" },
        `Parent "${r.parent}" of "${r.iCode}" has Type ${p.type}; a parent must be an Aggregate`,
      );
    }
    if (p.iCode === r.iCode)
      inputError({ ...r.source, column: "Parent" }, `"${r.iCode}" is its own parent (a cycle)`);
    if (p.level !== (r.level ?? 0) + 1) {
      inputError(
        { ...r.source, column: "Parent" },
        `Parent "${p.iCode}" is at Level ${p.level}; the parent of "${r.iCode}" (Level ${r.level}) must be at Level ${(r.level ?? 0) + 1}`,
      );
    }
    parent.set(r.iCode, p.iCode);
    children.get(p.iCode)!.push(r.iCode);
  }
  // Cycles are impossible once every parent is exactly one level up, but check the chain anyway.
  for (const r of tree) {
    const seen = new Set<string>([r.iCode]);
    let c = parent.get(r.iCode);
    while (c !== undefined) {
      if (seen.has(c))
        inputError({ ...r.source, column: "Parent" }, `cycle in parents through "${c}"`);
      seen.add(c);
      c = parent.get(c);
    }
  }
  const tops = tree.filter((r) => r.parent === null);
  if (tops.length !== 1) {
    inputError(
      { ...(tops[1]?.source ?? tops[0]?.source), column: "Parent" },
      `the framework must have exactly one top node, found ${tops.length}: ${tops.map((t) => t.iCode).join(", ")}`,
    );
  }
  const weight = new Map<string, number>();
  const direction = new Map<string, number>();
  const target = new Map<string, number>();
  const denominator = new Map<string, string>();
  const name = new Map<string, string>();
  for (const r of rows) name.set(r.iCode, r.iName);
  for (const r of tree) {
    const w = r.weight ?? 1;
    if (!Number.isFinite(w) || w < 0) {
      inputError(
        { ...r.source, column: "Weight" },
        `Weight of "${r.iCode}" must be a finite number >= 0, got ${r.weight}`,
      );
    }
    weight.set(r.iCode, w);
    const d = r.direction ?? 1;
    if (d !== 1 && d !== -1) {
      inputError(
        { ...r.source, column: "Direction" },
        `Direction of "${r.iCode}" must be 1 or -1, got ${r.direction}`,
      );
    }
    direction.set(r.iCode, d);
    if (r.target !== null) target.set(r.iCode, r.target);
    if (r.denominator !== null) {
      const den = byCode.get(r.denominator);
      if (den?.type !== "Denominator") {
        inputError(
          { ...r.source, column: "Denominator" },
          `Denominator "${r.denominator}" of "${r.iCode}" must be an iCode of Type Denominator in iMeta`,
        );
      }
      denominator.set(r.iCode, r.denominator);
    }
  }
  for (const [agg, kids] of children) {
    const row = byCode.get(agg)!;
    if (kids.length === 0)
      inputError({ ...row.source, column: "iCode" }, `Aggregate "${agg}" has no children`);
    const sum = kids.reduce((s, k) => s + weight.get(k)!, 0);
    if (!(sum > 0)) {
      inputError(
        { ...byCode.get(kids[0]!)!.source, column: "Weight" },
        `the weights of the children of "${agg}" (${kids.join(", ")}) sum to ${sum}; they must sum to more than 0`,
      );
    }
  }
  const aggregateLevels: string[][] = [];
  for (let l = 2; l <= maxLevel; l++) {
    aggregateLevels.push(
      tree.filter((r) => r.type === "Aggregate" && r.level === l).map((r) => r.iCode),
    );
  }
  return {
    meta: rows,
    indicators: tree.filter((r) => r.type === "Indicator").map((r) => r.iCode),
    aggregateLevels,
    top: tops[0]!.iCode,
    maxLevel,
    children,
    parent,
    level,
    weight,
    direction,
    target,
    denominator,
    name,
    groups: rows.filter((r) => r.type === "Group").map((r) => r.iCode),
    denominators: rows.filter((r) => r.type === "Denominator").map((r) => r.iCode),
  };
}

/**
 * An iMeta row for building frameworks in code: weight 1, direction 1 for Indicator and
 * Aggregate rows (null otherwise), the rest empty unless given.
 *
 * @example buildFramework([metaRow("a", "Indicator", 1, "I"), metaRow("I", "Aggregate", 2, null)])
 */
export function metaRow(
  iCode: string,
  type: MetaRow["type"],
  level: number | null,
  parent: string | null,
  extra: Partial<MetaRow> = {},
): MetaRow {
  const tree = type === "Indicator" || type === "Aggregate";
  return {
    iCode,
    iName: iCode,
    type,
    level,
    direction: tree ? 1 : null,
    weight: tree ? 1 : null,
    unit: null,
    target: null,
    denominator: null,
    parent,
    ...extra,
  };
}
