/**
 * The dashboard's build: `npm run build:web` writes dist/web, which `softpower serve` serves.
 * Preact JSX through Vite's own transformer (no plugin); world-countries is reduced at build time
 * to the few fields the map needs (the `virtual:countries` module).
 */
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const here = dirname(fileURLToPath(import.meta.url));

interface WorldCountry {
  ccn3: string;
  cca3: string;
  name: { common: string };
  latlng: [number, number];
}

/** `virtual:countries`: [ccn3, cca3, common name, longitude, latitude] for every country. */
function countries(): Plugin {
  const id = "virtual:countries";
  return {
    name: "softpower-countries",
    resolveId: (s) => (s === id ? `\0${id}` : undefined),
    load(s) {
      if (s !== `\0${id}`) return undefined;
      const list = createRequire(import.meta.url)("world-countries") as WorldCountry[];
      const rows = list.map((c) => [c.ccn3, c.cca3, c.name.common, c.latlng[1], c.latlng[0]]);
      return `export default ${JSON.stringify(rows)};`;
    },
  };
}

export default defineConfig({
  root: here,
  base: "./",
  plugins: [countries()],
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: resolve(here, "../dist/web"),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 1000,
  },
  // `vite --config web/vite.config.ts` for development, against `softpower serve` on port 8080.
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
