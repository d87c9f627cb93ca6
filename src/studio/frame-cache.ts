/**
 * The workbench's parsed survey files, shared by the data preview and the live estimate: a file
 * is parsed once per content (path, size, modification time) and the last 3 are kept in memory;
 * requests that come while it is being parsed wait for the same parse. An upload starts the parse
 * at once ({@link warmSurveyFrame}), so the preview and the first estimate that follow find it.
 * SPSS .sav files also go through the build's on-disk cache (`.softpower/cache`, keyed by the
 * file's SHA-256), so a file the study was built from is not parsed again after a restart.
 */
import { stat } from "node:fs/promises";
import { extname } from "node:path";
import { cannotRead, InputError } from "../core/errors.ts";
import { readSurveyFrame, readSurveyFrameCached } from "../io/survey-data.ts";
import type { SurveyFrame } from "../survey/frame.ts";

/** Extensions read as survey frames (by the survey reader: types as the build reads them). */
export const FRAME_EXTENSIONS = [".csv", ".tsv", ".parquet", ".sav"] as const;

const KEEP = 3;
const frames = new Map<string, { sig: string; frame: Promise<SurveyFrame> }>();

/**
 * The survey file at `abs`, parsed once per content. `cacheDir`: the study's `.softpower/cache`
 * for .sav files (optional). A failed parse is not kept (the next call tries again).
 */
export async function surveyFrame(abs: string, cacheDir?: string): Promise<SurveyFrame> {
  let s: Awaited<ReturnType<typeof stat>>;
  try {
    s = await stat(abs);
  } catch (e) {
    throw cannotRead(abs, e);
  }
  const sig = `${s.size}:${s.mtimeMs}`;
  const hit = frames.get(abs);
  if (hit && hit.sig === sig) {
    frames.delete(abs);
    frames.set(abs, hit);
    return hit.frame;
  }
  const frame =
    cacheDir !== undefined && extname(abs).toLowerCase() === ".sav"
      ? // A cache that cannot be written (read-only folder) is no reason to fail: parse directly.
        readSurveyFrameCached(abs, cacheDir).catch((e: unknown) =>
          e instanceof InputError ? Promise.reject(e) : readSurveyFrame(abs),
        )
      : readSurveyFrame(abs);
  const entry = { sig, frame };
  frames.delete(abs);
  frames.set(abs, entry);
  while (frames.size > KEEP) frames.delete(frames.keys().next().value!);
  frame.catch(() => {
    if (frames.get(abs) === entry) frames.delete(abs);
  });
  return frame;
}

/** Starts parsing `abs` in the background when it is a survey file (errors wait for the preview). */
export function warmSurveyFrame(abs: string, cacheDir?: string): void {
  if (!(FRAME_EXTENSIONS as readonly string[]).includes(extname(abs).toLowerCase())) return;
  surveyFrame(abs, cacheDir).catch(() => {});
}
