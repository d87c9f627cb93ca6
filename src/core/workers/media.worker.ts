/**
 * Worker thread for corpus scoring: scores a batch of articles, or parses and scores a chunk of
 * JSONL lines, and moves the CSV bytes back.
 */
import { move, transferableSymbol, valueSymbol } from "piscina";
import modelJson from "../../../data/media/target-tone-model.json" with { type: "json" };
import type { JsonlChunk } from "../../io/corpus.ts";
import { vaderLexicon } from "../../io/lexicon.ts";
import { type ScoredChunk, scoreBatchCsv, scoreJsonlChunk } from "../../io/mentions-csv.ts";
import type { Article, FieldMap } from "../../media/corpus-spec.ts";
import type { TargetToneModel } from "../../media/target-tone.ts";

const lexicon = vaderLexicon();
const model = modelJson as TargetToneModel;

/** The result with its CSV bytes transferred, not copied. */
function moved(r: ScoredChunk): unknown {
  return move({
    get [transferableSymbol]() {
      return [r.csv.buffer];
    },
    get [valueSymbol]() {
      return r;
    },
  });
}

/** CSV bytes (no header) of the mentions in a batch of articles, and how many rows. */
export default function run(articles: Article[]): unknown {
  return moved(scoreBatchCsv(articles, lexicon, model));
}

/** The same for a chunk of JSONL lines, with its articles and bad records. */
export function scoreJsonl(task: { chunk: JsonlChunk; map: FieldMap }): unknown {
  return moved(scoreJsonlChunk(task.chunk, task.map, lexicon, model));
}
