/**
 * Writes the CSV inputs of the R timings in bench/survey.ts (bench/survey-r-timing.R reads
 * them): `node --import tsx bench/survey-r-inputs.ts DIR`. Each file is syntheticSurveyFrame
 * with the configuration in its name: rows, PSUs, strata.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { QUANTILE_CONFIGS, REPLICATE_CONFIGS } from "./survey.ts";
import { surveyFrameCsv, syntheticSurveyFrame } from "./survey-data.ts";

const dir = process.argv[2] ?? "/tmp/softpower-survey-r";
mkdirSync(dir, { recursive: true });
const seen = new Set<string>();
const file = (c: { rows: number; psus: number; strata: number }) =>
  `rows${c.rows}_psus${c.psus}_strata${c.strata}.csv`;
for (const c of [...REPLICATE_CONFIGS, ...QUANTILE_CONFIGS]) {
  const name = file(c);
  if (seen.has(name)) continue;
  seen.add(name);
  writeFileSync(join(dir, name), surveyFrameCsv(syntheticSurveyFrame(c.rows, c.psus, c.strata)));
  console.log(join(dir, name));
}
// The configurations, for the R script.
writeFileSync(
  join(dir, "configs.csv"),
  `${[
    "kind,name,type,strata,count,file",
    ...REPLICATE_CONFIGS.map(
      (c) => `replicates,${c.name},${c.type},${c.strata},${c.count ?? ""},${file(c)}`,
    ),
    ...QUANTILE_CONFIGS.map((c) => `quantiles,${c.name},,${c.strata},,${file(c)}`),
  ].join("\n")}\n`,
);
