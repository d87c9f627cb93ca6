/**
 * Performance of the analysis tools (issue 16), called from `npm run bench` (bench/run.ts):
 * removeElements over the 49 ASEM indicators (target <= 20 ms) and panel uncertainty, 1,000
 * replications for 10 years of 200 units × 50 indicators (target <= 10 s on 2 threads), with how
 * the cost grows with units, indicators, years and replications.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { buildIndex, type CoinInput, DEFAULT_PIPELINE } from "../src/composite/pipeline.ts";
import { removeElements } from "../src/composite/remove-elements.ts";
import { UncertaintySpecSchema } from "../src/composite/uncertainty-spec.ts";
import { runPanelUncertainty } from "../src/core/parallel.ts";
import { readCoin } from "../src/io/coin.ts";
import { syntheticCoin } from "./synthetic.ts";

const ASEM = new URL("../../shared/data/composite/asem/", import.meta.url).pathname;

/** Median wall ms of `runs` runs after 3 warm-ups, and the mean CPU ms (user + system) per run. */
function median(fn: () => void, runs = 15): { ms: number; cpuMs: number } {
  for (let i = 0; i < 3; i++) fn();
  const t: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  const c = process.cpuUsage(c0);
  return {
    ms: t.sort((a, b) => a - b)[Math.floor(runs / 2)]!,
    cpuMs: (c.user + c.system) / 1000 / runs,
  };
}

/** "load 1.23" (the 1-minute load average: the machine is shared, so figures are noisy). */
const load = () => `load ${loadavg()[0]!.toFixed(2)}`;

/** A panel of `years` years of a synthetic coin (each year's values drift by a seeded 2%). */
export function syntheticPanel(units: number, indicators: number, years: number): CoinInput {
  const base = syntheticCoin(units, indicators, 3);
  const d = base.data;
  const uCode = Array.from({ length: years }, () => d.uCode).flat();
  return {
    framework: base.framework,
    data: {
      uCode,
      uName: uCode,
      time: Array.from({ length: years }, (_, y) => d.uCode.map(() => 2010 + y)).flat(),
      groups: { Region: Array.from({ length: years }, () => d.groups.Region!).flat() },
      denominators: {},
      indicators: {
        units: uCode,
        codes: d.indicators.codes,
        values: d.indicators.values.map((c, j) => {
          const out = new Float64Array(c.length * years);
          for (let y = 0; y < years; y++)
            for (let i = 0; i < c.length; i++)
              out[y * c.length + i] =
                c[i]! * (1 + 0.02 * y) * (1 + (((i * 31 + j * 7 + y * 13) % 11) - 5) / 250);
          return out;
        }),
      },
    },
  };
}

async function panelSeconds(
  units: number,
  indicators: number,
  years: number,
  runs: number,
  threads = 1,
) {
  const spec = UncertaintySpecSchema.parse({
    ...JSON.parse(
      await readFile(new URL("../examples/asem/uncertainty.json", import.meta.url), "utf8"),
    ),
    runs,
  });
  const input = syntheticPanel(units, indicators, years);
  const pipeline = { ...DEFAULT_PIPELINE, impute: { method: "i_mean" as const } };
  const t = performance.now();
  const c0 = process.cpuUsage();
  const r = await runPanelUncertainty(spec, pipeline, input, 1, { threads });
  const c = process.cpuUsage(c0);
  const s = (performance.now() - t) / 1000;
  // cpuUsage covers the worker threads too (one process).
  return { s, cpuS: (c.user + c.system) / 1e6, failed: r.years.reduce((a, y) => a + y.failed, 0) };
}

/** Prints the figures; returns them for callers that check targets. */
export async function benchCompositeAnalysis(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  console.log("\nAnalysis tools (issue 16)");
  if (existsSync(ASEM)) {
    const input = await readCoin(`${ASEM}ASEM_iData.csv`, `${ASEM}ASEM_iMeta.csv`);
    const res = buildIndex(input, DEFAULT_PIPELINE);
    const { ms, cpuMs } = median(() => removeElements(input, DEFAULT_PIPELINE, res, { level: 1 }));
    out.remove_elements_asem_ms = ms;
    out.remove_elements_asem_cpu_ms = cpuMs;
    console.log(
      `  removeElements, 49 ASEM indicators: ${ms.toFixed(2)} ms median, ${cpuMs.toFixed(2)} ms CPU, ${load()}  [target <= 20 ms]`,
    );
  } else console.log("  (ASEM data absent: removeElements on ASEM skipped)");
  for (const [u, k] of [
    [100, 50],
    [200, 50],
    [400, 50],
    [200, 100],
    [200, 200],
  ] as const) {
    const input = syntheticCoin(u, k, 2);
    const res = buildIndex(input, {
      normalise: DEFAULT_PIPELINE.normalise,
      aggregate: { method: "a_amean" as const },
    });
    const { ms, cpuMs } = median(
      () =>
        removeElements(
          input,
          { normalise: DEFAULT_PIPELINE.normalise, aggregate: { method: "a_amean" as const } },
          res,
          {
            level: 1,
          },
        ),
      7,
    );
    console.log(
      `  removeElements, ${u} units × ${k} indicators (level 1): ${ms.toFixed(2)} ms (${cpuMs.toFixed(2)} ms CPU, ${load()})`,
    );
  }
  // Panel uncertainty: the ASEM uncertainty factors (winmax, normalisation, weight noise, aggregation).
  for (const threads of [1, 2]) {
    const full = await panelSeconds(200, 50, 10, 1000, threads);
    out[`panel_uncertainty_${threads}t_s`] = full.s;
    out[`panel_uncertainty_${threads}t_cpu_s`] = full.cpuS;
    console.log(
      `  panel uncertainty, 1,000 replications, 10 years × 200 units × 50 indicators: ${full.s.toFixed(2)} s on ${threads} thread${threads > 1 ? "s" : ""}, ${full.cpuS.toFixed(2)} s CPU, ${load()} (${full.failed} failed unit-years)  [target <= 10 s on 2 threads]`,
    );
  }
  for (const [u, k, y, r] of [
    [100, 50, 10, 250],
    [200, 50, 10, 250],
    [400, 50, 10, 250],
    [200, 100, 10, 250],
    [200, 50, 5, 250],
    [200, 50, 20, 250],
    [200, 50, 10, 500],
  ] as const) {
    const p = await panelSeconds(u, k, y, r);
    console.log(
      `    ${r} replications, ${y} years × ${u} units × ${k} indicators: ${p.s.toFixed(2)} s (${p.cpuS.toFixed(2)} s CPU, ${load()})`,
    );
  }
  return out;
}
