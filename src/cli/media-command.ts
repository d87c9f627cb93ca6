import { extname } from "node:path";
import type { Command } from "commander";
import modelJson from "../../data/media/target-tone-model.json" with { type: "json" };
import { InputError } from "../core/errors.ts";
import { vaderLexicon } from "../io/lexicon.ts";
import { lineFeatures, parseNewsMtsc } from "../io/newsmtsc.ts";
import { parseCsv, readText } from "../io/table.ts";
import { type Cell, toCsv, writeFileAtomic } from "../io/write.ts";
import { predictTargetTone, type TargetToneModel, targetFeatures } from "../media/target-tone.ts";
import { scoreTone } from "../media/vader.ts";
import { runBias, runScore, runSummarise, type ScoreOptions } from "../tasks/media.ts";

const targetToneModel = modelJson as TargetToneModel;

/** `softpower media ...`: news tone. */
export function registerMediaCommand(program: Command): void {
  const media = program.command("media").description("News tone toward countries and companies");
  media
    .command("tone")
    .description("VADER-compatible sentence tone: compound, pos, neu, neg")
    .requiredOption("--input <file>", "text (one sentence a line) or CSV with id,text")
    .requiredOption("--out <file>", "output CSV: id,compound,pos,neu,neg")
    .action(async (o: { input: string; out: string }) => runTone(o));
  media
    .command("target-tone")
    .description("Tone toward each target of a sentence (NewsMTSC JSONL input)")
    .requiredOption(
      "--input <file>",
      "JSONL with sentence_normalized and targets[{from, to, mention}]",
    )
    .requiredOption("--out <file>", "output CSV: line,target_index,from,to,mention,score,label")
    .option("--skip-bad", "skip malformed lines (counted) instead of failing")
    .action(async (o: { input: string; out: string; skipBad?: boolean }) => runTargetTone(o));
  media
    .command("score")
    .description(
      "Score a news corpus: one row per article × sentence × mentioned country or company",
    )
    .requiredOption("--corpus <path>", "CSV, JSONL or a folder of them")
    .option(
      "--fields <file>",
      "map.json: columns of id, date, outlet, outlet_country, title, text; constants; file-name pattern",
    )
    .requiredOption("--out <file>", "mentions output (.csv or .parquet)")
    .option("--threads <n>", "scoring threads: this one and n − 1 workers (default: all cores)")
    .option("--skip-bad", "skip malformed records (counted) instead of failing")
    .option(
      "--queue <url>",
      "coordinate a fleet on Redis (redis://HOST:PORT/DB); --out is then a folder",
    )
    .option("--shard-mb <n>", "shard size in MiB with --queue", "64")
    .action(async (o: ScoreOptions) => runScore(o));
  media
    .command("summarise")
    .description(
      "Mentions, mean tone and shares by outlet, country, target, frame and period, article-bootstrap CIs",
    )
    .requiredOption(
      "--mentions <path>",
      "mentions from media score (.csv, .parquet, or a --queue output folder)",
    )
    .requiredOption(
      "--by <keys>",
      "outlet,outlet_country,target,via,entity,frame,day|week|month|year",
    )
    .option("--bootstrap <n>", "article bootstrap replicates", "1000")
    .option("--seed <n>", "bootstrap seed (0 … 4294967295)", "1")
    .option(
      "--memory-limit <size>",
      "DuckDB's memory limit (beyond it DuckDB spills to the temporary folder)",
      "3GB",
    )
    .option("--out <file>", "output CSV (default: standard output)")
    .action(async (o) => runSummarise(o));
  media
    .command("bias")
    .description(
      "Tone toward a target minus tone toward a comparison set, frame and period fixed effects, article-clustered SEs",
    )
    .requiredOption(
      "--mentions <path>",
      "mentions from media score (file or --queue output folder)",
    )
    .requiredOption("--group <key=value>", "outlet group, e.g. outlet_country=USA")
    .requiredOption("--target <ISO3>", "target, e.g. CHN")
    .requiredOption("--compare <list>", "comparison targets, e.g. JPN,DEU,GBR,FRA,KOR,IND")
    .option("--period <unit>", "period fixed effects: day|week|month|year", "month")
    .option("--level <p>", "interval level", "0.95")
    .option("--out <file>", "output CSV (default: standard output)")
    .action(async (o) => runBias(o));
}

async function runTargetTone(o: { input: string; out: string; skipBad?: boolean }): Promise<void> {
  const text = await readText(o.input);
  const { lines, bad } = parseNewsMtsc(text);
  if (bad.length) {
    const list = bad
      .slice(0, 5)
      .map((b) => `line ${b.line}: ${b.reason}`)
      .join("; ");
    if (!o.skipBad)
      throw new InputError(
        `${o.input}: ${bad.length} malformed line(s): ${list} (use --skip-bad to skip them)`,
      );
    process.stderr.write(
      `softpower: note: ${o.input}: skipped ${bad.length} malformed line(s): ${list}\n`,
    );
  }
  const lexicon = vaderLexicon();
  const rows: Cell[][] = [];
  for (const l of lines) {
    const feats = lineFeatures(l, lexicon, targetFeatures);
    l.targets.forEach((t, k) => {
      const p = predictTargetTone(targetToneModel, feats[k]!);
      rows.push([l.line, k, t.from, t.to, t.mention, p.score, p.label]);
    });
  }
  await writeFileAtomic(
    o.out,
    toCsv(["line", "target_index", "from", "to", "mention", "score", "label"], rows),
  );
}

async function runTone(o: { input: string; out: string }): Promise<void> {
  const text = await readText(o.input);
  const lexicon = vaderLexicon();
  let items: { id: string; text: string }[];
  if (extname(o.input).toLowerCase() === ".csv") {
    const t = parseCsv(text, o.input);
    const idCol = t.columns.indexOf("id");
    const textCol = t.columns.indexOf("text");
    if (idCol < 0 || textCol < 0)
      throw new InputError(`${o.input}: a CSV input needs columns "id" and "text"`);
    items = t.rows.map((r) => ({ id: r[idCol] ?? "", text: r[textCol] ?? "" }));
  } else {
    items = text
      .replace(/\r?\n$/, "")
      .split(/\r?\n/)
      .map((line, k) => ({ id: String(k + 1), text: line }));
  }
  const rows: Cell[][] = items.map(({ id, text: t }) => {
    const s = scoreTone(t, lexicon);
    return [id, s.compound, s.pos, s.neu, s.neg];
  });
  await writeFileAtomic(o.out, toCsv(["id", "compound", "pos", "neu", "neg"], rows));
}
