/**
 * Worker thread for uncertainty replications: rebuilds the (seed-determined) design and runs
 * the replications [from, to). Every worker draws the same design from the same seed, so results
 * do not depend on how the work is split.
 */
import { Piscina } from "piscina";
import {
  PanelReplicationEvaluator,
  replicatePanelRanks,
} from "../../composite/panel-uncertainty.ts";
import type { CoinInput, Pipeline } from "../../composite/pipeline.ts";
import {
  prepareUncertainty,
  ReplicationEvaluator,
  replicateRanks,
} from "../../composite/uncertainty.ts";
import type { UncertaintySpec } from "../../composite/uncertainty-spec.ts";

export interface UncertaintyTask {
  spec: UncertaintySpec;
  nominal: Pipeline;
  input: CoinInput;
  seed: number;
  from: number;
  to: number;
  /** A panel build (iData with several years): ranks within each year, stacked. */
  panel?: boolean;
}

let cached: {
  key: string;
  ev: ReplicationEvaluator;
  design: ReturnType<typeof prepareUncertainty>["design"];
} | null = null;

let cachedPanel: {
  key: string;
  ev: PanelReplicationEvaluator;
  design: ReturnType<typeof prepareUncertainty>["design"];
} | null = null;

export default function run(task: UncertaintyTask): unknown {
  const key = `${task.seed}|${JSON.stringify(task.spec)}|${JSON.stringify(task.nominal)}`;
  if (task.panel) {
    if (!cachedPanel || cachedPanel.key !== key) {
      const { factors, design } = prepareUncertainty(
        task.spec,
        task.nominal,
        task.input,
        task.seed,
      );
      cachedPanel = {
        key,
        ev: new PanelReplicationEvaluator(task.input, task.nominal, factors),
        design,
      };
    }
    return Piscina.move(
      replicatePanelRanks(cachedPanel.ev, cachedPanel.design, task.from, task.to),
    );
  }
  if (!cached || cached.key !== key) {
    const { factors, design } = prepareUncertainty(task.spec, task.nominal, task.input, task.seed);
    cached = { key, ev: new ReplicationEvaluator(task.input, task.nominal, factors), design };
  }
  const ranks = replicateRanks(
    cached.ev,
    cached.design,
    task.from,
    task.to,
    task.input.data.uCode.length,
  );
  return Piscina.move(ranks);
}
