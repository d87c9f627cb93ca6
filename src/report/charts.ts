/**
 * The report's charts: Observable Plot rendered server-side (linkedom's DOM) to SVG strings that
 * the HTML inlines. Each function takes part of the report model and returns a `Chart` with a
 * title, a caption that states what is drawn and on how many units, respondents or mentions, a
 * legend, and the SVG (or null when there is nothing to draw).
 *
 * Colours are the Okabe–Ito palette (safe for the common colour-vision deficiencies) and every
 * encoding that carries meaning by colour is doubled by position, text or a mark. Output is
 * deterministic: no random ids (Plot's clip ids are renamed per chart), coordinates rounded to
 * 2 decimals, no clock.
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { countryName } from "../study/findings.ts";
import { andList, attr, fixed, int, plainName, signed } from "./format.ts";
import type {
  DriversAnalysis,
  IndexModel,
  MediaModel,
  RankedUnit,
  SurveyModel,
  ToneRow,
} from "./model.ts";

/** Okabe & Ito (2008), "Color Universal Design": blue, vermillion, bluish green, orange,
 * reddish purple, sky blue, yellow, black. */
export const OKABE_ITO = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#E69F00",
  "#CC79A7",
  "#56B4E9",
  "#F0E442",
  "#000000",
] as const;

/** A chart ready to inline. `svg` is null when the data hold nothing to draw. */
export interface Chart {
  /** Stable id, unique in the document (also the prefix of the SVG's own ids). */
  id: string;
  title: string;
  caption: string;
  legend: { label: string; color: string; note?: string }[];
  svg: string | null;
}

/** Colours for keys in order (the palette repeats past eight keys). */
export function palette(keys: string[]): Map<string, string> {
  return new Map(keys.map((k, i) => [k, OKABE_ITO[i % OKABE_ITO.length]!]));
}

/** The CSS the charts need (Plot's own inline <style> is stripped from each SVG). */
export const CHART_CSS =
  ".sp-plot{display:block;height:auto;max-width:100%;background:#fff}.sp-plot text,.sp-plot tspan{white-space:pre}";

/**
 * Renders Plot options to a normalised SVG string: Plot's <style> and xmlns attributes removed
 * (inline SVG in HTML needs neither), ids renamed `<id>-1`, `<id>-2`… in order of appearance with
 * their references, and numbers in attribute values rounded to 2 decimals.
 */
export function renderSvg(id: string, options: Plot.PlotOptions): string {
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const el = Plot.plot({
    ...options,
    className: "sp-plot",
    document: document as unknown as NonNullable<Plot.PlotOptions["document"]>,
  });
  const svg = normaliseSvg(id, (el as unknown as { outerHTML: string }).outerHTML);
  // An accessible name for the image; `labelled` replaces it with the chart's title.
  return svg.replace(/^<svg/, `<svg role="img" aria-label="${attr(id)}"`);
}

/** The chart with its title as the SVG's accessible name. */
function labelled(c: Chart): Chart {
  return c.svg
    ? { ...c, svg: c.svg.replace(`aria-label="${attr(c.id)}"`, `aria-label="${attr(c.title)}"`) }
    : c;
}

function normaliseSvg(id: string, svg: string): string {
  let s = svg.replace(/<style>[\s\S]*?<\/style>/g, "").replace(/\s+xmlns(:\w+)?="[^"]*"/g, "");
  const ids = [...s.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
  ids.forEach((old, k) => {
    const neu = `${id}-${k + 1}`;
    s = s
      .replaceAll(`id="${old}"`, `id="${neu}"`)
      .replaceAll(`url(#${old})`, `url(#${neu})`)
      .replaceAll(`href="#${old}"`, `href="#${neu}"`);
  });
  // Round long decimals inside tags only (text content such as tick labels is left alone).
  return s.replace(/<[^>]+>/g, (tag) =>
    tag.replace(/-?\d+\.\d{3,}(e-?\d+)?/g, (n) => {
      const r = Math.round(Number(n) * 100) / 100;
      return String(Object.is(r, -0) ? 0 : r);
    }),
  );
}

/** Left margin that fits labels of `n` characters at Plot's 10px font. */
const marginFor = (labels: string[], min = 40) =>
  Math.max(min, Math.ceil(Math.max(0, ...labels.map((l) => l.length)) * 6 + 14));

const finite = (x: number) => Number.isFinite(x);

/**
 * An estimate with its interval per facet row: a rule from `low` to `high` and a dot at `x`,
 * both coloured by `colour` (row y within facet fy).
 */
function intervalDots<T>(
  data: T[],
  o: { fy: string; y: string; x: string; colour: (d: T) => string; r: number },
) {
  return [
    Plot.ruleY(data, {
      fy: o.fy,
      y: o.y,
      x1: "low",
      x2: "high",
      stroke: o.colour,
      strokeWidth: 2,
    }),
    Plot.dot(data, { fy: o.fy, y: o.y, x: o.x, fill: o.colour, r: o.r }),
  ];
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

// ---------------------------------------------------------------------------------------------
// Index

/**
 * The index ranking: each unit's nominal rank (dot), its 5–95% Monte Carlo rank interval
 * (whisker) and median rank (tick), for the top `max` units and the study's targets; without an
 * uncertainty analysis, the scores as bars.
 */
export function rankingChart(
  index: IndexModel,
  o: { targets: string[]; max?: number; runs?: number | null },
): Chart {
  const max = o.max ?? 30;
  const ranked = index.units.filter((u) => finite(u.rank) && u.rank > 0);
  const shown: RankedUnit[] = ranked.slice(0, max);
  for (const t of o.targets) {
    const u = ranked.find((x) => x.uCode === t);
    if (u && !shown.includes(u)) shown.push(u);
  }
  const label = (u: RankedUnit) => `${int(u.rank)}. ${u.uName}`;
  const colours = palette(o.targets);
  const colour = (u: RankedUnit) => colours.get(u.uCode) ?? "#555555";
  const extra = shown.slice(max);
  const extraText = extra.length
    ? ` and the study's ${extra.length === 1 ? "target" : "targets"} ${andList(
        extra.map((u) => `${countryName(u.uCode, u.uName)} (${int(u.rank)})`),
      )}`
    : "";
  const scope =
    ranked.length > shown.length || extra.length
      ? `${int(ranked.length)} units ranked; shown: the top ${Math.min(max, ranked.length)}${extraText}.`
      : `${int(ranked.length)} units ranked.`;
  const legend = o.targets
    .filter((t) => shown.some((u) => u.uCode === t))
    .map((t) => ({ label: plainName(t), color: colours.get(t)! }));
  const y = { domain: shown.map(label), label: null, tickSize: 0 };
  const marginLeft = marginFor(shown.map(label));
  const height = 30 + 40 + shown.length * 16;
  if (!index.hasUncertainty) {
    return labelled({
      id: "chart-ranking",
      title: `Index ranking: ${index.top.name} scores`,
      caption: `${scope} Bars: score on the ${index.top.name} (no uncertainty analysis in this run, so no rank intervals).`,
      legend,
      svg: shown.length
        ? renderSvg("chart-ranking", {
            width: 640,
            height,
            marginLeft,
            marginRight: 40,
            y,
            x: { label: `${index.top.name} score →`, grid: true, nice: true },
            marks: [
              Plot.barX(shown, { y: label, x: "score", fill: colour }),
              Plot.text(shown, {
                y: label,
                x: "score",
                text: (u: RankedUnit) => fixed(u.score, 1),
                dx: 3,
                textAnchor: "start",
              }),
              Plot.ruleX([0]),
            ],
          })
        : null,
    });
  }
  const runs = o.runs ? `${int(o.runs)} Monte Carlo runs` : "the Monte Carlo runs";
  return labelled({
    id: "chart-ranking",
    title: "Index ranking with 90% rank intervals",
    caption: `${scope} Dot: rank in the nominal build; whisker: the 5th to 95th percentile of the rank over ${runs}; tick: median rank. Score in brackets.`,
    legend,
    svg: shown.length
      ? renderSvg("chart-ranking", {
          width: 640,
          height,
          marginLeft,
          marginRight: 56,
          y,
          x: {
            label: "Rank (1 = highest) →",
            grid: true,
            domain: [
              1,
              Math.max(2, ...shown.map((u) => Math.max(u.rank, u.rankHigh)).filter(finite)),
            ],
            nice: true,
          },
          marks: [
            Plot.ruleY(shown, {
              y: label,
              x1: "rankLow",
              x2: "rankHigh",
              stroke: colour,
              strokeWidth: 2,
            }),
            Plot.tickX(shown, { y: label, x: "rankMedian", stroke: "#000000", inset: 3 }),
            Plot.dot(shown, { y: label, x: "rank", fill: colour, r: 3.5, stroke: "#ffffff" }),
            Plot.text(shown, {
              y: label,
              frameAnchor: "right",
              text: (u: RankedUnit) => `(${fixed(u.score, 1)})`,
              dx: 8,
              textAnchor: "start",
              fill: "#555555",
            }),
          ],
        })
      : null,
  });
}

/** The units whose pillar profiles are shown: the study's targets, then the top-ranked, `max` in all. */
export function pillarUnits(index: IndexModel, targets: string[], max = 5): string[] {
  const ranked = index.units.filter((u) => finite(u.rank) && u.rank > 0);
  const codes: string[] = [];
  for (const t of targets) if (ranked.some((u) => u.uCode === t)) codes.push(t);
  for (const u of ranked) {
    if (codes.length >= Math.max(max, targets.length)) break;
    if (!codes.includes(u.uCode)) codes.push(u.uCode);
  }
  return codes;
}

/**
 * Pillar profiles: each pillar's score for the study's targets and the top-ranked units (at most
 * `max` units), as horizontal bars grouped by pillar, values written at the bar ends.
 */
export function pillarChart(index: IndexModel, o: { targets: string[]; max?: number }): Chart {
  const ranked = index.units.filter((u) => finite(u.rank) && u.rank > 0);
  const codes = pillarUnits(index, o.targets, o.max);
  const colours = palette(codes);
  const pillarName = new Map(index.pillars.map((p) => [p.code, p.name]));
  const data = index.profiles
    .filter((p) => codes.includes(p.uCode) && pillarName.has(p.iCode))
    .map((p) => ({ ...p, pillar: pillarName.get(p.iCode)! }));
  data.sort(
    (a, b) =>
      index.pillars.findIndex((p) => p.code === a.iCode) -
        index.pillars.findIndex((p) => p.code === b.iCode) ||
      codes.indexOf(a.uCode) - codes.indexOf(b.uCode),
  );
  const unitName = new Map(ranked.map((u) => [u.uCode, u.uName]));
  const values = data.map((d) => d.score).filter(finite);
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  return labelled({
    id: "chart-pillars",
    title: `Pillar profiles: ${index.pillars.length} pillars of the ${index.top.name}`,
    caption: `Pillar scores (one level below the ${index.top.name}) of ${andList(codes.map((c) => countryName(c, unitName.get(c) ?? c)))}: the study's targets and the top-ranked units, out of ${int(ranked.length)} units. Bars are labelled with the unit's code, score and pillar rank.`,
    legend: codes.map((c) => ({
      label: `${plainName(c, unitName.get(c) ?? c)} (${c})`,
      color: colours.get(c)!,
    })),
    svg: data.length
      ? renderSvg("chart-pillars", {
          width: 640,
          height: 30 + index.pillars.length * (codes.length * 13 + 14),
          marginLeft: marginFor(index.pillars.map((p) => p.name)),
          marginRight: 20,
          fy: { domain: index.pillars.map((p) => p.name), label: null, padding: 0.15 },
          y: { domain: codes, axis: null },
          x: {
            domain: [lo, hi + (hi - lo) * 0.3],
            label: "Pillar score →",
            grid: true,
          },
          marks: [
            Plot.barX(data, {
              fy: "pillar",
              y: "uCode",
              x: "score",
              fill: (d: { uCode: string }) => colours.get(d.uCode)!,
            }),
            Plot.text(data, {
              fy: "pillar",
              y: "uCode",
              x: "score",
              text: (d: { uCode: string; score: number; rank: number }) =>
                `${d.uCode} ${fixed(d.score, 1)} (#${int(d.rank)})`,
              dx: 3,
              textAnchor: "start",
              fontSize: 9,
            }),
            Plot.ruleX([0]),
          ],
        })
      : null,
  });
}

/** Sobol sensitivity: first-order (Si) and total (STi) indices per uncertain factor, with intervals. */
export function sobolChart(index: IndexModel): Chart {
  const data = index.sensitivity.flatMap((s) => [
    { factor: s.factor, kind: "first-order Si", value: s.si, low: s.siLow, high: s.siHigh },
    { factor: s.factor, kind: "total STi", value: s.sti, low: s.stiLow, high: s.stiHigh },
  ]);
  const order = [...index.sensitivity].sort((a, b) => b.sti - a.sti).map((s) => s.factor);
  const c = (k: string) => (k === "first-order Si" ? OKABE_ITO[2] : OKABE_ITO[3]);
  return labelled({
    id: "chart-sobol",
    title: "Sensitivity of the ranks: Sobol indices by factor",
    caption: `${int(index.sensitivity.length)} uncertain assumptions; first-order (Si) and total-order (STi) Sobol indices of the ranks of ${int(index.units.length)} units, with bootstrap intervals. A factor with a large STi moves ranks most, alone or with others.`,
    legend: [
      { label: "first-order Si", color: c("first-order Si") },
      { label: "total STi", color: c("total STi") },
    ],
    svg: data.length
      ? renderSvg("chart-sobol", {
          width: 640,
          height: 40 + order.length * 34,
          marginLeft: marginFor(order),
          marginRight: 20,
          fy: { domain: order, label: null },
          y: { domain: ["first-order Si", "total STi"], axis: null },
          x: { label: "Sobol index →", grid: true, domain: [0, 1] },
          marks: [
            ...intervalDots(data, {
              fy: "factor",
              y: "kind",
              x: "value",
              colour: (d: { kind: string }) => c(d.kind),
              r: 3.5,
            }),
          ],
        })
      : null,
  });
}

// ---------------------------------------------------------------------------------------------
// Survey

/** Difference text for a cell: percentage points for shares, rating points for means. */
const diffText = (measure: string, d: number) =>
  measure === "share" ? `${signed(d * 100, 0)}` : signed(d, 2);

/**
 * The head-to-head matrix: audience × attribute, each cell the rating of the first target minus
 * the second, coloured by who leads; solid with an asterisk when the lead is significant, pale
 * when it is not.
 */
export function headToHeadChart(
  survey: SurveyModel,
  o: { targets: string[]; level: number },
): Chart {
  const [a, b] = survey.pair ?? ["", ""];
  const colours = palette(o.targets.length ? o.targets : [a, b]);
  const ca = colours.get(a) ?? OKABE_ITO[0];
  const cb = colours.get(b) ?? OKABE_ITO[1];
  const names = survey.audiences
    .filter((x) => survey.h2h.some((c) => c.audience === x.code))
    .map((x) => x.name);
  const unitText = survey.measure === "share" ? "percentage points" : "rating points";
  const pctLevel = `${Math.round(o.level * 100)}%`;
  const wave =
    survey.wave !== null
      ? ` Wave ${survey.wave}${survey.waves.length > 1 ? ` (the last of ${survey.waves.length})` : ""}.`
      : "";
  const attrs = survey.attributes;
  const colourOf = (c: { leader: string; diff: number }) =>
    c.leader === a || (c.leader === "" && c.diff > 0)
      ? ca
      : c.leader === b || c.diff < 0
        ? cb
        : "#999999";
  return labelled({
    id: "chart-h2h",
    title: `Head to head: ${countryName(a)} vs ${countryName(b)}`,
    caption: `Each cell: the rating of ${countryName(a)} minus that of ${countryName(b)} in ${unitText}, all respondents, ${names.length} audiences, up to ${int(survey.respondents)} respondents.${wave} Colour: who leads; solid with * = lead significant at ${pctLevel} (paired test), pale = not significant.`,
    legend: [
      { label: `${plainName(a)} leads`, color: ca },
      { label: `${plainName(b)} leads`, color: cb },
    ],
    svg: survey.h2h.length
      ? renderSvg("chart-h2h", {
          width: Math.max(360, marginFor(names) + 20 + attrs.length * 78),
          height: 50 + names.length * 24,
          marginLeft: marginFor(names),
          marginTop: 40,
          marginRight: 20,
          x: { domain: attrs, label: null, axis: "top", tickSize: 0 },
          y: { domain: names, label: null, tickSize: 0 },
          marks: [
            Plot.cell(survey.h2h, {
              x: "attribute",
              y: "audienceName",
              fill: colourOf,
              fillOpacity: (c: { significant: boolean }) => (c.significant ? 1 : 0.3),
              inset: 1,
            }),
            ...[true, false].map((sig) =>
              Plot.text(
                survey.h2h.filter((c) => c.significant === sig),
                {
                  x: "attribute",
                  y: "audienceName",
                  text: (c: { diff: number }) =>
                    `${diffText(survey.measure, c.diff)}${sig ? "*" : ""}`,
                  fill: sig ? "#ffffff" : "#000000",
                  fontWeight: sig ? "bold" : "normal",
                },
              ),
            ),
          ],
        })
      : null,
  });
}

/** Ratings of each target by audience (one attribute, favourability when rated), with intervals. */
export function ratingsChart(survey: SurveyModel, o: { targets: string[]; level: number }): Chart {
  const targets = [...new Set(survey.ratings.map((r) => r.target))];
  const order = o.targets
    .filter((t) => targets.includes(t))
    .concat(targets.filter((t) => !o.targets.includes(t)));
  const colours = palette(order);
  const names = survey.audiences
    .filter((x) => survey.ratings.some((r) => r.audience === x.code))
    .map((x) => x.name);
  const share = survey.ratings.some((r) => r.estimate > 1) === false && survey.measure === "share";
  const attr = survey.ratingAttribute ?? "";
  const n = survey.ratings.reduce((m, r) => m + (finite(r.n) ? r.n : 0), 0);
  const pctLevel = `${Math.round(o.level * 100)}%`;
  return labelled({
    id: "chart-ratings",
    title: `${cap(attr)} by audience`,
    caption: `${share ? "Share rating each target favourably (top box)" : "Mean rating"} on ${attr}, with its ${pctLevel} design-based interval, all respondents, ${names.length} audiences${survey.wave !== null ? `, wave ${survey.wave}` : ""}; ${int(n)} ratings in all.`,
    legend: order.map((t) => ({ label: plainName(t), color: colours.get(t)! })),
    svg: survey.ratings.length
      ? renderSvg("chart-ratings", {
          width: 640,
          height: 40 + names.length * (order.length * 10 + 8),
          marginLeft: marginFor(names),
          marginRight: 20,
          fy: { domain: names, label: null },
          y: { domain: order, axis: null },
          x: {
            label: share ? `${cap(attr)} (share) →` : `${cap(attr)} (mean rating) →`,
            grid: true,
            ...(share ? { tickFormat: "%" } : {}),
          },
          marks: [
            ...intervalDots(survey.ratings, {
              fy: "audienceName",
              y: "target",
              x: "estimate",
              colour: (r: { target: string }) => colours.get(r.target)!,
              r: 3,
            }),
          ],
        })
      : null,
  });
}

// ---------------------------------------------------------------------------------------------
// Drivers

/**
 * One driver analysis: each predictor's contribution to R² (LMG share of the explained variance
 * by default) with its bootstrap interval, one row per group (wave) so the waves compare.
 */
export function driversChart(d: DriversAnalysis, o: { level: number }): Chart {
  const groupKeys = d.groups;
  // Greens and oranges: kept apart from the target colours (blue, vermillion).
  const groupColours = new Map(
    groupKeys.map((g, i) => [g, [OKABE_ITO[2], OKABE_ITO[3], OKABE_ITO[4], OKABE_ITO[5]][i % 4]!]),
  );
  const last = groupKeys.at(-1) ?? "";
  const order = d.rows
    .filter((r) => r.group === last)
    .sort((x, y) => y.value - x.value)
    .map((r) => r.predictor);
  for (const r of d.rows) if (!order.includes(r.predictor)) order.push(r.predictor);
  const groupLabel = (g: string) => (g === "" ? "all" : `${d.by} ${g}`);
  const fit = d.fit
    .map((f) => `${groupLabel(f.group)}: n = ${int(f.rowsUsed)}, R² = ${fixed(f.r2, 3)}`)
    .join("; ");
  const pctLevel = `${Math.round(o.level * 100)}%`;
  const method = d.method === "lmg" ? "LMG (Shapley)" : d.method;
  return labelled({
    id: `chart-drivers-${d.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`,
    title: `Drivers of ${d.outcome || d.name}${d.target ? ` (${countryName(d.target)})` : ""}`,
    caption: `Contribution of each predictor (or group) to R², ${method}, with ${pctLevel} bootstrap intervals; ${groupKeys.length > 1 ? `one row per ${d.by} to compare them` : "one analysis"}. Respondents used and fit: ${fit || "not recorded"}.`,
    legend:
      groupKeys.length > 1
        ? groupKeys.map((g) => ({ label: groupLabel(g), color: groupColours.get(g)! }))
        : [],
    svg: d.rows.length
      ? renderSvg(`chart-drivers-${d.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`, {
          width: 640,
          height: 40 + order.length * (groupKeys.length * 10 + 10),
          marginLeft: marginFor(order),
          marginRight: 20,
          fy: { domain: order, label: null },
          y: { domain: groupKeys, axis: null },
          x: { label: "Contribution to R² →", grid: true, nice: true },
          marks: [
            ...intervalDots(d.rows, {
              fy: "predictor",
              y: "group",
              x: "value",
              colour: (r: { group: string }) => groupColours.get(r.group)!,
              r: 3,
            }),
            Plot.ruleX([0]),
          ],
        })
      : null,
  });
}

// ---------------------------------------------------------------------------------------------
// Media

/** A period key as a UTC date: "2022", "2022-03", "2022-03-14", ISO week "2022-W11". */
export function periodDate(p: string): Date | null {
  let m = /^(\d{4})$/.exec(p);
  if (m) return new Date(Date.UTC(Number(m[1]), 0, 1));
  m = /^(\d{4})-(\d{2})$/.exec(p);
  if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(p);
  if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  m = /^(\d{4})-W(\d{2})$/.exec(p);
  if (m) {
    // Monday of ISO week 1 is the Monday on or before 4 January.
    const jan4 = new Date(Date.UTC(Number(m[1]), 0, 4));
    const monday = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000;
    return new Date(monday + (Number(m[2]) - 1) * 7 * 86_400_000);
  }
  return null;
}

/**
 * News tone toward each target over time, one panel per outlet country: mean tone per period
 * (line and dots) with its article-bootstrap interval (band); periods with fewer than
 * `minMentions` mentions are left out (their tone is noise).
 */
export function toneChart(media: MediaModel, o: { minMentions?: number; level: number }): Chart {
  const min = o.minMentions ?? 10;
  const colours = palette(media.targets);
  const kept = media.tone.filter(
    (r) => r.mentions >= min && finite(r.tone) && colours.has(r.target) && periodDate(r.period),
  );
  const dropped = media.tone.length - kept.length;
  const data = kept
    .map((r) => ({ ...r, date: periodDate(r.period)!, outlet: plainName(r.outletCountry) }))
    .sort(
      (x, y) =>
        x.outlet.localeCompare(y.outlet) ||
        media.targets.indexOf(x.target) - media.targets.indexOf(y.target) ||
        x.date.getTime() - y.date.getTime(),
    );
  const outlets = [...new Set(data.map((d) => d.outlet))];
  const mentions = kept.reduce((s, r) => s + r.mentions, 0);
  const c = (r: ToneRow) => colours.get(r.target)!;
  const pctLevel = `${Math.round(o.level * 100)}%`;
  return labelled({
    id: "chart-tone",
    title: "News tone toward each target over time, by outlet country",
    caption: `Mean tone of mentions (−1 most negative, +1 most positive) per ${media.period}, with ${pctLevel} article-bootstrap bands; ${int(mentions)} mentions in ${int(kept.length)} outlet-country × target × ${media.period} cells with at least ${min} mentions${dropped ? ` (${int(dropped)} sparser cells left out)` : ""}.`,
    legend: media.targets
      .filter((t) => data.some((d) => d.target === t))
      .map((t) => ({ label: plainName(t), color: colours.get(t)! })),
    svg: data.length
      ? renderSvg("chart-tone", {
          width: 640,
          height: 40 + outlets.length * 180,
          marginLeft: 50,
          marginRight: 20,
          fy: { domain: outlets, axis: null, padding: 0.12 },
          x: { type: "utc", label: null },
          y: { label: "↑ Mean tone", grid: true, nice: true },
          marks: [
            Plot.ruleY([0], { stroke: "#999999" }),
            Plot.areaY(data, {
              fy: "outlet",
              x: "date",
              y1: "low",
              y2: "high",
              z: "target",
              fill: c,
              fillOpacity: 0.15,
            }),
            Plot.lineY(data, { fy: "outlet", x: "date", y: "tone", z: "target", stroke: c }),
            Plot.dot(data, { fy: "outlet", x: "date", y: "tone", fill: c, r: 2 }),
            Plot.text(outlets, {
              fy: (d: string) => d,
              text: (d: string) => `${d} outlets`,
              frameAnchor: "top-left",
              dx: 4,
              dy: 4,
              fontWeight: "bold",
              fontSize: 11,
            }),
          ],
        })
      : null,
  });
}

/** Bias estimates: tone toward the target minus the comparison set, frame and period held fixed. */
export function biasChart(media: MediaModel, o: { level: number }): Chart {
  const label = (b: MediaModel["bias"][number]) => {
    const g = b.group.replace(/^outlet_country=/, "");
    const who = b.group.startsWith("outlet_country=") ? `${g} outlets` : g.replace(/^outlet=/, "");
    return `${who}: ${b.target} vs ${b.compare.join(", ")}`;
  };
  const data = media.bias.map((b) => ({ ...b, label: label(b), sig: b.low > 0 || b.high < 0 }));
  const n = media.bias.reduce((s, b) => s + b.mentions, 0);
  const pctLevel = `${Math.round(o.level * 100)}%`;
  return labelled({
    id: "chart-bias",
    title: "Bias estimates: tone toward a target relative to its comparison set",
    caption: `Difference in mean tone toward the target and toward the comparison countries in the same outlets, with frame and period fixed effects and ${pctLevel} article-clustered intervals; filled dot = significant, open = not. ${int(data.length)} estimates over ${int(n)} mentions.`,
    legend: [],
    svg: data.length
      ? renderSvg("chart-bias", {
          width: 640,
          height: 50 + data.length * 36,
          marginLeft: marginFor(data.map((d) => d.label)),
          marginRight: 30,
          y: { domain: data.map((d) => d.label), label: null },
          x: {
            label: "← more negative toward the target · more positive →",
            grid: true,
            nice: true,
          },
          marks: [
            Plot.ruleX([0], { stroke: "#999999" }),
            Plot.ruleY(data, {
              y: "label",
              x1: "low",
              x2: "high",
              stroke: "#000000",
              strokeWidth: 2,
            }),
            Plot.dot(data, {
              y: "label",
              x: "estimate",
              r: 4,
              stroke: "#000000",
              fill: (d: { sig: boolean }) => (d.sig ? "#000000" : "#ffffff"),
            }),
            Plot.text(data, {
              y: "label",
              x: "estimate",
              text: (d: { estimate: number }) => signed(d.estimate, 3),
              dy: -11,
            }),
          ],
        })
      : null,
  });
}
