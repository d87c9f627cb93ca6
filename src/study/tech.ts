import type { TableData } from "../composite/tables.ts";
import { InputError } from "../core/errors.ts";
import type { Cell } from "../io/write.ts";
import { COMPANIES } from "../media/gazetteer/build.ts";
import type { CompanyRecord } from "../media/gazetteer/types.ts";
import type { RatingRow } from "../survey/perceptions.ts";
import type { ExtraIndicator } from "./extend-coin.ts";

/** Company-level signals rolled up to the home country. */
export interface TechSignals {
  indicators: ExtraIndicator[];
  /** Per home country and signal: value and how many companies (or mentions) it rests on. */
  table: TableData;
}

/** The registry's companies that are not subsidiaries of another listed company. */
export function rootCompanies(registry: readonly CompanyRecord[] = COMPANIES.companies) {
  return registry.filter((c) => !c.parent);
}

/**
 * The technology pillar's company signals, by home country (ISO3 of the headquarters in the
 * curated registry, data/media/companies.json):
 *
 * - `tech_companies`: number of major technology companies (registry records without a parent);
 * - `tech_company_tone`: mean tone of news mentions of the country's companies (mentions of a
 *   subsidiary count for the parent's country), Σ tone / Σ mentions;
 * - `tech_company_fav`: mean over the country's surveyed companies of their favourability,
 *   each the unweighted mean over audiences of its overall (segment "all") estimate.
 *
 * @example techSignals({ signals: ["companies"], companyTone: [], ratings: [], rated: [] })
 */
export function techSignals(o: {
  signals: readonly ("companies" | "company_tone" | "company_favourability")[];
  /** News mentions via a company: entity (registry name), summed tone and count. */
  companyTone: { entity: string; tone: number; n: number }[];
  ratings: RatingRow[];
  /** Companies rated in the survey (ratings-map targets) and the attribute to use. */
  rated: string[];
  attribute?: string;
  registry?: readonly CompanyRecord[];
}): TechSignals {
  const registry = o.registry ?? COMPANIES.companies;
  const byName = new Map(registry.map((c) => [c.name, c]));
  const home = (name: string): string | undefined => byName.get(name)?.country;
  const indicators: ExtraIndicator[] = [];
  const rows: TableData["rows"] = [];
  if (o.signals.includes("companies")) {
    const values = new Map<string, number>();
    for (const c of rootCompanies(registry))
      values.set(c.country, (values.get(c.country) ?? 0) + 1);
    for (const [k, v] of values) rows.push([k, "tech_companies", v, v]);
    indicators.push({
      code: "tech_companies",
      name: "Major technology companies (registry count)",
      unit: "count",
      direction: 1,
      values,
      absent: 0,
    });
  }
  if (o.signals.includes("company_tone")) {
    const acc = new Map<string, { tone: number; n: number }>();
    for (const m of o.companyTone) {
      const c = home(m.entity);
      if (!c) continue;
      const a = acc.get(c) ?? { tone: 0, n: 0 };
      acc.set(c, a);
      a.tone += m.tone;
      a.n += m.n;
    }
    const values = new Map<string, number>();
    for (const [k, a] of acc) {
      values.set(k, a.tone / a.n);
      rows.push([k, "tech_company_tone", a.tone / a.n, a.n]);
    }
    indicators.push({
      code: "tech_company_tone",
      name: "News tone toward its technology companies",
      unit: "mean tone (-1..1)",
      direction: 1,
      values,
    });
  }
  if (o.signals.includes("company_favourability") && o.rated.length > 0) {
    const attribute = o.attribute ?? "favourability";
    for (const name of o.rated)
      if (!home(name))
        throw new InputError(
          `study.yaml (tech.favourability): "${name}" is not a company of the registry (e.g. ${registry
            .slice(0, 5)
            .map((c) => c.name)
            .join(", ")})`,
        );
    const perCompany = new Map<string, { sum: number; k: number }>();
    for (const r of o.ratings) {
      if (r.segment !== "all" || r.attribute !== attribute || !o.rated.includes(r.target)) continue;
      if (!Number.isFinite(r.estimate)) continue;
      const a = perCompany.get(r.target) ?? { sum: 0, k: 0 };
      perCompany.set(r.target, a);
      a.sum += r.estimate;
      a.k++;
    }
    const byCountry = new Map<string, { sum: number; k: number }>();
    for (const [name, a] of perCompany) {
      const c = home(name)!;
      const b = byCountry.get(c) ?? { sum: 0, k: 0 };
      byCountry.set(c, b);
      b.sum += a.sum / a.k;
      b.k++;
    }
    const values = new Map<string, number>();
    for (const [k, b] of byCountry) {
      values.set(k, b.sum / b.k);
      rows.push([k, "tech_company_fav", b.sum / b.k, b.k]);
    }
    indicators.push({
      code: "tech_company_fav",
      name: "Favourability of its technology companies (surveyed)",
      unit: "survey estimate",
      direction: 1,
      values,
    });
  }
  return { indicators, table: { columns: ["uCode", "signal", "value", "basis"], rows } };
}
/**
 * The attribution view: for each named drivers analysis, the share of explained variance in
 * favourability carried by its company group (LMG or the first method), per group of `by`.
 */
export function techAttribution(
  tables: Record<string, TableData>,
  specs: { drivers: string; group: string }[],
): TableData {
  const t = tables.drivers_importance;
  const cols = [
    "analysis",
    "target",
    "by",
    "group",
    "predictor",
    "method",
    "value",
    "share",
    "ci_low",
    "ci_high",
    "r2",
  ];
  const rows: Cell[][] = [];
  if (t) {
    const at = cols.map((c) => t.columns.indexOf(c));
    for (const spec of specs) {
      const mine = t.rows.filter((r) => r[0] === spec.drivers && r[at[4]!] === spec.group);
      const method = mine[0]?.[at[5]!];
      for (const r of mine) {
        if (r[at[5]!] !== method) continue;
        const share = r[at[7]!] as number;
        const r2 = r[at[10]!] as number;
        rows.push([
          spec.drivers,
          r[1],
          r[at[2]!],
          r[at[3]!],
          spec.group,
          method,
          share,
          (r[at[8]!] as number) / r2,
          (r[at[9]!] as number) / r2,
          r2,
        ]);
      }
    }
  }
  return {
    columns: [
      "analysis",
      "target",
      "by",
      "group",
      "companies",
      "method",
      "share",
      "share_low",
      "share_high",
      "r2",
    ],
    rows,
  };
}
