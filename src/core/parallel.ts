import { availableParallelism } from "node:os";
import type { Piscina } from "piscina";
import {
  analysePanelUncertainty,
  type PanelReplicationEvaluator,
  type PanelUncertaintyResult,
} from "../composite/panel-uncertainty.ts";
import type { CoinInput, Pipeline } from "../composite/pipeline.ts";
import {
  analyseUncertainty,
  type Design,
  prepareUncertainty,
  type RankRunner,
  ReplicationEvaluator,
  replicateRanks,
  type UncertaintyResult,
} from "../composite/uncertainty.ts";
import type { UncertaintySpec } from "../composite/uncertainty-spec.ts";
import type { DriverMethod, DriverProblem } from "../drivers/analysis.ts";
import { bootstrapReplicate } from "../drivers/bootstrap.ts";
import { workerPool } from "./worker-pool.ts";

export interface ParallelOptions {
  /** Worker threads; "auto" uses all cores when the work is large enough to pay for them. */
  threads?: number | "auto";
  /** Called with (replications done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** Replications × units × indicators above which "auto" uses worker threads. */
const AUTO_THRESHOLD = 2e8;

/**
 * Runs items [from, to) on the pool in chunks of `chunk`, all at once, handing each chunk's
 * result to `place` and reporting progress as chunks finish (in any order).
 */
async function runChunks<R>(
  pool: Piscina,
  from: number,
  to: number,
  chunk: number,
  task: (a: number, b: number) => unknown,
  place: (result: R, a: number, b: number) => void,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  let done = 0;
  const jobs: Promise<void>[] = [];
  for (let a = from; a < to; a += chunk) {
    const b = Math.min(to, a + chunk);
    jobs.push(
      pool.run(task(a, b)).then((res: R) => {
        place(res, a, b);
        done += b - a;
        onProgress?.(done, to - from);
      }),
    );
  }
  await Promise.all(jobs);
}

/**
 * Runs an uncertainty or sensitivity analysis, on worker threads (piscina) when asked or when the
 * work is large. Results are identical for any number of threads: the seed fixes the design.
 */
export async function runUncertainty(
  spec: UncertaintySpec,
  nominal: Pipeline,
  input: CoinInput,
  seed: number,
  opts: ParallelOptions = {},
): Promise<UncertaintyResult & { threads: number }> {
  const nUnits = input.data.uCode.length;
  const requested = opts.threads ?? spec.threads;
  let threads = 1;
  if (requested === "auto") {
    const { design } = prepareUncertainty(spec, nominal, input, seed);
    const work = design.runs * nUnits * input.framework.indicators.length;
    threads = work > AUTO_THRESHOLD ? Math.max(1, availableParallelism()) : 1;
  } else threads = requested;

  if (threads <= 1) {
    const runner = (design: Design): RankRunner => {
      const { factors } = prepareUncertainty(spec, nominal, input, seed);
      const ev = new ReplicationEvaluator(input, nominal, factors);
      return async (from, to) => {
        const out = new Float64Array((to - from) * nUnits);
        const chunk = Math.max(1, Math.ceil((to - from) / 100));
        for (let a = from; a < to; a += chunk) {
          const b = Math.min(to, a + chunk);
          out.set(replicateRanks(ev, design, a, b, nUnits), (a - from) * nUnits);
          opts.onProgress?.(b - from, to - from);
          if (opts.onProgress) await new Promise((r) => setImmediate(r));
        }
        return out;
      };
    };
    return { ...(await analyseUncertainty(spec, nominal, input, seed, runner)), threads: 1 };
  }

  const pool = workerPool("uncertainty", threads);
  try {
    const runner =
      (_design: Design): RankRunner =>
      async (from, to) => {
        const out = new Float64Array((to - from) * nUnits);
        await runChunks<Float64Array>(
          pool,
          from,
          to,
          Math.max(1, Math.ceil((to - from) / (threads * 8))),
          (a, b) => ({ spec, nominal, input, seed, from: a, to: b }),
          (ranks, a) => out.set(ranks, (a - from) * nUnits),
          opts.onProgress,
        );
        return out;
      };
    return { ...(await analyseUncertainty(spec, nominal, input, seed, runner)), threads };
  } finally {
    await pool.destroy();
  }
}

/**
 * Uncertainty or sensitivity analysis of a panel build, year by year
 * ({@link analysePanelUncertainty}), on `threads` worker threads when asked or when the work is
 * large; the seed fixes the design, so the results do not depend on the number of threads.
 */
export async function runPanelUncertainty(
  spec: UncertaintySpec,
  nominal: Pipeline,
  input: CoinInput,
  seed: number,
  opts: ParallelOptions = {},
): Promise<PanelUncertaintyResult & { threads: number }> {
  const requested = opts.threads ?? spec.threads;
  let threads = 1;
  if (requested === "auto") {
    const { design } = prepareUncertainty(spec, nominal, input, seed);
    const work = design.runs * input.data.uCode.length * input.framework.indicators.length;
    threads = work > AUTO_THRESHOLD ? Math.max(1, availableParallelism()) : 1;
  } else threads = requested;
  if (threads <= 1)
    return { ...(await analysePanelUncertainty(spec, nominal, input, seed)), threads: 1 };
  const pool = workerPool("uncertainty", threads);
  try {
    const runner =
      (_design: Design, ev: PanelReplicationEvaluator) => async (from: number, to: number) => {
        const out = new Float64Array((to - from) * ev.nRows);
        await runChunks<Float64Array>(
          pool,
          from,
          to,
          // Few large chunks: each task carries the whole panel input (structured clone).
          Math.max(1, Math.ceil((to - from) / (threads * 2))),
          (a, b) => ({ spec, nominal, input, seed, from: a, to: b, panel: true }),
          (ranks, a) => out.set(ranks, (a - from) * ev.nRows),
          opts.onProgress,
        );
        return out;
      };
    return { ...(await analysePanelUncertainty(spec, nominal, input, seed, runner)), threads };
  } finally {
    await pool.destroy();
  }
}

/**
 * Bootstrap replicates of a driver analysis, on worker threads when asked or when the work is
 * large (rows × 2^players × replicates). Each replicate is seeded by (seed, index), so the
 * results do not depend on the number of threads.
 */
export async function runDriverBootstrap(
  pb: DriverProblem,
  methods: DriverMethod[],
  replicates: number,
  seed: number,
  opts: ParallelOptions = {},
): Promise<Float64Array[][]> {
  const work = replicates * pb.rows.length * 2 ** Math.min(pb.players.length, 20);
  const requested = opts.threads ?? "auto";
  const threads =
    requested === "auto" ? (work > 2e8 ? Math.max(1, availableParallelism()) : 1) : requested;
  if (threads <= 1) {
    const out: Float64Array[][] = [];
    for (let b = 0; b < replicates; b++) {
      out.push(bootstrapReplicate(pb, methods, seed, b));
      if (opts.onProgress && (b % 10 === 9 || b === replicates - 1)) {
        opts.onProgress(b + 1, replicates);
        await new Promise((r) => setImmediate(r));
      }
    }
    return out;
  }
  const pool = workerPool("drivers", threads);
  try {
    const out: Float64Array[][] = new Array(replicates);
    await runChunks<Float64Array[][]>(
      pool,
      0,
      replicates,
      Math.max(1, Math.ceil(replicates / (threads * 8))),
      (a, b) => ({ pb, methods, seed, from: a, to: b }),
      (res, a) =>
        res.forEach((r, k) => {
          out[a + k] = r;
        }),
      opts.onProgress,
    );
    return out;
  } finally {
    await pool.destroy();
  }
}
