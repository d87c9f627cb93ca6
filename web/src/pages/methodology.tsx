/**
 * Methodology: the pipeline and every parameter from the run's config, the Sobol sensitivity
 * indices or the rank uncertainty, data sources with their SHA-256, timings, and the run history
 * with a diff between two runs.
 */
import * as Plot from "@observablehq/plot";
import { api, type Row, type RunInfo, rowsOf } from "../api.ts";
import { Chart } from "../chart.tsx";
import { Await, type PageContext, Select } from "../components.tsx";
import { fmt, num } from "../format.ts";
import { useAsync } from "../hooks.ts";
import { OKABE_ITO } from "../palette.ts";
import { updateParams } from "../route.ts";
import { IndexAnalysis } from "./index-analysis.tsx";

export function MethodologyPage(props: { ctx: PageContext }) {
  const { ctx } = props;
  const cfg = ctx.run.config;
  const index = cfg.index as
    | { pipeline?: Record<string, unknown>; uncertainty?: unknown }
    | undefined;
  return (
    <div class="methodology">
      <section class="panel" aria-labelledby="study-title">
        <h3 id="study-title">The study</h3>
        <dl class="facts">
          <dt>Name</dt>
          <dd>{String(cfg.name ?? ctx.run.study)}</dd>
          {typeof cfg.description === "string" && (
            <>
              <dt>Description</dt>
              <dd>{cfg.description}</dd>
            </>
          )}
          <dt>Data</dt>
          <dd>
            {ctx.run.synthetic
              ? "Synthetic (made by the project's seeded generator)"
              : "As supplied by the study"}
          </dd>
          {Array.isArray(cfg.targets) && (
            <>
              <dt>Targets</dt>
              <dd>{cfg.targets.join(", ")}</dd>
            </>
          )}
          {Array.isArray(cfg.audiences) && (
            <>
              <dt>Audiences</dt>
              <dd>{cfg.audiences.join(", ")}</dd>
            </>
          )}
          {cfg.seed !== undefined && (
            <>
              <dt>Seed</dt>
              <dd>{String(cfg.seed)}</dd>
            </>
          )}
          <dt>Engines run</dt>
          <dd>
            {["survey", "drivers", "media", "index"]
              .filter((k) => cfg[k] !== undefined)
              .join(", ") || "none"}
          </dd>
        </dl>
      </section>
      {index?.pipeline && (
        <section class="panel" aria-labelledby="pipeline-title">
          <h3 id="pipeline-title">Index pipeline</h3>
          <ol class="pipeline" data-testid="pipeline">
            {Object.entries(index.pipeline).map(([step, params]) => (
              <li key={step}>
                <strong>{step}</strong> <Params value={params} />
              </li>
            ))}
          </ol>
          {index.uncertainty !== undefined && (
            <>
              <h4>Uncertainty analysis</h4>
              <Params value={index.uncertainty} />
            </>
          )}
        </section>
      )}
      <Sensitivity ctx={ctx} />
      <IndexAnalysis ctx={ctx} />
      <section class="panel" aria-labelledby="sources-title">
        <h3 id="sources-title">Data sources</h3>
        <table data-testid="inputs">
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col">File</th>
              <th scope="col" class="num">
                Rows
              </th>
              <th scope="col">SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {ctx.run.inputs.map((i) => (
              <tr key={`${i.role}-${i.path}`}>
                <td>{i.role}</td>
                <td title={i.path}>{i.path.split(/[\\/]/).slice(-2).join("/")}</td>
                <td class="num">{i.rows ?? "—"}</td>
                <td>
                  <code class="hash">{i.sha256}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <h4>Timings</h4>
        <p>
          {Object.entries(ctx.run.timings)
            .map(([k, v]) => `${k.replace(/_ms$/, "")} ${fmt(v, 0)} ms`)
            .join(" · ")}
          . softpower {ctx.run.version}
          {ctx.run.node ? `, Node ${ctx.run.node}` : ""}.
        </p>
        <details>
          <summary>The whole study configuration of this run</summary>
          <pre class="config">{JSON.stringify(cfg, null, 2)}</pre>
        </details>
      </section>
      <History ctx={ctx} />
    </div>
  );
}

/** Parameters as compact `key: value` text. */
function Params(props: { value: unknown }) {
  const v = props.value;
  if (v === null || typeof v !== "object") return <code>{JSON.stringify(v)}</code>;
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return <span class="note">(defaults)</span>;
  return (
    <ul class="params">
      {entries.map(([k, x]) => (
        <li key={k}>
          <code>{k}</code>:{" "}
          {x !== null && typeof x === "object" && !Array.isArray(x) ? (
            <Params value={x} />
          ) : (
            <code>{JSON.stringify(x)}</code>
          )}
        </li>
      ))}
    </ul>
  );
}

function Sensitivity(props: { ctx: PageContext }) {
  const { ctx } = props;
  const has = (t: string) => ctx.run.tables.includes(t);
  const name = has("index_sensitivity")
    ? "index_sensitivity"
    : has("index_uncertainty")
      ? "index_uncertainty"
      : null;
  const state = useAsync(
    async () => (name ? api.table(ctx.study.id, ctx.run.id, name) : null),
    [ctx.run.id, name],
  );
  if (!name)
    return (
      <section class="panel">
        <h3>Uncertainty and sensitivity</h3>
        <p class="note" data-testid="no-sensitivity">
          This run has no uncertainty or sensitivity analysis (add <code>index.uncertainty</code> to
          study.yaml).
        </p>
      </section>
    );
  return (
    <Await state={state} what="the uncertainty analysis">
      {(t) => {
        // A panel's analysis has a Time column: show its latest year.
        const all = rowsOf(t!);
        const latest = t!.columns.includes("Time")
          ? Math.max(...all.map((r) => num(r.Time)))
          : undefined;
        const rows = latest === undefined ? all : all.filter((r) => num(r.Time) === latest);
        if (name === "index_sensitivity") {
          const long = rows.flatMap((r) => [
            { factor: r.factor, index: "First order (Si)", value: r.Si, lo: r.Si_lo, hi: r.Si_hi },
            { factor: r.factor, index: "Total (STi)", value: r.STi, lo: r.STi_lo, hi: r.STi_hi },
          ]);
          return (
            <Chart
              id="sobol"
              title="Sobol sensitivity of the ranks"
              description="Share of the variance of the ranks due to each uncertain assumption, alone (first order) and with its interactions (total), with bootstrap intervals."
              data={{ columns: t!.columns, rows }}
              deps={[rows.length]}
              render={(width) =>
                Plot.plot({
                  width,
                  height: 80 + rows.length * 60,
                  marginLeft: 130,
                  x: { label: "Sensitivity index", domain: [0, 1], grid: true },
                  y: { label: null, axis: null },
                  color: {
                    domain: ["First order (Si)", "Total (STi)"],
                    range: [OKABE_ITO[0], OKABE_ITO[1]],
                    legend: true,
                  },
                  ariaLabel: "Sobol sensitivity indices",
                  fy: { label: null, axis: "left" },
                  marks: [
                    Plot.barX(long, { x: "value", y: "index", fy: "factor", fill: "index" }),
                    Plot.ruleY(long, {
                      y: "index",
                      fy: "factor",
                      x1: "lo",
                      x2: "hi",
                      stroke: "#333",
                      strokeWidth: 1.5,
                    }),
                  ],
                })
              }
            />
          );
        }
        const ranked = rows
          .filter((r) => Number.isFinite(num(r.nominal_rank)))
          .sort((a, b) => num(a.nominal_rank) - num(b.nominal_rank));
        const shown = ranked.slice(0, 60);
        return (
          <Chart
            id="rank-uncertainty"
            title={`Rank uncertainty${ranked.length > shown.length ? ` (top ${shown.length} of ${ranked.length})` : ""}`}
            description="For each country: the rank with the study's weights (dot), the median over the Monte Carlo runs (tick) and the 5–95% interval (line)."
            data={{ columns: t!.columns, rows }}
            deps={[rows.length]}
            render={(width) =>
              Plot.plot({
                width,
                height: 40 + shown.length * 14,
                marginLeft: 50,
                x: { label: "Rank", grid: true },
                y: { domain: shown.map((r) => String(r.uCode)), label: null },
                ariaLabel: "Rank intervals from the uncertainty analysis",
                marks: [
                  Plot.ruleY(shown, {
                    y: "uCode",
                    x1: "q05_rank",
                    x2: "q95_rank",
                    stroke: OKABE_ITO[0],
                    strokeWidth: 3,
                  }),
                  Plot.tickX(shown, {
                    y: "uCode",
                    x: "median_rank",
                    stroke: OKABE_ITO[1],
                    strokeWidth: 2,
                  }),
                  Plot.dot(shown, { y: "uCode", x: "nominal_rank", fill: OKABE_ITO[3], r: 3 }),
                ],
              })
            }
          />
        );
      }}
    </Await>
  );
}

function History(props: { ctx: PageContext }) {
  const { ctx } = props;
  const runs = useAsync(() => api.runs(ctx.study.id), [ctx.study.id]);
  return (
    <section class="panel" aria-labelledby="history-title">
      <h3 id="history-title">Run history</h3>
      <Await state={runs} what="the runs">
        {(list) => {
          const others = list.filter((r) => r.id !== ctx.run.id);
          const against = others.find((r) => r.id === ctx.route.params.diff) ?? others[0];
          return (
            <>
              <table data-testid="runs">
                <thead>
                  <tr>
                    <th scope="col">Run</th>
                    <th scope="col">Started</th>
                    <th scope="col">Version</th>
                    <th scope="col" class="num">
                      Tables
                    </th>
                    <th scope="col" class="num">
                      Rows
                    </th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((r) => (
                    <tr key={r.id} class={r.id === ctx.run.id ? "selected" : undefined}>
                      <td>
                        <code>{r.id}</code>
                        {r.id === ctx.run.id ? " (shown)" : ""}
                      </td>
                      <td>{r.startedAt}</td>
                      <td>{r.version ?? ""}</td>
                      <td class="num">{r.tables ?? ""}</td>
                      <td class="num">{r.rows ?? ""}</td>
                      <td>{r.status ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {against ? (
                <>
                  <Select
                    id="diff-run"
                    label="Compare with run"
                    value={against.id}
                    options={others.map((r) => r.id)}
                    onChange={(v) => updateParams(ctx.route, { diff: v })}
                  />
                  <RunDiff ctx={ctx} other={against.id} />
                </>
              ) : (
                <p class="note">
                  This is the study's only run: there is nothing to compare it with.
                </p>
              )}
            </>
          );
        }}
      </Await>
    </section>
  );
}

function RunDiff(props: { ctx: PageContext; other: string }) {
  const { ctx, other } = props;
  const state = useAsync(async () => {
    const info: RunInfo = await api.run(ctx.study.id, other);
    const both = info.tables.includes("index_scores") && ctx.run.tables.includes("index_scores");
    const [a, b] = both
      ? await Promise.all([
          api.table(ctx.study.id, other, "index_scores"),
          api.table(ctx.study.id, ctx.run.id, "index_scores"),
        ])
      : [null, null];
    return { info, a, b };
  }, [ctx.run.id, other]);
  return (
    <Await state={state} what="the other run">
      {({ info, a, b }) => {
        const before = new Map(info.inputs.map((i) => [i.role, i.sha256]));
        const changedInputs = ctx.run.inputs
          .filter((i) => before.get(i.role) !== i.sha256)
          .map((i) => i.role);
        const added = ctx.run.tables.filter((t) => !info.tables.includes(t));
        const removed = info.tables.filter((t) => !ctx.run.tables.includes(t));
        const configSame = JSON.stringify(info.config) === JSON.stringify(ctx.run.config);
        let moves: Row[] = [];
        if (a && b) {
          const old = new Map(rowsOf(a).map((r) => [String(r.uCode), r]));
          moves = rowsOf(b)
            .map((r) => {
              const o = old.get(String(r.uCode));
              return {
                uCode: r.uCode ?? null,
                uName: r.uName ?? null,
                rank: r.rank ?? null,
                was: o?.rank ?? null,
                move: o ? num(o.rank) - num(r.rank) : null,
                score: r.score ?? null,
                was_score: o?.score ?? null,
              };
            })
            .filter((r) => r.move !== 0)
            .sort((x, y) => Math.abs(num(y.move)) - Math.abs(num(x.move)));
        }
        return (
          <div class="diff" data-testid="run-diff">
            <ul>
              <li>
                Configuration:{" "}
                {configSame ? "the same" : "changed (see the configuration above for this run)"}.
              </li>
              <li>
                Inputs whose SHA-256 changed:{" "}
                {changedInputs.length ? changedInputs.join(", ") : "none"}.
              </li>
              <li>
                Tables added: {added.join(", ") || "none"}; removed: {removed.join(", ") || "none"}.
              </li>
              {a && b && <li>Countries whose index rank moved: {moves.length}.</li>}
            </ul>
            {moves.length > 0 && (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Country</th>
                    <th scope="col" class="num">
                      Rank then
                    </th>
                    <th scope="col" class="num">
                      Rank now
                    </th>
                    <th scope="col" class="num">
                      Score then → now
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {moves.slice(0, 15).map((m) => (
                    <tr key={String(m.uCode)}>
                      <td>{String(m.uName ?? m.uCode)}</td>
                      <td class="num">{fmt(m.was, 0)}</td>
                      <td class="num">{fmt(m.rank, 0)}</td>
                      <td class="num">
                        {fmt(m.was_score)} → {fmt(m.score)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        );
      }}
    </Await>
  );
}
