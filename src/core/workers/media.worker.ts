/** Worker thread for corpus scoring: scores a batch of articles and returns its CSV lines. */
import { move, transferableSymbol, valueSymbol } from "piscina";
import modelJson from "../../../data/media/target-tone-model.json" with { type: "json" };
import { vaderLexicon } from "../../io/lexicon.ts";
import { scoreBatchCsv } from "../../io/mentions-csv.ts";
import type { Article } from "../../media/corpus-spec.ts";
import type { TargetToneModel } from "../../media/target-tone.ts";

const lexicon = vaderLexicon();
const model = modelJson as TargetToneModel;

/** CSV bytes (no header) of the mentions in a batch, moved to the caller, and how many rows. */
export default function run(articles: Article[]) {
  const r = scoreBatchCsv(articles, lexicon, model);
  return move({
    get [transferableSymbol]() {
      return [r.csv.buffer];
    },
    get [valueSymbol]() {
      return r;
    },
  });
}
