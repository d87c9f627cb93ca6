import type { Article } from "./corpus-spec.ts";
import { FRAMES, frameMask } from "./frames.ts";
import { findMentions, type Mention } from "./mentions.ts";
import { splitSentences } from "./sentences.ts";
import {
  FEATURE_COUNT,
  featuresInto,
  predictTargetTone,
  prepareSentence,
  type TargetToneModel,
  type ToneLabel,
} from "./target-tone.ts";
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

/** The frames column for each frame mask: the frames in FRAMES order, ";"-separated. */
const FRAME_LISTS: readonly string[] = Array.from({ length: 1 << FRAMES.length }, (_, mask) =>
  FRAMES.filter((_, i) => mask & (1 << i)).join(";"),
);

/** Receives each scored mention of an article (see {@link forEachMention}). */
export type MentionVisitor = (
  sentenceIndex: number,
  mention: Mention,
  tone: number,
  label: ToneLabel,
  frames: string,
) => void;

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
  const rows: MentionRow[] = [];
  forEachMention(article, lexicon, model, (s, m, tone, label, frames) => {
    rows.push({
      article_id: article.id,
      date: article.date,
      outlet: article.outlet,
      outlet_country: article.outlet_country,
      target: m.target,
      via: m.via,
      entity: m.entity,
      sentence_index: s,
      tone,
      label,
      frames,
    });
  });
  return rows;
}

/**
 * {@link scoreArticle} without building rows: calls `visit` for each mention in order. Each
 * sentence is lower-cased once for the tone features and the frames.
 */
export function forEachMention(
  article: Article,
  lexicon: Lexicon,
  model: TargetToneModel,
  visit: MentionVisitor,
): void {
  let s = 0;
  if (article.title) scoreSentence(article.title, s++, lexicon, model, visit);
  for (const sentence of splitSentences(article.text))
    scoreSentence(sentence, s++, lexicon, model, visit);
}

const FEATURES = new Float64Array(FEATURE_COUNT);

function scoreSentence(
  sentence: string,
  index: number,
  lexicon: Lexicon,
  model: TargetToneModel,
  visit: MentionVisitor,
): void {
  const lower = sentence.toLowerCase();
  const mentions = findMentions(sentence, undefined, lower);
  if (mentions.length === 0) return;
  const spans = mentions.map((m) => ({ from: m.start, to: m.end }));
  const prepared = prepareSentence(sentence, spans, lexicon, lower);
  const frames = FRAME_LISTS[frameMask(sentence, lower)]!;
  for (const m of mentions) {
    featuresInto(prepared, m.start, m.end, FEATURES);
    const p = predictTargetTone(model, FEATURES);
    visit(index, m, p.score, p.label, frames);
  }
}
