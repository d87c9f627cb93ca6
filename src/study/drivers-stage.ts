import { join } from "node:path";
import type { TableData } from "../composite/tables.ts";
import { InputError } from "../core/errors.ts";
import { STUDY_LABELS, validateDriverSpec } from "../drivers/problem.ts";
import { readSurveyFrameCached } from "../io/survey-data.ts";
import { factor, type SurveyFrame } from "../survey/frame.ts";
import { applyRecode } from "../survey/recode.ts";
import { type DriversTaskOptions, driverTables } from "../tasks/drivers.ts";
import type { LoadedStudy } from "./load.ts";

/** Each drivers analysis, its tables long with the analysis name first. */
export async function driversStage(
  study: LoadedStudy,
  tables: Record<string, TableData>,
  rowsOf: Map<string, number>,
  threads: number | "auto",
): Promise<void> {
  const frames = new Map<string, SurveyFrame>();
  const acc: Record<string, TableData> = {};
  const add = (name: string, analysis: string, target: string, by: string, t: TableData) => {
    // `by` columns differ between analyses: the value goes to one "group" column.
    const hasBy = by !== "" && t.columns[0] === by;
    const cols = hasBy ? t.columns.slice(1) : t.columns;
    const cur = acc[name] ?? { columns: ["analysis", "target", "by", "group", ...cols], rows: [] };
    acc[name] = cur;
    for (const r of t.rows)
      cur.rows.push([analysis, target, by, hasBy ? r[0] : "", ...(hasBy ? r.slice(1) : r)]);
  };
  // Every analysis's data read and its spec checked before any is computed.
  const prepared: {
    d: (typeof study.drivers)[number];
    frame: SurveyFrame;
    options: DriversTaskOptions;
  }[] = [];
  for (const d of study.drivers) {
    const key = `${d.data}\u0000${JSON.stringify(d.recode ?? null)}`;
    let frame: SurveyFrame | undefined = frames.get(key);
    if (!frame) {
      frame = await readSurveyFrameCached(d.data, join(study.dir, ".softpower", "cache"));
      rowsOf.set(d.data, frame.n);
      if (d.recode) frame = applyRecode(frame, d.recode).frame;
      frames.set(key, frame);
    }
    if (d.missing_codes.length)
      frame = withMissingCodes(frame, [d.outcome, ...d.predictors], d.missing_codes);
    let mask: Uint8Array | null = null;
    for (const [v, allowed] of Object.entries(d.filter ?? {})) {
      const f = factor(frame, v);
      const ok = new Set(allowed.map(String));
      const m = Uint8Array.from(f.codes, (c) => (c >= 0 && ok.has(f.levels[c]!) ? 1 : 0));
      mask = mask ? mask.map((x, i) => x & m[i]!) : m;
    }
    const weights = d.weights ?? study.survey?.design.weights ?? undefined;
    const options: DriversTaskOptions = {
      spec: {
        outcome: d.outcome,
        predictors: d.predictors,
        groups: d.groups,
        always: d.always,
        weights: weights ?? undefined,
        family: d.family,
      },
      methods: d.methods,
      bootstrap: d.bootstrap,
      seed: study.config.seed,
      level: d.level,
      by: d.by,
      mask,
      threads,
      labels: STUDY_LABELS,
    };
    try {
      validateDriverSpec(frame, options.spec, { by: d.by, mask, labels: STUDY_LABELS });
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`drivers "${d.name}": ${e.message}`);
      throw e;
    }
    prepared.push({ d, frame, options });
  }
  for (const { d, frame, options } of prepared) {
    const t = await driverTables(frame, options).catch((e: unknown) => {
      if (e instanceof InputError) throw new InputError(`drivers "${d.name}": ${e.message}`);
      throw e;
    });
    const by = d.by ?? "";
    const target = d.target ?? "";
    add("drivers_importance", d.name, target, by, t.importance);
    if (t.ranks) add("drivers_ranks", d.name, target, by, t.ranks);
    if (t.diff) {
      const cur = acc.drivers_diff ?? {
        columns: ["analysis", "target", "by", ...t.diff.columns],
        rows: [],
      };
      acc.drivers_diff = cur;
      for (const r of t.diff.rows) cur.rows.push([d.name, target, by, ...r]);
    }
    if (t.complete) {
      // Dominance matrices, long: predictor dominates over another (1, 0, 0.5 or NaN).
      const cur = acc.drivers_dominance ?? {
        columns: ["analysis", "target", "group", "predictor", "over", "complete"],
        rows: [],
      };
      acc.drivers_dominance = cur;
      const names = t.complete.columns.slice(by ? 2 : 1);
      for (const r of t.complete.rows) {
        const g = by ? r[0] : "";
        const p = by ? r[1] : r[0];
        names.forEach((n, j) => {
          cur.rows.push([d.name, target, g, p, n, r[(by ? 2 : 1) + j]]);
        });
      }
    }
    const meta = acc.drivers_fit ?? {
      columns: ["analysis", "target", "outcome", "family", "group", "r2", "rows_used", "excluded"],
      rows: [],
    };
    acc.drivers_fit = meta;
    for (const m of t.meta)
      meta.rows.push([
        d.name,
        target,
        d.outcome,
        d.family,
        (m.group as string | null) ?? "",
        m.r2 as number,
        m.rows_used as number,
        m.excluded as number,
      ]);
  }
  Object.assign(tables, acc);
}

/** A frame whose numeric `vars` have the given codes set to missing (others shared). */
function withMissingCodes(frame: SurveyFrame, vars: string[], codes: number[]): SurveyFrame {
  const columns = new Map(frame.columns);
  const drop = new Set(codes);
  for (const v of vars) {
    const c = frame.columns.get(v);
    if (c?.kind !== "number") continue;
    columns.set(v, { ...c, values: c.values.map((x) => (drop.has(x) ? Number.NaN : x)) });
  }
  return { ...frame, columns };
}
