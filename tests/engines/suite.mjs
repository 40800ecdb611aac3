// One scenario for every engine: the lesson page under the strict CSP header (a response header:
// a <meta> CSP would not govern the module worker), training and the loss falling, predictions
// and generation, the one-step view, a checkpoint downloaded and loaded back, three experiments
// sections (one with its own worker), the iframe embed's postMessage events, and two labs on a
// course page that loads the element's module alone. Buttons are clicked in the page
// (element.click()): what is tested is how the engine runs the lab's code, the worker and the
// wasm, not its pointer events. Screenshots: tests/artifacts/engines-*.png.
import { test as nodeTest, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertEngineBuilt, serve, smallQuery, CSP, artifacts, assertIframeRun, finite, repo } from '../browser/helpers.mjs';

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'probe.js');
// nanoGPT's benchmark text (1.1 MB), from the data folder beside the repo: never committed here.
const SHAKESPEARE = path.join(repo, '..', 'shared', 'data', 'tinyshakespeare.txt');

/** Registers the scenario's tests for the browser that `open()` starts. */
export function engineSuite(open) {
  const test = (name, fn) => nodeTest(name, { timeout: 120_000 }, fn);
  let server, b, dir;
  const stats = () => b.run(() => document.getElementById('lab').stats);
  const problems = () => b.run(() => window.__problems);
  /** A screenshot of the window, with the lab's section `css` scrolled into view. */
  const shot = async (name, css = null) => {
    // (after two frames: WebKit's screenshot shows the last painted frame)
    if (css) await b.run((c) => new Promise((r) => { window.__t.q(c)?.scrollIntoView(); requestAnimationFrame(() => requestAnimationFrame(() => r(scrollY))); }), css);
    await b.screenshot(path.join(artifacts, `engines-${b.name.toLowerCase()}-${name}.png`));
  };

  before(async () => {
    assertEngineBuilt();
    if (!existsSync(SHAKESPEARE)) throw new Error(`the benchmark text is missing: ${SHAKESPEARE}`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'lab-engines-'));
    mkdirSync(path.join(dir, 'books'));
    copyFileSync(SHAKESPEARE, path.join(dir, 'books', 'book.txt'));
    server = await serve({ headScript: PROBE, extraMounts: [['/books/', [path.join(dir, 'books')]]] });
    b = await open();
    mkdirSync(artifacts, { recursive: true });
  });
  after(async () => {
    await b?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the page loads under the strict CSP header: element defined, engine ready', async (t) => {
    const res = await fetch(`${server.url}index.html`);
    assert.equal(res.headers.get('content-security-policy'), CSP, 'the CSP is a response header');
    await b.goto(`${server.url}index.html?${smallQuery()}`);
    t.diagnostic(`${b.version}; navigator.language ${JSON.stringify(await b.run(() => navigator.language))}`);
    await b.waitFor(() => !!customElements.get('training-loop-lab'), null, 20_000)
      .catch(async (e) => { throw new Error(`${e.message}; problems: ${(await problems()).join(' | ')}`); });
    await b.waitFor(() => window.__events.some((e) => e.type === 'lab-ready'), null, 60_000);
    const st = await stats();
    assert.ok(st.params > 1000, `params ${st.params}`);
    assert.ok(Math.abs(st.loss - Math.log(st.vocabSize)) < 0.5, `fresh loss ${st.loss} ≈ ln V ${Math.log(st.vocabSize)}`);
    assert.ok(await b.run(() => window.__t.qa('.tokens .tok').length) > 100, 'the tokens are drawn');
    assert.deepEqual(await problems(), []);
  });

  test('start() trains in the worker: lab-step events, the loss falls, pause stops it', async () => {
    const first = await stats();
    await b.run(() => { window.__events = []; document.getElementById('lab').start(); });
    // (How many steps one lab-step event reports depends on the engine's speed: wait for both.)
    await b.waitFor(() => document.getElementById('lab').stats.step >= 80 && window.__events.filter((e) => e.type === 'lab-step').length >= 3, null, 60_000);
    await b.run(() => document.getElementById('lab').pause());
    const paused = await stats();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await stats()).step, paused.step, 'no steps after pause');
    assert.ok(paused.loss < first.loss - 0.4, `loss falls: ${first.loss} → ${paused.loss}`);
    assert.ok(paused.valLoss < first.valLoss, `val loss falls: ${first.valLoss} → ${paused.valLoss}`);
    const steps = await b.run(() => window.__events.filter((e) => e.type === 'lab-step'));
    assert.ok(steps.length >= 3, `lab-step events: ${steps.length}`);
    for (const e of steps) assert.ok(Number.isInteger(e.step) && finite(e.loss) && e.tokensPerSecond > 0, JSON.stringify(e));
    assert.ok(await b.run(() => window.__t.qa('.sec-train .uplot canvas').length) > 0, 'the loss chart is drawn');
    // The Cores control says how many workers train and what their copies cost.
    assert.match(await b.run(() => window.__t.q('.sec-train .cores-status').textContent), /^\d (training now|will train)\. .*MB.* This device reports \d+ cores\.$/);
    await shot('train', '.sec-train');
    assert.deepEqual(await problems(), []);
  });

  test('predict: top-k probabilities; generate: a sample', async () => {
    const ps = (await b.run(() => window.__t.qa('.sec-predict .bar-prob').map((e) => e.textContent))).map(Number);
    assert.equal(ps.length, 10);
    assert.ok(ps.every((p) => p > 0 && p <= 1), ps.join(' '));
    assert.ok(ps.reduce((x, y) => x + y, 0) <= 1.0001 && ps[0] > ps[9], `sorted, not uniform: ${ps}`);
    await b.run(() => window.__t.click('Generate'));
    const sample = await b.waitFor(() => { const s = window.__t.q('.sec-predict .gen-new')?.textContent ?? ''; return s.length > 10 && s; }, null, 30_000);
    assert.ok(sample.length > 10, sample);
    assert.deepEqual(await problems(), []);
  });

  test('one step, slowed down: four phases, the update table with real numbers', async () => {
    const before = (await stats()).step;
    await b.run(() => window.__t.click('Run one step'));
    await b.waitFor(() => !!window.__t.q('table.update tr.real'), null, 30_000);
    assert.equal((await stats()).step, before + 1);
    const [w, g, lr, delta, nw] = (await b.run(() => window.__t.qa('table.update tr.real td').map((e) => e.textContent))).map(Number);
    assert.ok([w, g, lr, delta, nw].every(Number.isFinite), `real row: ${[w, g, lr, delta, nw]}`);
    assert.ok(Math.abs(w + delta - nw) <= 1e-3 * Math.max(1e-3, Math.abs(nw)) + 1e-6, `original + delta = new: ${[w, delta, nw]}`);
    assert.ok(lr > 0);
    assert.equal(await b.run(() => window.__t.qa('.sec-step .phase').length), 4);
    assert.ok(await b.run(() => window.__t.qa('.sec-step .norms .bar').length) >= 4, 'gradient norms per tensor');
    await shot('step', '.sec-step');
    assert.deepEqual(await problems(), []);
  });

  test('a checkpoint: downloaded as .safetensors, loaded back through the file input', async () => {
    const fp = await b.run(() => window.__t.q('.fingerprint').textContent);
    await b.run(() => window.__t.click('Download .safetensors'));
    const got = await b.waitFor(() => window.__downloads.length > 0 && window.__downloads[0], null, 20_000);
    assert.match(got.name, /^training-loop-lab-step\d+\.safetensors$/);
    const bytes = Buffer.from(got.base64, 'base64');
    const headerLen = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString('utf8'));
    assert.ok(header['transformer.wte.weight'] && header.__metadata__?.config, 'nanoGPT names and the config');
    const file = path.join(dir, got.name);
    writeFileSync(file, bytes);

    await b.run(() => window.__t.click('Reset'));
    await b.waitFor(() => document.getElementById('lab').stats.step === 0, null, 20_000);
    assert.notEqual(await b.run(() => window.__t.q('.fingerprint').textContent), fp, 'reset made new weights');
    await b.upload(() => window.__t.q('.sec-keep input[type=file]'), null, file);
    await b.waitFor(() => /Loaded/.test(window.__t.q('.sec-keep .message').textContent), null, 20_000);
    await b.waitFor((f) => window.__t.q('.fingerprint').textContent === f, fp, 10_000);
    assert.ok((await stats()).step > 0, 'the step count came back too');
    assert.deepEqual(await problems(), []);
  });

  test('experiments: the attention heatmap, an optimizer race in the second worker, the speed calibration', async () => {
    const waitText = (css, re, ms = 30_000) => b.waitFor(([c, src]) => {
      const el = window.__t.q(c);
      el?.closest('section')?.scrollIntoView();
      return !!el && new RegExp(src).test(el.textContent);
    }, [css, re.source], ms);
    await waitText('.sec-attention .att-status', /at step \d+: 1 layers × 2 heads; \d+ tokens/);
    assert.ok(await b.run(() => window.__t.qa('.sec-attention .att-table tbody tr').length) > 5, 'the attention table');
    await b.run(() => {
      const i = window.__t.q('.sec-optimizers input[id$="opt-steps"]');
      i.value = '30';
      i.dispatchEvent(new Event('change'));
      window.__t.click('Race the optimizers');
    });
    await waitText('.sec-optimizers .job-status', /30 steps done\. All three started from the same weights \(fingerprint [0-9a-f]{16}\)/, 60_000);
    const rows = await b.run(() => window.__t.qa('.sec-optimizers .opt-table tbody tr').map((r) => [...r.querySelectorAll('td.num')].map((c) => Number(c.textContent))));
    assert.equal(rows.length, 3);
    for (const r of rows) assert.ok(r.length && r.every(Number.isFinite), `row: ${r}`);
    await shot('optimizers', '.sec-optimizers');
    await waitText('.sec-time .calib', /[\d,]+ tokens\/s on (its|the lab’s) model \([\d,]+ parameters\) = [\d.]+ [kMGT]?FLOP\/s/);
    assert.deepEqual(await problems(), []);
  });

  test("the iframe embed: options from its URL, events reach the parent by postMessage", async () => {
    await b.goto(`${server.url}examples/iframe.html`);
    await b.waitFor(() => window.labMessages?.some((m) => m.type === 'lab-ready'), null, 60_000);
    await b.run(() => document.getElementById('go').click());
    await b.waitFor(() => window.labMessages.some((m) => m.type === 'lab-done'), null, 90_000);
    assertIframeRun(await b.run(() => window.labMessages), await b.run(() => document.getElementById('progress').textContent));
    await shot('iframe');
    assert.deepEqual(await problems(), []);
  });

  test('two labs on a course page that loads the element alone: own workers, German, lab-done', async () => {
    await b.goto(`${server.url}examples/two-labs.html`);
    await b.waitFor(() => ['slow', 'fast'].every((id) => window.labEvents?.some((e) => e.lab === id && e.type === 'lab-ready')), null, 60_000);
    assert.ok(await b.run(() => window.__t.qa('button', '#fast').some((x) => x.textContent.trim() === 'Zurücksetzen')), 'the German lab speaks German');
    await b.run(() => { document.getElementById('slow').start(); document.getElementById('fast').start(); });
    await b.waitFor(() => ['slow', 'fast'].every((id) => window.labEvents.some((e) => e.lab === id && e.type === 'lab-done')), null, 90_000);
    const done = await b.run(() => ['slow', 'fast'].map((id) => window.labEvents.find((e) => e.lab === id && e.type === 'lab-done')));
    for (const d of done) assert.ok(d.step === 150 && finite(d.loss) && finite(d.valLoss), JSON.stringify(d));
    assert.ok(done[1].loss < done[0].loss, `lr 0.01 learns faster in 150 steps than 0.001: ${done[1].loss} vs ${done[0].loss}`);
    assert.ok(!(await b.run(() => window.labEvents.some((e) => e.type === 'lab-error'))), 'no lab-error');
    await shot('two-labs');
    assert.deepEqual(await problems(), []);
  });

  test('a 1.1 MB book: by URL and as a file, read in the worker, a preview and a token window, training', async () => {
    await b.goto(`${server.url}index.html?sections=text,train&text=/books/book.txt`);
    await b.waitFor(() => /1,115,394 characters → 1,115,394 tokens/.test(window.__t.q('.summary')?.textContent ?? ''), null, 90_000);
    const box = await b.run(() => { const a = window.__t.q('.sec-text textarea'); return [a.value.length, a.readOnly]; });
    assert.deepEqual(box, [20_000, true], 'a read-only preview, not the book');
    assert.match(await b.run(() => window.__t.q('.summary').textContent), /Showing 800 tokens: characters 0–800 of 1,115,394/);
    await b.run(() => document.getElementById('lab').start());
    await b.waitFor(() => document.getElementById('lab').stats.step >= 5, null, 60_000);
    await b.run(() => document.getElementById('lab').pause());
    // The same book as a file, through the file input: the worker reads it.
    await b.run(() => document.getElementById('lab').setAttribute('text', 'rhymes'));
    await b.waitFor(() => !/1,115,394/.test(window.__t.q('.summary')?.textContent ?? ''), null, 30_000);
    await b.upload(() => window.__t.q('.sec-text input[type=file]'), null, path.join(dir, 'books', 'book.txt'));
    await b.waitFor(() => /1,115,394 characters/.test(window.__t.q('.summary')?.textContent ?? ''), null, 90_000);
    await shot('book', '.sec-text');
    assert.deepEqual(await problems(), []);
  });
}
