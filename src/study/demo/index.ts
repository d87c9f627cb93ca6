import { demoIndicatorsCsv, demoMetaCsv } from "./indicators.ts";
import { demoNewsJsonl } from "./news.ts";
import { substreams } from "./random.ts";
import { demoReadme } from "./readme.ts";
import { demoSurveyCsv } from "./survey.ts";
import { demoDesignJson, demoRatingsJson } from "./survey-maps.ts";

/**
 * The synthetic demo study's data files, relative path → content: indicators and framework
 * for an index (`data/indicators.csv`, `data/iMeta.csv`), a two-wave survey with its design
 * and ratings map (`data/survey.csv`, `data/design.json`, `data/ratings.json`), a news corpus
 * (`data/news.jsonl`) and `data/README.md` describing them and the planted effects. Pure and
 * seeded: the same seed gives the same bytes on every machine (indicators, survey and news draw
 * from separate streams of the seed). Runs in about 50 ms.
 *
 * @throws Error when `seed` is not an integer
 * @example
 * const files = generateDemo(1); files["data/survey.csv"]; // "id,wave,country,..."
 */
export function generateDemo(seed = 1): Record<string, string> {
  if (!Number.isInteger(seed))
    throw new Error(`generateDemo: seed must be an integer, got ${seed}`);
  const rng = substreams(seed, ["indicators", "survey", "news"]);
  const indicators = demoIndicatorsCsv(rng.indicators);
  return {
    "data/README.md": demoReadme(seed, { missingIndicatorCells: indicators.missing }),
    "data/indicators.csv": indicators.csv,
    "data/iMeta.csv": demoMetaCsv(),
    "data/survey.csv": demoSurveyCsv(rng.survey),
    "data/design.json": demoDesignJson(),
    "data/ratings.json": demoRatingsJson(),
    "data/news.jsonl": demoNewsJsonl(rng.news),
  };
}
