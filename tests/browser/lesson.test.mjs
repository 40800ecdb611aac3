// The lesson page (web/index.html) in headless Chromium under the strict CSP: it loads, shows the
// text before the wasm, trains without long tasks, the loss falls, predictions and the one-step
// table show real numbers, inference leaves the weights alone, checkpoints round-trip, the URL
// holds the state, a worker crash is survived. Screenshots go to tests/artifacts/.
import { test as nodeTest, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertEngineBuilt, serve, launch, newPage, shot, labReady, numbers, smallQuery, artifacts, mainThreadTasks, repo, recordPage } from './helpers.mjs';

// Every test ends within 2 minutes, whatever hangs.
const test = (name, fn) => nodeTest(name, { timeout: 120_000 }, fn);

let server, browser, page;
const lab = () => page.locator('#lab');
const inLab = (sel) => page.locator(`#lab ${sel}`);
const button = (name) => page.locator('#lab').getByRole('button', { name, exact: true });
const stats = () => page.evaluate(() => document.getElementById('lab').stats);

before(async () => {
  assertEngineBuilt();
  server = await serve({ engineDelayMs: 1500 });
  browser = await launch();
  page = await newPage(browser);
  await recordPage(page);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the text is on screen before the wasm has loaded', async () => {
  await page.goto(`${server.url}index.html?${smallQuery()}`);
  // The engine's files are held back 1.5 s by the proxy: the text must already be there.
  await page.waitForFunction(() => document.getElementById('lab')?.shadowRoot?.querySelector('textarea')?.value.length > 100, null, { timeout: 5000 });
  const ready = await page.evaluate(() => window.__events.some((e) => e.type === 'lab-ready'));
  assert.equal(ready, false, 'text should be visible before the engine is ready');
  assert.match(await inLab('.sec-text textarea').inputValue(), /The capital of France is Paris\./);
  assert.match(await inLab('.status').textContent(), /Loading the engine/);
  await shot(page, 'lesson-0-before-engine');
});

test('ready: tokens with ids, pairs with p and surprise, parameter count', async () => {
  await labReady(page);
  const summary = await inLab('.summary').textContent();
  const [chars, tokens, vocab] = numbers(summary);
  assert.ok(chars > 1000 && tokens === chars && vocab > 20 && vocab < 80, summary);
  assert.ok(await inLab('.tokens .tok').count() > 100);
  const firstId = await inLab('.tokens .tok .tok-id').first().textContent();
  assert.match(firstId, /^\d+$/);
  const rows = await inLab('table.pairs tbody tr').count();
  assert.ok(rows >= 5, `pairs rows ${rows}`);
  const [p, s] = numbers((await inLab('table.pairs tbody tr td.num').first().textContent()) + ' ' + (await inLab('table.pairs tbody tr .sval').first().textContent()));
  assert.ok(p > 0 && p < 1, `p ${p}`);
  assert.ok(Math.abs(s + Math.log(p)) < 0.02 * Math.max(1, s), `surprise ${s} should be −ln p (${-Math.log(p)})`);
  const st = await stats();
  assert.ok(st.params > 1000, `params ${st.params}`);
  assert.ok(Math.abs(st.loss - Math.log(st.vocabSize)) < 0.5, `fresh loss ${st.loss} ≈ ln V ${Math.log(st.vocabSize)}`);
  await shot(page, 'lesson-1-text', inLab('.sec-text'));
  await shot(page, 'lesson-2-pairs', inLab('.sec-pairs'));
});

test('trains in a worker: loss falls, lab-step events, no long tasks, pause is immediate', async (t) => {
  const before = await stats();
  await page.evaluate(() => { window.__longTasks = []; window.__measureLongTasks = true; window.__events = []; });
  await browser.startTracing(page, { categories: ['toplevel', 'disabled-by-default-devtools.timeline'] });
  await button('Start').click();
  // lab-step comes at most 4 times a second; a fast machine reaches step 150 in under a second,
  // so wait for both.
  await page.waitForFunction(() => document.getElementById('lab').stats.step >= 150
    && window.__events.filter((e) => e.type === 'lab-step').length >= 3, null, { timeout: 60_000 });
  await page.evaluate(() => { window.__measureLongTasks = false; });
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
  const load = os.loadavg()[0];
  await button('Pause').click();
  await page.waitForFunction(() => !document.getElementById('lab').shadowRoot.querySelector('.sec-train button.primary').disabled);
  const paused = await stats();
  await page.waitForTimeout(400);
  const later = await stats();
  assert.equal(later.step, paused.step, 'no steps after pause');
  assert.ok(paused.loss < before.loss - 0.4, `loss should fall: ${before.loss} → ${paused.loss}`);
  assert.ok(paused.valLoss < before.valLoss, `val loss should fall: ${before.valLoss} → ${paused.valLoss}`);
  const steps = await page.evaluate(() => window.__events.filter((e) => e.type === 'lab-step'));
  assert.ok(steps.length >= 3, `lab-step events: ${steps.length}`);
  for (const e of steps) {
    assert.ok(Number.isInteger(e.step) && e.step > 0 && Number.isFinite(e.loss) && e.tokensPerSecond > 0, JSON.stringify(e));
  }
  // Our own work on the main thread: no task may use more than 50 ms of CPU.
  const tasks = mainThreadTasks(trace);
  assert.ok(tasks.length > 20, `trace has main-thread tasks: ${tasks.length}`);
  const heavy = tasks.filter((x) => x.cpu > 50).map((x) => `${x.cpu.toFixed(0)} ms CPU`);
  assert.deepEqual(heavy, [], 'main-thread tasks over 50 ms of CPU while training');
  // What the page sees (PerformanceObserver 'longtask', wall time). Other processes hogging the
  // CPUs stretch wall time without any work of ours, so on an overloaded machine this is reported,
  // not failed.
  const longTasks = await page.evaluate(() => window.__longTasks);
  const overloaded = load > 1.5 * os.cpus().length;
  const worst = Math.max(0, ...tasks.map((x) => x.cpu)).toFixed(1);
  if (overloaded && longTasks.length) {
    t.diagnostic(`long tasks ${longTasks} ms (wall) not failed: load average ${load.toFixed(1)} on ${os.cpus().length} CPUs; worst main-thread CPU per task ${worst} ms`);
  } else {
    assert.deepEqual(longTasks, [], `long tasks on the main thread while training (worst CPU per task ${worst} ms)`);
  }
  const alt = await inLab('.chart-alt').textContent();
  assert.match(alt, new RegExp(`Step ${paused.step}`));
  await shot(page, 'lesson-3-train', inLab('.sec-train'));
});

test('predict: live top-k bars with real probabilities and a generated sample', async () => {
  const probs = numbers((await inLab('.sec-predict .bars').textContent()).replace(/[^\d.e\- ]+/g, ' '));
  const barProbs = await inLab('.sec-predict .bar-prob').allTextContents();
  const ps = barProbs.map(Number);
  assert.equal(ps.length, 10);
  assert.ok(ps.every((p) => p > 0 && p <= 1), barProbs.join(' '));
  assert.ok(ps.reduce((a, b) => a + b, 0) <= 1.0001);
  assert.ok(ps[0] > ps[9], 'sorted, and not uniform after training');
  void probs;
  await button('Generate').click();
  await page.waitForFunction(() => document.getElementById('lab').shadowRoot.querySelector('.sec-predict .gen-new')?.textContent.length > 10);
  await shot(page, 'lesson-4-predict', inLab('.sec-predict'));
});

test('one step, slowed down: four phases and the update table with real numbers', async () => {
  const before = (await stats()).step;
  await button('Run one step').click();
  await inLab('table.update').waitFor();
  assert.equal((await stats()).step, before + 1);
  const real = (await inLab('table.update tr.real td').allTextContents()).map(Number);
  const [w, g, lr, delta, nw] = real;
  assert.ok([w, g, lr, delta, nw].every(Number.isFinite), `real row: ${real}`);
  assert.ok(Math.abs(w + delta - nw) <= 1e-3 * Math.max(1e-3, Math.abs(nw)) + 1e-6, `original + delta = new: ${real}`);
  assert.ok(lr > 0);
  // The learner changes the learning rate: plain SGD arithmetic in the view.
  await inLab('table.update tr.try input').nth(1).fill('0.5');
  await inLab('table.update tr.try input').nth(0).fill('2');
  const tryRow = (await inLab('table.update tr.try td.num:nth-last-child(-n+2)').allTextContents()).map(Number);
  assert.ok(Math.abs(tryRow[0] - -1) < 1e-9, `delta = −0.5 × 2: ${tryRow}`);
  assert.ok(Math.abs(tryRow[1] - (w - 1)) < 1e-3, `new = w − 1: ${tryRow}`);
  // Leave the field (Chromium scrolls a still-focused, off-screen input back into view on the next click).
  await page.evaluate(() => document.getElementById('lab').shadowRoot.activeElement?.blur());
  assert.ok(await inLab('.sec-step .phase').count() === 4);
  assert.ok(await inLab('.sec-step .norms .bar').count() >= 4, 'gradient norms per tensor');
  await shot(page, 'lesson-5-step', inLab('.sec-step'));
});

test('training vs inference: generating keeps the fingerprint, a step changes it', async () => {
  await button('Generate (inference)').click();
  await inLab('.verdict.same').waitFor();
  assert.match(await inLab('.verdict').textContent(), /Unchanged: ([0-9a-f]{16}) → \1/);
  await button('Take one training step').click();
  await inLab('.verdict.changed').waitFor();
  const m = (await inLab('.verdict').textContent()).match(/([0-9a-f]{16}) → ([0-9a-f]{16})/);
  assert.ok(m && m[1] !== m[2]);
  await shot(page, 'lesson-6-infer', inLab('.sec-infer'));
});

test('keep and share: download a .safetensors, load it back; a bad file gets a clear message', async () => {
  const fp = await inLab('.fingerprint').textContent();
  const [download] = await Promise.all([page.waitForEvent('download'), button('Download .safetensors').click()]);
  const file = path.join(artifacts, 'lesson.safetensors');
  await download.saveAs(file);
  const bytes = readFileSync(file);
  const headerLen = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString('utf8'));
  assert.ok(header['transformer.wte.weight'], 'nanoGPT tensor names');
  assert.ok(header.__metadata__?.config, 'config metadata');

  await button('Reset').click();
  await page.waitForFunction(() => document.getElementById('lab').stats.step === 0);
  await inLab('.sec-keep input[type=file]').setInputFiles(file);
  await page.waitForFunction(() => /Loaded/.test(document.getElementById('lab').shadowRoot.querySelector('.sec-keep .message').textContent), null, { timeout: 10_000 });
  await page.waitForFunction((f) => document.getElementById('lab').shadowRoot.querySelector('.fingerprint').textContent === f, fp);

  page.problems.length = 0; // the bad file is reported as a lab-error on purpose
  await inLab('.sec-keep input[type=file]').setInputFiles({ name: 'notes.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a checkpoint at all') });
  await inLab('.sec-keep .message.error').waitFor();
  const msg = await inLab('.sec-keep .message.error').textContent();
  assert.match(msg, /Could not load notes\.safetensors \(not a checkpoint this lab can read\): \S.{5,}/);
  assert.match(await inLab('.notices .notice').last().textContent(), /notes\.safetensors/);
  await shot(page, 'lesson-7-keep', inLab('.sec-keep'));
  // The model is still usable after the bad file.
  await button('Step').click();
  await page.waitForFunction((f) => document.getElementById('lab').shadowRoot.querySelector('.fingerprint').textContent !== f, fp);
  page.problems = page.problems.filter((p) => !/notes\.safetensors/.test(p));
});

test('a bias-free checkpoint (nanoGPT bias=False) loads, shows its tensors and takes a step', async () => {
  const { loadEngine } = await import('../../wasm/lab.mjs');
  const trainer = (await loadEngine()).createTrainer(readFileSync(path.join(repo, 'web/samples/facts.txt'), 'utf8'),
    { nLayer: 1, nHead: 2, nEmbd: 32, blockSize: 32, batchSize: 8, bias: false });
  trainer.train(3);
  const file = path.join(artifacts, 'lesson-no-bias.safetensors');
  writeFileSync(file, trainer.exportCheckpoint());
  trainer.dispose();
  const loaded = (name) => page.waitForFunction((n) => document.getElementById('lab').shadowRoot
    .querySelector('.sec-keep .message').textContent.includes(`Loaded ${n}`), name, { timeout: 10_000 });

  await inLab('.sec-keep input[type=file]').setInputFiles(file);
  await loaded('lesson-no-bias.safetensors');
  await page.waitForFunction(() => [...document.getElementById('lab').shadowRoot.querySelectorAll('.sec-step select option')]
    .some((o) => o.value === 'transformer.ln_f.weight'));
  const names = await inLab('.sec-step select option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.equal(names.length, 2 + 6 + 1, names.join(' '));
  assert.ok(names.every((n) => !n.endsWith('.bias')), names.join(' '));
  await button('Run one step').click();
  await page.waitForFunction(() => document.getElementById('lab').stats.step === 4);
  await inLab('table.update').waitFor();
  assert.equal(await inLab('.sec-step .norms .bar').count(), 2 + 6 + 1, 'a gradient norm per tensor, no biases');
  const real = (await inLab('table.update tr.real td').allTextContents()).map(Number);
  assert.ok(real.every(Number.isFinite), `real row: ${real}`);

  // Back to the lesson's model for the tests that follow.
  await inLab('.sec-keep input[type=file]').setInputFiles(path.join(artifacts, 'lesson.safetensors'));
  await loaded('lesson.safetensors');
});

test('the state round-trips through the URL', async () => {
  await inLab('.sec-train input[id$="-lr"]').fill('0.01');
  await inLab('.sec-train input[id$="-lr"]').press('Tab');
  await inLab('.sec-train input[id$="-seed"]').fill('42');
  await inLab('.sec-train input[id$="-seed"]').press('Tab');
  await page.waitForFunction(() => /lr=0\.01/.test(location.search) && /seed=42/.test(location.search));
  const url = page.url();
  assert.match(url, /n-layer=1/);
  // reset() resolves when the fresh weights' fingerprint is on screen.
  await page.evaluate(() => document.getElementById('lab').reset());
  const fp1 = await inLab('.fingerprint').textContent();
  assert.match(fp1, /^[0-9a-f]{16}$/);
  const page2 = await newPage(browser);
  await page2.goto(url);
  await labReady(page2);
  assert.equal(await page2.locator('#lab input[id$="-lr"]').inputValue(), '0.01');
  assert.equal(await page2.locator('#lab input[id$="-seed"]').inputValue(), '42');
  assert.equal(await page2.evaluate(() => document.getElementById('lab').query), new URL(url).search.slice(1));
  const fp2 = await page2.waitForFunction(() => {
    const t = document.getElementById('lab').shadowRoot.querySelector('.fingerprint').textContent;
    return /^[0-9a-f]{16}$/.test(t) && t;
  }).then((h) => h.jsonValue());
  assert.equal(fp2, fp1, 'same seed and settings ⇒ same initial weights');
  assert.deepEqual(page2.problems, []);
  await page2.context().close();
});

test('a worker crash is reported and the lab restarts with the same text and settings', async () => {
  page.problems.length = 0;
  await page.evaluate(() => { window.__events = []; document.getElementById('lab').controller.crashWorker(); });
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'lab-error' && /worker/.test(e.message)));
  await page.waitForFunction(() => document.getElementById('lab').stats.params > 0 && !document.getElementById('lab').shadowRoot.querySelector('.sec-train button.primary').disabled, null, { timeout: 15_000 });
  assert.equal(await inLab('input[id$="-lr"]').inputValue(), '0.01');
  assert.match(await inLab('.sec-text textarea').inputValue(), /capital of France/);
  await button('Step').click();
  await page.waitForFunction(() => document.getElementById('lab').stats.step === 1);
  page.problems = page.problems.filter((p) => !/simulated worker crash/.test(p));
});

test('keyboard: Enter on Start trains, focus moves to Pause, Enter pauses', async () => {
  await button('Start').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('lab').shadowRoot.activeElement?.textContent === 'Pause');
  await page.waitForFunction(() => document.getElementById('lab').stats.step >= 5);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('lab').shadowRoot.activeElement?.textContent === 'Start');
  const s = (await stats()).step;
  await page.waitForTimeout(300);
  assert.equal((await stats()).step, s, 'paused');
  // Every control has a label (its own text, aria-label or a <label for>).
  const unlabelled = await page.evaluate(() => {
    const root = document.getElementById('lab').shadowRoot;
    return [...root.querySelectorAll('button, input:not([type=file]), select, textarea')].filter((el) => {
      if (el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent.trim())) return false;
      return !(el.id && root.querySelector(`label[for="${el.id}"]`));
    }).map((el) => el.outerHTML.slice(0, 80));
  });
  assert.deepEqual(unlabelled, []);
});

test('an engine error is a clear message and the model keeps its state', async () => {
  page.problems.length = 0;
  await page.evaluate(() => { window.__events = []; });
  await page.evaluate(() => document.getElementById('lab').setAttribute('tokenizer', 'bpe'));
  await page.waitForFunction(() => /tokenizer=bpe/.test(location.search) && document.getElementById('lab').stats.step === 0 && document.getElementById('lab').stats.params > 0);
  await page.waitForFunction(() => /vocabulary of/.test(document.getElementById('lab').shadowRoot.querySelector('.summary').textContent));
  await shot(page, 'lesson-1b-bpe-tokens', inLab('.sec-text'));
  await button('Step').click();
  await page.waitForFunction(() => document.getElementById('lab').stats.step === 1);
  const fp = await inLab('.fingerprint').textContent();
  // The sample has 46 different characters: a BPE vocabulary of 40 is impossible.
  await page.evaluate(() => document.getElementById('lab').setAttribute('vocab-size', '40'));
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'lab-error'));
  const msg = await page.evaluate(() => window.__events.find((e) => e.type === 'lab-error').message);
  assert.match(msg, /vocab_size 40 .*46/);
  assert.match(await inLab('.notices').textContent(), /vocab_size 40/);
  assert.equal((await stats()).step, 1, 'the model keeps its training state');
  assert.equal(await inLab('.fingerprint').textContent(), fp);
  await button('Step').click();
  await page.waitForFunction(() => document.getElementById('lab').stats.step === 2);
  page.problems.length = 0;
});

test('divergence: training stops at that step, keeps the last good weights and offers a smaller rate', async () => {
  page.problems.length = 0;
  await page.evaluate(() => { window.__events = []; });
  const set = (name, value) => page.evaluate(([n, v]) => document.getElementById('lab').setAttribute(n, v), [name, value]);
  await set('grad-clip', '0');
  await set('optimizer', 'sgd');
  await set('lr', '10');
  await page.waitForFunction(() => /lr=10/.test(location.search) && /optimizer=sgd/.test(location.search));
  await button('Start').click();
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'lab-error' && /diverged/.test(e.message)), null, { timeout: 60_000 });
  const msg = await page.evaluate(() => window.__events.find((e) => e.type === 'lab-error').message);
  assert.match(msg, /smaller learning rate/);
  const offer = inLab('.notice .notice-action');
  assert.match(await offer.textContent(), /Continue with learning rate 1\b/);
  const stepAtStop = (await stats()).step;
  assert.ok(Number.isFinite((await stats()).loss), 'the loss shown is of the last good weights');
  await offer.click();
  await page.waitForFunction(() => /lr=1(&|$)/.test(location.search));
  await page.waitForFunction((s) => document.getElementById('lab').stats.step > s, stepAtStop, { timeout: 30_000 });
  await page.evaluate(() => document.getElementById('lab').pause());  // (it may have diverged again at lr 1)
  await set('optimizer', 'adamw');
  await set('lr', '0.003');
  await set('grad-clip', '1');
  page.problems.length = 0;
});

test('samples: each one says what it is; the large fables train, and only their first tokens are drawn', async () => {
  page.problems.length = 0;
  await page.evaluate(() => document.getElementById('lab').setAttribute('tokenizer', 'char'));
  await page.waitForFunction(() => !/tokenizer=bpe/.test(location.search));
  assert.match(await inLab('.sample-about').textContent(), /^Short facts, 1\.7 kB: .*by heart/);
  await lab().getByLabel('Sample text').selectOption('fables');
  await page.waitForFunction(() => /text=fables/.test(location.search) && document.getElementById('lab').stats.params > 0);
  await page.waitForFunction(() => /400,\d{3} characters/.test(document.getElementById('lab').shadowRoot.querySelector('.summary').textContent));
  assert.match(await inLab('.sample-about').textContent(), /^Fables, 400 kB, .*"NAME: …".*"Moral: …"/);
  assert.match(await inLab('.summary').textContent(), /Showing 800 tokens: characters 0–\d{3} of 400,\d{3}\./);
  assert.equal(await inLab('.tokens .tok').count(), 800);
  assert.match(await inLab('.sec-text textarea').inputValue(), /^The [A-Z][a-z]+ and the /);
  await button('Step').click();
  await page.waitForFunction(() => document.getElementById('lab').stats.step === 1);
  assert.ok(Number.isFinite((await stats()).valLoss));
  await shot(page, 'lesson-1c-fables', inLab('.sec-text'));
  await lab().getByLabel('Sample text').selectOption('facts');
  await page.waitForFunction(() => /^Short facts/.test(document.getElementById('lab').shadowRoot.querySelector('.sample-about').textContent));
  assert.deepEqual(page.problems, []);
});

test('narrow (360 px) and dark theme render; no console errors on the page', async () => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 362, `page is ${overflow}px wide at 360`);
  // Nothing is cut off inside the sections either (tables scroll in their own boxes).
  const clipped = await page.evaluate(() => [...document.getElementById('lab').shadowRoot.querySelectorAll('.sec')]
    .filter((s) => s.scrollWidth > s.clientWidth + 1).map((s) => `${s.dataset.section}: ${s.scrollWidth} > ${s.clientWidth}`));
  assert.deepEqual(clipped, []);
  await shot(page, 'lesson-8-narrow-360');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.waitForTimeout(300);
  await shot(page, 'lesson-9-dark', inLab('.sec-train'));
  assert.deepEqual(page.problems, []);
});
