/**
 * Media: news tone toward the chosen targets over time by outlet country (with bootstrap
 * intervals), tone by frame, bias estimates with intervals, and the sentences behind a number.
 */
import * as Plot from "@observablehq/plot";
import { type Row, rowsOf, type Table } from "../api.ts";
import { Chart } from "../chart.tsx";
import { type PageContext, Select, TablesPage } from "../components.tsx";
import { countryName } from "../countries.ts";
import { distinct, fmt, num } from "../format.ts";
import { OKABE_ITO } from "../palette.ts";
import { updateParams } from "../route.ts";

const TABLES = ["media_tone"] as const;
const OPTIONAL = ["media_tone_overall", "media_frames", "media_bias", "media_evidence"] as const;

export function MediaPage(props: { ctx: PageContext }) {
  const { ctx } = props;
  return (
    <TablesPage
      ctx={ctx}
      required={TABLES}
      optional={OPTIONAL}
      what="news tone analysis"
      loading="the media analysis"
      body={(t) => <MediaBody ctx={ctx} tables={t} />}
    />
  );
}

/** A period label as a date when it is one ("2019-03", "2019-03-04", "2019"), else null. */
function periodDate(p: string): Date | null {
  if (/^\d{4}-\d{2}$/.test(p)) return new Date(`${p}-01T00:00:00Z`);
  if (/^\d{4}-\d{2}-\d{2}$/.test(p)) return new Date(`${p}T00:00:00Z`);
  if (/^\d{4}$/.test(p)) return new Date(`${p}-01-01T00:00:00Z`);
  return null;
}

function MediaBody(props: { ctx: PageContext; tables: Record<string, Table> }) {
  const { ctx, tables } = props;
  const route = ctx.route;
  const tone = rowsOf(tables.media_tone!);
  const targets = distinct(tone.map((r) => String(r.target))).sort();
  const studyTargets = Array.isArray(ctx.run.config.targets)
    ? (ctx.run.config.targets as unknown[]).map(String).filter((t) => targets.includes(t))
    : [];
  const chosen = (
    route.params.targets?.split(",") ?? (studyTargets.length ? studyTargets : targets.slice(0, 2))
  ).filter((t) => targets.includes(t));
  const outlets = distinct(tone.map((r) => String(r.outlet_country))).sort();
  const minMentions = Number(route.params.min ?? 3);
  const series = tone
    .filter((r) => chosen.includes(String(r.target)) && num(r.mentions) >= minMentions)
    .map((r) => ({ ...r, date: periodDate(String(r.period)) }) as Row & { date: Date | null });
  const dated = series.every((r) => r.date !== null);
  const colour = (o: string) => OKABE_ITO[outlets.indexOf(o) % OKABE_ITO.length]!;
  const outletsShown = outlets.filter((o) => series.some((r) => r.outlet_country === o));
  const toggle = (t: string, on: boolean) => {
    const next = on ? [...chosen, t] : chosen.filter((x) => x !== t);
    updateParams(route, { targets: next.join(",") || "-" });
  };
  return (
    <div class="media">
      <section class="panel controls" aria-label="Filters">
        <fieldset>
          <legend>Targets</legend>
          {targets.map((t) => (
            <label key={t} class="check">
              <input
                type="checkbox"
                checked={chosen.includes(t)}
                onChange={(e) => toggle(t, (e.currentTarget as HTMLInputElement).checked)}
              />
              {countryName(t)}
            </label>
          ))}
        </fieldset>
        <Select
          id="media-min"
          label="Periods with at least"
          value={String(minMentions)}
          options={["1", "3", "5", "10", "20"].map((v) => ({
            value: v,
            label: `${v} mention${v === "1" ? "" : "s"}`,
          }))}
          onChange={(v) => updateParams(route, { min: v })}
        />
      </section>
      <Chart
        id="media-tone"
        title="Tone toward the targets over time, by outlet country"
        description={`Mean tone of mentions (−1 to 1) per period with its 95% article-bootstrap interval (band); a column per target, a row per outlet country. Periods with fewer than ${minMentions} mentions are left out.`}
        data={{ columns: tables.media_tone!.columns, rows: series }}
        deps={[chosen.join(), minMentions]}
        render={(width) =>
          Plot.plot({
            width,
            height: 70 + outletsShown.length * 120,
            marginLeft: 50,
            marginRight: 90,
            x: dated ? { type: "utc", label: null } : { type: "point", label: "Period" },
            y: { label: "Mean tone", grid: true, domain: [-1, 1], ticks: 5 },
            fx: { label: null, domain: chosen, tickFormat: countryName, axis: "top" },
            fy: { label: null, domain: outletsShown, tickFormat: (o: string) => `${o} outlets` },
            color: { domain: outlets, range: outlets.map(colour) },
            ariaLabel: "News tone over time by outlet country and target",
            marks: [
              Plot.frame({ stroke: "#ddd" }),
              Plot.ruleY([0], { stroke: "#999" }),
              Plot.areaY(series, {
                x: dated ? "date" : "period",
                y1: "mean_tone_lo",
                y2: "mean_tone_hi",
                fx: "target",
                fy: "outlet_country",
                fill: "outlet_country",
                fillOpacity: 0.18,
              }),
              Plot.line(series, {
                x: dated ? "date" : "period",
                y: "mean_tone",
                fx: "target",
                fy: "outlet_country",
                stroke: "outlet_country",
                strokeWidth: 1.6,
                marker: "circle-stroke",
              }),
              Plot.tip(
                series,
                Plot.pointer({
                  x: dated ? "date" : "period",
                  y: "mean_tone",
                  fx: "target",
                  fy: "outlet_country",
                  title: (r: Row) =>
                    `${r.outlet_country} outlets on ${r.target}, ${r.period}: ${fmt(r.mean_tone, 2)} [${fmt(r.mean_tone_lo, 2)}, ${fmt(r.mean_tone_hi, 2)}], ${r.mentions} mentions in ${r.articles} articles`,
                }),
              ),
            ],
          })
        }
      />
      {tables.media_frames && <Frames rows={rowsOf(tables.media_frames)} chosen={chosen} />}
      {tables.media_bias && <Bias rows={rowsOf(tables.media_bias)} />}
      <Evidence ctx={ctx} tables={tables} chosen={chosen} />
    </div>
  );
}

function Frames(props: { rows: Row[]; chosen: string[] }) {
  const rows = props.rows.filter((r) => props.chosen.includes(String(r.target)));
  const frames = distinct(rows.map((r) => String(r.frame))).sort();
  const targets = props.chosen;
  return (
    <Chart
      id="media-frames"
      title="Tone by frame"
      description="Mean tone of mentions in articles with each frame, with 95% intervals; dot size: mentions."
      data={{
        columns: [
          "target",
          "frame",
          "mentions",
          "articles",
          "mean_tone",
          "mean_tone_lo",
          "mean_tone_hi",
        ],
        rows,
      }}
      deps={[targets.join()]}
      render={(width) =>
        Plot.plot({
          width,
          height: 60 + frames.length * 32,
          marginLeft: 150,
          x: { label: "Mean tone", domain: [-1, 1], grid: true },
          y: { domain: frames, label: null },
          color: {
            domain: targets,
            range: targets.map((_, i) => OKABE_ITO[(i + 4) % OKABE_ITO.length]!),
            legend: true,
            tickFormat: countryName,
          },
          r: { range: [3, 9] },
          ariaLabel: "Tone by frame",
          marks: [
            Plot.ruleX([0], { stroke: "#999" }),
            ...targets.map((t, k) => {
              const rs = rows.filter((r) => r.target === t);
              const dy = (k - (targets.length - 1) / 2) * 8;
              return Plot.ruleY(rs, {
                y: "frame",
                x1: "mean_tone_lo",
                x2: "mean_tone_hi",
                stroke: "target",
                dy,
              });
            }),
            ...targets.map((t, k) => {
              const rs = rows.filter((r) => r.target === t);
              const dy = (k - (targets.length - 1) / 2) * 8;
              return Plot.dot(rs, {
                y: "frame",
                x: "mean_tone",
                fill: "target",
                r: "mentions",
                dy,
                title: (r: Row) =>
                  `${r.target}, ${r.frame}: ${fmt(r.mean_tone, 2)} (${r.mentions} mentions)`,
              });
            }),
          ],
        })
      }
    />
  );
}

function Bias(props: { rows: Row[] }) {
  const rows = props.rows.map((r) => ({
    ...r,
    label: `${String(r.group).replace("outlet_country=", "")} outlets: ${r.target} vs ${r.compare}`,
  }));
  return (
    <Chart
      id="media-bias"
      title="Bias estimates"
      description="Tone toward the target minus tone toward the comparison set in the same outlets, with frame and period fixed effects; 95% intervals with article-clustered standard errors. Hollow dot: the raw difference."
      data={{
        columns: [
          "group",
          "target",
          "compare",
          "estimate",
          "se",
          "ci_low",
          "ci_high",
          "n_mentions",
          "n_articles",
          "raw_difference",
        ],
        rows,
      }}
      deps={[rows.length]}
      render={(width) =>
        Plot.plot({
          width,
          height: 60 + rows.length * 36,
          marginLeft: 200,
          x: { label: "Tone difference (target − comparison)", grid: true },
          y: { label: null, domain: rows.map((r) => r.label) },
          ariaLabel: "Media bias estimates with 95% intervals",
          marks: [
            Plot.ruleX([0], { stroke: "#666" }),
            Plot.ruleY(rows, {
              y: "label",
              x1: "ci_low",
              x2: "ci_high",
              stroke: OKABE_ITO[3],
              strokeWidth: 2,
            }),
            Plot.dot(rows, { y: "label", x: "estimate", fill: OKABE_ITO[3], r: 5 }),
            Plot.dot(rows, { y: "label", x: "raw_difference", stroke: "#555", r: 4, dy: 8 }),
          ],
        })
      }
    />
  );
}

function Evidence(props: { ctx: PageContext; tables: Record<string, Table>; chosen: string[] }) {
  const { ctx, tables } = props;
  const route = ctx.route;
  const overall = tables.media_tone_overall ? rowsOf(tables.media_tone_overall) : [];
  const evidence = tables.media_evidence ? rowsOf(tables.media_evidence) : null;
  const [outlet, target] = (route.params.ev ?? "|").split("|");
  const picked = evidence?.filter((r) => r.outlet_country === outlet && r.target === target) ?? [];
  return (
    <section class="panel" aria-labelledby="evidence-title">
      <h3 id="evidence-title">Overall tone, and the sentences behind it</h3>
      {overall.length > 0 && (
        <table data-testid="tone-overall">
          <thead>
            <tr>
              <th scope="col">Outlet country</th>
              <th scope="col">Target</th>
              <th scope="col" class="num">
                Mentions
              </th>
              <th scope="col" class="num">
                Mean tone (95% interval)
              </th>
              <th scope="col">Evidence</th>
            </tr>
          </thead>
          <tbody>
            {overall
              .filter((r) => props.chosen.includes(String(r.target)))
              .map((r) => {
                const key = `${r.outlet_country}|${r.target}`;
                return (
                  <tr key={key} class={route.params.ev === key ? "selected" : undefined}>
                    <td>{countryName(String(r.outlet_country))}</td>
                    <td>{countryName(String(r.target))}</td>
                    <td class="num">{String(r.mentions)}</td>
                    <td class="num">
                      {fmt(r.mean_tone, 2)} ({fmt(r.mean_tone_lo, 2)} to {fmt(r.mean_tone_hi, 2)})
                    </td>
                    <td>
                      {evidence ? (
                        <button
                          type="button"
                          class="link"
                          aria-pressed={route.params.ev === key}
                          onClick={() => updateParams(route, { ev: key })}
                        >
                          Show sentences
                        </button>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                );
              })}
          </tbody>
        </table>
      )}
      {!evidence && (
        <p class="note">
          This run has no media_evidence table: rebuild the study with a current softpower to see
          the sentences behind the tone.
        </p>
      )}
      {evidence && outlet && (
        <div class="evidence" aria-live="polite">
          <h4>
            {countryName(outlet)} outlets on {countryName(target ?? "")}: the most negative and most
            positive sentences
          </h4>
          {picked.length === 0 ? (
            <p class="note">No sentences stored for this pair.</p>
          ) : (
            <ul class="sentences" data-testid="evidence">
              {picked.map((r) => (
                <li key={`${r.article_id}-${r.sentence}`} class={num(r.tone) < 0 ? "neg" : "pos"}>
                  <blockquote>{String(r.sentence)}</blockquote>
                  <p class="meta">
                    Tone {fmt(r.tone, 2)} ({String(r.label ?? r.kind ?? "")}) ·{" "}
                    {String(r.outlet ?? "")} · {String(r.date ?? "")} · via {String(r.via ?? "")} “
                    {String(r.entity ?? "")}”
                    {r.frames ? ` · frames: ${String(r.frames).replaceAll(";", ", ")}` : ""}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
