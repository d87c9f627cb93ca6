import { createRng } from "../src/stats/rng.ts";

/**
 * A synthetic stratified one-stage cluster sample as CSV text: `strata` countries, `psus`
 * clusters per country, `rows` respondents in all, a weight and two rating variables (1..10
 * with a cluster effect, and a 0/1 favourability), seeded.
 */
export function syntheticSurveyCsv(
  rows: number,
  strata = 20,
  psusPerStratum = 100,
  seed = 1,
): string {
  const rng = createRng(seed);
  const lines = ["country,psu,weight,rating,favourable"];
  const perPsu = rows / (strata * psusPerStratum);
  const effect = Float64Array.from(
    { length: strata * psusPerStratum },
    () => rng.uniform() * 2 - 1,
  );
  for (let i = 0; i < rows; i++) {
    const p = Math.min(strata * psusPerStratum - 1, Math.floor(i / perPsu));
    const h = Math.floor(p / psusPerStratum);
    const w = (0.5 + rng.uniform() * 1.5).toFixed(4);
    const r = Math.max(1, Math.min(10, Math.round(5 + effect[p]! * 2 + (rng.uniform() - 0.5) * 6)));
    const fav = rng.uniform() < 0.4 + effect[p]! * 0.1 ? 1 : 0;
    lines.push(`C${h},P${p},${w},${r},${fav}`);
  }
  return `${lines.join("\n")}\n`;
}
