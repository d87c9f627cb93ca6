#!/usr/bin/env node
// Entry point: the built CLI (`npm run build` compiles src/ into dist/; `npm install` in a clone
// runs it through `prepare`). Plain node, no TypeScript loader.
import "../dist/cli/main.js";
