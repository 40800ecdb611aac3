// Nothing stale, nothing silently dropped: the attention prompt follows the lab's text until the
// learner types one; a link to a pasted text it does not hold says so; the surprise map never
// shows another model's map.
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage, labReady, smallQuery } from './helpers.mjs';

const test = (name, fn) => nodeTest(name, { timeout: 120_000 }, fn);
const lab = useLab();
const q = (page, sel) => page.evaluate((s) => document.getElementById('lab').shadowRoot.querySelector(s)?.value ?? document.getElementById('lab').shadowRoot.querySelector(s)?.textContent, sel);

test('the attention prompt follows the text (until the learner types one)', async () => {
  const page = await newPage(lab.browser);
  await page.goto(`${lab.server.url}index.html?${smallQuery()}&sections=attention`);
  await labReady(page);
  await page.locator('#lab .sec-attention').scrollIntoViewIfNeeded(); // the view works while it is seen
  await page.waitForFunction(() => document.getElementById('lab').shadowRoot.querySelector('input[id$="att-prompt"]').value === 'The capital of France is', null, { timeout: 30_000 });
  await page.evaluate(() => document.getElementById('lab').setAttribute('text', 'story'));
  await page.waitForFunction(() => document.getElementById('lab').shadowRoot.querySelector('input[id$="att-prompt"]').value === 'Once upon a time', null, { timeout: 30_000 });
  await page.locator('#lab input[id$="att-prompt"]').fill('Rain falls');
  await page.evaluate(() => document.getElementById('lab').setAttribute('text', 'rhymes'));
  await page.waitForTimeout(3000);
  assert.equal(await q(page, 'input[id$="att-prompt"]'), 'Rain falls', 'a typed prompt is kept');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a link naming a pasted text it does not hold says so (and which sample is used)', async () => {
  const page = await newPage(lab.browser);
  await page.goto(`${lab.server.url}index.html?${smallQuery()}&text=custom&sections=text`);
  await labReady(page);
  const notes = await page.evaluate(() => document.getElementById('lab').shadowRoot.querySelector('.notices').textContent);
  assert.match(notes, /text="custom" is not valid \(the link names a pasted text but does not hold it \(texts over 4000 characters are not put in links\)\); using facts/);
  await page.context().close();
});

test('the surprise map of a new model never shows the old model\'s map', async () => {
  const page = await newPage(lab.browser);
  await page.goto(`${lab.server.url}index.html?${smallQuery()}&sections=surprise`);
  await labReady(page);
  await page.locator('#lab .sec-surprise').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.getElementById('lab').shadowRoot.querySelectorAll('.sec-surprise .map span, .sec-surprise [class*=map] span').length > 10, null, { timeout: 30_000 });
  // Watch every change of the map: after the model is replaced, no map may be drawn for the old one.
  await page.evaluate(() => {
    const el = document.getElementById('lab');
    window.__maps = [];
    const sec = el.shadowRoot.querySelector('.sec-surprise');
    new MutationObserver(() => window.__maps.push({ stats: sec.querySelector('.sur-stats')?.textContent ?? '', spans: sec.querySelectorAll('span').length })).observe(sec, { childList: true, subtree: true });
    el.setAttribute('n-embd', '48');
  });
  await page.waitForFunction(() => window.__maps.some((m) => /A new model: its surprise map is being computed/.test(m.stats)), null, { timeout: 30_000 });
  await page.waitForFunction(() => /model at step 0\./.test(document.getElementById('lab').shadowRoot.querySelector('.sec-surprise').textContent), null, { timeout: 30_000 });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a checkpoint trained on another text: the reason, and an offer to load it to predict and generate', async () => {
  const { loadEngine } = await import('../../wasm/lab.mjs');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const engine = await loadEngine();
  const other = engine.createTrainer('abba baab abab baba '.repeat(20), { nLayer: 1, nHead: 1, nEmbd: 8, blockSize: 8, batchSize: 2 });
  other.train(3);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-ckpt-'));
  const file = path.join(dir, 'ab-model.safetensors');
  writeFileSync(file, other.exportCheckpoint());
  other.dispose();
  try {
    const page = await newPage(lab.browser);
    await page.goto(`${lab.server.url}index.html?${smallQuery()}&sections=text,train,predict,keep`);
    await labReady(page);
    await page.locator('#lab input[type=file][accept^=".safetensors"]').setInputFiles(file);
    await page.waitForFunction(() => /was trained on another text/.test(document.getElementById('lab').shadowRoot.querySelector('.notices').textContent));
    const note = await page.evaluate(() => document.getElementById('lab').shadowRoot.querySelector('.notices').textContent);
    assert.match(note, /"ab-model\.safetensors" was trained on another text: character '.' \(U\+[0-9A-F]{4}\) at position \d+ is not in the tokenizer's vocabulary of 3 characters\. A model knows only the characters of its own vocabulary/);
    await page.locator('#lab').getByRole('button', { name: 'Load it to predict and generate' }).click();
    // The status line is written after the model is adopted (stats first): wait for both.
    await page.waitForFunction(() => document.getElementById('lab').stats.vocabSize === 3 && document.getElementById('lab').stats.step === 3 &&
      /^Loaded/.test(document.getElementById('lab').shadowRoot.querySelector('.status').textContent), null, { timeout: 10_000 }).catch(() => {});
    assert.match(await page.evaluate(() => document.getElementById('lab').shadowRoot.querySelector('.status').textContent), /Loaded "ab-model\.safetensors" with its own tokenizer \(3 tokens\) at step 3/);
    const disabled = await page.evaluate(() => Object.fromEntries([...document.getElementById('lab').shadowRoot.querySelectorAll('.sec-train .buttons button')].map((b) => [b.textContent, b.disabled])));
    assert.equal(disabled.Start, true, 'no training on a text it cannot read');
    assert.equal(disabled.Step, true);
    // It predicts and generates from a prompt of its characters.
    await page.evaluate(() => document.getElementById('lab').setAttribute('prompt', 'abba b'));
    await page.waitForFunction(() => document.getElementById('lab').shadowRoot.querySelectorAll('.sec-predict .bar').length === 3);
    await page.locator('#lab').getByRole('button', { name: 'Generate', exact: true }).click();
    await page.waitForFunction(() => /^[ab ]+$/.test(document.getElementById('lab').shadowRoot.querySelector('.sec-predict .gen-new')?.textContent ?? ''));
    assert.deepEqual(page.problems, []);
    await page.context().close();
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
