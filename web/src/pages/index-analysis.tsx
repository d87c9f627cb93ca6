/**
 * The index analysis on the methodology page (issue 16): the framework as a tree with each
 * element's effective weight, the leave-one-out impact of every indicator and pillar (mean
 * absolute rank change when its weight is set to zero, COINr remove_elements) and the pairs of
 * indicators flagged as collinear within a pillar (COINr get_corr_flags).
 */
import * as Plot from "@observablehq/plot";
import { type Row, rowsOf, type Table } from "../api.ts";
import { Chart } from "../chart.tsx";
import { type PageContext, TablesPage } from "../components.tsx";
import { fmt, num } from "../format.ts";
import { OKABE_ITO } from "../palette.ts";

const OPTIONAL = [
  "index_analysis_effective_weights",
  "index_remove_elements",
  "index_corr_flags",
] as const;

export function IndexAnalysis(props: { ctx: PageContext }) {
  const { ctx } = props;
  if (!OPTIONAL.some((t) => ctx.run.tables.includes(t))) return null;
  return (
    <TablesPage
      ctx={ctx}
      required={[]}
      optional={OPTIONAL}
      what="index analysis"
      loading="the index analysis"
      body={(t) => (
        <>
          {t.index_analysis_effective_weights && (
            <FrameworkTree weights={t.index_analysis_effective_weights} />
          )}
          {t.index_remove_elements && <LeaveOneOut table={t.index_remove_elements} />}
          {t.index_corr_flags && <CorrFlags table={t.index_corr_flags} />}
        </>
      )}
    />
  );
}

/**
 * Root-to-node paths of the framework for Plot.tree, each segment "code weight%" (the node's
 * effective weight), so the default node labels carry the weights.
 */
export function frameworkPaths(weights: Table): Row[] {
  const rows = rowsOf(weights);
  const byCode = new Map(rows.map((r) => [String(r.iCode), r]));
  const seg = (r: Row) =>
    `${String(r.iCode)} ${(100 * num(r.EffWeight)).toFixed(1)}%`.replaceAll("/", "∕");
  const path = (r: Row): string => {
    const p = byCode.get(String(r.Parent));
    return p ? `${path(p)}/${seg(r)}` : seg(r);
  };
  return rows.map((r) => ({
    iCode: String(r.iCode),
    level: num(r.Level),
    path: path(r),
    eff: num(r.EffWeight),
  }));
}

function FrameworkTree(props: { weights: Table }) {
  const paths = frameworkPaths(props.weights);
  const leaves = paths.filter((p) => p.level === 1).length;
  return (
    <Chart
      id="framework-tree"
      title="The framework and its effective weights"
      description="Each element with its effective weight: its share of the index once the weights of every level above it are applied (COINr get_eff_weights)."
      data={{ columns: ["iCode", "level", "path", "eff"], rows: paths }}
      deps={[paths.length]}
      render={(width) =>
        Plot.plot({
          width,
          height: Math.max(200, leaves * 16),
          axis: null,
          margin: 10,
          marginLeft: 80,
          marginRight: 170,
          ariaLabel: "Framework tree with effective weights",
          marks: [Plot.tree(paths, { path: "path", delimiter: "/", textStroke: "white" })],
        })
      }
    />
  );
}

function LeaveOneOut(props: { table: Table }) {
  const rows = rowsOf(props.table).map((r) => ({
    level: `Level ${num(r.level)}`,
    element: String(r.element),
    change: num(r.mean_abs_rank_change),
  }));
  const levels = [...new Set(rows.map((r) => r.level))];
  const top = [...rows].sort((a, b) => b.change - a.change).slice(0, 40);
  return (
    <Chart
      id="leave-one-out"
      title="What moves the ranks most if it is left out"
      description="Mean absolute rank change of the index when each element's weight is set to zero and the index rebuilt (COINr remove_elements); the 40 largest."
      data={{ columns: props.table.columns, rows: rowsOf(props.table) }}
      deps={[rows.length]}
      render={(width) =>
        Plot.plot({
          width,
          height: 40 + top.length * 16,
          marginLeft: 160,
          x: { label: "Mean |rank change|", grid: true },
          y: { domain: top.map((r) => r.element), label: null },
          color: { domain: levels, range: [...OKABE_ITO], legend: true },
          ariaLabel: "Leave-one-out impact on the ranks",
          marks: [
            Plot.barX(top, {
              y: "element",
              x: "change",
              fill: "level",
              title: (d: Row) => `${d.element}: ${fmt(d.change, 2)}`,
            }),
          ],
        })
      }
    />
  );
}

function CorrFlags(props: { table: Table }) {
  const rows = rowsOf(props.table);
  return (
    <section class="panel" aria-labelledby="corr-flags-title">
      <h3 id="corr-flags-title">Collinear indicators</h3>
      <p class="description">
        Pairs of indicators in the same pillar whose correlation exceeds 0.9 on the normalised data
        (COINr get_corr_flags): possible double counting.
      </p>
      {rows.length === 0 ? (
        <p class="note" data-testid="no-corr-flags">
          No pair of indicators within a pillar correlates above 0.9.
        </p>
      ) : (
        <table data-testid="corr-flags">
          <thead>
            <tr>
              <th scope="col">Pillar</th>
              <th scope="col">Indicator</th>
              <th scope="col">Indicator</th>
              <th scope="col" class="num">
                Correlation
              </th>
              <th scope="col" class="num">
                p-value
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.ind1}-${r.ind2}`}>
                <td>{String(r.group)}</td>
                <td>{String(r.ind1)}</td>
                <td>{String(r.ind2)}</td>
                <td class="num">{fmt(r.corr, 3)}</td>
                <td class="num">{num(r.p_value) < 1e-4 ? "< 0.0001" : fmt(r.p_value, 4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
