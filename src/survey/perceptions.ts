import { z } from "zod";
import { InputError } from "../core/errors.ts";
import { byDomains } from "./by.ts";
import { propCI, waldCI } from "./ci.ts";
import { designDf, type SurveyDesign } from "./design.ts";
import { usedRows, weightedMeanOf } from "./estimators.ts";
import { factor, getColumn, numeric } from "./frame.ts";
import { estimatorCovariance } from "./variance.ts";

const codeList = z.array(z.number());

/** One rating item: which column holds which (target, attribute) rating and how to read it. */
const RatingSchema = z
  .object({
    target: z.string().min(1),
    attribute: z.string().min(1),
    column: z.string().min(1),
    /** Codes counted as the top box (e.g. [1, 2] for very/somewhat favourable). */
    top_box: codeList.optional(),
    /** Codes meaning "don't know"/refused. */
    dont_know: codeList.optional(),
    /** Score of each substantive code for means, e.g. {"1": 4, "2": 3, "3": 2, "4": 1}; default the code. */
    scores: z.record(z.string(), z.number()).optional(),
  })
  .strict();

const SegmentSchema = z
  .object({
    variable: z.string().min(1),
    /** Numeric bands [low, high] (inclusive) with their labels; without bands the variable's categories. */
    bands: z.array(z.tuple([z.number(), z.number()])).optional(),
    labels: z.array(z.string()).optional(),
  })
  .strict();

/**
 * ratings.json: the audience variable (e.g. country), the rating items and defaults, and the
 * segments. `dont_know` "keep" keeps don't-know answers in the denominator of shares (Pew's
 * convention); means always drop them. `measure` chooses what ratings.csv's estimate is.
 */
export const RatingsMapSchema = z
  .object({
    /** The variable whose categories are the audiences (e.g. country); omit for one audience. */
    audience: z.string().min(1).optional(),
    /** Name of the single audience when `audience` is omitted (e.g. "Tunisia"). */
    audience_label: z.string().min(1).default("all"),
    measure: z.enum(["share", "mean"]).default("share"),
    dont_know: z.enum(["keep", "drop"]).default("keep"),
    top_box: codeList.optional(),
    dont_know_codes: codeList.optional(),
    scores: z.record(z.string(), z.number()).optional(),
    ratings: z.array(RatingSchema).min(1),
    segments: z.record(z.string(), SegmentSchema).default({}),
    ci_method: z.enum(["logit", "likelihood", "asin", "beta", "mean", "xlogit"]).default("logit"),
    level: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();

export type RatingsMap = z.infer<typeof RatingsMapSchema>;

/** A row of ratings.csv (plus the measure, for the detailed table). */
export interface RatingRow {
  audience: string;
  segment: string;
  target: string;
  attribute: string;
  measure: "share" | "mean";
  estimate: number;
  se: number;
  ci_low: number;
  ci_high: number;
  n: number;
}

/** The columns of ratings.csv, in order (ratings_detail.csv adds `measure` first). */
export const RATING_COLUMNS = [
  "audience",
  "segment",
  "target",
  "attribute",
  "estimate",
  "se",
  "ci_low",
  "ci_high",
  "n",
] as const satisfies readonly (keyof RatingRow)[];

/** The columns of head_to_head.csv, in order. */
export const HEAD_TO_HEAD_COLUMNS = [
  "audience",
  "segment",
  "attribute",
  "target_a",
  "target_b",
  "diff",
  "se",
  "ci_low",
  "ci_high",
  "leader",
  "significant",
] as const satisfies readonly (keyof HeadToHeadRow)[];

/** A row of head_to_head.csv: target_a minus target_b as rated by the same respondents. */
export interface HeadToHeadRow {
  audience: string;
  segment: string;
  attribute: string;
  target_a: string;
  target_b: string;
  diff: number;
  se: number;
  ci_low: number;
  ci_high: number;
  leader: string;
  significant: boolean;
}

/** A rating's mean (share or score) in a domain, with what paired comparisons need. */
interface ItemStat {
  m: number;
  z: Float64Array;
  n: number;
  se: number;
  theta: (w: Float64Array) => number;
}

interface Item {
  target: string;
  attribute: string;
  column: string;
  /** Top-box indicator (NaN = excluded), for shares. */
  share: Float64Array;
  /** Score (NaN = excluded, don't know dropped), for means. */
  score: Float64Array;
}

function items(design: SurveyDesign, map: RatingsMap): Item[] {
  return map.ratings.map((r) => {
    const x = numeric(design.frame, r.column);
    const top = new Set(r.top_box ?? map.top_box ?? []);
    const dk = new Set(r.dont_know ?? map.dont_know_codes ?? []);
    const scores = r.scores ?? map.scores;
    if (top.size === 0 && map.measure === "share") {
      throw new InputError(
        `ratings map: rating ${r.column} (${r.target}, ${r.attribute}) needs "top_box" codes for shares`,
      );
    }
    const share = Float64Array.from(x, (v) => {
      if (Number.isNaN(v)) return Number.NaN;
      if (dk.has(v)) return map.dont_know === "keep" ? 0 : Number.NaN;
      return top.has(v) ? 1 : 0;
    });
    const score = Float64Array.from(x, (v) => {
      if (Number.isNaN(v) || dk.has(v)) return Number.NaN;
      if (!scores) return v;
      const s = scores[String(v)];
      return s === undefined ? Number.NaN : s;
    });
    return { target: r.target, attribute: r.attribute, column: r.column, share, score };
  });
}

/** Segment variables resolved to labels per row ("all" first, then "<segment>=<label>"). */
function segments(
  design: SurveyDesign,
  map: RatingsMap,
  only?: string[],
): { name: string; mask: Uint8Array }[] {
  const out = [{ name: "all", mask: new Uint8Array(design.n).fill(1) }];
  for (const [name, seg] of Object.entries(map.segments)) {
    if (only && !only.includes(name)) continue;
    if (seg.bands) {
      const x = numeric(design.frame, seg.variable);
      seg.bands.forEach(([lo, hi], k) => {
        const label = seg.labels?.[k] ?? `${lo}-${hi}`;
        out.push({
          name: `${name}=${label}`,
          mask: Uint8Array.from(x, (v) => (v >= lo && v <= hi ? 1 : 0)),
        });
      });
    } else {
      const f = factor(design.frame, seg.variable);
      f.levels.forEach((l, k) => {
        out.push({
          name: `${name}=${l}`,
          mask: Uint8Array.from(f.codes, (c) => (c === k ? 1 : 0)),
        });
      });
    }
  }
  if (only) {
    for (const s of only)
      if (!map.segments[s])
        throw new InputError(
          `--segments: "${s}" is not a segment of the ratings map (have: ${Object.keys(map.segments).join(", ") || "none"})`,
        );
  }
  return out;
}

/**
 * Perception analysis: for every audience × segment × target × attribute, the weighted top-box
 * share and mean with design-based SE and CI; and for every attribute rated for two targets by
 * the same respondents, the paired difference a − b, whose linearised SE uses the difference of
 * the two estimators' influence values (so it accounts for the correlation of the ratings), with
 * the leader and whether the CI excludes 0.
 */
export function perceptions(
  design: SurveyDesign,
  map: RatingsMap,
  onlySegments?: string[],
): { ratings: RatingRow[]; headToHead: HeadToHeadRow[] } {
  if (map.audience) getColumn(design.frame, map.audience);
  const its = items(design, map);
  const audiences = map.audience
    ? byDomains(design, [map.audience])
    : [{ labels: [map.audience_label], mask: new Uint8Array(design.n).fill(1) }];
  const segs = segments(design, map, onlySegments);
  const ratings: RatingRow[] = [];
  const headToHead: HeadToHeadRow[] = [];
  const level = map.level;
  for (const aud of audiences) {
    for (const seg of segs) {
      const dom = Uint8Array.from(aud.mask, (v, i) => v & seg.mask[i]!);
      const df = designDf(design, dom);
      const stats = new Map<Item, Record<"share" | "mean", ItemStat | null>>();
      for (const it of its) {
        const rec: Record<"share" | "mean", ItemStat | null> = { share: null, mean: null };
        for (const measure of ["share", "mean"] as const) {
          const y = measure === "share" ? it.share : it.score;
          const rows = usedRows(design, dom, y);
          if (rows.length === 0) continue;
          const { mean: m, theta, influence } = weightedMeanOf(design, y, rows);
          const z = influence();
          const v = estimatorCovariance(
            design,
            (wr) => Float64Array.of(theta(wr)),
            Float64Array.of(m),
            () => [z],
          )[0]!;
          const se = Math.sqrt(v);
          rec[measure] = { m, z, n: rows.length, se, theta };
          const ci =
            measure === "share" && m > 0 && m < 1
              ? propCI(m, se, map.ci_method, { level, df, n: rows.length, degf: df })
              : waldCI(m, se, level);
          ratings.push({
            audience: aud.labels[0]!,
            segment: seg.name,
            target: it.target,
            attribute: it.attribute,
            measure,
            estimate: m,
            se,
            ci_low: ci[0],
            ci_high: ci[1],
            n: rows.length,
          });
        }
        stats.set(it, rec);
      }
      const byAttr = new Map<string, Item[]>();
      for (const it of its) byAttr.set(it.attribute, [...(byAttr.get(it.attribute) ?? []), it]);
      for (const [attribute, list] of byAttr) {
        for (let a = 0; a < list.length; a++) {
          for (let b = a + 1; b < list.length; b++) {
            const A = stats.get(list[a]!)![map.measure];
            const B = stats.get(list[b]!)![map.measure];
            if (!A || !B) continue;
            const diff = A.m - B.m;
            const v = estimatorCovariance(
              design,
              (wr) => Float64Array.of(A.theta(wr) - B.theta(wr)),
              Float64Array.of(diff),
              () => [Float64Array.from(A.z, (x, i) => x - B.z[i]!)],
            )[0]!;
            const se = Math.sqrt(v);
            const [lo, hi] = waldCI(diff, se, level);
            const significant = lo > 0 || hi < 0;
            headToHead.push({
              audience: aud.labels[0]!,
              segment: seg.name,
              attribute,
              target_a: list[a]!.target,
              target_b: list[b]!.target,
              diff,
              se,
              ci_low: lo,
              ci_high: hi,
              leader: diff > 0 ? list[a]!.target : diff < 0 ? list[b]!.target : "tie",
              significant,
            });
          }
        }
      }
    }
  }
  return { ratings, headToHead };
}
