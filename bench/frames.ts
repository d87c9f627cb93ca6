/**
 * News-frame detection throughput (src/media/frames.ts): synthetic English news sentences (mostly
 * filler words with dictionary terms, stop phrases and acronyms mixed in), scored one sentence at
 * a time as the corpus scorer does. Target: > 20 MB/s.
 */
import { detectFrames, frameMatches } from "../src/media/frames.ts";

const FILLER = (
  "the a of to and in on for with that said officials on Monday after before would could new " +
  "country government minister talks week year report people city according statement while " +
  "Beijing Washington China United States Chinese American president leaders agreed warned"
).split(" ");
const TERMS = (
  "tariffs, export controls, supply chain, Huawei, 5G, semiconductor chips, TikTok, espionage, " +
  "military drills, Taiwan Strait, navy, missile, nuclear, election, parliament, Communist Party, " +
  "Tibet, censorship, detention camps, pandemic, WHO, Olympics, film, students, tourism, " +
  "pollution, carbon emissions, potato chips, a trade-off, human rights, Belt and Road, Covid-19"
).split(", ");

/** Deterministic synthetic sentences totalling about `bytes` characters. */
export function syntheticNews(bytes: number, seed = 7): string[] {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  const out: string[] = [];
  let total = 0;
  while (total < bytes) {
    const n = 12 + Math.floor(rand() * 20);
    const words: string[] = [];
    for (let i = 0; i < n; i++) {
      words.push(
        rand() < 0.06
          ? TERMS[Math.floor(rand() * TERMS.length)]!
          : FILLER[Math.floor(rand() * FILLER.length)]!,
      );
    }
    const sentence = `${words.join(" ")}.`;
    out.push(sentence.charAt(0).toUpperCase() + sentence.slice(1));
    total += sentence.length + 1;
  }
  return out;
}

function rate(sentences: string[], fn: (s: string) => unknown): number {
  const bytes = sentences.reduce((a, s) => a + Buffer.byteLength(s) + 1, 0);
  for (let i = 0; i < 2000; i++) fn(sentences[i % sentences.length]!); // warm-up
  let best = 0;
  for (let rep = 0; rep < 3; rep++) {
    const t = performance.now();
    for (const s of sentences) fn(s);
    const secs = (performance.now() - t) / 1000;
    best = Math.max(best, bytes / 1e6 / secs);
  }
  return best;
}

export async function framesBench(): Promise<void> {
  const sentences = syntheticNews(8_000_000);
  const mb = sentences.reduce((a, s) => a + Buffer.byteLength(s) + 1, 0) / 1e6;
  console.log(`\nNews frames: ${sentences.length} synthetic sentences, ${mb.toFixed(1)} MB`);
  console.log(`detectFrames per sentence: ${rate(sentences, detectFrames).toFixed(1)} MB/s`);
  console.log(`frameMatches per sentence: ${rate(sentences, frameMatches).toFixed(1)} MB/s`);
  const whole = [sentences.join(" ")];
  console.log(`detectFrames on one text:  ${rate(whole, detectFrames).toFixed(1)} MB/s`);
}

if (import.meta.url === `file://${process.argv[1]}`) await framesBench();
