import { analysisTables } from "../composite/analysis-tables.ts";
import { buildPanelIndex, isPanel } from "../composite/panel.ts";
import type { PanelUncertaintyResult } from "../composite/panel-uncertainty.ts";
import {
  buildIndex,
  type CoinInput,
  type IndexResult,
  type Pipeline,
} from "../composite/pipeline.ts";
import { indicatorStats } from "../composite/stats.ts";
import {
  datasetTable,
  panelResultsTableData,
  resultsTableData,
  statsTableData,
  type TableData,
  treatTableData,
  uncertaintyTableData,
} from "../composite/tables.ts";
import type { UncertaintyResult } from "../composite/uncertainty.ts";
import type { UncertaintySpec } from "../composite/uncertainty-spec.ts";
import { InputError } from "../core/errors.ts";
import { runPanelUncertainty, runUncertainty } from "../core/parallel.ts";

export interface IndexTaskOptions {
  pipeline: Pipeline;
  uncertainty?: UncertaintySpec;
  seed: number;
  threads?: number | "auto";
  onProgress?: (done: number, total: number) => void;
  /** Wraps engine calls so InputErrors name the file they concern. */
  source?: { pipeline: string; data: string; uncertainty?: string };
}

export interface IndexTaskResult {
  /** Tables by name: "stages/Raw", "results", "treat", "stats", "analysis/…", "uncertainty", "sensitivity". */
  tables: Record<string, TableData>;
  /** The cross-section result (the last year of a panel). */
  result: IndexResult;
  panel: boolean;
  uncertainty?: UncertaintyResult & { threads: number };
  /** Panel data with a spec: the analysis of each year (then `uncertainty` is absent). */
  panelUncertainty?: PanelUncertaintyResult & { threads: number };
  timings: Record<string, number>;
}

/**
 * Builds a composite index from iData/iMeta with a pipeline (cross-section or panel), its
 * analysis tables, and, when a spec is given, the Monte Carlo uncertainty or Sobol sensitivity
 * analysis on worker threads. Returns COINr-style tables ready to write or store.
 */
export async function indexTables(input: CoinInput, o: IndexTaskOptions): Promise<IndexTaskResult> {
  const tables: Record<string, TableData> = {};
  const timings: Record<string, number> = {};
  const src = o.source ?? { pipeline: "pipeline", data: "iData" };
  const t1 = performance.now();
  const panel = isPanel(input.data);
  let result: IndexResult;
  if (panel) {
    const p = await withSource(src.pipeline, async () => buildPanelIndex(input, o.pipeline));
    for (const [stage, st] of Object.entries(p.stages))
      tables[`stages/${stage}`] = datasetTable(st!.data, st!.time);
    tables.results = panelResultsTableData(p.byYear);
    const treat = [...p.byYear].map(([year, r]) => ({ year, t: treatTableData(r.treatDetails) }));
    tables.treat = {
      columns: ["Time", ...treat[0]!.t.columns],
      rows: treat.flatMap(({ year, t }) => t.rows.map((row) => [year, ...row])),
    };
    result = p.byYear.get(p.years[p.years.length - 1]!)!;
  } else {
    result = await withSource(src.pipeline, async () => buildIndex(input, o.pipeline));
    for (const [stage, ds] of Object.entries(result.stages))
      tables[`stages/${stage}`] = datasetTable(ds!);
    tables.results = resultsTableData(result);
    tables.treat = treatTableData(result.treatDetails);
    for (const [name, t] of Object.entries(analysisTables(result, input.framework)))
      tables[`analysis/${name}`] = t;
  }
  timings.build_ms = ms(t1);
  tables.stats = statsTableData(indicatorStats(input.data.indicators));

  let ua: (UncertaintyResult & { threads: number }) | undefined;
  let pua: (PanelUncertaintyResult & { threads: number }) | undefined;
  if (o.uncertainty && panel) {
    // Panel: one design over the whole panel build, summarised year by year.
    const t2 = performance.now();
    const spec = o.uncertainty;
    pua = await withSource(src.uncertainty ?? "uncertainty", () =>
      runPanelUncertainty(spec, o.pipeline, input, o.seed, {
        threads: o.threads,
        onProgress: o.onProgress,
      }),
    );
    timings.uncertainty_ms = ms(t2);
    const u = uncertaintyTableData(pua.years[0]!.rankStats).columns;
    tables.uncertainty = {
      columns: ["Time", ...u],
      rows: pua.years.flatMap((y) =>
        uncertaintyTableData(y.rankStats).rows.map((row) => [y.year, ...row]),
      ),
    };
    if (pua.years[0]!.sensitivity) {
      const cols = ["factor", "Si", "STi", "Si_lo", "Si_hi", "STi_lo", "STi_hi"] as const;
      tables.sensitivity = {
        columns: ["Time", ...cols],
        rows: pua.years.flatMap((y) =>
          y.sensitivity!.map((s) => [y.year, ...cols.map((c) => s[c])]),
        ),
      };
    }
  } else if (o.uncertainty) {
    const t2 = performance.now();
    const spec = o.uncertainty;
    ua = await withSource(src.uncertainty ?? "uncertainty", () =>
      runUncertainty(spec, o.pipeline, input, o.seed, {
        threads: o.threads,
        onProgress: o.onProgress,
      }),
    );
    timings.uncertainty_ms = ms(t2);
    tables.uncertainty = uncertaintyTableData(ua.rankStats);
    if (ua.sensitivity) {
      const cols = ["factor", "Si", "STi", "Si_lo", "Si_hi", "STi_lo", "STi_hi"] as const;
      tables.sensitivity = {
        columns: [...cols],
        rows: ua.sensitivity.map((s) => cols.map((c) => s[c])),
      };
    }
  }
  return { tables, result, panel, uncertainty: ua, panelUncertainty: pua, timings };
}

const ms = (since: number) => Math.round((performance.now() - since) * 1000) / 1000;

/** Runs `fn`, prefixing the message of an InputError it throws with the file it concerns. */
async function withSource<T>(file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof InputError && !e.message.startsWith(file))
      throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
}
