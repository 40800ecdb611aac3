#!/usr/bin/env node
// `npm run bench:book`: the lesson page trains on a real book, as a course page would have it (a
// measurement, not a test). Headless Chromium opens index.html, and the lab is handed
// tinyshakespeare (1.1 MB, from the data folder beside the repo; never committed here) by a `text`
// URL, at nanoGPT's shakespeare_char CPU config: 4 layers, 4 heads, 128 wide, context 64, batch 12,
// lr 1e-3 (AdamW). It reports:
//  - when the tokens are shown and when the lab is ready to train (from handing the URL over);
//  - training: steps, tokens/s, how many workers trained, the wall time for STEPS steps;
//  - the validation loss the page shows at the end, and the sample it generates;
//  - the main-thread tasks over 50 ms of CPU (Chrome's trace), from handing the text over to the end.
//   node tests/bench/book.mjs        (STEPS=500 for a shorter run, WORKERS=1|2|auto, BOOK=path)
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../wasm/tools/server.mjs';
import { launch, newPage, labReady, mainThreadTasks } from '../browser/helpers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BOOK = process.env.BOOK ?? path.join(root, '..', 'shared', 'data', 'tinyshakespeare.txt');
const STEPS = Number(process.env.STEPS ?? 2000);
const WORKERS = process.env.WORKERS ?? 'auto';
const OUT = path.join(root, 'tests', 'artifacts', 'bench-book.json');
const SETTINGS = { 'n-layer': 4, 'n-head': 4, 'n-embd': 128, 'block-size': 64, 'batch-size': 12, lr: 0.001, optimizer: 'adamw', seed: 1337 };

if (!existsSync(BOOK)) { console.error(`error: the book is missing: ${BOOK}`); process.exit(2); }
const dir = mkdtempSync(path.join(os.tmpdir(), 'lab-book-'));
writeFileSync(path.join(dir, 'book.txt'), readFileSync(BOOK));
const server = await startServer({ port: 0, extraMounts: [['/books/', [dir]]] });
const browser = await launch();

try {
  const page = await newPage(browser);
  const query = new URLSearchParams({ sections: 'text,train,predict', ...SETTINGS, steps: String(STEPS), ...(WORKERS === 'auto' ? {} : { workers: WORKERS }) });
  await page.goto(`${server.url}index.html?${query}`);
  await labReady(page);
  await browser.startTracing(page, { categories: ['toplevel', 'disabled-by-default-devtools.timeline'] });
  const t = await page.evaluate(async (chars) => {
    const lab = document.getElementById('lab');
    const root = lab.shadowRoot;
    const t0 = performance.now();
    const bookShown = () => new RegExp(`^${chars.toLocaleString('en-US')} characters →`).test(root.querySelector('.summary')?.textContent ?? '');
    lab.setAttribute('text', '/books/book.txt');
    while (!bookShown()) await new Promise((r) => setTimeout(r, 10));
    const shown = performance.now() - t0;
    const first = new Promise((resolve) => lab.addEventListener('lab-step', (e) => { if (e.detail.step >= 1) resolve(performance.now() - t0); }, { once: false }));
    const done = new Promise((resolve) => lab.addEventListener('lab-done', (e) => resolve(e.detail), { once: true }));
    let workers = new Set();
    lab.addEventListener('lab-step', () => { const n = lab.controller.session.training; if (n) workers.add(n); });
    const s0 = performance.now();
    await lab.start();
    const detail = await done;
    const seconds = (performance.now() - s0) / 1000;
    return { shown, ready: await first, seconds, detail, workers: [...workers], vocab: lab.stats.vocabSize };
  }, Array.from(readFileSync(BOOK, 'utf8')).length);
  // The validation loss the page shows, once the final evaluation is in.
  await page.waitForFunction(() => Number.isFinite(document.getElementById('lab').stats.valLoss), null, { timeout: 120_000 });
  const stats = await page.evaluate(() => document.getElementById('lab').stats);
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
  const heavy = mainThreadTasks(trace).filter((x) => x.cpu > 50).map((x) => Math.round(x.cpu));
  // A sample, as a learner would make it in the predict section.
  const sample = await page.evaluate(async () => {
    const root = document.getElementById('lab').shadowRoot;
    const out = root.querySelector('output.generated');
    const before = out.textContent;
    [...root.querySelectorAll('button')].find((b) => /generate/i.test(b.textContent)).click();
    for (let i = 0; i < 600 && out.textContent === before; ++i) await new Promise((r) => setTimeout(r, 50));
    return out.textContent;
  });
  const tokens = STEPS * SETTINGS['batch-size'] * SETTINGS['block-size'];
  const result = {
    book: path.basename(BOOK), settings: SETTINGS, steps: stats.step, workersRequested: WORKERS, workersSeen: t.workers,
    tokensShownMs: Math.round(t.shown), firstStepMs: Math.round(t.ready), vocabSize: t.vocab, trainSeconds: +t.seconds.toFixed(1),
    tokensPerSecondMean: Math.round(tokens / t.seconds), loss: stats.loss, valLoss: stats.valLoss,
    tasksOver50ms: heavy.length, longestTaskMs: Math.max(0, ...heavy), sample, problems: page.problems,
  };
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

