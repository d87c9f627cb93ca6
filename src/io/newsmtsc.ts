import { InputError } from "../core/errors.ts";
import type { Span } from "../media/target-tone.ts";
import type { Lexicon } from "../media/vader.ts";

/** One NewsMTSC line: the sentence and its targets (spans, mention, polarity 2/4/6 when labelled). */
export interface NewsMtscLine {
  line: number;
  sentence: string;
  targets: { from: number; to: number; mention: string; polarity?: number; further: Span[] }[];
}

/**
 * Parses NewsMTSC JSONL (`sentence_normalized`, `targets[{from, to, mention, polarity,
 * further_mentions}]`). Malformed lines are collected with their line numbers.
 */
export function parseNewsMtsc(text: string): {
  lines: NewsMtscLine[];
  bad: { line: number; reason: string }[];
} {
  const lines: NewsMtscLine[] = [];
  const bad: { line: number; reason: string }[] = [];
  text.split(/\r?\n/).forEach((raw, k) => {
    if (raw.trim() === "") return;
    const line = k + 1;
    let d: unknown;
    try {
      d = JSON.parse(raw);
    } catch (e) {
      bad.push({ line, reason: `not valid JSON (${(e as Error).message})` });
      return;
    }
    const o = d as { sentence_normalized?: unknown; targets?: unknown };
    if (typeof o.sentence_normalized !== "string") {
      bad.push({ line, reason: 'missing field "sentence_normalized"' });
      return;
    }
    if (!Array.isArray(o.targets)) {
      bad.push({ line, reason: 'missing field "targets"' });
      return;
    }
    const targets: NewsMtscLine["targets"] = [];
    for (const [j, t] of (o.targets as Record<string, unknown>[]).entries()) {
      if (typeof t.from !== "number" || typeof t.to !== "number" || !(t.from < t.to)) {
        bad.push({ line, reason: `target ${j}: "from" and "to" must be numbers with from < to` });
        return;
      }
      targets.push({
        from: t.from,
        to: t.to,
        mention:
          typeof t.mention === "string" ? t.mention : o.sentence_normalized.slice(t.from, t.to),
        polarity: typeof t.polarity === "number" ? t.polarity : undefined,
        further: Array.isArray(t.further_mentions)
          ? (t.further_mentions as { from: number; to: number }[]).map((m) => ({
              from: m.from,
              to: m.to,
            }))
          : [],
      });
    }
    lines.push({ line, sentence: o.sentence_normalized, targets });
  });
  return { lines, bad };
}

/** Labelled feature vectors from NewsMTSC text (class 0 negative, 1 neutral, 2 positive). */
export function newsMtscExamples(
  text: string,
  lexicon: Lexicon,
  featurize: (s: string, t: Span[], lex: Lexicon, mask: Span[]) => Float64Array[],
): { X: Float64Array[]; y: number[] } {
  const { lines, bad } = parseNewsMtsc(text);
  if (bad.length)
    throw new InputError(
      `NewsMTSC line ${bad[0]!.line}: ${bad[0]!.reason} (${bad.length} bad lines)`,
    );
  const X: Float64Array[] = [];
  const y: number[] = [];
  for (const l of lines) {
    const fs = lineFeatures(l, lexicon, featurize);
    l.targets.forEach((t, k) => {
      if (t.polarity === undefined) return;
      X.push(fs[k]!);
      y.push(t.polarity <= 3 ? 0 : t.polarity >= 5 ? 2 : 1);
    });
  }
  return { X, y };
}

/**
 * Features of each target of a line, with every target mention and its further mentions
 * masked (NewsMTSC's further_mentions are coreferent mentions such as "she").
 */
export function lineFeatures(
  l: NewsMtscLine,
  lexicon: Lexicon,
  featurize: (s: string, t: Span[], lex: Lexicon, mask: Span[]) => Float64Array[],
): Float64Array[] {
  const spans = l.targets.map((t) => ({ from: t.from, to: t.to }));
  return featurize(l.sentence, spans, lexicon, [...spans, ...l.targets.flatMap((t) => t.further)]);
}
