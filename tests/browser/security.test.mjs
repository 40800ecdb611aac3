// Security and state integrity in a real browser (Chromium, strict CSP from the lab's own server):
// a link cannot put script on the page; the iframe form ignores hostile commands; bursts of
// Reset/Start/Pause leave a page whose buttons tell the truth and whose Pause works; a wasm trap
// restores the last good model in a fresh engine instance.
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage, labReady, smallQuery } from './helpers.mjs';

const test = (name, fn) => nodeTest(name, { timeout: 120_000 }, fn);
const lab = useLab();

const HOSTILE = 'onclick=window.__pwned%3D1&style=position:fixed;inset:0;z-index:9&onmouseover=window.__pwned%3D2'
  + '&onfocus=window.__pwned%3D3&a%20b=x&class=x';

test('a link sets only the lab\'s settings: on* and style are dropped and reported, and nothing runs', async () => {
  for (const pageName of ['index.html', 'embed.html']) {
    const page = await newPage(lab.browser);
    await page.goto(`${lab.server.url}${pageName}?${smallQuery()}&${HOSTILE}`);
    await labReady(page);
    const attrs = await page.evaluate(() => document.getElementById('lab').getAttributeNames());
    for (const bad of ['onclick', 'onmouseover', 'onfocus', 'style', 'class', 'a b']) assert.ok(!attrs.includes(bad), `${pageName}: ${bad} in ${attrs}`);
    assert.ok(attrs.includes('n-embd'), 'the lab\'s own settings still come from the link');
    await page.mouse.move(200, 200);
    await page.mouse.move(400, 300);
    await page.locator('#lab').click({ position: { x: 30, y: 30 } });
    assert.equal(await page.evaluate(() => window.__pwned), undefined, `${pageName}: script ran`);
    const notices = await page.evaluate(() => [...document.getElementById('lab').shadowRoot.querySelectorAll('.notice')].map((n) => n.textContent).join(' | '));
    assert.match(notices, /"onclick", which is not a setting of the lab; it was ignored/, notices);
    assert.match(notices, /"a b", which is not a setting/, notices);
    assert.deepEqual(page.problems, [], pageName);
    await page.context().close();
  }
});

test('a text URL whose path is not a .txt is refused, even with .txt in its query', async () => {
  const page = await newPage(lab.browser);
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(`${lab.server.url}index.html?${smallQuery()}&text=${encodeURIComponent('/engine/lab-core.wasm?a.txt')}`);
  await labReady(page);
  const text = await page.evaluate(() => document.getElementById('lab').shadowRoot.querySelector('textarea').value);
  assert.match(text, /The capital of France is Paris\./, 'falls back to the first sample');
  assert.match(await page.evaluate(() => document.getElementById('lab').shadowRoot.querySelector('.notices').textContent), /text="\/engine\/lab-core\.wasm\?a\.txt" is not valid/);
  assert.equal(requested.filter((p) => p === '/engine/lab-core.wasm').length, 1, 'the wasm is fetched once, by the engine, not as a text');
  await page.context().close();
});

test('the iframe form: commands are looked up as own names only; a hostile one is reported, not thrown', async () => {
  const page = await newPage(lab.browser);
  await page.goto(`${lab.server.url}examples/iframe.html`);
  const frame = page.frameLocator('iframe').first();
  await frame.locator('#lab').waitFor();
  const child = page.frames().find((f) => f.url().includes('embed.html'));
  await labReady(child);
  await page.evaluate(() => {
    window.__got = [];
    window.addEventListener('message', (e) => { if (e.data?.source === 'training-loop-lab') window.__got.push(e.data); });
    const w = document.querySelector('iframe').contentWindow;
    for (const command of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'dispatchEvent']) w.postMessage({ type: 'lab-command', command }, '*');
    w.postMessage({ type: 'lab-command', command: { toString: null } }, '*');
    w.postMessage({ type: 'lab-command', command: 'step' }, '*');
  });
  await page.waitForFunction(() => window.__got.some((m) => m.type === 'lab-step' && m.step === 1), null, { timeout: 30_000 });
  const errors = await page.evaluate(() => window.__got.filter((m) => m.type === 'lab-error').map((m) => m.message));
  assert.equal(errors.filter((m) => /^unknown lab-command (".*"|\(object\)); allowed: start, pause, step, reset$/.test(m)).length, 6, errors.join(' | '));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

/** Does the page say it is training (Pause enabled, Start disabled)? */
function pageSaysRunning() {
  const buttons = [...document.getElementById('lab').shadowRoot.querySelectorAll('.sec-train button')];
  const by = (name) => buttons.find((b) => b.textContent === name);
  return !by('Pause').disabled && by('Start').disabled;
}
const uiRunning = (page) => page.evaluate(pageSaysRunning);
const stepNow = (page) => page.evaluate(() => document.getElementById('lab').stats.step);

test('bursts of Reset / Start / Pause: the buttons tell the truth and Pause always stops training', async () => {
  const page = await newPage(lab.browser);
  // A model big enough that a reset takes a while (the race needs a slow reply).
  await page.goto(`${lab.server.url}index.html?n-layer=4&n-embd=128&n-head=4&block-size=64&batch-size=8&sections=train`);
  await labReady(page);
  const bursts = [
    (l) => { l.reset(); l.start(); },
    (l) => { l.start(); l.reset(); l.start(); },
    (l) => { l.start(); l.pause(); l.start(); l.reset(); l.reset(); l.start(); },
    (l) => { l.start(); l.step(); l.pause(); l.start(); },
    (l) => { l.setAttribute('seed', String(Math.floor(Math.random() * 1e6))); l.start(); },
    (l) => { l.setAttribute('n-layer', l.getAttribute('n-layer') === '4' ? '3' : '4'); l.start(); },
  ];
  for (const [i, burst] of bursts.entries()) {
    await page.evaluate(`(${burst.toString()})(document.getElementById('lab'))`);
    // The burst ends with start(): the page must come to say it trains (its queue may take a while)…
    await page.waitForFunction(pageSaysRunning, null, { timeout: 30_000 });
    const s0 = await stepNow(page);
    // …and it does (steps of this model are slow on a busy machine: allow time, this is not a speed test).
    await page.waitForFunction((s) => document.getElementById('lab').stats.step > s, s0, { timeout: 30_000 });
    await page.evaluate(() => document.getElementById('lab').pause());
    assert.equal(await uiRunning(page), false, `burst ${i}: after pause() the page says stopped`);
    const s1 = await stepNow(page);
    await page.waitForTimeout(1500);
    assert.equal(await stepNow(page), s1, `burst ${i}: pause() stopped the training`);
  }
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a wasm trap: the engine instance is replaced and the last good model restored, text kept', async () => {
  const page = await newPage(lab.browser);
  await page.goto(`${lab.server.url}index.html?${smallQuery()}&text=rhymes`);
  await labReady(page);
  await page.evaluate(async () => {
    const el = document.getElementById('lab');
    el.start();
    await new Promise((r) => setTimeout(r, 800));
    await el.pause();
  });
  const good = await page.evaluate(() => document.getElementById('lab').stats.step);
  assert.ok(good > 0);
  const errors = await page.evaluate(async () => {
    const el = document.getElementById('lab');
    const got = [];
    el.addEventListener('lab-error', (e) => got.push(e.detail.message));
    await el.controller.simulateTrap();
    await el.step();
    await new Promise((r) => setTimeout(r, 500));
    return got;
  });
  assert.equal(errors.length, 1, errors.join(' | '));
  assert.match(errors[0], new RegExp(`^the engine stopped \\(memory access out of bounds \\(simulated\\)\\).*The engine was restarted with the last good model \\(step ${good}\\)\\.$`));
  const after = await page.evaluate(async () => {
    const el = document.getElementById('lab');
    await el.step();
    return { step: el.stats.step, text: el.shadowRoot.querySelector('textarea').value };
  });
  assert.equal(after.step, good + 1, 'training goes on from the restored model');
  assert.match(after.text, /Rain, rain/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
