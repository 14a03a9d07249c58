// dist/ is what the sources build to with the pinned esbuild (byte for byte),
// the script-tag build defines window.$instant, and the TypeScript declarations
// compile against a typical use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

test('the committed dist/ is exactly what build.mjs produces', () => {
  const out = mkdtempSync(join(tmpdir(), 'instant-dist-'));
  try {
    execFileSync(process.execPath, [join(root, 'build.mjs'), out], { cwd: root, stdio: 'pipe' });
    const built = readdirSync(out).sort();
    assert.deepEqual(readdirSync(join(root, 'dist')).sort(), built);
    for (const f of built) {
      assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(root, 'dist', f))),
        `dist/${f} is stale: run npm run build in clients/js and commit dist/`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the script-tag build defines $instant with the client API', () => {
  const sandbox = { console, setTimeout, clearTimeout, fetch: () => Promise.reject(new Error('no')) };
  sandbox.globalThis = sandbox;
  vm.runInNewContext(readFileSync(join(root, 'dist', 'instant.js'), 'utf8'), sandbox);
  const g = sandbox.$instant;
  for (const f of ['init', 'login', 'getToken', 'connect', 'subscribe', 'onMessage', 'onChannel', 'onError',
    'onState', 'logout', 'disconnect', 'post', 'createInstant', 'normalizeMessage']) {
    assert.equal(typeof g[f], 'function', f);
  }
  assert.equal(typeof g.Centrifuge, 'function');
  assert.equal(g.normalizeMessage('c', '{"message":"m"}').message, 'm');
});

test('the TypeScript declarations compile against a typical use (tsc --strict)', () => {
  // Resolve 'instant-browser' to this package the way an npm user's project would.
  const proj = mkdtempSync(join(tmpdir(), 'instant-types-'));
  try {
    mkdirSync(join(proj, 'node_modules'));
    symlinkSync(root, join(proj, 'node_modules', 'instant-browser'));
    symlinkSync(join(root, 'node_modules', 'centrifuge'), join(proj, 'node_modules', 'centrifuge'));
    copyFileSync(join(root, 'test', 'types-check.ts'), join(proj, 'use.ts'));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2020', '--module', 'nodenext',
      '--moduleResolution', 'nodenext', '--lib', 'es2020,dom', 'use.ts'], { cwd: proj, stdio: 'pipe' });
  } catch (e) {
    assert.fail(`tsc: ${e.stdout}${e.stderr}`);
  } finally {
    rmSync(proj, { recursive: true, force: true });
  }
});
