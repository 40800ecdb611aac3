// Locale tags: whatever a browser reports as navigator.language (WebKitGTK under LANG=C says "C"),
// the lab's Intl formatters get a tag Intl accepts, falling back to English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { safeLocale } from '../../web/app/locale.js';
import { patchUplotLocale } from '../../wasm/tools/bundle.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('safeLocale: bad tags fall back to English, good ones are kept (canonical)', () => {
  for (const bad of ['', 'C', 'C.UTF-8', 'en_US', 'x-invalid', '-', null]) {
    assert.throws(() => new Intl.NumberFormat(bad), `Intl itself rejects ${JSON.stringify(bad)}`);
    assert.equal(safeLocale(bad), 'en', `${JSON.stringify(bad)} falls back`);
  }
  for (const missing of [undefined, 42, {}]) assert.equal(safeLocale(missing), 'en', `${String(missing)} falls back`);
  assert.equal(safeLocale('C', 'de'), 'de', 'the fallback can be chosen');
  assert.equal(safeLocale('en-US'), 'en-US');
  assert.equal(safeLocale('DE-de'), 'de-DE');
  // A well-formed tag nobody knows is accepted by Intl (it uses its default data): kept.
  assert.equal(safeLocale('zz-ZZ'), 'zz-ZZ');
  assert.doesNotThrow(() => new Intl.NumberFormat(safeLocale('zz-ZZ')).format(1));
});

test("uPlot's number formatter is given the validated tag in the bundles", () => {
  const source = readFileSync(path.join(repo, 'node_modules/uplot/dist/uPlot.esm.js'), 'utf8');
  const patched = patchUplotLocale(source);
  assert.ok(!patched.includes('new Intl.NumberFormat(domEnv ? nav.language'), 'the raw navigator.language is gone');
  assert.ok(patched.includes(`new Intl.NumberFormat((${safeLocale})(domEnv ? nav.language : 'en-US'))`), 'routed through safeLocale');
  assert.throws(() => patchUplotLocale('const f = new Intl.NumberFormat(navigator.language);'), /uPlot changed/);
});
