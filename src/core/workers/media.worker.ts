/** Worker thread for corpus scoring: scores a batch of articles. */
import modelJson from "../../../data/media/target-tone-model.json" with { type: "json" };
import { vaderLexicon } from "../../io/lexicon.ts";
import type { Article } from "../../media/corpus-spec.ts";
import { type MentionRow, scoreArticle } from "../../media/score.ts";
import type { TargetToneModel } from "../../media/target-tone.ts";

const lexicon = vaderLexicon();
const model = modelJson as TargetToneModel;

export default function run(articles: Article[]): MentionRow[] {
  return articles.flatMap((a) => scoreArticle(a, lexicon, model));
}
