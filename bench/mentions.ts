/**
 * Mention scanner throughput (issue "News tone toward countries and their tech companies"): the
 * corpus scorer calls findMentions on millions of sentences, target > 20 MB/s of text on one core.
 * The synthetic text mixes common words, capitalised non-entities (the words the scanner must
 * look up and reject) and about one mention per sentence.
 */
import { buildGazetteer, findMentions } from "../src/media/mentions.ts";

const COMMON = (
  "the of and to in a is that for on said was with as by it at from has have be are were its " +
  "will would new year percent government officials market trade deal talks against after over " +
  "more than about also but not which their this who could economic security technology company " +
  "companies sanctions exports chips network growth week month people state minister report"
).split(" ");
const CAPITALISED = (
  "The Reuters Monday Tuesday Minister President Ministry Commission Bloomberg It In But He She " +
  "Council Bank Senate Parliament Secretary Officials Analysts European Union Street Journal"
).split(" ");
const MENTIONS = (
  "China|the United States|U.S.|Beijing|Washington|Huawei|Russia|Putin|Japan|Germany|Chinese|" +
  "Americans|Apple|TikTok|South Korea|Samsung|Britain|Xi Jinping|TSMC|India|Modi|Georgia|Turkey"
).split("|");

/** Deterministic synthetic news sentences of about `bytes` UTF-8 bytes in total. */
export function syntheticSentences(bytes: number, seed = 7): string[] {
  let x = seed >>> 0;
  const rnd = (n: number) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % n;
  };
  const out: string[] = [];
  let total = 0;
  while (total < bytes) {
    const words: string[] = [CAPITALISED[rnd(CAPITALISED.length)]!];
    const len = 15 + rnd(20);
    for (let k = 0; k < len; k++) {
      const r = rnd(100);
      if (r < 4) words.push(MENTIONS[rnd(MENTIONS.length)]!);
      else if (r < 14) words.push(CAPITALISED[rnd(CAPITALISED.length)]!);
      else words.push(COMMON[rnd(COMMON.length)]!);
      if (r === 50) words.push(",");
    }
    const s = `${words.join(" ")}.`;
    out.push(s);
    total += Buffer.byteLength(s);
  }
  return out;
}

export async function mentionsBench(): Promise<void> {
  console.log("\nMedia mentions: findMentions over synthetic English news sentences (one core)");
  let t = performance.now();
  const g = buildGazetteer();
  console.log(
    `gazetteer build: ${(performance.now() - t).toFixed(1)} ms, ${g.entries.length} surface forms`,
  );
  const sentences = syntheticSentences(20 * 2 ** 20);
  const bytes = sentences.reduce((a, s) => a + Buffer.byteLength(s), 0);
  let found = 0;
  for (let k = 0; k < 2000; k++) found += findMentions(sentences[k]!, g).length; // warm-up
  const rates: number[] = [];
  for (let run = 0; run < 3; run++) {
    found = 0;
    t = performance.now();
    for (const s of sentences) found += findMentions(s, g).length;
    const sec = (performance.now() - t) / 1000;
    rates.push(bytes / 2 ** 20 / sec);
  }
  rates.sort((a, b) => a - b);
  console.log(
    `${sentences.length.toLocaleString("en")} sentences, ${(bytes / 2 ** 20).toFixed(1)} MiB, ` +
      `${found.toLocaleString("en")} mentions: ${rates[1]!.toFixed(1)} MiB/s median of 3  [target > 20 MB/s]`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await mentionsBench();
