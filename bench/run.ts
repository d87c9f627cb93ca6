/**
 * `npm run bench`: performance figures of the composite engine, and how cost grows with size.
 * Targets (issue 2, 2-core machine): ASEM build < 5 ms warm; >= 2,000 replications/s
 * (10,000 ASEM replications with 4 factors < 5 s); ASEM reweight < 0.5 ms.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import {
  buildIndex,
  type CoinInput,
  DEFAULT_PIPELINE,
  type Pipeline,
} from "../src/composite/pipeline.ts";
import { createReweighter } from "../src/composite/reweight.ts";
import { UncertaintySpecSchema } from "../src/composite/uncertainty-spec.ts";
import { runUncertainty } from "../src/core/parallel.ts";
import { readCoin } from "../src/io/coin.ts";
import { syntheticCoin } from "./synthetic.ts";

const ASEM = new URL("../../shared/data/composite/asem/", import.meta.url).pathname;

function timeIt(fn: () => void, minMs = 300, minRuns = 20): { median: number; runs: number } {
  for (let i = 0; i < 5; i++) fn(); // warm-up
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < minMs) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, runs: times.length };
}

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

async function uaRate(input: CoinInput, pipeline: Pipeline, runs: number, threads: number) {
  const spec = UncertaintySpecSchema.parse({
    ...JSON.parse(
      await readFile(new URL("../examples/asem/uncertainty.json", import.meta.url), "utf8"),
    ),
    runs,
  });
  const t = performance.now();
  const r = await runUncertainty(spec, pipeline, input, 1, { threads });
  const s = (performance.now() - t) / 1000;
  return { seconds: s, perSecond: runs / s, failed: r.failed };
}

console.log(`softpower bench — node ${process.version}, ${availableParallelism()} cores\n`);

// Whole-process CLI figures first, while the machine is as quiet as this run will leave it.
const { startupBench } = await import("./startup.ts");
await startupBench();
console.log();

if (existsSync(ASEM)) {
  const input = await readCoin(`${ASEM}ASEM_iData.csv`, `${ASEM}ASEM_iMeta.csv`);
  const build = timeIt(() => buildIndex(input, DEFAULT_PIPELINE));
  console.log(
    `ASEM build (51 units × 49 indicators, default pipeline), warm: ${fmt(build.median)} median of ${build.runs}  [target < 5 ms]`,
  );
  const nominal = buildIndex(input, DEFAULT_PIPELINE);
  const rw = createReweighter(nominal.stages.Normalised!, input.framework);
  const w = rw.nominal.slice();
  let k = 0;
  const re = timeIt(
    () => {
      w[rw.codes.length - 1] = 1 + (k++ % 7) / 10;
      rw.run(w);
    },
    300,
    200,
  );
  console.log(
    `ASEM reweight (aggregate 3 levels + rank): ${fmt(re.median)} median of ${re.runs}  [target < 0.5 ms]`,
  );
  for (const threads of [1, availableParallelism()]) {
    const r = await uaRate(input, DEFAULT_PIPELINE, 10_000, threads);
    console.log(
      `ASEM uncertainty, 10,000 replications, 4 factors, ${threads} thread(s): ${r.seconds.toFixed(2)} s = ${Math.round(r.perSecond)} replications/s (${r.failed} failed)  [target >= 2,000/s, < 5 s]`,
    );
  }
} else {
  console.log(`(ASEM figures skipped: ${ASEM} is absent)`);
}

console.log(
  "\nScaling (synthetic, pillars of 10 indicators, default pipeline without denominate):",
);
console.log(
  "units × indicators | build      | reweight   | 1,000 replications (winmax × norm × weights × agg) | heap after build",
);
const pipeline: Pipeline = {
  ...DEFAULT_PIPELINE,
  denominate: undefined,
  impute: { method: "i_mean_grp", group: "Region" },
};
let prev: { cells: number; build: number } | null = null;
for (const [u, m] of [
  [50, 75],
  [100, 150],
  [200, 300],
  [400, 600],
] as const) {
  const input = syntheticCoin(u, m);
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const b = timeIt(() => buildIndex(input, pipeline), 300, 5);
  const nominal = buildIndex(input, pipeline);
  const heap1 = process.memoryUsage().heapUsed;
  const rw = createReweighter(nominal.stages.Normalised!, input.framework);
  const re = timeIt(() => rw.run(rw.nominal), 200, 20);
  const ua = await uaRate(input, pipeline, 1000, availableParallelism());
  const cells = u * m;
  const growth = prev
    ? `  (×${(b.median / prev.build).toFixed(1)} build for ×${(cells / prev.cells).toFixed(0)} cells)`
    : "";
  console.log(
    `${`${u} × ${m}`.padEnd(18)} | ${fmt(b.median).padEnd(10)} | ${fmt(re.median).padEnd(10)} | ${`${ua.seconds.toFixed(2)} s (${Math.round(ua.perSecond)}/s)`.padEnd(50)} | ${mb(Math.max(0, heap1 - heap0))}${growth}`,
  );
  prev = { cells, build: b.median };
}
console.log(`\nrss at end: ${mb(process.memoryUsage().rss)}`);

const { surveyBench } = await import("./survey.ts");
await surveyBench();
(await import("./survey-crosstab.ts")).surveyCrosstabBench();
(await import("./survey-banner.ts")).surveyBannerBench();
(await import("./survey-olr.ts")).surveyOlrBench();
(await import("./survey-contrast.ts")).surveyContrastBench();

const { driversBench } = await import("./drivers.ts");
await driversBench();

const { mediaBench } = await import("./media.ts");
await mediaBench();

const { framesBench } = await import("./frames.ts");
await framesBench();
const { mentionsBench } = await import("./mentions.ts");
await mentionsBench();

const { storeBench } = await import("./store.ts");
await storeBench();

const { studyBench } = await import("./study.ts");
await studyBench();

const { serverBench } = await import("./server.ts");
await serverBench();

const { dashboardBench } = await import("./dashboard.ts");
await dashboardBench();

const { reportBench } = await import("./report.ts");
await reportBench();

const { benchCompositeAnalysis } = await import("./composite-analysis.ts");
await benchCompositeAnalysis();

await (await import("./studio.ts")).studioBench();

const { ioBench } = await import("./io.ts");
await ioBench();
await (await import("./fleet.ts")).fleetBench();
await (await import("./media-summarise.ts")).summariseBench();
