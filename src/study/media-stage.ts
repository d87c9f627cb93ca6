import { join } from "node:path";
import type { TableData } from "../composite/tables.ts";
import { duckQuery, mentionsSource } from "../io/duck.ts";
import { biasTable, scoreCorpus, summariseMentions } from "../tasks/media.ts";
import { mediaEvidence } from "./evidence.ts";
import type { LoadedStudy } from "./load.ts";

/** Worker threads for scoring: one for small corpora (workers cost ~0.3 s to start), else all cores. */
async function autoThreads(corpus: string): Promise<number> {
  const { stat, readdir } = await import("node:fs/promises");
  const { availableParallelism } = await import("node:os");
  let bytes = 0;
  const st = await stat(corpus);
  if (st.isDirectory()) {
    for (const e of await readdir(corpus, { recursive: true, withFileTypes: true }))
      if (e.isFile()) bytes += (await stat(join(e.parentPath, e.name))).size;
  } else bytes = st.size;
  return bytes < 8 * 2 ** 20 ? 1 : Math.max(1, availableParallelism());
}

/** Scores the corpus, then tone by outlet country × target × period, frames, companies, bias. */
export async function mediaStage(
  study: LoadedStudy,
  mentions: string,
  tables: Record<string, TableData>,
  rowsOf: Map<string, number>,
  threads: number | "auto",
): Promise<{ entity: string; tone: number; n: number }[]> {
  const md = study.media!;
  const counts = await scoreCorpus({
    corpus: md.corpus,
    map: md.fields,
    out: mentions,
    threads: threads === "auto" ? await autoThreads(md.corpus) : threads,
    skipBad: md.skip_bad,
  });
  rowsOf.set(md.corpus, counts.articles);
  const targets = md.targets ?? study.config.targets;
  const inTargets = `target IN (${targets.map((t) => `'${t}'`).join(", ")})`;
  const opts = { bootstrap: md.bootstrap, seed: study.config.seed };
  tables.media_tone = await summariseMentions(mentions, ["outlet_country", "target", md.period], {
    ...opts,
    where: inTargets,
  });
  tables.media_tone_overall = await summariseMentions(mentions, ["outlet_country", "target"], {
    ...opts,
    where: inTargets,
  });
  tables.media_tone_outlet = await summariseMentions(
    mentions,
    ["outlet", "outlet_country", "target"],
    {
      ...opts,
      where: inTargets,
    },
  );
  tables.media_frames = await summariseMentions(mentions, ["target", "frame"], {
    ...opts,
    where: inTargets,
  });
  tables.media_companies = await summariseMentions(mentions, ["entity", "target"], {
    ...opts,
    where: "via = 'company'",
  });
  // Rename the period key to a fixed column so runs with other periods share one table layout.
  tables.media_tone.columns[2] = "period";
  const bias: TableData = { columns: [], rows: [] };
  for (const b of md.bias) {
    const [field, value] = b.group.split(/=(.*)/s) as ["outlet" | "outlet_country", string];
    const t = await biasTable(mentions, {
      field,
      value,
      target: b.target,
      compare: b.compare,
      period: md.period,
      level: 0.95,
    });
    bias.columns = t.columns;
    bias.rows.push(...t.rows);
  }
  if (bias.rows.length) tables.media_bias = bias;
  tables.media_evidence = await mediaEvidence(mentions, md.corpus, md.fields, targets);
  tables.media_corpus = {
    columns: ["articles", "mentions", "duplicates", "bad"],
    rows: [[counts.articles, counts.mentions, counts.duplicates, counts.bad]],
  };
  const rows = await duckQuery([
    `SELECT entity, sum(tone) AS tone, count(*) AS n FROM ${mentionsSource(mentions)} WHERE via = 'company' GROUP BY entity ORDER BY entity`,
  ]);
  return rows.map((r) => ({ entity: String(r.entity), tone: Number(r.tone), n: Number(r.n) }));
}
