// Same seed, same text, same config → the same loss curve in node and in the browser (the same
// .wasm): the engine is imported in a page (under the strict CSP) and in this node process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadEngine } from '../../wasm/lab.mjs';
import { assertEngineBuilt, serve, launch, newPage, repo } from './helpers.mjs';

const settings = { nLayer: 2, nHead: 4, nEmbd: 32, blockSize: 32, batchSize: 8, lr: 3e-3, seed: 11 };
let server, browser, page;

before(async () => {
  assertEngineBuilt();
  server = await serve();
  browser = await launch();
  page = await newPage(browser);
  await page.goto(`${server.url}examples/`);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the browser and node give bit-identical loss curves and weights', async () => {
  const text = readFileSync(path.join(repo, 'web/samples/rhymes.txt'), 'utf8');
  const inBrowser = await page.evaluate(async ([t, s]) => {
    const { loadEngine } = await import(new URL('../engine/lab.mjs', location.href).href);
    const engine = await loadEngine();
    const trainer = engine.createTrainer(t, s);
    const losses = [...trainer.train(30).losses];
    const result = { losses, fingerprint: trainer.fingerprint() };
    trainer.dispose();
    return result;
  }, [text, settings]);
  const engine = await loadEngine();
  const trainer = engine.createTrainer(text, settings);
  const losses = [...trainer.train(30).losses];
  assert.equal(inBrowser.losses.length, 30);
  assert.deepEqual(inBrowser.losses, losses);
  assert.equal(inBrowser.fingerprint, trainer.fingerprint());
  assert.ok(losses[29] < losses[0], 'it learns');
  trainer.dispose();
});
