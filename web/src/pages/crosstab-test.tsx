/**
 * The head-to-head page's "test" panel: the Rao-Scott test of independence (R svychisq, F) of a
 * chosen rating by a chosen segment, in one audience or over all respondents, and its column %
 * table, as the build stored them (tables survey_crosstab_tests and survey_crosstab).
 */
import { type Row, rowsOf } from "../api.ts";
import { Await, type PageContext, Select, useTables } from "../components.tsx";
import { countryName } from "../countries.ts";
import { distinct, fmt, num } from "../format.ts";
import { updateParams } from "../route.ts";

const TABLES = ["survey_crosstab_tests", "survey_crosstab"] as const;

/** The panel, or nothing when the run has no crosstab tests (older runs, crosstab: false). */
export function CrosstabTestPanel(props: { ctx: PageContext; wave: string }) {
  if (!TABLES.every((t) => props.ctx.run.tables.includes(t))) return null;
  return <Loaded ctx={props.ctx} wave={props.wave} />;
}

function Loaded(props: { ctx: PageContext; wave: string }) {
  const state = useTables(props.ctx, TABLES);
  return (
    <Await state={state} what="the crosstab tests">
      {(t) => (
        <Panel
          ctx={props.ctx}
          wave={props.wave}
          tests={rowsOf(t.survey_crosstab_tests!)}
          cells={rowsOf(t.survey_crosstab!)}
        />
      )}
    </Await>
  );
}

const audienceOf = (r: Row) => String(r.audience_iso3 ?? r.audience ?? "");
const audienceLabel = (a: string) => (a === "Total" ? "All respondents" : countryName(a));

function Panel(props: { ctx: PageContext; wave: string; tests: Row[]; cells: Row[] }) {
  const route = props.ctx.route;
  const p = route.params;
  const waves = distinct(props.tests.map((r) => String(r.wave ?? "")));
  const wave = waves.includes(props.wave) ? props.wave : (waves.at(-1) ?? "");
  const inWave = props.tests.filter((r) => String(r.wave ?? "") === wave);
  const ratings = distinct(inWave.map((r) => String(r.column)));
  const rating = ratings.includes(p.xrating ?? "") ? p.xrating! : ratings[0]!;
  const segments = distinct(inWave.map((r) => String(r.segment)));
  const segment = segments.includes(p.xseg ?? "") ? p.xseg! : segments[0]!;
  const audiences = distinct(inWave.map(audienceOf));
  const audience = audiences.includes(p.xaud ?? "") ? p.xaud! : audiences[0]!;
  const set = (k: string, v: string) => updateParams(route, { [k]: v });
  const test = inWave.find(
    (r) => r.column === rating && r.segment === segment && audienceOf(r) === audience,
  );
  const cells = props.cells.filter(
    (r) =>
      String(r.wave ?? "") === wave &&
      r.column === rating &&
      r.segment === segment &&
      audienceOf(r) === audience,
  );
  const rowLevels = distinct(cells.map((r) => String(r.row)));
  const colLevels = distinct(cells.map((r) => String(r.col)));
  const at = new Map(cells.map((r) => [`${r.row}|${r.col}`, r]));
  const first = inWave.find((r) => r.column === rating);
  return (
    <section class="panel" aria-labelledby="xtab-title" data-testid="xtab-panel">
      <h3 id="xtab-title">Test: is the rating independent of the segment?</h3>
      <p class="description">
        Rao-Scott design-based test of independence (R <code>svychisq</code>, second-order F) of a
        rating by a segment, and the column % table with 95% intervals, computed at build time.
      </p>
      <div class="controls">
        <Select
          id="xtab-rating"
          label="Rating"
          value={rating}
          options={ratings.map((c) => {
            const r = inWave.find((x) => x.column === c)!;
            return { value: c, label: `${r.target} ${r.attribute} (${c})` };
          })}
          onChange={(v) => set("xrating", v)}
        />
        <Select
          id="xtab-segment"
          label="By segment"
          value={segment}
          options={segments}
          onChange={(v) => set("xseg", v)}
        />
        <Select
          id="xtab-audience"
          label="Audience"
          value={audience}
          options={audiences.map((a) => ({ value: a, label: audienceLabel(a) }))}
          onChange={(v) => set("xaud", v)}
        />
      </div>
      {test && (
        <p
          class="xtab-result"
          data-testid="xtab-test"
          data-statistic={String(test.statistic)}
          data-ndf={String(test.ndf)}
          data-ddf={String(test.ddf)}
          data-p={String(test.p_value)}
        >
          {test.statistic === null ? (
            <>Not tested: {String(test.note)}</>
          ) : (
            <>
              {String(first?.target ?? "")} {String(first?.attribute ?? "")} by {segment} in{" "}
              {audienceLabel(audience)}: F = {fmt(test.statistic, 3)} on {fmt(test.ndf, 2)} and{" "}
              {fmt(test.ddf, 1)} df, p = {fmt(test.p_value, 4)} (n = {String(test.n)})
              {num(test.p_value) < 0.05 ? ": the rating differs by segment at 95%." : "."}
            </>
          )}
        </p>
      )}
      <table class="leads" data-testid="xtab-cells">
        <thead>
          <tr>
            <th scope="col">Answer</th>
            {colLevels.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rowLevels.map((rl) => (
            <tr key={rl}>
              <th scope="row">{rl}</th>
              {colLevels.map((c) => {
                const r = at.get(`${rl}|${c}`);
                return (
                  <td key={c} data-col-prop={r ? String(r.col_prop) : ""}>
                    {r ? `${fmt(num(r.col_prop) * 100, 1)}%` : "—"}
                    {r && (
                      <span class="ci">
                        {" "}
                        [{fmt(num(r.ci_low) * 100, 1)}, {fmt(num(r.ci_high) * 100, 1)}]
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
