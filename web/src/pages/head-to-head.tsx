/**
 * Head-to-head: for two targets rated by the same respondents, the audience × attribute matrix
 * of differences (A minus B) with 95% intervals, who leads and whether the lead is significant;
 * filters for wave and segment (age band and the others the study defines).
 */
import * as Plot from "@observablehq/plot";
import { type Row, rowsOf } from "../api.ts";
import { Chart, ExportButtons } from "../chart.tsx";
import {
  Await,
  Missing,
  missingTables,
  type PageContext,
  Select,
  useTables,
} from "../components.tsx";
import { countryName } from "../countries.ts";
import { distinct, fmt, num, truthy } from "../format.ts";
import { A_AHEAD, B_AHEAD, DIVERGING } from "../palette.ts";
import { updateParams } from "../route.ts";
import { CrosstabTestPanel } from "./crosstab-test.tsx";

const TABLES = ["survey_head_to_head"] as const;

export function HeadToHeadPage(props: { ctx: PageContext }) {
  const missing = missingTables(props.ctx.run, TABLES);
  if (missing.length) return <Missing what="survey head-to-head comparisons" tables={missing} />;
  return <HeadToHead ctx={props.ctx} />;
}

function HeadToHead(props: { ctx: PageContext }) {
  const state = useTables(props.ctx, TABLES);
  return (
    <Await state={state} what="the head-to-head comparisons">
      {(t) => <Matrix ctx={props.ctx} rows={rowsOf(t.survey_head_to_head!)} />}
    </Await>
  );
}

/** "age_band=18-29" → "age band: 18-29"; "all" → "All respondents". */
function segmentLabel(s: string): string {
  if (s === "all") return "All respondents";
  const i = s.indexOf("=");
  return i < 0 ? s : `${s.slice(0, i).replaceAll("_", " ")}: ${s.slice(i + 1)}`;
}

function Matrix(props: { ctx: PageContext; rows: Row[] }) {
  const { ctx, rows } = props;
  const route = ctx.route;
  const p = route.params;
  const pairs = distinct(rows.map((r) => `${r.target_a} vs ${r.target_b}`));
  const pair = pairs.includes(p.pair ?? "") ? p.pair! : pairs[0]!;
  const [a, b] = pair.split(" vs ") as [string, string];
  const ofPair = rows.filter((r) => r.target_a === a && r.target_b === b);
  const waves = distinct(ofPair.map((r) => String(r.wave ?? "")));
  const wave = waves.includes(p.wave ?? "") ? p.wave! : waves.at(-1)!;
  const segments = distinct(ofPair.map((r) => String(r.segment ?? "all")));
  const segment = segments.includes(p.segment ?? "")
    ? p.segment!
    : segments.includes("all")
      ? "all"
      : segments[0]!;
  const cells = ofPair.filter(
    (r) => String(r.wave ?? "") === wave && String(r.segment ?? "all") === segment,
  );
  const audiences = distinct(cells.map((r) => String(r.audience_iso3 ?? r.audience)));
  const attributes = distinct(cells.map((r) => String(r.attribute)));
  const attribute = attributes.includes(p.attr ?? "") ? p.attr! : attributes[0]!;
  const at = new Map(cells.map((r) => [`${r.audience_iso3 ?? r.audience}|${r.attribute}`, r]));
  const maxAbs = Math.max(1e-9, ...cells.map((r) => Math.abs(num(r.diff))).filter(Number.isFinite));
  const colour = Plot.scale({
    color: {
      type: "diverging",
      scheme: DIVERGING,
      domain: [-maxAbs, maxAbs],
      pivot: 0,
      reverse: true,
    },
  });
  const name = (t: string) => countryName(t);
  const label = (r: Row) => {
    const lead = r.leader ? `${name(String(r.leader))} leads` : "no leader";
    return `${countryName(String(r.audience_iso3 ?? r.audience))}, ${r.attribute}: ${name(a)} minus ${name(b)} ${fmt(r.diff, 2)} (95% CI ${fmt(r.ci_low, 2)} to ${fmt(r.ci_high, 2)}); ${lead}${truthy(r.significant) ? ", significant" : ", not significant"}`;
  };
  const set = (k: string, v: string) => updateParams(route, { [k]: v });
  const summary = attributes.map((attr) => {
    const rs = cells.filter((r) => r.attribute === attr);
    return {
      attribute: attr,
      a_sig: rs.filter((r) => truthy(r.significant) && r.leader === a).length,
      a: rs.filter((r) => r.leader === a).length,
      b_sig: rs.filter((r) => truthy(r.significant) && r.leader === b).length,
      b: rs.filter((r) => r.leader === b).length,
      n: rs.length,
    };
  });
  const forest = cells.filter((r) => r.attribute === attribute);
  return (
    <div class="h2h">
      <section class="panel controls" aria-label="Filters">
        <Select
          id="h2h-pair"
          label="Targets (A vs B)"
          value={pair}
          options={pairs}
          onChange={(v) => set("pair", v)}
        />
        <Select
          id="h2h-wave"
          label="Wave"
          value={wave}
          options={waves}
          onChange={(v) => set("wave", v)}
        />
        <Select
          id="h2h-segment"
          label="Segment"
          value={segment}
          options={segments.map((s) => ({ value: s, label: segmentLabel(s) }))}
          onChange={(v) => set("segment", v)}
        />
      </section>
      <section class="panel" aria-labelledby="matrix-title">
        <h3 id="matrix-title">
          {name(a)} minus {name(b)}: wave {wave}, {segmentLabel(segment).toLowerCase()}
        </h3>
        <p class="description">
          Each cell: the difference in mean rating (A minus B, same respondents) with its 95%
          interval. Purple: {name(a)} rated higher; orange: {name(b)} higher. <strong>★</strong>{" "}
          marks a lead significant at 95%; faded cells are not significant.
        </p>
        <div class="table-wide">
          <table
            class="matrix"
            data-testid="h2h-matrix"
            data-target-a={a}
            data-target-b={b}
            data-wave={wave}
            data-segment={segment}
          >
            <thead>
              <tr>
                <th scope="col">Audience</th>
                {attributes.map((attr) => (
                  <th scope="col" key={attr}>
                    {attr}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {audiences.map((aud) => (
                <tr key={aud}>
                  <th scope="row">{countryName(aud)}</th>
                  {attributes.map((attr) => {
                    const r = at.get(`${aud}|${attr}`);
                    if (!r)
                      return (
                        <td key={attr} class="cell empty">
                          —
                        </td>
                      );
                    const d = num(r.diff);
                    const sig = truthy(r.significant);
                    return (
                      <td
                        key={attr}
                        class={`cell${sig ? " sig" : " nonsig"}`}
                        data-audience={aud}
                        data-attribute={attr}
                        data-diff={String(r.diff)}
                        data-ci-low={String(r.ci_low)}
                        data-ci-high={String(r.ci_high)}
                        data-leader={String(r.leader ?? "")}
                        data-significant={String(sig)}
                        style={{
                          background: Number.isFinite(d) ? String(colour.apply(d)) : undefined,
                          color: Math.abs(d) > maxAbs * 0.6 ? "white" : undefined,
                        }}
                        aria-label={label(r)}
                        title={label(r)}
                      >
                        <span class="diff">
                          {d > 0 ? "+" : ""}
                          {fmt(d, 2)}
                          {sig && (
                            <span class="star" aria-hidden="true">
                              ★
                            </span>
                          )}
                        </span>
                        <span class="ci">
                          [{fmt(r.ci_low, 2)}, {fmt(r.ci_high, 2)}]
                        </span>
                        <span class="leader">{r.leader ? String(r.leader) : ""}</span>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ExportButtons
          id={`head-to-head-${a}-${b}-w${wave}-${segment}`}
          title="the head-to-head matrix"
          target={() => null}
          formats={["csv"]}
          data={{
            columns: [
              "wave",
              "audience_iso3",
              "audience",
              "segment",
              "attribute",
              "target_a",
              "target_b",
              "diff",
              "se",
              "ci_low",
              "ci_high",
              "leader",
              "significant",
            ],
            rows: cells,
          }}
        />
      </section>
      <section class="panel" aria-labelledby="leads-title">
        <h3 id="leads-title">Who leads, attribute by attribute</h3>
        <table class="leads" data-testid="h2h-leads">
          <thead>
            <tr>
              <th scope="col">Attribute</th>
              <th scope="col">{name(a)} leads (significant)</th>
              <th scope="col">{name(b)} leads (significant)</th>
            </tr>
          </thead>
          <tbody>
            {summary.map((s) => (
              <tr key={s.attribute}>
                <th scope="row">{s.attribute}</th>
                <td>
                  {s.a} of {s.n} ({s.a_sig})
                </td>
                <td>
                  {s.b} of {s.n} ({s.b_sig})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <CrosstabTestPanel ctx={ctx} wave={wave} />
      <Chart
        id={`forest-${a}-${b}-${attribute}`}
        title={`${attribute}: ${name(a)} minus ${name(b)} by audience`}
        description="Dots: differences; lines: 95% intervals; filled dots are significant."
        data={{
          columns: [
            "audience_iso3",
            "attribute",
            "diff",
            "ci_low",
            "ci_high",
            "leader",
            "significant",
          ],
          rows: forest,
        }}
        deps={[pair, wave, segment, attribute]}
        render={(width) =>
          Plot.plot({
            width,
            height: 50 + audiences.length * 26,
            marginLeft: 130,
            x: { label: `${a} − ${b}`, grid: true },
            y: { label: null, domain: audiences.map(countryName) },
            ariaLabel: `Differences on ${attribute} by audience with 95% intervals`,
            marks: [
              Plot.ruleX([0], { stroke: "#666" }),
              Plot.ruleY(forest, {
                y: (r: Row) => countryName(String(r.audience_iso3 ?? r.audience)),
                x1: "ci_low",
                x2: "ci_high",
                stroke: (r: Row) => (num(r.diff) >= 0 ? A_AHEAD : B_AHEAD),
                strokeWidth: 2,
              }),
              Plot.dot(forest, {
                y: (r: Row) => countryName(String(r.audience_iso3 ?? r.audience)),
                x: "diff",
                r: 5,
                stroke: (r: Row) => (num(r.diff) >= 0 ? A_AHEAD : B_AHEAD),
                fill: (r: Row) =>
                  truthy(r.significant) ? (num(r.diff) >= 0 ? A_AHEAD : B_AHEAD) : "white",
              }),
            ],
          })
        }
      >
        <Select
          id="h2h-attr"
          label="Attribute"
          value={attribute}
          options={attributes}
          onChange={(v) => set("attr", v)}
        />
      </Chart>
    </div>
  );
}
