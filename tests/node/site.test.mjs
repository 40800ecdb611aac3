// The served site: the page's code comes as bundles at the URLs of their entry files, every file
// has an ETag (a repeat visit gets 304s and keeps the browser's cache), and the static export
// holds the same bundles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../../wasm/tools/server.mjs';
import { buildSite } from '../../wasm/tools/build-site.mjs';
import { BUNDLE_ENTRIES } from '../../wasm/tools/bundle.mjs';

test('each page loads its code as one bundle, the element its styles as one file', async () => {
  const server = await startServer({ port: 0 });
  try {
    for (const entry of BUNDLE_ENTRIES) {
      const res = await fetch(new URL(entry, server.url));
      assert.equal(res.status, 200, entry);
      const body = await res.text();
      // No relative imports are left for the browser to fetch one by one.
      assert.ok(!/(?:^|[;\s])import\s*(?:[\w{},*\s]+from\s*)?["']\.{1,2}\//.test(body), `${entry} still imports a file`);
      assert.ok(!/@import/.test(body), `${entry} still imports a stylesheet`);
    }
    const index = await (await fetch(new URL('index.js', server.url))).text();
    // (assert.ok, not match: a failure should not print 170 kB of bundle)
    assert.ok(/customElements\.define\("training-loop-lab"/.test(index), 'index.js holds the element');
    assert.ok(/u-legend/.test(index), 'and the chart library');
    const css = await (await fetch(new URL('styles/element.css', server.url))).text();
    assert.ok(/\.uplot/.test(css) && /\.sec-train|\.lab/.test(css), 'element.css holds the lab\'s and uPlot\'s styles');
    // The engine itself is not bundled: the worker loads it (and the wasm) in parallel.
    assert.ok(/lab-core\.wasm/.test(await (await fetch(new URL('app/worker.js', server.url))).text()));
  } finally {
    await server.close();
  }
});

test('an unchanged file is answered 304 to If-None-Match, a changed tag gets the file', async () => {
  const server = await startServer({ port: 0 });
  try {
    for (const file of ['index.html', 'index.js', 'engine/lab-core.wasm']) {
      const first = await fetch(new URL(file, server.url));
      const etag = first.headers.get('etag');
      assert.match(etag ?? '', /^"[\w-]+"$/, `${file} has an ETag`);
      assert.equal(first.headers.get('cache-control'), 'no-cache', 'the browser asks every time');
      await first.arrayBuffer();
      const again = await fetch(new URL(file, server.url), { headers: { 'If-None-Match': etag } });
      assert.equal(again.status, 304, file);
      assert.equal((await again.arrayBuffer()).byteLength, 0);
      const other = await fetch(new URL(file, server.url), { headers: { 'If-None-Match': '"other"' } });
      assert.equal(other.status, 200);
      assert.ok((await other.arrayBuffer()).byteLength > 0);
    }
  } finally {
    await server.close();
  }
});

test('the static export holds the bundles in place of their entry files', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-site-'));
  try {
    await buildSite(dir);
    const server = await startServer({ port: 0 });
    try {
      for (const entry of BUNDLE_ENTRIES) {
        const served = Buffer.from(await (await fetch(new URL(entry, server.url))).arrayBuffer());
        assert.ok(readFileSync(path.join(dir, entry)).equals(served), entry);
      }
    } finally {
      await server.close();
    }
    for (const f of ['engine/lab.mjs', 'engine/lab-core.mjs', 'engine/lab-core.wasm', 'samples/facts.txt', 'vendor/uplot/uPlot.esm.js']) {
      assert.ok(readFileSync(path.join(dir, f)).length > 0, f);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
