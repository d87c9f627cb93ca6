import type { Article } from "./corpus-spec.ts";
import { detectFrames } from "./frames.ts";
import { findMentions } from "./mentions.ts";
import { splitSentences } from "./sentences.ts";
import { predictTargetTone, type TargetToneModel, targetFeatures } from "./target-tone.ts";
import type { Lexicon } from "./vader.ts";

/** One mention row of `softpower media score` (the contract's columns). */
export interface MentionRow {
  article_id: string;
  date: string;
  outlet: string;
  outlet_country: string;
  target: string;
  via: string;
  entity: string;
  sentence_index: number;
  tone: number;
  label: string;
  frames: string;
}

export const MENTION_COLUMNS: (keyof MentionRow)[] = [
  "article_id",
  "date",
  "outlet",
  "outlet_country",
  "target",
  "via",
  "entity",
  "sentence_index",
  "tone",
  "label",
  "frames",
];

/**
 * Scores one article: its title and text are split into sentences (the title is sentence 0);
 * in each sentence every country and company mention is found, all of them masked, and the tone
 * toward each mention predicted from the words around it (target-tone model on VADER
 * valences); the sentence's frames are attached. Several mentions of one target in a sentence
 * give one row each (the aggregation counts articles apart from mentions).
 */
export function scoreArticle(
  article: Article,
  lexicon: Lexicon,
  model: TargetToneModel,
): MentionRow[] {
  const sentences = [...(article.title ? [article.title] : []), ...splitSentences(article.text)];
  const rows: MentionRow[] = [];
  sentences.forEach((sentence, s) => {
    const mentions = findMentions(sentence);
    if (mentions.length === 0) return;
    const spans = mentions.map((m) => ({ from: m.start, to: m.end }));
    const feats = targetFeatures(sentence, spans, lexicon, spans);
    const frames = detectFrames(sentence).join(";");
    mentions.forEach((m, k) => {
      const p = predictTargetTone(model, feats[k]!);
      rows.push({
        article_id: article.id,
        date: article.date,
        outlet: article.outlet,
        outlet_country: article.outlet_country,
        target: m.target,
        via: m.via,
        entity: m.entity,
        sentence_index: s,
        tone: p.score,
        label: p.label,
        frames,
      });
    });
  });
  return rows;
}
