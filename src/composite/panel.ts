import { InputError } from "../core/errors.ts";
import { selectUnits } from "./dataset.ts";
import type { ImputeReport } from "./impute.ts";
import {
  applyStep,
  type CoinInput,
  type IndexResult,
  type Pipeline,
  resultsTable,
  type StageName,
} from "./pipeline.ts";
import type { ScreenRow } from "./screen.ts";
import type { TreatDetail } from "./treat.ts";
import type { Dataset, UnitData } from "./types.ts";

/** Whether iData is a panel: a Time column with more than one value. */
export function isPanel(data: UnitData): boolean {
  return data.time !== undefined && new Set(data.time).size > 1;
}

/** A panel build: one cross-section result per year, and stacked stages with their Time. */
export interface PanelIndexResult {
  years: number[];
  byYear: Map<number, IndexResult>;
  /** Stacked data sets (rows of every year) and the Time of each row. */
  stages: Partial<Record<StageName, { data: Dataset; time: number[] }>>;
}

/**
 * Builds a panel index as COINr builds a purse: denominate row by row; impute with `i_panel`
 * over each unit's time series (linear interpolation, constant at the ends), or per year with the
 * other methods; screen, treat and aggregate each year apart; normalise all years together when
 * `normalise.global` (the default, as COINr) so scores compare across years, else per year.
 * Ranks are within a year.
 */
export function buildPanelIndex(input: CoinInput, pipeline: Pipeline): PanelIndexResult {
  const { data, framework: fw } = input;
  if (!data.time) throw new InputError("panel build: iData has no Time column");
  const time = data.time;
  const years = [...new Set(time)].sort((a, b) => a - b);
  const stacked: PanelIndexResult["stages"] = { Raw: { data: data.indicators, time } };
  let ds = data.indicators;
  if (pipeline.denominate) {
    ds = applyStep("denominate", ds, pipeline, input).data;
    stacked.Denominated = { data: ds, time };
  }
  let imputeReport: ImputeReport | null = null;
  const panelImpute = pipeline.impute?.method === "i_panel";
  if (panelImpute) {
    const r = applyStep("impute", ds, pipeline, input);
    ds = r.data;
    imputeReport = r.imputeReport ?? null;
    stacked.Imputed = { data: ds, time };
  }
  const globalNorm = pipeline.normalise !== undefined && pipeline.normalise.global !== false;
  const perYear = years.map((year) => {
    const rows = time.flatMap((t, i) => (t === year ? [i] : []));
    const yearData: UnitData = {
      uCode: rows.map((r) => data.uCode[r]!),
      uName: rows.map((r) => data.uName[r]!),
      groups: Object.fromEntries(
        Object.entries(data.groups).map(([k, v]) => [k, rows.map((r) => v[r]!)]),
      ),
      denominators: Object.fromEntries(
        Object.entries(data.denominators).map(([k, v]) => [
          k,
          Float64Array.from(rows, (r) => v[r]!),
        ]),
      ),
      indicators: selectUnits(ds, rows),
    };
    yearData.indicators = { ...yearData.indicators, units: yearData.uCode };
    const yInput: CoinInput = { ...input, data: yearData };
    const stages: Partial<Record<StageName, Dataset>> = { Raw: selectUnits(data.indicators, rows) };
    let y = yearData.indicators;
    let screenReport: ScreenRow[] = [];
    let treatDetails: TreatDetail[] = [];
    let yImpute: ImputeReport | null = imputeReport;
    for (const step of ["impute", "screen", "treat"] as const) {
      if (!pipeline[step] || (step === "impute" && panelImpute)) continue;
      const r = applyStep(step, y, pipeline, yInput);
      y = r.data;
      if (r.screenReport) screenReport = r.screenReport;
      if (r.treatDetails) treatDetails = r.treatDetails;
      if (r.imputeReport) yImpute = r.imputeReport;
      stages[step === "impute" ? "Imputed" : step === "screen" ? "Screened" : "Treated"] = y;
    }
    return { year, yInput, stages, y, screenReport, treatDetails, yImpute };
  });
  if (globalNorm) {
    // Normalise the stacked data of all years at once, then split it back by year.
    const all: Dataset = {
      units: perYear.flatMap((p) => p.y.units),
      codes: perYear[0]!.y.codes,
      values: perYear[0]!.y.codes.map((_, j) =>
        Float64Array.from(perYear.flatMap((p) => [...p.y.values[j]!])),
      ),
    };
    const norm = applyStep("normalise", all, pipeline, input).data;
    let offset = 0;
    for (const p of perYear) {
      const n = p.y.units.length;
      p.y = {
        units: p.y.units,
        codes: norm.codes,
        values: norm.values.map((c) => c.slice(offset, offset + n)),
      };
      p.stages.Normalised = p.y;
      offset += n;
    }
  } else if (pipeline.normalise) {
    for (const p of perYear) {
      p.y = applyStep("normalise", p.y, pipeline, p.yInput).data;
      p.stages.Normalised = p.y;
    }
  }
  const byYear = new Map<number, IndexResult>();
  for (const p of perYear) {
    const agg = applyStep("aggregate", p.y, pipeline, p.yInput).data;
    p.stages.Aggregated = agg;
    const nameOf = new Map(p.yInput.data.uCode.map((u, i) => [u, p.yInput.data.uName[i]!]));
    byYear.set(p.year, {
      stages: p.stages,
      treatDetails: p.treatDetails,
      screenReport: p.screenReport,
      imputeReport: p.yImpute,
      removedUnits: p.screenReport.filter((r) => !r.included).map((r) => r.uCode),
      results: resultsTable(
        agg,
        fw,
        agg.units.map((u) => nameOf.get(u) ?? u),
      ),
    });
  }
  for (const stage of ["Imputed", "Screened", "Treated", "Normalised", "Aggregated"] as const) {
    if (stacked[stage] || !perYear[0]!.stages[stage]) continue;
    const parts = perYear.map((p) => p.stages[stage]!);
    stacked[stage] = {
      data: {
        units: parts.flatMap((d) => d.units),
        codes: parts[0]!.codes,
        values: parts[0]!.codes.map((_, j) =>
          Float64Array.from(parts.flatMap((d) => [...d.values[j]!])),
        ),
      },
      time: perYear.flatMap((p) => p.stages[stage]!.units.map(() => p.year)),
    };
  }
  return { years, byYear, stages: stacked };
}
