/**
 * Country profile: pillar scores against peers, strengths and weaknesses by indicator rank, and
 * the trend when the index has several years (a Time column).
 */
import * as Plot from "@observablehq/plot";
import { rankDescending } from "../../../src/stats/rank.ts";
import { type Row, rowsOf, type Table } from "../api.ts";
import { Chart, ExportButtons } from "../chart.tsx";
import { type PageContext, Select, TablesPage } from "../components.tsx";
import { datasetFromTable } from "../engine.ts";
import { fmt, num, ordinal } from "../format.ts";
import { type IndexData, indexData, median } from "../index-data.ts";
import { OKABE_ITO } from "../palette.ts";
import { updateParams } from "../route.ts";
import { short } from "./overview.tsx";

const TABLES = ["index_scores", "index_aggregates", "index_framework"] as const;
const OPTIONAL = [
  "index_stage_normalised",
  "index_stage_raw",
  "index_results",
  "index_strengths",
  "index_trends",
] as const;

export function ProfilePage(props: { ctx: PageContext }) {
  const { ctx } = props;
  return (
    <TablesPage
      ctx={ctx}
      required={TABLES}
      optional={OPTIONAL}
      what="composite index"
      loading="the index"
      body={(t) => (
        <ProfileBody
          ctx={ctx}
          data={indexData(t.index_scores!, t.index_aggregates!, t.index_framework!)}
          tables={t}
        />
      )}
    />
  );
}

function ProfileBody(props: { ctx: PageContext; data: IndexData; tables: Record<string, Table> }) {
  const { ctx, data, tables } = props;
  const route = ctx.route;
  const unit = data.byCode.get(route.params.c ?? "") ?? data.units[0]!;
  const i = data.units.indexOf(unit);
  const defaultPeers = data.units
    .slice(Math.max(0, i - 2), i + 3)
    .filter((u) => u !== unit)
    .map((u) => u.uCode);
  const peers = (
    route.params.peers?.split(",").filter((p) => data.byCode.has(p) && p !== unit.uCode) ??
    defaultPeers
  ).slice(0, 7);
  const shown = [unit.uCode, ...peers];
  const options = data.units.map((u) => ({ value: u.uCode, label: `${u.uName} (${u.uCode})` }));
  return (
    <div class="profile">
      <section class="panel" aria-labelledby="profile-title">
        <div class="controls">
          <Select
            id="profile-country"
            label="Country"
            value={unit.uCode}
            options={options}
            onChange={(v) => updateParams(route, { c: v, peers: undefined }, false)}
          />
          <fieldset class="peers">
            <legend>Peers (up to 7)</legend>
            <div class="peer-list">
              {data.units
                .filter((u) => u !== unit)
                .map((u) => (
                  <label key={u.uCode} class="check">
                    <input
                      type="checkbox"
                      checked={peers.includes(u.uCode)}
                      onChange={(e) => {
                        const on = (e.currentTarget as HTMLInputElement).checked;
                        const next = on ? [...peers, u.uCode] : peers.filter((p) => p !== u.uCode);
                        updateParams(route, { peers: next.join(",") || "-" });
                      }}
                    />
                    {u.uCode}
                  </label>
                ))}
            </div>
          </fieldset>
        </div>
        <h3 id="profile-title">
          {unit.uName}: {ordinal(unit.rank)} of {data.units.length}, score {fmt(unit.score)}
          {Number.isFinite(unit.rankLow) &&
            ` (5–95% rank interval ${unit.rankLow}–${unit.rankHigh})`}
        </h3>
        <PeerChart data={data} shown={shown} />
      </section>
      <StrengthsWeaknesses data={data} unit={unit.uCode} tables={tables} />
      <Trend data={data} shown={shown} results={tables.index_results} />
      {tables.index_trends && (
        <IndicatorTrends data={data} unit={unit.uCode} table={tables.index_trends} />
      )}
    </div>
  );
}

function PeerChart(props: { data: IndexData; shown: string[] }) {
  const { data, shown } = props;
  const rows: Row[] = [];
  const ranges: Row[] = [];
  for (const p of [
    { code: data.top, name: data.names.get(data.top) ?? data.top },
    ...data.pillars,
  ]) {
    const all = data.units.map(
      (u) => data.aggregate.get(u.uCode)?.get(p.code)?.score ?? Number.NaN,
    );
    const f = all.filter(Number.isFinite);
    ranges.push({ pillar: p.name, min: Math.min(...f), max: Math.max(...f), median: median(all) });
    for (const u of shown) {
      const a = data.aggregate.get(u)?.get(p.code);
      rows.push({
        pillar: p.name,
        code: p.code,
        uCode: u,
        score: a?.score ?? null,
        rank: a?.rank ?? null,
      });
    }
  }
  const domain = ranges.map((r) => String(r.pillar));
  return (
    <Chart
      id="peer-pillars"
      title="Pillar scores against peers"
      description="Grey bar: range over all countries; grey tick: median. Dots: the country (largest) and its peers."
      data={{ columns: ["uCode", "code", "pillar", "score", "rank"], rows }}
      deps={[shown.join()]}
      render={(width) =>
        Plot.plot({
          width,
          height: 60 + domain.length * 34,
          marginLeft: 200,
          x: { label: "Score", grid: true },
          y: { domain, label: null, tickFormat: (s: string) => short(s) },
          color: { domain: shown, range: [...OKABE_ITO], legend: true },
          ariaLabel: "Pillar scores of the country and its peers",
          marks: [
            Plot.ruleY(ranges, {
              y: "pillar",
              x1: "min",
              x2: "max",
              stroke: "#ddd",
              strokeWidth: 8,
            }),
            Plot.tickX(ranges, { y: "pillar", x: "median", stroke: "#888" }),
            ...[false, true].map((focus) =>
              Plot.dot(
                rows.filter((d) => (d.uCode === shown[0]) === focus),
                {
                  y: "pillar",
                  x: "score",
                  fill: "uCode",
                  r: focus ? 7 : 5,
                  stroke: "white",
                  title: (d: Row) =>
                    `${d.uCode} · ${d.pillar}: ${fmt(d.score)} (rank ${fmt(d.rank, 0)})`,
                },
              ),
            ),
          ],
        })
      }
    />
  );
}

function StrengthsWeaknesses(props: {
  data: IndexData;
  unit: string;
  tables: Record<string, Table>;
}) {
  const { data, unit, tables } = props;
  if (tables.index_strengths)
    return <StoredStrengths data={data} unit={unit} table={tables.index_strengths} />;
  const normalised = tables.index_stage_normalised;
  if (!normalised)
    return (
      <section class="panel">
        <h3>Strengths and weaknesses</h3>
        <p class="note">This run has no index_stage_normalised table to rank indicators by.</p>
      </section>
    );
  const indicators = data.framework
    .filter((r) => r.Type === "Indicator")
    .map((r) => String(r.iCode));
  const ds = datasetFromTable(normalised, indicators);
  const ui = ds.units.indexOf(unit);
  const raw = tables.index_stage_raw
    ? rowsOf(tables.index_stage_raw).find((r) => r.uCode === unit)
    : undefined;
  const meta = new Map(data.framework.map((r) => [String(r.iCode), r]));
  const rows: Row[] = ds.codes
    .map((code, j) => {
      const ranks = rankDescending(ds.values[j]!);
      const n = ds.values[j]!.filter((v) => !Number.isNaN(v)).length;
      const m = meta.get(code);
      return {
        iCode: code,
        indicator: String(m?.iName ?? code),
        pillar: data.names.get(String(m?.Parent)) ?? String(m?.Parent ?? ""),
        value: raw ? (raw[code] ?? null) : null,
        unit: m?.Unit && m.Unit !== "NA" ? String(m.Unit) : "",
        normalised: ui < 0 ? null : ds.values[j]![ui]!,
        rank: ui < 0 ? null : ranks[ui]!,
        of: n,
      };
    })
    .filter((r) => r.rank !== null && Number.isFinite(r.rank));
  rows.sort((a, b) => num(a.rank) / num(a.of) - num(b.rank) / num(b.of));
  const best = rows.slice(0, 5);
  const worst = rows.slice(-5).reverse();
  const list = (title: string, items: Row[], kind: string) => (
    <div class={`sw ${kind}`}>
      <h4>{title}</h4>
      <table data-testid={kind}>
        <thead>
          <tr>
            <th scope="col">Indicator</th>
            <th scope="col">Pillar</th>
            <th scope="col" class="num">
              Rank
            </th>
            <th scope="col" class="num">
              Value
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={String(r.iCode)}>
              <td>{r.indicator}</td>
              <td>{r.pillar}</td>
              <td class="num">
                {fmt(r.rank, 0)} of {r.of}
              </td>
              <td class="num">
                {r.value === null ? fmt(r.normalised) : fmt(r.value, 2)}{" "}
                {r.value === null ? "(normalised)" : r.unit}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
  return (
    <section class="panel" aria-labelledby="sw-title">
      <h3 id="sw-title">Strengths and weaknesses by indicator rank</h3>
      <p class="description">
        Ranks among all countries on each normalised indicator (direction applied: rank 1 is best).
      </p>
      <div class="sw-grid">
        {list("Strengths", best, "strengths")}
        {list("Weaknesses", worst, "weaknesses")}
      </div>
      <ExportButtons
        id={`indicator-ranks-${unit}`}
        title="the indicator ranks"
        target={() => null}
        formats={["csv"]}
        data={{
          columns: ["iCode", "indicator", "pillar", "value", "unit", "normalised", "rank", "of"],
          rows,
        }}
      />
    </section>
  );
}

/**
 * Strengths and weaknesses as the study build computed them (COINr get_str_weak: the unit's
 * ranks on the raw indicators, direction-adjusted, indicators where it holds the worst rank
 * left out; top and bottom 5).
 */
function StoredStrengths(props: { data: IndexData; unit: string; table: Table }) {
  const { data, unit } = props;
  const rows = rowsOf(props.table).filter((r) => r.uCode === unit);
  const n = data.units.length;
  const unitOf = new Map(
    data.framework.map((r) => [String(r.iCode), r.Unit && r.Unit !== "NA" ? String(r.Unit) : ""]),
  );
  const list = (title: string, kind: string) => (
    <div class={`sw ${kind}s`}>
      <h4>{title}</h4>
      <table data-testid={`${kind}s`}>
        <thead>
          <tr>
            <th scope="col">Indicator</th>
            <th scope="col">Pillar</th>
            <th scope="col" class="num">
              Rank
            </th>
            <th scope="col" class="num">
              Value
            </th>
          </tr>
        </thead>
        <tbody>
          {rows
            .filter((r) => r.kind === kind)
            .map((r) => (
              <tr key={String(r.code)}>
                <td>{String(r.name)}</td>
                <td>{data.names.get(String(r.pillar)) ?? String(r.pillar ?? "")}</td>
                <td class="num">
                  {fmt(r.rank, 0)} of {n}
                </td>
                <td class="num">
                  {Number.isFinite(num(r.value))
                    ? num(r.value).toLocaleString("en", { maximumSignificantDigits: 3 })
                    : "—"}{" "}
                  {unitOf.get(String(r.code)) ?? ""}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
  return (
    <section class="panel" aria-labelledby="sw-title">
      <h3 id="sw-title">Strengths and weaknesses by indicator rank</h3>
      <p class="description">
        The country's rank on each indicator (raw values, direction applied: rank 1 is best; ties
        share the best rank; indicators where it ranks last are left out), as COINr get_str_weak.
      </p>
      <div class="sw-grid">
        {list("Strengths", "strength")}
        {list("Weaknesses", "weakness")}
      </div>
      <ExportButtons
        id={`strengths-${unit}`}
        title="the strengths and weaknesses"
        target={() => null}
        formats={["csv"]}
        data={{ columns: props.table.columns, rows }}
      />
    </section>
  );
}

/** A panel's growth of each indicator for the country (COINr get_trends, CAGR). */
function IndicatorTrends(props: { data: IndexData; unit: string; table: Table }) {
  const { data, unit } = props;
  const names = new Map(data.framework.map((r) => [String(r.iCode), String(r.iName ?? r.iCode)]));
  const rows = rowsOf(props.table)
    .filter((r) => r.uCode === unit && Number.isFinite(num(r.cagr)))
    .map((r) => ({
      iCode: String(r.iCode),
      indicator: names.get(String(r.iCode)) ?? String(r.iCode),
      cagr: num(r.cagr),
      years: `${fmt(r.t_first, 0)}–${fmt(r.t_latest, 0)}`,
    }));
  if (!rows.length) return null;
  return (
    <Chart
      id="indicator-trends"
      title="Growth of each indicator (compound annual growth rate)"
      description="From the first to the latest year with data (COINr CAGR on the raw values; direction not applied)."
      data={{ columns: ["iCode", "indicator", "cagr", "years"], rows }}
      deps={[unit]}
      render={(width) =>
        Plot.plot({
          width,
          height: 40 + rows.length * 26,
          marginLeft: 220,
          x: { label: "Growth per year", tickFormat: "+.0%", grid: true },
          y: {
            domain: rows.map((r) => r.indicator),
            label: null,
            tickFormat: (s: string) => short(s),
          },
          ariaLabel: "Compound annual growth rate of each indicator",
          marks: [
            Plot.barX(rows, {
              y: "indicator",
              x: "cagr",
              fill: (d: Row) => (num(d.cagr) >= 0 ? OKABE_ITO[2] : OKABE_ITO[3]),
              title: (d: Row) =>
                `${d.indicator}: ${(100 * num(d.cagr)).toFixed(1)}% a year, ${d.years}`,
            }),
            Plot.ruleX([0]),
          ],
        })
      }
    />
  );
}

function Trend(props: { data: IndexData; shown: string[]; results?: Table }) {
  const { data, shown, results } = props;
  if (!results?.columns.includes("Time"))
    return (
      <section class="panel">
        <h3>Trend</h3>
        <p class="note" data-testid="no-trend">
          The index of this run covers one time point, so there is no trend to draw. Panel indices
          (iData with a Time column) show each country's score by year here; earlier builds are
          listed under Methodology.
        </p>
      </section>
    );
  const rows = rowsOf(results)
    .filter((r) => shown.includes(String(r.uCode)))
    .map((r) => ({
      uCode: String(r.uCode),
      Time: num(r.Time),
      score: num(r[data.top]),
      rank: num(r.Rank),
    }));
  return (
    <Chart
      id="trend"
      title="Index score by year"
      data={{ columns: ["uCode", "Time", "score", "rank"], rows }}
      deps={[shown.join()]}
      render={(width) =>
        Plot.plot({
          width,
          height: 280,
          x: { label: "Year", tickFormat: "d" },
          y: { label: "Index score", grid: true },
          color: { domain: shown, range: [...OKABE_ITO], legend: true },
          marks: [
            Plot.line(rows, { x: "Time", y: "score", stroke: "uCode", strokeWidth: 2 }),
            Plot.dot(rows, { x: "Time", y: "score", fill: "uCode" }),
          ],
        })
      }
    />
  );
}
