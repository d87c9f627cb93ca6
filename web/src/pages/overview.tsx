/**
 * Overview: the world map coloured by index score, the ranking with each rank's 5–95% interval
 * drawn as a whisker, the selected country's pillar scores, search and selection.
 */
import * as Plot from "@observablehq/plot";
import { useEffect, useRef } from "preact/hooks";
import type { Row } from "../api.ts";
import { Chart, ExportButtons } from "../chart.tsx";
import { Await, Missing, missingTables, type PageContext, useTables } from "../components.tsx";
import { fmt, ordinal } from "../format.ts";
import { useWidth } from "../hooks.ts";
import { type IndexData, indexData, median, type UnitScore } from "../index-data.ts";
import { unplaced, WorldMap } from "../map.tsx";
import { OKABE_ITO } from "../palette.ts";
import { pageHref, updateParams } from "../route.ts";

const TABLES = ["index_scores", "index_aggregates", "index_framework"] as const;

export function OverviewPage(props: { ctx: PageContext }) {
  const missing = missingTables(props.ctx.run, TABLES);
  if (missing.length)
    return (
      <Missing what="composite index" tables={missing}>
        The other pages show what the run has.
      </Missing>
    );
  return <Overview ctx={props.ctx} />;
}

let markedInteractive = false;

function Overview(props: { ctx: PageContext }) {
  const state = useTables(props.ctx, TABLES);
  return (
    <Await state={state} what="the index">
      {(t) => (
        <OverviewBody
          ctx={props.ctx}
          data={indexData(t.index_scores!, t.index_aggregates!, t.index_framework!)}
        />
      )}
    </Await>
  );
}

function OverviewBody(props: { ctx: PageContext; data: IndexData }) {
  const { ctx, data } = props;
  const route = ctx.route;
  const query = route.params.q ?? "";
  const selected = data.byCode.get(route.params.sel ?? "") ?? data.units[0];
  const mapBox = useRef<HTMLDivElement>(null);
  const mapWidth = useWidth(mapBox, 320);
  const select = (iso3: string) => updateParams(route, { sel: iso3 });
  const values = new Map(data.units.map((u) => [u.uCode, u.score]));
  const cantPlace = unplaced(values);
  useEffect(() => {
    if (mapWidth > 0 && !markedInteractive) {
      markedInteractive = true;
      performance.mark("interactive");
      document.documentElement.dataset.interactive = "true";
    }
  }, [mapWidth]);
  const q = query.trim().toLowerCase();
  const shown = q
    ? data.units.filter(
        (u) => u.uCode.toLowerCase().includes(q) || u.uName.toLowerCase().includes(q),
      )
    : data.units;
  const n = data.units.length;
  const rankingRows: Row[] = data.units.map((u) => ({
    rank: u.rank,
    uCode: u.uCode,
    uName: u.uName,
    score: u.score,
    rank_median: u.rankMedian,
    rank_q05: u.rankLow,
    rank_q95: u.rankHigh,
  }));
  const mapRef = useRef<HTMLDivElement>(null);
  return (
    <div class="overview">
      <section class="panel map-panel" aria-labelledby="map-title">
        <figure class="chart" data-testid="chart-map">
          <figcaption>
            <h3 id="map-title">Index score by country</h3>
            <p class="description">
              {n} countries with an index score; click a country (or use the table) to select it.
            </p>
          </figcaption>
          <div ref={mapBox} class="map-box">
            <div ref={mapRef}>
              {mapWidth > 0 && (
                <WorldMap
                  values={values}
                  label="Index score"
                  selected={selected?.uCode}
                  onSelect={select}
                  width={mapWidth}
                  detail={(iso3) => `rank ${fmt(data.byCode.get(iso3)?.rank, 0)} of ${n}`}
                />
              )}
            </div>
          </div>
          {cantPlace.length > 0 && (
            <p class="note">Not on the map (no shape or centre known): {cantPlace.join(", ")}.</p>
          )}
          <ExportButtons
            id="index-map"
            title="the index map"
            target={() => mapRef.current}
            data={{ columns: ["uCode", "uName", "score", "rank"], rows: rankingRows }}
          />
        </figure>
        {selected && <PillarBars data={data} unit={selected} />}
        {selected && (
          <p>
            <a href={pageHref(route, "profile", { c: selected.uCode })}>
              Profile of {selected.uName}
            </a>{" "}
            · <a href={pageHref(route, "weights")}>Change the weights</a>
          </p>
        )}
      </section>
      <section class="panel ranking-panel" aria-labelledby="ranking-title">
        <h3 id="ranking-title">Ranking</h3>
        <label class="field search" for="country-search">
          <span>Search countries</span>
          <input
            id="country-search"
            type="search"
            value={query}
            placeholder="Name or ISO3 code"
            onInput={(e) => updateParams(route, { q: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <p class="note" aria-live="polite">
          {q ? `${shown.length} of ${n} countries match "${query}".` : `${n} countries.`} Whiskers:
          the 5–95% interval of the rank over the uncertainty analysis; the dot is the rank.
        </p>
        <RankingTable units={shown} n={n} selected={selected?.uCode} onSelect={select} />
        <ExportButtons
          id="index-ranking"
          title="the ranking"
          target={() => null}
          formats={["csv"]}
          data={{
            columns: ["rank", "uCode", "uName", "score", "rank_median", "rank_q05", "rank_q95"],
            rows: rankingRows,
          }}
        />
      </section>
    </div>
  );
}

/** A label cut to `n` characters with an ellipsis. */
export function short(s: string, n = 30): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** The rank as a dot and its 5–95% interval as a whisker, on a 1..n scale. */
export function Whisker(props: { u: UnitScore; n: number; width?: number }) {
  const w = props.width ?? 120;
  const x = (r: number) => 4 + ((r - 1) / Math.max(1, props.n - 1)) * (w - 8);
  const { rank, rankLow, rankHigh } = props.u;
  const has = Number.isFinite(rankLow) && Number.isFinite(rankHigh);
  return (
    <svg
      class="whisker"
      width={w}
      height={14}
      role="img"
      aria-label={
        has
          ? `rank ${rank}; 5–95% interval ${rankLow} to ${rankHigh}`
          : `rank ${fmt(rank, 0)}; no uncertainty analysis`
      }
    >
      <line x1={4} x2={w - 4} y1={7} y2={7} stroke="#ddd" />
      {has && (
        <line
          class="interval"
          x1={x(rankLow)}
          x2={x(rankHigh)}
          y1={7}
          y2={7}
          stroke={OKABE_ITO[0]}
          stroke-width={3}
          stroke-linecap="round"
        />
      )}
      {Number.isFinite(rank) && <circle cx={x(rank)} cy={7} r={3.5} fill={OKABE_ITO[3]} />}
    </svg>
  );
}

function RankingTable(props: {
  units: UnitScore[];
  n: number;
  selected?: string;
  onSelect: (iso3: string) => void;
}) {
  return (
    <div class="table-scroll">
      <table class="ranking" data-testid="ranking">
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Country</th>
            <th scope="col" class="num">
              Score
            </th>
            <th scope="col">Rank interval (5–95%)</th>
          </tr>
        </thead>
        <tbody>
          {props.units.map((u) => (
            <tr
              key={u.uCode}
              data-iso3={u.uCode}
              class={u.uCode === props.selected ? "selected" : undefined}
              aria-selected={u.uCode === props.selected}
            >
              <td class="num rank">{fmt(u.rank, 0)}</td>
              <td>
                <button type="button" class="link" onClick={() => props.onSelect(u.uCode)}>
                  {u.uName}
                </button>{" "}
                <span class="code">{u.uCode}</span>
              </td>
              <td class="num">{fmt(u.score)}</td>
              <td>
                <Whisker u={u} n={props.n} />{" "}
                <span class="interval-text">
                  {Number.isFinite(u.rankLow) ? `${u.rankLow}–${u.rankHigh}` : ""}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PillarBars(props: { data: IndexData; unit: UnitScore }) {
  const { data, unit } = props;
  const rows: Row[] = data.pillars.map((p) => {
    const all = data.units.map(
      (u) => data.aggregate.get(u.uCode)?.get(p.code)?.score ?? Number.NaN,
    );
    const own = data.aggregate.get(unit.uCode)?.get(p.code);
    return {
      pillar: p.name,
      code: p.code,
      score: own?.score ?? null,
      rank: own?.rank ?? null,
      median: median(all),
    };
  });
  return (
    <Chart
      id={`pillars-${unit.uCode}`}
      title={`Pillar scores: ${unit.uName} (${ordinal(unit.rank)} of ${data.units.length})`}
      description="Bars: the country's score on each pillar; ticks: the median over all countries."
      data={{ columns: ["code", "pillar", "score", "rank", "median"], rows }}
      deps={[unit.uCode]}
      render={(width) =>
        Plot.plot({
          width,
          height: 40 + rows.length * 28,
          marginLeft: 190,
          marginRight: 36,
          x: { label: "Score", grid: true, nice: true },
          y: {
            label: null,
            domain: rows.map((r) => String(r.pillar)),
            tickFormat: (s: string) => short(s),
          },
          ariaLabel: `Pillar scores of ${unit.uName}`,
          marks: [
            Plot.barX(rows, {
              x: "score",
              y: "pillar",
              fill: OKABE_ITO[0],
              title: (r: Row) => `${r.pillar}: ${fmt(r.score)} (rank ${fmt(r.rank, 0)})`,
            }),
            Plot.tickX(rows, { x: "median", y: "pillar", stroke: OKABE_ITO[1], strokeWidth: 2 }),
            Plot.text(rows, {
              x: "score",
              y: "pillar",
              text: (r: Row) => fmt(r.score),
              dx: 4,
              textAnchor: "start",
            }),
            Plot.ruleX([0]),
          ],
        })
      }
    />
  );
}
