/**
 * The engines are pure and isomorphic (DESIGN.md): nothing under src/composite or src/stats may
 * import Node built-ins, touch files, the clock or the network, so they run in the browser.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");
const files = (dir: string): string[] =>
  readdirSync(join(SRC, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );

describe("pure engines", () => {
  for (const dir of ["composite", "stats"]) {
    for (const f of files(dir)) {
      it(`${f} uses no Node built-ins, clock, randomness or I/O`, () => {
        const text = readFileSync(join(SRC, f), "utf8");
        expect(text).not.toMatch(
          /from "node:|require\(|\bprocess\.|Date\.now|new Date\(|Math\.random|performance\.now|\bfetch\(/,
        );
        // Imports stay within the pure layers (type-only imports of io are allowed).
        for (const m of text.matchAll(/^import (type )?[^;]*from "(\.\.?\/[^"]+)"/gm)) {
          if (m[1]) continue;
          expect(m[2], `${f} imports ${m[2]}`).toMatch(
            /^(\.\/|\.\.\/(stats|composite|core\/errors)[./])/,
          );
        }
      });
    }
  }
});
