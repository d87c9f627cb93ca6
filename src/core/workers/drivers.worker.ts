/** Worker thread for driver bootstraps: replicates [from, to) of a seeded bootstrap. */
import type { DriverMethod, DriverProblem } from "../../drivers/analysis.ts";
import { bootstrapReplicate } from "../../drivers/bootstrap.ts";

export interface DriverBootstrapTask {
  pb: DriverProblem;
  methods: DriverMethod[];
  seed: number;
  from: number;
  to: number;
}

export default function run(task: DriverBootstrapTask): Float64Array[][] {
  const out: Float64Array[][] = [];
  for (let b = task.from; b < task.to; b++)
    out.push(bootstrapReplicate(task.pb, task.methods, task.seed, b));
  return out;
}
