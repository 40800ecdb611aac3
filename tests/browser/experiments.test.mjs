// The experiments sections of the lesson page (attention, surprise map, optimizers side by side, scaling
// experiment, training-time estimator) in headless Chromium under the strict CSP: each shows real
// numbers from the engine, its charts are drawn, the CSV downloads, no console errors; 360 px,
// dark theme and German render. Screenshots go to tests/artifacts/experiments-*.png.
import { test as nodeTest, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assertEngineBuilt, serve, launch, newPage, shot, labReady, numbers, smallQuery, artifacts, repo } from './helpers.mjs';

const test = (name, fn) => nodeTest(name, { timeout: 120_000 }, fn);

let server, browser, page;
const inLab = (sel) => page.locator(`#lab ${sel}`);
const button = (name) => page.locator('#lab').getByRole('button', { name, exact: true });
const stats = () => page.evaluate(() => document.getElementById('lab').stats);
const text = async (sel) => (await inLab(sel).textContent()) ?? '';
/** Wait until the text of `sel` (inside the lab) matches `re`. */
const waitText = (sel, re, timeout = 30_000) => page.waitForFunction(([s, src]) => {
  const el = document.getElementById('lab').shadowRoot.querySelector(s);
  return el && new RegExp(src).test(el.textContent);
}, [sel, re.source], { timeout });

/** How many pixels of a canvas are painted (alpha > 0). */
const painted = (locator) => locator.evaluate((cv) => {
  const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
  return n;
});
/** Painted pixels of every uPlot canvas inside `sel`. */
const chartPixels = async (sel) => {
  const canvases = inLab(`${sel} .uplot canvas`);
  const n = await canvases.count();
  const out = [];
  for (let i = 0; i < n; i++) out.push(await painted(canvases.nth(i)));
  return out;
};

before(async () => {
  assertEngineBuilt();
  server = await serve();
  browser = await launch();
  page = await newPage(browser);
  const sections = 'train,attention,surprise,optimizers,scaling,time';
  await page.goto(`${server.url}index.html?${smallQuery({ sections })}`);
  await labReady(page);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('attention: a heatmap of the lab’s current model, readable by keyboard and as text', async () => {
  await inLab('.sec-attention').scrollIntoViewIfNeeded();
  await waitText('.sec-attention .att-status', /at step 0: 1 layers × 2 heads; \d+ tokens/);
  const n = numbers(await text('.sec-attention .att-status')).at(-1);
  assert.equal(n, [...'The capital of France is'].length, 'one row per character token of the prompt');
  assert.ok(await painted(inLab('.sec-attention canvas.heatmap')) > 1000, 'heatmap drawn');
  assert.equal(await inLab('.sec-attention .att-table tbody tr').count(), n);
  // Every row of attention weights sums to 1 (read from the text table's first row: one weight).
  const first = numbers(await inLab('.sec-attention .att-table tbody tr').first().locator('td').nth(2).textContent());
  assert.ok(Math.abs(first.at(-1) - 1) < 1e-3, `the first token can only look at itself: ${first}`);
  // Keyboard: the readout names two tokens and a weight.
  await inLab('.sec-attention canvas.heatmap').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowUp');
  assert.match(await text('.sec-attention .readout'), /position \d+\) (gives|cannot look at) “.+” \(position \d+\)/);
  // Another head: a different map.
  const before = await inLab('.sec-attention .att-table').textContent();
  await inLab('.sec-attention select[id$="att-head"]').selectOption('1');
  await page.waitForFunction((b) => document.getElementById('lab').shadowRoot.querySelector('.sec-attention .att-table').textContent !== b, before);
  await shot(page, 'experiments-1-attention', inLab('.sec-attention'));
});

test('surprise map: the validation text shaded by per-token loss, following training', async () => {
  await inLab('.sec-surprise').scrollIntoViewIfNeeded();
  await waitText('.sec-surprise .sur-stats', /Mean surprise on the validation text: [\d.]+ .* model at step 0/);
  const [mean0, random] = numbers(await text('.sec-surprise .sur-stats'));
  assert.ok(Math.abs(mean0 - random) < 0.6, `a fresh model is about as surprised as random guessing: ${mean0} vs ${random}`);
  assert.ok(await inLab('.sec-surprise .surprise-map .st').count() > 100, 'tokens shown');
  // Train the lab; the map follows (every ~2 s while on screen).
  await page.evaluate(() => document.getElementById('lab').start());
  await page.waitForFunction(() => document.getElementById('lab').stats.step >= 250, null, { timeout: 60_000 });
  await waitText('.sec-surprise .sur-stats', /model at step ([3-9]\d\d|[1-9]\d\d\d)/, 30_000);
  await page.evaluate(() => document.getElementById('lab').pause());
  const [mean1] = numbers(await text('.sec-surprise .sur-stats'));
  assert.ok(mean1 < mean0 - 0.5, `surprise falls as the model learns: ${mean0} → ${mean1}`);
  const levels = await inLab('.sec-surprise .surprise-map .st').evaluateAll((els) => new Set(els.map((e) => e.className)).size);
  assert.ok(levels >= 4, `several shades: ${levels}`);
  assert.match(await text('.sec-surprise .sur-top'), /Most surprising: “.+” [\d.]+/);
  await shot(page, 'experiments-2-surprise', inLab('.sec-surprise'));
});

test('optimizers side by side: same start, same batches, three curves and one weight’s path', async () => {
  await page.waitForFunction(() => !document.getElementById('lab').controller.running);
  await inLab('.sec-optimizers').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.getElementById('lab').shadowRoot.querySelector('.sec-optimizers select').options.length > 5);
  await inLab('.sec-optimizers input[id$="opt-steps"]').fill('80');
  await inLab('.sec-optimizers input[id$="opt-steps"]').press('Tab');
  // The race pauses the lab's own training (the page says so) so the two don't share the cores.
  await page.evaluate(() => document.getElementById('lab').start());
  await page.waitForFunction(() => document.getElementById('lab').controller.running);
  await button('Race the optimizers').click();
  await page.waitForFunction(() => !document.getElementById('lab').controller.running, null, { timeout: 5000 });
  await waitText('.sec-optimizers .job-status', /80 steps done\. All three started from the same weights \(fingerprint [0-9a-f]{16}\)/, 60_000);
  const rows = inLab('.sec-optimizers .opt-table tbody tr');
  assert.equal(await rows.count(), 3);
  const vals = [];
  for (let i = 0; i < 3; i++) {
    const cells = (await rows.nth(i).locator('td.num').allTextContents()).map(Number);
    assert.ok(cells.every(Number.isFinite), `row ${i}: ${cells}`);
    vals.push(cells);
  }
  const [sgd, , adam] = vals;
  assert.ok(adam[1] < sgd[1], `AdamW beats SGD in 80 steps here: ${adam[1]} vs ${sgd[1]}`);
  assert.equal(sgd[3], adam[3], 'same weight at the start');
  assert.notEqual(sgd[4], adam[4], 'different paths');
  const px = await chartPixels('.sec-optimizers');
  assert.ok(px.length >= 2 && px.every((x) => x > 500), `both charts drawn: ${px}`);
  assert.match(await text('.sec-optimizers figcaption >> nth=0'), /After 80 steps, smoothed training loss: SGD [\d.]+/);
  await shot(page, 'experiments-3-optimizers', inLab('.sec-optimizers'));
  // A long race can be cancelled at once.
  await inLab('.sec-optimizers input[id$="opt-steps"]').fill('2000');
  await inLab('.sec-optimizers input[id$="opt-steps"]').press('Tab');
  await button('Race the optimizers').click();
  await waitText('.sec-optimizers .job-status', /^Steps done of 2000, side by side: SGD \d+/);
  await inLab('.sec-optimizers').getByRole('button', { name: 'Cancel' }).click();
  await waitText('.sec-optimizers .job-status', /^Cancelled after \d+ steps/, 5000);
  assert.equal(await button('Race the optimizers').isEnabled(), true);
});

test('scaling: 3 sizes × 3 data amounts, loss vs parameters and vs data, CSV export', async () => {
  await inLab('.sec-scaling').scrollIntoViewIfNeeded();
  const t0 = Date.now();
  await button('Run the scaling experiment').click();
  await waitText('.sec-scaling .job-status', /Run \d of 9/, 20_000);
  await waitText('.sec-scaling .job-status', /Done: 9 runs/, 110_000);
  const seconds = (Date.now() - t0) / 1000;
  const rows = inLab('.sec-scaling .sc-table tbody tr');
  assert.equal(await rows.count(), 9);
  const px = await chartPixels('.sec-scaling');
  assert.ok(px.length >= 2 && px.every((x) => x > 500), `both charts drawn: ${px}`);
  // The headline: more parameters and more data lower the (best) validation loss.
  const summary = numbers((await text('.sec-scaling .sc-summary')).replace(/,(?=\d{3})/g, ''));
  const [p0, p1, l0, l1, d0, d1, m0, m1] = summary;
  assert.ok(p1 > p0 && d1 > d0, `sizes grow: ${summary}`);
  assert.ok(l1 < l0, `bigger model, lower loss: ${l0} → ${l1}`);
  assert.ok(m1 < m0, `more data, lower loss: ${m0} → ${m1}`);
  const [download] = await Promise.all([page.waitForEvent('download'), inLab('.sec-scaling a.csv').click()]);
  const file = path.join(artifacts, 'experiments-scaling.csv');
  await download.saveAs(file);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(lines.length, 10);
  assert.match(lines[0], /^model,n_layer,n_head,n_embd,params,data_fraction,train_tokens,steps,/);
  for (const l of lines.slice(1)) {
    const cells = l.split(',');
    assert.equal(cells.length, lines[0].split(',').length);
    assert.ok(cells.slice(1).every((c) => Number.isFinite(Number(c))), l);
  }
  await shot(page, 'experiments-4-scaling', inLab('.sec-scaling'));
  console.log(`# scaling sweep took ${seconds.toFixed(1)} s`);
});

test('training time: calibrated on this browser, GPT-3 takes weeks on a thousand GPUs and far longer on fewer', async () => {
  await inLab('.sec-time').scrollIntoViewIfNeeded();
  await waitText('.sec-time .calib', /[\d,]+ tokens\/s on (its|the lab’s) model \([\d,]+ parameters\) = [\d.]+ [kMGT]?FLOP\/s/);
  // The lab's model on this browser: the estimate uses the measured speed.
  await waitText('.sec-time .answer', /The formula says about [\d.,]+ (ms|seconds|minutes|hours) for these [\d.,]+ epochs|less than a millisecond/);
  await inLab('.sec-time select[id$="tm-model"]').selectOption('gpt3');
  await inLab('.sec-time select[id$="tm-device"]').selectOption('a100');
  await inLab('.sec-time input[id$="tm-count"]').fill('1024');
  await inLab('.sec-time input[id$="tm-count"]').press('Tab');
  await waitText('.sec-time .answer', /about \d+ days/);
  const days = numbers(await text('.sec-time .answer'))[0];
  assert.ok(days > 20 && days < 40, `GPT-3 on 1,024 A100s at 40 %: ${days} days`);
  assert.match(await text('.sec-time .worked'), /= 3\.2 × 10²³ FLOP ÷ 128 PFLOP\/s/);
  const compare = await inLab('.sec-time .tm-compare tbody tr').allTextContents();
  assert.match(compare.find((r) => /^64 ×.*A100/.test(r)), /\d+ days/, 'hundreds of days on 64 GPUs');
  // How long depends on this machine's speed: it is years at the least (GPT-3 is 3 × 10²³ FLOP).
  assert.match(compare.find((r) => /browser/.test(r)), /[\d.,]+ (thousand |million |billion )?years/);
  // A bad number gets a clear message naming the value and the range; the last good value stays.
  await inLab('.sec-time input[id$="tm-params"]').fill('lots');
  await inLab('.sec-time input[id$="tm-params"]').press('Tab');
  assert.match(await text('.sec-time .message.error'), /“lots” is not a number; allowed 1 to 1 × 10¹⁵/);
  await inLab('.sec-time input[id$="tm-params"]').fill('350 billion');
  await inLab('.sec-time input[id$="tm-params"]').press('Tab');
  await waitText('.sec-time .answer', /about \d+ days/);
  const days2 = numbers(await text('.sec-time .answer'))[0];
  assert.ok(days2 > 1.9 * days && days2 < 2.1 * days, `twice the parameters, twice the time: ${days} → ${days2}`);
  await shot(page, 'experiments-5-time', inLab('.sec-time'));
});

test('surprise map of the large fables: the start of their validation text, also after more steps', async () => {
  const fables = [...readFileSync(path.join(repo, 'web/samples/fables.txt'), 'utf8')];
  await page.evaluate(() => document.getElementById('lab').pause());
  await page.waitForFunction(() => !document.getElementById('lab').controller.running);
  await page.evaluate(() => document.getElementById('lab').setAttribute('text', 'fables'));
  await page.waitForFunction(() => /text=fables/.test(location.search) && document.getElementById('lab').stats.vocabSize === 56);
  assert.equal((await stats()).step, 0);
  await inLab('.sec-surprise').scrollIntoViewIfNeeded();
  const valTokens = Math.floor(fables.length * 0.1);  // the character tokenizer: one token per character
  const shownTotal = valTokens.toLocaleString('en-US'); // in the lab's number format (lang en)
  const expected = fables.slice(fables.length - valTokens, fables.length - valTokens + 800).join('').replaceAll('\n', '↵');
  const map = () => inLab('.sec-surprise .surprise-map').textContent();
  await waitText('.sec-surprise .sur-stats', new RegExp(`800 of ${shownTotal} tokens shown; model at step 0\\.`));
  assert.equal(await map(), expected);
  for (let i = 1; i <= 2; i++) {
    await page.evaluate(() => document.getElementById('lab').step()); // (a click would scroll the map out of view)
    await inLab('.sec-surprise').scrollIntoViewIfNeeded(); // the step redraws sections above it; it refreshes when seen
    await waitText('.sec-surprise .sur-stats', new RegExp(`800 of ${shownTotal} tokens shown; model at step ${i}\\.`));
    assert.equal(await map(), expected);
  }
  await page.evaluate(() => document.getElementById('lab').setAttribute('text', 'facts'));
  await page.waitForFunction(() => !/text=fables/.test(location.search) && document.getElementById('lab').stats.vocabSize !== 56);
});

test('360 px wide, dark theme and German render; no console errors', async () => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.waitForTimeout(400);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 362, `page is ${width}px wide at 360`);
  for (const s of ['attention', 'surprise', 'optimizers', 'scaling', 'time']) await shot(page, `experiments-6-narrow-${s}`, inLab(`.sec-${s}`));
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.evaluate(() => document.getElementById('lab').setAttribute('lang', 'de'));
  await waitText('.sec-scaling h2', /Warum Größe zählt/);
  // Results survive the re-render of a language change.
  assert.equal(await inLab('.sec-scaling .sc-table tbody tr').count(), 9);
  await inLab('.sec-attention').scrollIntoViewIfNeeded();
  await waitText('.sec-attention .att-status', /Das Modell des Labors bei Schritt \d+/);
  for (const s of ['attention', 'scaling', 'time']) await shot(page, `experiments-7-dark-de-${s}`, inLab(`.sec-${s}`));
  assert.deepEqual(page.problems, []);
});
