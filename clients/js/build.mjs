// Builds dist/ with the pinned esbuild: instant.mjs (ES module, centrifuge-js
// bundled in) and instant.js (script tag: window.$instant). The declarations
// of both are src/instant.d.ts.
// Deterministic: the same sources and lockfile give the same bytes, which
// test/dist.test.mjs checks against the committed dist/.
//   node build.mjs [OUTDIR]
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] || join(here, 'dist'));
mkdirSync(out, { recursive: true });
const common = {
  absWorkingDir: here, bundle: true, minify: true, platform: 'browser', target: ['es2020'],
  legalComments: 'eof', logLevel: 'warning', charset: 'utf8',
};
await build({ ...common, entryPoints: ['src/instant.js'], format: 'esm', outfile: join(out, 'instant.mjs') });
await build({ ...common, entryPoints: ['src/global.js'], format: 'iife', outfile: join(out, 'instant.js') });
