import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import type { Command } from "commander";
import { InputError } from "../core/errors.ts";
import { vaderLexicon } from "../io/lexicon.ts";
import { parseCsv } from "../io/table.ts";
import { type Cell, toCsv, writeFileAtomic } from "../io/write.ts";
import { scoreTone } from "../media/vader.ts";

/** `softpower media ...`: news tone. */
export function registerMediaCommand(program: Command): void {
  const media = program.command("media").description("News tone toward countries and companies");
  media
    .command("tone")
    .description("VADER-compatible sentence tone: compound, pos, neu, neg")
    .requiredOption("--input <file>", "text (one sentence a line) or CSV with id,text")
    .requiredOption("--out <file>", "output CSV: id,compound,pos,neu,neg")
    .action(async (o: { input: string; out: string }) => runTone(o));
}

async function runTone(o: { input: string; out: string }): Promise<void> {
  let text: string;
  try {
    text = await readFile(o.input, "utf8");
  } catch (e) {
    throw new InputError(
      `${o.input}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  if (text.includes("\uFFFD")) {
    const line = text.slice(0, text.indexOf("\uFFFD")).split("\n").length;
    throw new InputError(`${o.input} line ${line}: invalid UTF-8`);
  }
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
