/**
 * Drivers: each attribute's importance for a target's favourability (relative importance, e.g.
 * LMG's share of R²) with bootstrap intervals, by wave; and the wave comparison.
 */
import * as Plot from "@observablehq/plot";
import { type Row, rowsOf, type Table } from "../api.ts";
import { Chart } from "../chart.tsx";
import { type PageContext, Select, TablesPage } from "../components.tsx";
import { countryName } from "../countries.ts";
import { distinct, fmt, num } from "../format.ts";
import { OKABE_ITO } from "../palette.ts";
import { updateParams } from "../route.ts";

const TABLES = ["drivers_importance"] as const;
const OPTIONAL = ["drivers_diff", "drivers_fit", "tech_attribution"] as const;

export function DriversPage(props: { ctx: PageContext }) {
  const { ctx } = props;
  return (
    <TablesPage
      ctx={ctx}
      required={TABLES}
      optional={OPTIONAL}
      what="key-driver analysis"
      loading="the driver analysis"
      body={(t) => <DriversBody ctx={ctx} tables={t} />}
    />
  );
}

function DriversBody(props: { ctx: PageContext; tables: Record<string, Table> }) {
  const { ctx, tables } = props;
  const route = ctx.route;
  const all = rowsOf(tables.drivers_importance!);
  const analyses = distinct(all.map((r) => String(r.analysis)));
  const analysis = analyses.includes(route.params.analysis ?? "")
    ? route.params.analysis!
    : analyses[0]!;
  const ofAnalysis = all.filter((r) => r.analysis === analysis);
  const methods = distinct(ofAnalysis.map((r) => String(r.method)));
  const method = methods.includes(route.params.method ?? "") ? route.params.method! : methods[0]!;
  const rows = ofAnalysis.filter((r) => r.method === method);
  const target = String(rows[0]?.target ?? "");
  const groups = distinct(rows.map((r) => String(r.group ?? "all")));
  const by = rows[0]?.by ? String(rows[0].by) : "";
  // Predictors ordered by their importance in the last group (e.g. the latest wave).
  const last = rows.filter((r) => String(r.group ?? "all") === groups.at(-1));
  const predictors = distinct(
    [...last].sort((x, y) => num(y.value) - num(x.value)).map((r) => String(r.predictor)),
  );
  const fit = tables.drivers_fit
    ? rowsOf(tables.drivers_fit).filter((r) => r.analysis === analysis)
    : [];
  const diff = tables.drivers_diff
    ? rowsOf(tables.drivers_diff).filter((r) => r.analysis === analysis && r.method === method)
    : [];
  const attribution = tables.tech_attribution
    ? rowsOf(tables.tech_attribution).filter((r) => r.analysis === analysis)
    : [];
  const offset = (k: number) => (k - (groups.length - 1) / 2) * 7;
  const colour = (g: string) => OKABE_ITO[groups.indexOf(g) % OKABE_ITO.length]!;
  return (
    <div class="drivers">
      <section class="panel controls" aria-label="Filters">
        <Select
          id="drivers-analysis"
          label="Analysis"
          value={analysis}
          options={analyses.map((a) => {
            const t = all.find((r) => r.analysis === a)?.target;
            return { value: a, label: `${a}${t ? ` (target ${countryName(String(t))})` : ""}` };
          })}
          onChange={(v) => updateParams(route, { analysis: v })}
        />
        {methods.length > 1 && (
          <Select
            id="drivers-method"
            label="Method"
            value={method}
            options={methods}
            onChange={(v) => updateParams(route, { method: v })}
          />
        )}
      </section>
      {fit.length > 0 && (
        <p class="note">
          R² of the full model:{" "}
          {fit
            .map((f) => `${by ? `${by} ${f.group}` : "all"} ${fmt(f.r2, 3)} (n = ${f.rows_used})`)
            .join("; ")}
          .
        </p>
      )}
      <Chart
        id={`drivers-${analysis}-${method}`}
        title={`What drives favourability of ${countryName(target)} (${method})`}
        description={`Each predictor's share of explained variance (R² contribution) with its 95% bootstrap interval${groups.length > 1 ? `, by ${by || "group"}` : ""}.`}
        data={{
          columns: [
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
            "rank",
            "r2",
          ],
          rows,
        }}
        deps={[analysis, method]}
        render={(width) =>
          Plot.plot({
            width,
            height: 60 + predictors.length * 30,
            marginLeft: 150,
            x: { label: "Importance (R² contribution)", grid: true },
            y: { domain: predictors, label: null },
            color: {
              domain: groups.map((g) => `${by || "group"} ${g}`),
              range: groups.map(colour),
              legend: groups.length > 1,
            },
            ariaLabel: `Driver importance for ${target} with 95% intervals`,
            marks: [Plot.ruleX([0], { stroke: "#999" })].concat(
              groups.flatMap((g, k) => {
                const rs = rows.filter((r) => String(r.group ?? "all") === g);
                return [
                  Plot.ruleY(rs, {
                    y: "predictor",
                    x1: "ci_low",
                    x2: "ci_high",
                    stroke: colour(g),
                    strokeWidth: 2,
                    dy: offset(k),
                  }),
                  Plot.dot(rs, {
                    y: "predictor",
                    x: "value",
                    fill: colour(g),
                    r: 4.5,
                    dy: offset(k),
                    title: (r: Row) =>
                      `${r.predictor}, ${by} ${g}: ${fmt(r.value, 3)} [${fmt(r.ci_low, 3)}, ${fmt(r.ci_high, 3)}], share ${fmt(num(r.share) * 100, 1)}%`,
                  }),
                ];
              }),
            ),
          })
        }
      />
      {diff.length > 0 && <WaveComparison diff={diff} by={by} predictors={predictors} />}
      {attribution.length > 0 && (
        <section class="panel" aria-labelledby="attr-title">
          <h3 id="attr-title">Share of explained favourability carried by company groups</h3>
          <table data-testid="attribution">
            <thead>
              <tr>
                <th scope="col">Company group</th>
                <th scope="col">{by || "Subset"}</th>
                <th scope="col" class="num">
                  Share (95% interval)
                </th>
              </tr>
            </thead>
            <tbody>
              {attribution.map((r) => (
                <tr key={`${r.group}-${r.companies}`}>
                  <td>{String(r.companies)}</td>
                  <td>{String(r.group)}</td>
                  <td class="num">
                    {fmt(num(r.share) * 100)}% ({fmt(num(r.share_low) * 100)}–
                    {fmt(num(r.share_high) * 100)}%)
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

function WaveComparison(props: { diff: Row[]; by: string; predictors: string[] }) {
  const { diff, by } = props;
  const pairs = distinct(diff.map((r) => `${r.by_a}|${r.by_b}`));
  const [a, b] = (pairs[0] ?? "|").split("|");
  const rows: Row[] = diff.map((r) => ({
    ...r,
    significant: num(r.ci_low) > 0 || num(r.ci_high) < 0,
  }));
  const domain = distinct([...props.predictors, ...rows.map((r) => String(r.predictor))]);
  return (
    <Chart
      id="drivers-wave-diff"
      title={`Wave comparison: importance in ${by} ${a} minus ${by} ${b}`}
      description="Differences with 95% bootstrap intervals; filled dots: the interval excludes 0."
      data={{
        columns: [
          "analysis",
          "target",
          "by",
          "by_a",
          "by_b",
          "predictor",
          "method",
          "diff",
          "ci_low",
          "ci_high",
          "significant",
        ],
        rows,
      }}
      deps={[diff]}
      render={(width) =>
        Plot.plot({
          width,
          height: 60 + domain.length * 26,
          marginLeft: 150,
          x: { label: `Importance in ${by} ${a} − ${by} ${b}`, grid: true },
          y: { domain, label: null },
          ariaLabel: "Differences in driver importance between waves",
          marks: [
            Plot.ruleX([0], { stroke: "#666" }),
            Plot.ruleY(rows, {
              y: "predictor",
              x1: "ci_low",
              x2: "ci_high",
              stroke: OKABE_ITO[2],
              strokeWidth: 2,
            }),
            Plot.dot(rows, {
              y: "predictor",
              x: "diff",
              r: 4.5,
              stroke: OKABE_ITO[2],
              fill: (r: Row) => (r.significant ? OKABE_ITO[2] : "white"),
            }),
          ],
        })
      }
    />
  );
}
