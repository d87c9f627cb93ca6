/**
 * Colour-blind-safe colours: the Okabe–Ito palette for categories (Okabe & Ito 2008, "Color
 * Universal Design"), cividis for sequential scales and ColorBrewer's PuOr for signed
 * differences (both readable with the common colour-vision deficiencies).
 */
export const OKABE_ITO = [
  "#0072B2", // blue
  "#E69F00", // orange
  "#009E73", // bluish green
  "#D55E00", // vermillion
  "#CC79A7", // reddish purple
  "#56B4E9", // sky blue
  "#F0E442", // yellow
  "#000000", // black
] as const;

/** Sequential scheme for scores. */
export const SEQUENTIAL = "cividis";

/** Diverging scheme for differences (A minus B): reversed PuOr, so A ahead is purple. */
export const DIVERGING = "puor";

/** The ends of the diverging scheme: A ahead (purple) and B ahead (orange). */
export const A_AHEAD = "#5e3c99";
export const B_AHEAD = "#e66101";

/** A neutral grey for countries without data. */
export const NO_DATA = "#e4e4e4";
