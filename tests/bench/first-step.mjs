// Time from page load to the first finished training step, in headless Chromium (a measurement,
// not a test): opens the lesson page with autoplay and records, inside the page, performance.now()
// at the first `lab-step` event with step ≥ 1 (navigation start = 0). Runs 5 fresh loads.
//   node tests/bench/first-step.mjs
import { chromium } from 'playwright-core';
import { startServer } from '../../wasm/server.mjs';

const server = await startServer({ port: 0 });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});
const times = [];
try {
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(() => {
      window.__firstStep = new Promise((resolve) => {
        document.addEventListener('lab-step', (e) => { if (e.detail?.step >= 1) resolve(performance.now()); });
        document.addEventListener('lab-ready', () => { window.__ready = performance.now(); });
      });
    });
    await page.goto(`${server.url}index.html?autoplay=1`);
    times.push(await page.evaluate(() => window.__firstStep));
    if (process.env.VERBOSE) console.log('ready at', await page.evaluate(() => window.__ready));
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
times.sort((a, b) => a - b);
console.log(`page load → first finished training step: median ${times[2].toFixed(0)} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms)`);
