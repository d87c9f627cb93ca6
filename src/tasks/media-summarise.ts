import type { TableData } from "../composite/tables.ts";
import { InputError } from "../core/errors.ts";
import { mentionsOrParts } from "../fleet/parts.ts";
import { duckSession, sqlIdent } from "../io/duck.ts";
import type { Cell } from "../io/write.ts";

/** Period keys of the mentions' `date` (any text DuckDB casts to DATE; NULL otherwise). */
export const PERIODS: Record<string, string> = {
  day: "strftime(TRY_CAST(date AS DATE), '%Y-%m-%d')",
  week: "strftime(TRY_CAST(date AS DATE), '%G-W%V')",
  month: "strftime(TRY_CAST(date AS DATE), '%Y-%m')",
  year: "strftime(TRY_CAST(date AS DATE), '%Y')",
};

/** Keys `media summarise --by` accepts. */
export const KEYS = [
  "outlet",
  "outlet_country",
  "target",
  "via",
  "entity",
  "frame",
  ...Object.keys(PERIODS),
];

/**
 * The mentions as a SQL relation with the asked period columns and one row per frame when asked.
 * Periods come from `dates` (one row per distinct date value with its periods, joined on the
 * date): the same expressions as per row, evaluated once per distinct date instead of once per
 * mention (strftime was a quarter of the scan's time).
 */
function mentionsRelation(file: string, periods: string[], withFrame: boolean): string {
  const base = periods.length
    ? `SELECT m.*, ${periods.map((p) => `d.${p}`).join(", ")} FROM ${mentionsOrParts(file)} m LEFT JOIN dates d ON m.date = d.date`
    : `SELECT * FROM ${mentionsOrParts(file)}`;
  return withFrame
    ? `SELECT *, unnest(CASE WHEN frames IS NULL OR frames = '' THEN ['none'] ELSE string_split(frames, ';') END) AS frame FROM (${base})`
    : base;
}

/**
 * Mentions, articles, mean tone and shares negative/positive by the given keys (outlet,
 * outlet_country, target, via, entity, frame, day|week|month|year), with article-bootstrap
 * intervals: the hash-based Poisson bootstrap of media/bootstrap-weights.ts (articles in bucket
 * DuckDB `hash(article_id) % 1024`, replicate weights w(seed, r, bucket); summariseTone over the
 * same cells gives the same intervals). Everything runs in DuckDB, streaming over the file or the
 * folder's Parquet glob, in two aggregations of the mentions:
 *   gb: group × bucket sums n, Σ tone, neg, pos (the bucket is a function of the article, so no
 *       article grouping is needed; ~10⁶ rows for 960 groups × 1024 buckets);
 *   ga: articles per group = distinct (group, article_id) pairs, a NULL id counting as one article
 *       (the group as one 64-bit hash(keys) when that is injective on gb's key tuples, else the
 *       keys);
 * then group × replicate sums as dot products of gb's dense bucket vectors with the replicate
 * weights. Only the groups' replicate ratios (groups × B values) reach node.
 * Tone is summed exactly as DECIMAL(38, 18) (each tone rounded to 18 decimals), so one file and a
 * folder of parts give the same digits whatever order DuckDB reads the rows in.
 *
 * Example: `summariseMentions("out/", ["outlet_country", "target", "month"], { bootstrap: 500,
 * seed: 1 })` over 100M mentions (25M articles) gives 960 rows; bench/media-summarise.ts times it.
 */
export async function summariseMentions(
  mentions: string,
  by: string[],
  o: {
    bootstrap: number;
    seed: number;
    where?: string;
    threads?: number;
    memoryLimit?: string;
    tempDirectory?: string;
    /** How the article count carries the group: "hash" (default, when injective) or "keys". */
    articleGroups?: "hash" | "keys";
  },
): Promise<TableData> {
  const B = o.bootstrap;
  for (const k of by)
    if (!KEYS.includes(k))
      throw new InputError(`--by: unknown key "${k}" (use ${KEYS.join(", ")})`);
  const { BOOTSTRAP_BUCKETS, bootstrapWeightsSql, checkSeed } = await import(
    "../media/bootstrap-weights.ts"
  );
  const bad = checkSeed(o.seed);
  if (bad) throw new InputError(`--seed: ${bad}`);
  const { checkMentionColumns } = await import("../fleet/parts.ts");
  await checkMentionColumns(mentions, [
    "article_id",
    "tone",
    "label",
    "date",
    ...by.map((k) => (k === "frame" ? "frames" : k)).filter((k) => !(k in PERIODS)),
  ]);
  const keys = by.map(sqlIdent).join(", ");
  const kc = keys ? `${keys}, ` : "";
  const cols = [
    "mentions",
    "articles",
    "mean_tone",
    "mean_tone_lo",
    "mean_tone_hi",
    "share_negative",
    "share_negative_lo",
    "share_negative_hi",
    "share_positive",
    "share_positive_lo",
    "share_positive_hi",
  ] as const;
  const K = BOOTSTRAP_BUCKETS;
  const keyList = by.map(sqlIdent);
  const periods = by.filter((k) => k in PERIODS);
  const src = mentionsOrParts(mentions);
  const rel = `SELECT * FROM (${mentionsRelation(mentions, periods, by.includes("frame"))}) ${o.where ? `WHERE ${o.where}` : ""}`;
  // Groups numbered by DuckDB (dense_rank treats NULL keys as one value).
  const gid = keys ? `CAST(dense_rank() OVER (ORDER BY ${keys}) AS INTEGER)` : "1";
  // Replicates as dot products: each group's dense bucket sums (K values) against each
  // replicate's K weights (DuckDB's list_inner_product), groups × B rows.
  const statements =
    B > 0
      ? [
          `CREATE TEMP TABLE gbi AS SELECT *, ${gid} AS gid FROM gb`,
          `CREATE TEMP TABLE garr AS
           SELECT gid, list(coalesce(n, 0) ORDER BY b) AS nl, list(coalesce(t, 0) ORDER BY b) AS tl,
             list(coalesce(neg, 0) ORDER BY b) AS negl, list(coalesce(pos, 0) ORDER BY b) AS posl
           FROM (SELECT DISTINCT gid FROM gbi) CROSS JOIN range(${K}) bb(b)
             LEFT JOIN (SELECT gid, b, CAST(n AS DOUBLE) AS n, CAST(t AS DOUBLE) AS t, CAST(neg AS DOUBLE) AS neg,
                          CAST(pos AS DOUBLE) AS pos FROM gbi) x USING (gid, b)
           GROUP BY gid`,
          `CREATE TEMP TABLE warr AS
           SELECT r, list(coalesce(CAST(w AS DOUBLE), 0) ORDER BY b) AS wl
           FROM range(${B}) rr(r) CROSS JOIN range(${K}) bb(b) LEFT JOIN (${bootstrapWeightsSql(o.seed, B)}) USING (r, b)
           GROUP BY r`,
        ]
      : [];
  // Articles per group: distinct (group, article) pairs. The group is carried as one 64-bit
  // hash(keys) when that is injective on this table's key tuples (checked on gb's few tuples;
  // half the pair table's width, which is what spills at 100M mentions), else as the keys.
  const hashed = by.length > 0 && o.articleGroups !== "keys";
  const hk = (p: string) => `hash(${keyList.map((k) => p + k).join(", ")})`;
  const gaKeys = `CREATE TEMP TABLE ga AS
    SELECT ${kc}count(*) AS a FROM (SELECT DISTINCT ${kc}article_id FROM (${rel})) GROUP BY ALL`;
  const gaHashed = `CREATE TEMP TABLE ga AS
    SELECT hk, count(*) AS a FROM (SELECT DISTINCT ${hk("")} AS hk, article_id FROM (${rel})) GROUP BY hk`;
  const collisions = `SELECT count(*) AS c FROM (SELECT ${hk("")} AS hk FROM (SELECT DISTINCT ${keys} FROM gb) GROUP BY hk HAVING count(*) > 1)`;
  const onKeys = (h: boolean) =>
    h
      ? `${hk("s.")} = ga.hk`
      : keyList.map((k) => `s.${k} IS NOT DISTINCT FROM ga.${k}`).join(" AND ") || "true";
  const tot = (h: boolean) =>
    `tot AS (SELECT s.*, ga.a FROM (SELECT ${kc}${B > 0 ? "gid, " : ""}sum(n) AS n, CAST(sum(t) AS DOUBLE) AS t, sum(neg) AS neg, sum(pos) AS pos FROM ${B > 0 ? "gbi" : "gb"} GROUP BY ALL) s LEFT JOIN ga ON ${onKeys(h)})`;
  const lists = `rep AS (SELECT gid, r, list_inner_product(wl, nl) AS sn, list_inner_product(wl, tl) AS st,
      list_inner_product(wl, negl) AS sneg, list_inner_product(wl, posl) AS spos FROM garr CROSS JOIN warr),
    lists AS (SELECT gid, list(st / sn) AS lt, list(sneg / sn) AS ln, list(spos / sn) AS lp
      FROM rep WHERE sn > 0 GROUP BY gid)`;
  const final = (h: boolean) =>
    B > 0
      ? `WITH ${tot(h)}, ${lists}
           SELECT ${keyList.map((k) => `tot.${k}`).join(", ")}${keys ? "," : ""} tot.n, tot.a, tot.t, tot.neg, tot.pos, lt, ln, lp
           FROM tot LEFT JOIN lists USING (gid)
           ORDER BY ${keyList.map((k) => `tot.${k}`).join(", ") || "1"}`
      : `WITH ${tot(h)} SELECT * FROM tot ORDER BY ${keys || "1"}`;
  // Σ CAST(tone AS DECIMAL(38, 18)) in two exact parts: |tone| < 1 as DECIMAL(18, 18) (64-bit;
  // DuckDB's double → decimal cast is round(tone · 10^18) for every width, the width only bounds
  // the range, so each value is the same integer), the rest (±1, beyond, NaN's error) wide.
  const toneSums = `sum(CASE WHEN abs(tone) < 1 THEN CAST(tone AS DECIMAL(18, 18)) END) AS tn,
            sum(CASE WHEN abs(tone) < 1 THEN NULL ELSE CAST(tone AS DECIMAL(38, 18)) END) AS tw`;
  const rows = await duckSession(
    { threads: o.threads, memoryLimit: o.memoryLimit, tempDirectory: o.tempDirectory },
    async (run) => {
      await run("SET preserve_insertion_order = false");
      if (periods.length)
        await run(`CREATE TEMP TABLE dates AS SELECT date, ${periods.map((p) => `${PERIODS[p]} AS ${p}`).join(", ")}
          FROM (SELECT DISTINCT date FROM ${src})`);
      await run(`CREATE TEMP TABLE gb AS
        SELECT * EXCLUDE (tn, tw), CAST(CASE WHEN tn IS NOT NULL OR tw IS NOT NULL
            THEN coalesce(tn, 0) + coalesce(tw, 0) END AS DECIMAL(38, 18)) AS t
        FROM (SELECT ${kc}CAST(hash(article_id) % ${K} AS INTEGER) AS b, count(*) AS n,
            ${toneSums}, count_if(label = 'negative') AS neg, count_if(label = 'positive') AS pos
          FROM (${rel}) GROUP BY ALL)`);
      const h = hashed && Number((await run(collisions))[0]!.c) === 0;
      await run(h ? gaHashed : gaKeys);
      for (const s of statements) await run(s);
      return run(final(h));
    },
  );
  const { percentileInterval } = await import("../media/aggregate.ts");
  const num = (v: unknown) => Number(v);
  const body: Cell[][] = [];
  for (const r of rows) {
    const n = num(r.n);
    const ci = (l: unknown): [number, number] =>
      B > 0 ? percentileInterval(Array.isArray(l) ? l.map(num) : []) : [Number.NaN, Number.NaN];
    const [tl, th] = ci(r.lt);
    const [nl, nh] = ci(r.ln);
    const [pl, ph] = ci(r.lp);
    const s = [n, num(r.a), num(r.t) / n, tl, th, num(r.neg) / n, nl, nh, num(r.pos) / n, pl, ph];
    body.push([...by.map((k) => r[k] as Cell), ...s]);
  }
  return { columns: [...by, ...cols], rows: body };
}
