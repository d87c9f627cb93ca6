/**
 * Weightings calculator: a slider per pillar (and per indicator when a pillar is expanded); the
 * index and ranks are recomputed in the browser by the CLI's own engine (`createReweighter`)
 * from the run's normalised data. The weights live in the URL (`w=Tech:2,rd_gdp:0`).
 */
import * as Plot from "@observablehq/plot";
import { useMemo, useState } from "preact/hooks";
import { Chart, ExportButtons } from "../chart.tsx";
import { Await, Missing, missingTables, type PageContext, useTables } from "../components.tsx";
import { type AggregateStep, type IndexEngine, indexEngine } from "../engine.ts";
import { fmt } from "../format.ts";
import { type IndexData, indexData } from "../index-data.ts";
import { OKABE_ITO } from "../palette.ts";
import { updateParams } from "../route.ts";

const TABLES = [
  "index_framework",
  "index_stage_normalised",
  "index_scores",
  "index_aggregates",
] as const;

/** Weights as the URL holds them: `code:value` pairs joined by commas. */
export function parseWeights(s: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (s ?? "").split(",")) {
    const i = part.lastIndexOf(":");
    if (i <= 0) continue;
    const v = Number(part.slice(i + 1));
    if (Number.isFinite(v) && v >= 0) out[part.slice(0, i)] = v;
  }
  return out;
}

export function formatWeights(w: Record<string, number>): string {
  return Object.entries(w)
    .map(([k, v]) => `${k}:${v}`)
    .join(",");
}

export function WeightsPage(props: { ctx: PageContext }) {
  const missing = missingTables(props.ctx.run, TABLES);
  if (missing.length)
    return (
      <Missing what="composite index" tables={missing}>
        The calculator needs the framework and the normalised indicators of an index.
      </Missing>
    );
  return <Weights ctx={props.ctx} />;
}

function aggregateStep(config: Record<string, unknown>): AggregateStep {
  const index = config.index as { pipeline?: { aggregate?: AggregateStep } } | undefined;
  return index?.pipeline?.aggregate ?? {};
}

function Weights(props: { ctx: PageContext }) {
  const state = useTables(props.ctx, TABLES);
  return (
    <Await state={state} what="the index framework and normalised data">
      {(t) => {
        let engine: IndexEngine;
        try {
          engine = indexEngine(
            t.index_framework!,
            t.index_stage_normalised!,
            aggregateStep(props.ctx.run.config),
          );
        } catch (e) {
          return (
            <div class="error-box" role="alert">
              The calculator cannot rebuild this index: {(e as Error).message}
            </div>
          );
        }
        return (
          <Calculator
            ctx={props.ctx}
            engine={engine}
            data={indexData(t.index_scores!, t.index_aggregates!, t.index_framework!)}
          />
        );
      }}
    </Await>
  );
}

function Calculator(props: { ctx: PageContext; engine: IndexEngine; data: IndexData }) {
  const { ctx, engine, data } = props;
  const route = ctx.route;
  const fw = engine.framework;
  const nominal = useMemo(
    () =>
      Object.fromEntries(engine.reweighter.codes.map((c, i) => [c, engine.reweighter.nominal[i]!])),
    [engine],
  );
  const changed = parseWeights(route.params.w);
  const weights = { ...nominal, ...changed };
  const [open, setOpen] = useState<Set<string>>(() => new Set());
  const result = useMemo(() => {
    const t0 = performance.now();
    const r = engine.run(weights);
    const ms = performance.now() - t0;
    performance.measure?.("reweight", { start: t0, end: t0 + ms });
    return { ...r, ms };
  }, [engine, route.params.w]);
  const baseline = useMemo(() => engine.run(nominal), [engine]);
  const top = result.scores.get(fw.top)!;
  const base = baseline.scores.get(fw.top)!;
  // How far the browser's nominal run is from the stored index (should be 0).
  const drift = Math.max(
    0,
    ...engine.units.map((u, i) => {
      const s = data.byCode.get(u)?.score;
      return s === undefined || !Number.isFinite(s) ? 0 : Math.abs(s - base[i]!);
    }),
  );
  const setWeight = (code: string, v: number) => {
    const next = { ...changed };
    if (v === nominal[code]) delete next[code];
    else next[code] = v;
    updateParams(route, { w: formatWeights(next) || undefined });
  };
  const rows: Reweighted[] = engine.units
    .map((u, i) => ({
      uCode: u,
      uName: data.byCode.get(u)?.uName ?? u,
      score: top[i]!,
      rank: result.rank[i]!,
      stored_score: base[i]!,
      stored_rank: baseline.rank[i]!,
      change: baseline.rank[i]! - result.rank[i]!,
    }))
    .sort((a, b) => (a.rank || 1e9) - (b.rank || 1e9) || a.uCode.localeCompare(b.uCode));
  const pillars = fw.children.get(fw.top) ?? [];
  const slider = (code: string, depth: number) => {
    const kids = fw.level.get(code)! > 1 ? (fw.children.get(code) ?? []) : [];
    const id = `w-${code}`;
    const isOpen = open.has(code);
    return (
      <li key={code} class={`weight depth-${depth}`}>
        <div class="weight-row">
          <label for={id}>{fw.name.get(code) ?? code}</label>
          <input
            id={id}
            type="range"
            min={0}
            max={Math.max(5, nominal[code]! * 2)}
            step={0.1}
            value={weights[code]}
            data-code={code}
            aria-label={`Weight of ${fw.name.get(code) ?? code}`}
            aria-valuetext={`${weights[code]}`}
            onInput={(e) => setWeight(code, Number((e.currentTarget as HTMLInputElement).value))}
          />
          <output for={id} class="weight-value">
            {fmt(weights[code], 1)}
          </output>
          {kids.length > 0 && (
            <button
              type="button"
              class="link"
              aria-expanded={isOpen}
              aria-controls={`${id}-kids`}
              onClick={() => {
                const n = new Set(open);
                if (isOpen) n.delete(code);
                else n.add(code);
                setOpen(n);
              }}
            >
              {isOpen ? "Hide" : "Show"} {kids.length}{" "}
              {fw.level.get(code) === 2 ? "indicator" : "component"}
              {kids.length === 1 ? "" : "s"}
            </button>
          )}
        </div>
        {kids.length > 0 && isOpen && (
          <ul id={`${id}-kids`} class="weights">
            {kids.filter((k) => k in nominal).map((k) => slider(k, depth + 1))}
          </ul>
        )}
      </li>
    );
  };
  const moved = rows.filter((r) => r.change !== 0).length;
  return (
    <div class="weights-page">
      <section class="panel" aria-labelledby="weights-title">
        <h3 id="weights-title">Weights</h3>
        <p class="description">
          Weights are relative among siblings (each aggregate is the weighted{" "}
          {String(aggregateStep(ctx.run.config).method ?? "a_amean")} of its children). The ranking
          is recomputed here with the same engine code as <code>softpower build</code>.
        </p>
        <ul class="weights">{pillars.filter((p) => p in nominal).map((p) => slider(p, 0))}</ul>
        <div class="actions">
          <button
            type="button"
            onClick={() => updateParams(route, { w: undefined })}
            disabled={Object.keys(changed).length === 0}
          >
            Reset weights
          </button>
          <span class="timing" data-testid="recompute-ms" aria-live="polite">
            Recomputed {engine.units.length} countries in {result.ms.toFixed(2)} ms; {moved} changed
            rank.
          </span>
        </div>
        {engine.notes.map((n) => (
          <p key={n} class="note">
            Note: {n}.
          </p>
        ))}
        {drift > 1e-9 && (
          <p class="note">
            With the stored weights the calculator differs from the stored index by up to{" "}
            {drift.toPrecision(3)} points.
          </p>
        )}
      </section>
      <section class="panel" aria-labelledby="reweighted-title">
        <h3 id="reweighted-title">Ranking with these weights</h3>
        <RankChange rows={rows} />
        <div class="table-scroll">
          <table data-testid="reweighted">
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Change</th>
                <th scope="col">Country</th>
                <th scope="col" class="num">
                  Score
                </th>
                <th scope="col" class="num">
                  Stored rank
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.uCode} data-iso3={r.uCode}>
                  <td class="num new-rank">{fmt(r.rank, 0)}</td>
                  <td class={`num change ${r.change > 0 ? "up" : r.change < 0 ? "down" : ""}`}>
                    {r.change > 0 ? `▲ ${r.change}` : r.change < 0 ? `▼ ${-r.change}` : "–"}
                  </td>
                  <td>
                    {r.uName} <span class="code">{r.uCode}</span>
                  </td>
                  <td class="num">{fmt(r.score)}</td>
                  <td class="num">{fmt(r.stored_rank, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ExportButtons
          id="reweighted-ranking"
          title="the reweighted ranking"
          target={() => null}
          formats={["csv"]}
          data={{
            columns: ["rank", "uCode", "uName", "score", "stored_rank", "stored_score", "change"],
            rows,
          }}
        />
      </section>
    </div>
  );
}

interface Reweighted {
  uCode: string;
  uName: string;
  score: number;
  rank: number;
  stored_score: number;
  stored_rank: number;
  change: number;
}

function RankChange(props: { rows: Reweighted[] }) {
  const shown = props.rows.slice(0, 20);
  const long = shown.flatMap((r) => [
    { uCode: r.uCode, uName: r.uName, weights: "Stored", rank: r.stored_rank, change: r.change },
    { uCode: r.uCode, uName: r.uName, weights: "Yours", rank: r.rank, change: r.change },
  ]);
  const colour = (r: { change: number }) =>
    r.change > 0 ? OKABE_ITO[0] : Number(r.change) < 0 ? OKABE_ITO[3] : "#999";
  return (
    <Chart
      id="rank-change"
      title="Top 20 with your weights, and where they stood"
      description="Left: rank with the stored weights; right: with yours. Blue rose, vermillion fell."
      data={{ columns: ["uCode", "uName", "stored_rank", "rank", "change"], rows: shown }}
      deps={[shown.map((r) => `${r.uCode}${r.rank}`).join()]}
      render={(width) =>
        Plot.plot({
          width: Math.min(width, 520),
          height: 420,
          marginLeft: 40,
          marginRight: 130,
          x: { domain: ["Stored", "Yours"], label: null, padding: 0.1 },
          y: { reverse: true, label: "Rank", grid: true },
          ariaLabel: "Ranks with stored and new weights",
          marks: [
            Plot.line(long, {
              x: "weights",
              y: "rank",
              z: "uCode",
              stroke: colour,
              strokeWidth: 1.5,
            }),
            Plot.dot(long, { x: "weights", y: "rank", fill: colour, r: 3 }),
            Plot.text(
              long.filter((d) => d.weights === "Yours"),
              {
                x: "weights",
                y: "rank",
                text: (d: { rank: number; uName: string }) => `${d.rank}. ${d.uName}`,
                dx: 8,
                textAnchor: "start",
              },
            ),
          ],
        })
      }
    />
  );
}
