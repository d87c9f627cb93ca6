import { buildFramework, metaRow } from "../src/composite/framework.ts";
import type { CoinInput } from "../src/composite/pipeline.ts";
import type { MetaRow } from "../src/composite/types.ts";
import { createRng } from "../src/stats/rng.ts";

/**
 * A synthetic coin: `units` units × `indicators` indicators (log-normal-ish, 2% missing), in
 * pillars of 10, grouped 6 pillars per sub-index, one index. Seeded, so benchmarks repeat.
 */
export function syntheticCoin(units: number, indicators: number, seed = 1): CoinInput {
  const rng = createRng(seed);
  const meta: MetaRow[] = [];
  const row = metaRow;
  const nPillars = Math.ceil(indicators / 10);
  const nSubs = Math.ceil(nPillars / 6);
  for (let i = 0; i < indicators; i++)
    meta.push(row(`I${i}`, "Indicator", 1, `P${Math.floor(i / 10)}`));
  for (let p = 0; p < nPillars; p++)
    meta.push(row(`P${p}`, "Aggregate", 2, `S${Math.floor(p / 6)}`));
  for (let s = 0; s < nSubs; s++) meta.push(row(`S${s}`, "Aggregate", 3, "Index"));
  meta.push(row("Index", "Aggregate", 4, null));
  meta.push(row("Region", "Group", null, null));
  const framework = buildFramework(meta);
  const uCode = Array.from({ length: units }, (_, i) => `U${i}`);
  const values = framework.indicators.map(() =>
    Float64Array.from({ length: units }, () => {
      if (rng.uniform() < 0.02) return Number.NaN;
      const g = -Math.log(rng.uniform() + 1e-12);
      return Math.exp(g) * 10;
    }),
  );
  return {
    framework,
    data: {
      uCode,
      uName: uCode,
      groups: { Region: uCode.map((_, i) => `R${i % 5}`) },
      denominators: {},
      indicators: { units: uCode, codes: framework.indicators, values },
    },
  };
}
