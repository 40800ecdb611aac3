// Embedding for course authors, in headless Chromium under the strict CSP header: the example host
// pages in web/examples/ (two elements on one page; the iframe form), events with real numbers,
// independence of two labs, and clear messages for malformed attributes and URL values.
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useLab, newPage, shot, labReady, CSP, assertIframeRun, finite } from './helpers.mjs';
import { startServer } from '../../wasm/tools/server.mjs';
import { buildSite } from '../../wasm/tools/build-site.mjs';

// Every test ends within 2 minutes, whatever hangs.
const test = (name, fn) => nodeTest(name, { timeout: 120_000 }, fn);

const lab = useLab();

test('two labs on one page: own workers, own state, events with real numbers, lab-done', async () => {
  const page = await newPage(lab.browser);
  await page.goto(`${lab.server.url}examples/two-labs.html`);
  await labReady(page, 'training-loop-lab');
  // Ids inside the two shadow roots never clash.
  const ids = await page.evaluate(() => [...document.querySelectorAll('training-loop-lab')].flatMap((l) => [...l.shadowRoot.querySelectorAll('[id]')].map((e) => e.id)));
  assert.equal(new Set(ids).size, ids.length, 'ids are unique across labs');
  // The German lab speaks German.
  assert.match(await page.locator('#fast').getByRole('button', { name: 'Zurücksetzen' }).textContent(), /Zurücksetzen/);
  await shot(page, 'embed-two-labs-ready');

  await page.evaluate(() => { document.getElementById('slow').start(); document.getElementById('fast').start(); });
  await page.waitForFunction(() => ['slow', 'fast'].every((id) => window.labEvents.some((e) => e.lab === id && e.type === 'lab-done')), null, { timeout: 60_000 });
  const events = await page.evaluate(() => window.labEvents);
  for (const id of ['slow', 'fast']) {
    const mine = events.filter((e) => e.lab === id);
    assert.ok(mine.some((e) => e.type === 'lab-ready'), `${id} ready`);
    const steps = mine.filter((e) => e.type === 'lab-step');
    assert.ok(steps.length >= 2, `${id}: ${steps.length} lab-step events`);
    for (const e of steps) assert.ok(Number.isInteger(e.step) && finite(e.loss) && finite(e.tokensPerSecond), JSON.stringify(e));
    const done = mine.find((e) => e.type === 'lab-done');
    assert.equal(done.step, 150);
    assert.ok(finite(done.loss) && finite(done.valLoss), JSON.stringify(done));
  }
  const [slow, fast] = await page.evaluate(() => ['slow', 'fast'].map((id) => document.getElementById(id).stats));
  assert.notEqual(slow.loss, fast.loss, 'different learning rates give different runs');
  assert.ok(fast.loss < slow.loss, `lr 0.01 learns faster in 150 steps: ${fast.loss} vs ${slow.loss}`);
  assert.ok(!events.some((e) => e.type === 'lab-error'), JSON.stringify(events.filter((e) => e.type === 'lab-error')));
  await shot(page, 'embed-two-labs-done');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a malformed attribute gets a clear message and a clamped value; the lab still works', async () => {
  const page = await newPage(lab.browser);
  await page.goto(`${lab.server.url}examples/two-labs.html`);
  const errors = await page.evaluate(async () => {
    const el = document.createElement('training-loop-lab');
    el.id = 'bad';
    const got = [];
    el.addEventListener('lab-error', (e) => got.push(e.detail.message));
    for (const [k, v] of Object.entries({ 'n-layer': 'lots', lr: '-3', optimizer: 'rmsprop', 'n-embd': '30', 'n-head': '4', 'block-size': '32', 'batch-size': '8', sections: 'train,bogus', text: 'https://evil.example/x.txt' })) el.setAttribute(k, v);
    document.querySelector('main').append(el);
    await el.ready;
    return { got, attrs: Object.fromEntries(['n-layer', 'lr', 'optimizer', 'n-embd', 'sections', 'text'].map((a) => [a, el.getAttribute(a)])), stats: el.stats };
  });
  const all = errors.got.join('\n');
  assert.match(all, /n-layer="lots" is not valid \(not a number\); using 2/);
  assert.match(all, /lr="-3" is not valid \(allowed 0\.00001 to 10\); using 0\.00001/);
  assert.match(all, /optimizer="rmsprop" is not valid \(allowed: sgd, momentum, adamw\); using adamw/);
  assert.match(all, /n-embd="30" is not valid \(must be a multiple of n-head \(4\)\); using 32/);
  assert.match(all, /sections="train,bogus" is not valid/);
  assert.match(all, /text="https:\/\/evil\.example\/x\.txt" is not valid/);
  assert.deepEqual(errors.attrs, { 'n-layer': '2', lr: '0.00001', optimizer: 'adamw', 'n-embd': '32', sections: 'train', text: 'facts' });
  assert.ok(errors.stats.params > 0, 'the lab built a model with the clamped values');
  assert.ok(await page.locator('#bad .notice').count() >= 5, 'the messages are on screen');
  await shot(page, 'embed-malformed', page.locator('#bad'));
  // Changing an attribute later is validated the same way.
  const later = await page.evaluate(async () => {
    const el = document.getElementById('bad');
    const got = new Promise((r) => el.addEventListener('lab-error', (e) => r(e.detail.message), { once: true }));
    el.setAttribute('seed', '1.5');
    return got;
  });
  assert.match(later, /seed="1\.5" is not valid \(not a whole number\); using 2/);
  await page.context().close();
});

test('text from a same-origin .txt URL, a pasted text in `custom`, autoplay up to a step budget', async () => {
  const page = await newPage(lab.browser);
  await page.goto(`${lab.server.url}examples/two-labs.html`);
  const texts = await page.evaluate(async () => {
    const make = (attrs) => {
      const el = document.createElement('training-loop-lab');
      for (const [k, v] of Object.entries({ 'n-layer': '1', 'n-embd': '16', 'n-head': '2', 'block-size': '16', 'batch-size': '4', sections: 'text', ...attrs })) el.setAttribute(k, v);
      document.querySelector('main').append(el);
      return el;
    };
    const a = make({ text: '../samples/story.txt', autoplay: '', steps: '12' });
    const done = new Promise((resolve) => a.addEventListener('lab-done', (e) => resolve(e.detail), { once: true }));
    const b = make({ text: 'custom', custom: 'A small robot reads a book every night.' });
    await Promise.all([a.ready, b.ready]);
    const d = await done;
    return [a, b].map((el) => [el.shadowRoot.querySelector('textarea').value, el.stats.vocabSize, el.query, d]);
  });
  assert.match(texts[0][0], /^Once upon a time a small robot/);
  assert.ok(texts[0][1] > 20);
  assert.equal(texts[1][0], 'A small robot reads a book every night.');
  assert.match(texts[1][2], /text=custom&custom=A\+small\+robot/);
  assert.equal(texts[0][3].step, 12, 'autoplay trained up to the step budget');
  assert.ok(Number.isFinite(texts[0][3].loss));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the iframe form: options from the URL, events to the parent with postMessage', async () => {
  const page = await newPage(lab.browser);
  await page.goto(`${lab.server.url}examples/iframe.html`);
  await page.waitForFunction(() => window.labMessages.some((m) => m.type === 'lab-ready'), null, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Start training from this page' }).click();
  await page.waitForFunction(() => window.labMessages.some((m) => m.type === 'lab-done'), null, { timeout: 60_000 });
  assertIframeRun(await page.evaluate(() => window.labMessages), await page.locator('#progress').textContent());
  const frame = page.frameLocator('#frame');
  assert.equal(await frame.locator('training-loop-lab').getAttribute('seed'), '3');
  assert.equal(await frame.locator('training-loop-lab .sec-pairs').isHidden(), true, 'sections from the URL');
  await shot(page, 'embed-iframe');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the copied static site works under any sub-path (relative URLs only), with the CSP', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-site-'));
  await buildSite(dir);
  const sub = await startServer({ port: 0, headers: { 'Content-Security-Policy': CSP }, extraMounts: [['/course/week-3/lab/', [dir]]] });
  try {
    const page = await newPage(lab.browser);
    await page.goto(`${sub.url}course/week-3/lab/examples/two-labs.html`);
    await labReady(page, 'training-loop-lab');
    await page.evaluate(() => document.getElementById('slow').step());
    assert.equal(await page.evaluate(() => document.getElementById('slow').stats.step), 1);
    assert.deepEqual(page.problems, []);
    await page.context().close();
  } finally {
    await sub.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('embed.html reports invalid URL values; a new lang and theme apply', async () => {
  const page = await newPage(lab.browser, { viewport: { width: 360, height: 800 } });
  await page.goto(`${lab.server.url}embed.html?n-layer=1&n-embd=32&n-head=2&block-size=99999&lang=de&theme=dark&sections=text,train`);
  await labReady(page);
  assert.match(await page.locator('#lab .notice').first().textContent(), /block-size="99999" ist ungültig \(erlaubt 8 bis 256\); verwendet wird 256/);
  assert.match(await page.locator('#lab h2').first().textContent(), /Text und Tokens/);
  assert.equal(new URL(page.url()).searchParams.get('block-size'), '256', 'the clamped value is what the URL keeps');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 362, `fits 360 px: ${width}`);
  await shot(page, 'embed-de-dark-360');
  await page.context().close();
});
