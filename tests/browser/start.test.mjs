// Page start-up, in headless Chromium under the strict CSP header: the page loads its code as a
// few bundles, starts the training worker before the lab's code runs and uses that worker; with
// autoplay the worker fetches the text, makes the model and takes step 1 at once (the first
// lab-step reports it, with the loss of an untrained model); a text that cannot be fetched is a
// clear message, and so is the element's code failing to load. (How fast: `npm run bench:page`,
// not a test.)
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage } from './helpers.mjs';

const test = (name, fn) => nodeTest(name, { timeout: 120_000 }, fn);

const lab = useLab();

test('autoplay: bundles, one pre-started worker, step 1 straight after the model', async () => {
  const page = await newPage(lab.browser);
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  const workers = [];
  page.on('worker', (w) => workers.push(new URL(w.url()).pathname));
  await page.addInitScript(() => {
    window.__events = [];
    for (const type of ['lab-ready', 'lab-step']) {
      document.addEventListener(type, (e) => window.__events.push({ type, ...e.detail }));
    }
  });
  await page.goto(`${lab.server.url}index.html?autoplay=1`);
  await page.waitForFunction(() => window.__events.filter((e) => e.type === 'lab-step').length >= 2, null, { timeout: 60_000 });
  const events = await page.evaluate(() => window.__events);
  const first = events.find((e) => e.type === 'lab-step');
  assert.equal(first.step, 1, 'the first lab-step is step 1');
  const stats = await page.evaluate(() => document.getElementById('lab').stats);
  const lnV = Math.log(stats.vocabSize);
  assert.ok(Math.abs(first.loss - lnV) < 0.3, `step 1 loss ${first.loss} is an untrained model's, ≈ ln V = ${lnV}`);
  assert.ok(events.some((e) => e.type === 'lab-ready'));

  const code = requests.filter((p) => /\.(m?js|css)$/.test(p));
  assert.deepEqual(code.filter((p) => !p.startsWith('/engine/')).sort(),
    ['/app/worker.js', '/file-check.js', '/index.js', '/styles/element.css', '/styles/page.css'], 'the page\'s own code: bundles');
  // The training worker's helper workers (training on several cores) load the engine too, later.
  const helperFiles = ['/engine/parallel.mjs', '/engine/replica.mjs'];
  const engine = code.filter((p) => p.startsWith('/engine/'));
  assert.deepEqual(engine.filter((p) => !helperFiles.includes(p)).slice(0, 2).sort(), ['/engine/lab-core.mjs', '/engine/lab.mjs']);
  assert.deepEqual([...new Set(engine)].filter((p) => !helperFiles.includes(p)).sort(), ['/engine/lab-core.mjs', '/engine/lab.mjs']);
  assert.equal(requests.filter((p) => p === '/samples/facts.txt').length, 1, 'the text is fetched once (by the worker)');
  assert.deepEqual(workers.filter((p) => p === '/app/worker.js'), ['/app/worker.js'], 'one training worker: the pre-started one');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a text that cannot be fetched is a clear message', async () => {
  const page = await newPage(lab.browser);
  await page.goto(`${lab.server.url}index.html?autoplay=1&text=missing.txt`);
  const note = page.locator('#lab .notice').first();
  await note.waitFor({ timeout: 30_000 });
  assert.match(await note.textContent(), /Could not load the text "missing\.txt": HTTP 404/);
  await page.context().close();
});

test("the element's code throwing while it loads is a message on the page, not a blank lab", async () => {
  for (const [pageName, expect] of [['index.html', /^The lab could not start in this browser: invalid language tag: C$/], ['embed.html?lang=de', /^Das Labor konnte in diesem Browser nicht starten: invalid language tag: C$/]]) {
    const page = await newPage(lab.browser);
    // What WebKitGTK under LANG=C did before the lab validated its locale tags.
    await page.addInitScript(() => { Intl.NumberFormat = function NumberFormat() { throw new RangeError('invalid language tag: C'); }; });
    await page.goto(`${lab.server.url}${pageName}`);
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    assert.match(await alert.textContent(), expect, pageName);
    assert.ok(page.problems.some((p) => /invalid language tag: C/.test(p)), `the error reaches the console: ${page.problems}`);
    await page.context().close();
  }
});
