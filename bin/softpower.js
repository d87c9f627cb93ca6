#!/usr/bin/env node
// Entry point: the bundled CLI in dist/bundle (`npm run build`: tsc, then esbuild bundles the
// command line; `npm install` in a clone runs it through `prepare`). Plain node, no TypeScript
// loader.
import "../dist/bundle/main.js";
