import { createRng } from "../src/stats/rng.ts";
import type { Column, SurveyFrame } from "../src/survey/frame.ts";

/**
 * A synthetic one-stage cluster sample in memory (no CSV), seeded: `psus` clusters of equal
 * size split evenly into `strata` strata (stratum = "S<h>"), a weight in [0.5, 2), a rating
 * (1..10 with a cluster effect), an income (continuous, log-normal-ish with a cluster effect, in
 * cents), a region factor with `domains` levels ("D<k>", independent of
 * the design) for by-domain estimates. {@link surveyFrameCsv} writes it for R, so R can be
 * timed on identical inputs.
 */
export function syntheticSurveyFrame(
  rows: number,
  psus: number,
  strata = 1,
  domains = 10,
  seed = 1,
): SurveyFrame {
  const rng = createRng(seed);
  const psu = new Float64Array(rows);
  const weight = new Float64Array(rows);
  const rating = new Float64Array(rows);
  const income = new Float64Array(rows);
  const region = new Int32Array(rows);
  const stratum = new Int32Array(rows);
  const effect = Float64Array.from({ length: psus }, () => rng.uniform() * 2 - 1);
  const perPsu = rows / psus;
  const psusPerStratum = psus / strata;
  for (let i = 0; i < rows; i++) {
    const p = Math.min(psus - 1, Math.floor(i / perPsu));
    psu[i] = p + 1;
    stratum[i] = Math.min(strata - 1, Math.floor(p / psusPerStratum));
    weight[i] = Math.round((0.5 + rng.uniform() * 1.5) * 1e4) / 1e4;
    rating[i] = Math.max(
      1,
      Math.min(10, Math.round(5 + effect[p]! * 2 + (rng.uniform() - 0.5) * 6)),
    );
    const z = rng.uniform() + rng.uniform() + rng.uniform() - 1.5;
    income[i] = Math.round(Math.exp(10 + 0.3 * effect[p]! + z) * 100) / 100;
    region[i] = rng.int(domains);
  }
  const columns = new Map<string, Column>([
    ["psu", { kind: "number", values: psu }],
    ["weight", { kind: "number", values: weight }],
    ["rating", { kind: "number", values: rating }],
    ["income", { kind: "number", values: income }],
    [
      "stratum",
      { kind: "factor", levels: Array.from({ length: strata }, (_, h) => `S${h}`), codes: stratum },
    ],
    [
      "region",
      { kind: "factor", levels: Array.from({ length: domains }, (_, k) => `D${k}`), codes: region },
    ],
  ]);
  return { n: rows, columns };
}

/** The frame as CSV text (for timing R on the same rows). */
export function surveyFrameCsv(frame: SurveyFrame): string {
  const names = [...frame.columns.keys()];
  const cols = names.map((n) => frame.columns.get(n)!);
  const lines = [names.join(",")];
  for (let i = 0; i < frame.n; i++)
    lines.push(
      cols
        .map((c) => (c.kind === "number" ? String(c.values[i]) : c.levels[c.codes[i]!]))
        .join(","),
    );
  return `${lines.join("\n")}\n`;
}
