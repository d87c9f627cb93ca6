/**
 * `softpower/media`: News tone, VADER-compatible: sentence tone, country and company mentions, tone toward each mention, frames, aggregation and a media-bias estimate.
 *
 * Pure: no Node built-ins, files, clock or network, so it runs unchanged in the browser (a test
 * bundles it for the browser platform and fails on any Node built-in).
 *
 * @module
 */

// Errors
export { InputError } from "../core/errors.ts";
export { summariseTone } from "./aggregate.ts";
export { estimateBias } from "./bias.ts";
export { detectFrames, FRAMES, type Frame, frameMatches } from "./frames.ts";
export { emojiDescriptions, vaderLexicon } from "./lexicon.ts";
export { buildGazetteer, findMentions, type Mention } from "./mentions.ts";
export { predictTargetTone, type TargetToneModel, targetFeatures } from "./target-tone.ts";
export { type Lexicon, scoreTone, type ToneScores } from "./vader.ts";
