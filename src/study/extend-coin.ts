import { InputError } from "../core/errors.ts";
import type { Table } from "../io/table.ts";

/** An indicator computed by the study (polling, company signals), by unit. */
export interface ExtraIndicator {
  code: string;
  name: string;
  unit: string;
  direction: 1 | -1;
  values: Map<string, number>;
  /** Value for units without one (e.g. 0 for a count); default NA. */
  absent?: number;
}

/** A pillar the study adds to the framework, or extends when iMeta already has it. */
export interface ExtraPillar {
  code: string;
  name: string;
  /** The aggregate the pillar joins when it is new (default: the top). */
  parent?: string;
  weight: number;
  indicators: ExtraIndicator[];
  /** The study key, for messages ("polling", "tech"). */
  key: string;
}

/**
 * Adds study-computed pillars to iMeta and their indicator columns to iData (as tables, before
 * validation, so the result is checked like any user framework). A new pillar sits one level
 * below its parent, which must be at Level 3 so the pillar's indicators are at Level 1; an
 * existing aggregate gets the new indicators as children. Units without a value get NA.
 *
 * @example extendCoinTables(meta, data, [{ code: "Polling", name: "Polling", weight: 1, key: "polling",
 *   indicators: [{ code: "poll_fav", name: "Favourability", unit: "share", direction: 1, values }] }])
 */
export function extendCoinTables(
  meta: Table,
  data: Table,
  pillars: ExtraPillar[],
): { meta: Table; data: Table } {
  const col = (name: string) => meta.columns.indexOf(name);
  const [cLevel, cCode] = [col("Level"), col("iCode")];
  const rows = meta.rows.map((r) => [...r]);
  const lines = [...meta.lines];
  const level = new Map(rows.map((r) => [r[cCode] ?? "", Number(r[cLevel])]));
  const top = [...level].filter(([, l]) => Number.isFinite(l)).sort((a, b) => b[1] - a[1])[0];
  const newRow = (cells: Record<string, string | number>) => {
    rows.push(meta.columns.map((c) => (c in cells ? String(cells[c]) : "")));
    lines.push(0);
  };
  const dataCols = [...data.columns];
  const uc = data.columns.indexOf("uCode");
  const dataRows = data.rows.map((r) => [...r]);
  for (const p of pillars) {
    const existing = level.get(p.code);
    if (existing === undefined) {
      const parent = p.parent ?? top?.[0];
      const pl = parent === undefined ? undefined : level.get(parent);
      if (parent === undefined || pl === undefined)
        throw new InputError(
          `study.yaml (${p.key}.parent): "${parent}" is not an aggregate of iMeta (have: ${[...level.keys()].join(", ")})`,
        );
      if (pl !== 3)
        throw new InputError(
          `study.yaml (${p.key}.parent): "${parent}" is at Level ${pl}; a new pillar needs a parent at Level 3 (its indicators are Level 1): ${
            [...level]
              .filter(([, l]) => l === 3)
              .map(([c]) => c)
              .join(", ") || "none in this iMeta"
          }`,
        );
      newRow({
        Level: 2,
        iCode: p.code,
        iName: p.name,
        Direction: 1,
        Weight: p.weight,
        Parent: parent,
        Type: "Aggregate",
      });
      level.set(p.code, 2);
    } else if (existing !== 2) {
      throw new InputError(
        `study.yaml (${p.key}.pillar): "${p.code}" is at Level ${existing} in iMeta; the pillar must be a Level 2 aggregate or a new code`,
      );
    }
    for (const ind of p.indicators) {
      if (level.has(ind.code))
        throw new InputError(
          `study.yaml (${p.key}): indicator code "${ind.code}" is already in iMeta; rename it there`,
        );
      newRow({
        Level: 1,
        iCode: ind.code,
        iName: ind.name,
        Direction: ind.direction,
        Weight: 1,
        Unit: ind.unit,
        Parent: p.code,
        Type: "Indicator",
      });
      level.set(ind.code, 1);
      dataCols.push(ind.code);
      for (const r of dataRows) {
        const v = ind.values.get(r[uc] ?? "") ?? ind.absent;
        r.push(v === undefined || !Number.isFinite(v) ? "NA" : String(v));
      }
    }
  }
  return {
    meta: { ...meta, rows, lines },
    data: { ...data, columns: dataCols, rows: dataRows },
  };
}
