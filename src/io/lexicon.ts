/**
 * The reference VADER lexicon for the CLI, tasks and scripts (see src/media/lexicon.ts, which
 * holds it as an imported JSON module so that it also bundles for the browser).
 */
export { emojiDescriptions, vaderLexicon } from "../media/lexicon.ts";
