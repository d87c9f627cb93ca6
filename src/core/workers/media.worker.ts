/** Worker thread for corpus scoring: scores a batch of articles and returns its CSV lines. */
import modelJson from "../../../data/media/target-tone-model.json" with { type: "json" };
import { vaderLexicon } from "../../io/lexicon.ts";
import { scoreBatchCsv } from "../../io/mentions-csv.ts";
import type { Article } from "../../media/corpus-spec.ts";
import type { TargetToneModel } from "../../media/target-tone.ts";

const lexicon = vaderLexicon();
const model = modelJson as TargetToneModel;

/** CSV lines (no header) of the mentions in a batch, and how many there are. */
export default function run(articles: Article[]): { csv: string; count: number } {
  return scoreBatchCsv(articles, lexicon, model);
}
