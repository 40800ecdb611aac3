// Time from page load to the first finished training step, in headless Chromium (a measurement,
// not a test): opens the lesson page with autoplay and records, inside the page, performance.now()
// at the first `lab-step` event with step ≥ 1 (navigation start = 0). Five fresh browser profiles:
// the first visit (nothing cached), then, after 4 s of training, the same page loaded again
// (a repeat visit: files revalidated with 304s, the engine's compiled code from the browser's
// cache). For comparison, the same on a page that only starts the lab's worker and asks it for
// the model and step 1 (tests/bench/floor/): the part of the time the lesson page itself adds.
//   node tests/bench/first-step.mjs     (QUERY='&n-layer=1' adds settings; FIRST_ONLY=1 skips the
//   repeat visit; RUNS=9 for more runs)
import { chromium } from 'playwright-core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../wasm/tools/server.mjs';

const floorDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'floor');
const server = await startServer({ port: 0, extraMounts: [['/bench-floor/', [floorDir]]] });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});

/** A fresh browser profile whose pages note when the first lab-step with step ≥ 1 arrives. */
async function freshPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__firstStep = new Promise((resolve) => {
      document.addEventListener('lab-step', (e) => { if (e.detail?.step >= 1) resolve(performance.now()); });
    });
  });
  return page;
}

async function firstStep(page, url = `index.html?autoplay=1${process.env.QUERY ?? ''}`) {
  await page.goto(`${server.url}${url}`);
  return page.evaluate(() => window.__firstStep);
}

const RUNS = Number(process.env.RUNS ?? 5);
const first = [];
const repeat = [];
const floor = [];
try {
  for (let i = 0; i < RUNS; i++) {
    if (!process.env.FIRST_ONLY) {
      const bare = await freshPage();
      floor.push(await firstStep(bare, 'bench-floor/index.html'));
      await bare.context().close();
    }
    const page = await freshPage();
    first.push(await firstStep(page));
    if (!process.env.FIRST_ONLY) {
      await page.waitForTimeout(4000); // training; the browser caches the engine's optimised code
      repeat.push(await firstStep(page));
    }
    await page.context().close();
  }
} finally {
  await browser.close();
  await server.close();
}
const report = (name, times) => {
  const t = [...times].sort((a, b) => a - b);
  console.log(`${name}: median ${t[t.length >> 1].toFixed(0)} ms (runs: ${times.map((x) => x.toFixed(0)).join(', ')} ms)`);
};
console.log('page load → first finished training step');
report('  first visit ', first);
if (repeat.length) report('  repeat visit', repeat);
if (floor.length) report('  first visit, engine only (no lesson page)', floor);
