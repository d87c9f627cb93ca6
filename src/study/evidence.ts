import type { TableData } from "../composite/tables.ts";
import { readCorpus } from "../io/corpus.ts";
import { duckQuery, mentionsSource, sqlString } from "../io/duck.ts";
import type { Cell } from "../io/write.ts";
import type { FieldMap } from "../media/corpus-spec.ts";
import { splitSentences } from "../media/sentences.ts";

/**
 * The sentences behind the tone numbers: for each outlet country × target, the `perCell` most
 * negative and most positive mentions (at most one per article), with the sentence they were
 * scored in. The mentions file has no text, so the chosen articles are read again from the
 * corpus and split into sentences exactly as the scorer did (the title is sentence 0).
 *
 * @example await mediaEvidence("mentions.parquet", "news.jsonl", map, ["USA", "CHN"], 3)
 */
export async function mediaEvidence(
  mentions: string,
  corpus: string,
  map: FieldMap,
  targets: string[],
  perCell = 3,
): Promise<TableData> {
  const list = targets.map(sqlString).join(", ");
  const picked = await duckQuery([
    `WITH m AS (
       SELECT *, row_number() OVER (PARTITION BY outlet_country, target, article_id ORDER BY tone) AS lo_in_article,
                 row_number() OVER (PARTITION BY outlet_country, target, article_id ORDER BY tone DESC) AS hi_in_article
       FROM ${mentionsSource(mentions)} WHERE target IN (${list})),
     neg AS (SELECT *, 'most negative' AS kind, row_number() OVER (PARTITION BY outlet_country, target ORDER BY tone, article_id) AS k
             FROM m WHERE lo_in_article = 1 AND tone < 0),
     pos AS (SELECT *, 'most positive' AS kind, row_number() OVER (PARTITION BY outlet_country, target ORDER BY tone DESC, article_id) AS k
             FROM m WHERE hi_in_article = 1 AND tone > 0)
     SELECT article_id, date, outlet, outlet_country, target, via, entity, sentence_index, tone, label, frames, kind
     FROM (SELECT * FROM neg WHERE k <= ${perCell} UNION ALL SELECT * FROM pos WHERE k <= ${perCell})
     ORDER BY outlet_country, target, kind, tone`,
  ]);
  const want = new Map<string, Set<number>>();
  for (const r of picked) {
    const id = String(r.article_id);
    const s = want.get(id) ?? new Set<number>();
    want.set(id, s);
    s.add(Number(r.sentence_index));
  }
  const sentences = new Map<string, string>();
  if (want.size) {
    for await (const rec of readCorpus(corpus, map)) {
      if ("bad" in rec) continue;
      const idx = want.get(rec.id);
      if (!idx || sentences.has(`${rec.id}\u0000${[...idx][0]}`)) continue;
      const all = [...(rec.title ? [rec.title] : []), ...splitSentences(rec.text)];
      for (const i of idx) sentences.set(`${rec.id}\u0000${i}`, all[i] ?? "");
    }
  }
  const columns = [
    "outlet_country",
    "target",
    "kind",
    "tone",
    "label",
    "sentence",
    "article_id",
    "date",
    "outlet",
    "via",
    "entity",
    "frames",
  ];
  const rows: Cell[][] = picked.map((r) => [
    r.outlet_country as string,
    r.target as string,
    r.kind as string,
    Number(r.tone),
    r.label as string,
    sentences.get(`${r.article_id}\u0000${r.sentence_index}`) ?? null,
    String(r.article_id),
    (r.date as string | null) ?? null,
    r.outlet as string,
    r.via as string,
    r.entity as string,
    (r.frames as string | null) ?? "",
  ]);
  return { columns, rows };
}
