import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import type { FieldMap } from "../media/corpus-spec.ts";
import { findMentions, getDefaultGazetteer } from "../media/mentions.ts";
import type { BadRecord, FileRange } from "./corpus.ts";
import { toIso3 } from "./country-codes.ts";
import type { ScoredChunk } from "./mentions-csv.ts";
import { csvCell } from "./write.ts";

/**
 * GDELT 2.x Global Knowledge Graph files (GKG 2.1 codebook): tab-separated, no header, 27
 * fields a record, named like `20150218230000.gkg.csv` (the .csv of GDELT's downloads, unzipped).
 */
export function isGkg(file: string): boolean {
  return /\.gkg\.(csv|tsv)$/i.test(file);
}

/** Fields of a GKG 2.1 record, in the codebook's order (0-based index = position − 1). */
export const GKG_FIELDS = [
  "GKGRECORDID",
  "DATE",
  "SourceCollectionIdentifier",
  "SourceCommonName",
  "DocumentIdentifier",
  "Counts",
  "V2Counts",
  "Themes",
  "V2Themes",
  "Locations",
  "V2Locations",
  "Persons",
  "V2Persons",
  "Organizations",
  "V2Organizations",
  "V2Tone",
  "Dates",
  "GCAM",
  "SharingImage",
  "RelatedImages",
  "SocialImageEmbeds",
  "SocialVideoEmbeds",
  "Quotations",
  "AllNames",
  "Amounts",
  "TranslationInfo",
  "Extras",
] as const;
const F = Object.fromEntries(GKG_FIELDS.map((f, i) => [f, i])) as Record<
  (typeof GKG_FIELDS)[number],
  number
>;

/** One target of a GKG record: the country (ISO3), how it was found and the name GDELT gave. */
export interface GkgTarget {
  target: string;
  via: string;
  entity: string;
}

/** A GKG record as the media engine uses it: article, outlet, GDELT's tone and its targets. */
export interface GkgRecord {
  id: string;
  date: string;
  outlet: string;
  url: string;
  /** The first V2Tone value: GDELT's average document tone, −100 … +100 (usually −10 … +10). */
  tone: number;
  targets: GkgTarget[];
}

const title = (s: string) =>
  s.replace(/(^|[\s-])(\p{Ll})/gu, (_, a, b: string) => a + b.toUpperCase());

/**
 * Parses one GKG 2.1 line. Countries come from V2Locations (the country of each location: the
 * last part of its full name, "Beijing, Beijing, China" → CHN; V1 Locations when V2 is empty)
 * as via `gdelt_location`; from our gazetteer over V2Persons and V2Organizations (names, leaders,
 * companies of the registry, mapped to their home country) as via `gdelt_<via>`, e.g.
 * `gdelt_company`. Each (target, via, entity) once per record.
 *
 * @returns the record, or a BadRecord with `name line N` and the reason: wrong field count, a
 * DATE that is not a valid YYYYMMDDHHMMSS, a V2Tone without a number, a location block without
 * its #-separated fields.
 */
export function parseGkgLine(line: string, lineNo: number, name: string): GkgRecord | BadRecord {
  const source = `${name} line ${lineNo}`;
  const bad = (reason: string): BadRecord => ({ bad: true, source, reason });
  const f = line.split("\t");
  if (f.length !== GKG_FIELDS.length)
    return bad(`expected ${GKG_FIELDS.length} tab-separated fields (GKG 2.1), got ${f.length}`);
  const d = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(f[F.DATE]!);
  const date = d ? `${d[1]}-${d[2]}-${d[3]}` : "";
  if (
    !d ||
    Number.isNaN(Date.parse(`${date}T${d[4]}:${d[5]}:${d[6]}Z`)) ||
    new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date
  )
    return bad(`DATE "${f[F.DATE]}" is not YYYYMMDDHHMMSS`);
  const tone = Number((f[F.V2Tone] ?? "").split(",")[0]);
  if (f[F.V2Tone] === "" || !Number.isFinite(tone))
    return bad(`V2Tone "${f[F.V2Tone]}" has no tone`);
  const targets = new Map<string, GkgTarget>();
  const add = (t: GkgTarget) => targets.set(`${t.target}\u0001${t.via}\u0001${t.entity}`, t);
  const v2 = f[F.V2Locations] !== "";
  const locs = v2 ? f[F.V2Locations]! : f[F.Locations]!;
  let k = 0;
  for (const block of locs.split(";")) {
    k++;
    if (!block) continue;
    const parts = block.split("#");
    if (parts.length < (v2 ? 9 : 7))
      return bad(
        `${v2 ? "V2Locations" : "Locations"} block ${k} "${block}": expected ${v2 ? 9 : 7} #-separated fields, got ${parts.length}`,
      );
    const country = parts[1]!.split(",").at(-1)!.trim();
    const iso3 = toIso3(country, "name");
    if (iso3) add({ target: iso3, via: "gdelt_location", entity: country });
  }
  const g = getDefaultGazetteer();
  for (const [v2f, v1f] of [
    [F.V2Persons, F.Persons],
    [F.V2Organizations, F.Organizations],
  ] as const) {
    const names = f[v2f]
      ? f[v2f]!.split(";").map((p) => p.replace(/,\d+$/, ""))
      : f[v1f]!.split(";");
    for (const n of new Set(names.filter(Boolean)))
      for (const m of findMentions(title(n), g))
        add({ target: m.target, via: `gdelt_${m.via}`, entity: m.entity });
  }
  return {
    id: f[F.GKGRECORDID]!,
    date,
    outlet: f[F.SourceCommonName]!,
    url: f[F.DocumentIdentifier]!,
    tone,
    targets: [...targets.values()],
  };
}

/**
 * Mention rows (the media contract's columns) of a GKG file or a range of its lines, in chunks of
 * about 1 MB of CSV: one row per record × target, tone = GDELT's tone, label by its sign,
 * sentence_index 0, no frames; outlet_country from the field map's outlet → country table.
 */
export async function* gkgChunks(
  file: string,
  map: FieldMap,
  range?: FileRange,
): AsyncGenerator<ScoredChunk> {
  const name = basename(file);
  const stream = createReadStream(file, range ? { start: range.start, end: range.end - 1 } : {});
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = (range?.firstLine ?? 1) - 1;
  let text = "";
  let count = 0;
  let articles = 0;
  let bad: BadRecord[] = [];
  const take = (): ScoredChunk => {
    const out = { csv: Buffer.from(text, "utf8"), count, articles, bad };
    text = "";
    count = 0;
    articles = 0;
    bad = [];
    return out;
  };
  for await (const line of lines) {
    lineNo++;
    if (line === "") continue;
    const r = parseGkgLine(line, lineNo, name);
    if ("bad" in r) {
      bad.push(r);
      continue;
    }
    articles++;
    const country = map.outlet_country[r.outlet] ?? "";
    const label = r.tone > 0 ? "positive" : r.tone < 0 ? "negative" : "neutral";
    const prefix = `${csvCell(r.id)},${csvCell(r.date)},${csvCell(r.outlet)},${csvCell(country)},`;
    for (const t of r.targets) {
      text += `${prefix}${csvCell(t.target)},${csvCell(t.via)},${csvCell(t.entity)},0,${csvCell(r.tone)},${label},\n`;
      count++;
    }
    if (text.length >= 1 << 20) yield take();
  }
  yield take();
}
