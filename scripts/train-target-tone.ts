/**
 * Reproducible training of the target-tone model shipped in data/media/target-tone-model.json:
 * multinomial logistic regression over src/media/target-tone.ts features, trained on NewsMTSC
 * train.jsonl (../shared/data/media/newsmtsc), deterministic (full-batch Adam, fixed settings).
 * Run: node --import tsx scripts/train-target-tone.ts [path/to/newsmtsc]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { newsMtscExamples } from "../src/io/newsmtsc.ts";
import { vaderLexicon } from "../src/media/lexicon.ts";
import { targetFeatures, trainTargetTone } from "../src/media/target-tone.ts";

const dir = process.argv[2] ?? resolve(import.meta.dirname, "../../shared/data/media/newsmtsc");
const lexicon = vaderLexicon();
const { X, y } = newsMtscExamples(
  readFileSync(`${dir}/train.jsonl`, "utf8"),
  lexicon,
  targetFeatures,
);
const model = trainTargetTone(X, y, { lambda: 1e-2, iterations: 500, balanced: false });
model.meta = {
  trained_on: "NewsMTSC train.jsonl",
  examples: X.length,
  lexicon: "vaderSentiment 3.3.2 lexicons (data/media/vader), emoji replaced by descriptions",
  settings: {
    lambda: 1e-2,
    iterations: 500,
    balanced: false,
    optimiser: "full-batch Adam, rate 0.05",
  },
  script: "scripts/train-target-tone.ts",
};
const out = resolve(import.meta.dirname, "../data/media/target-tone-model.json");
writeFileSync(out, `${JSON.stringify(model, null, 2)}\n`);
console.log(`trained on ${X.length} targets; wrote ${out}`);
