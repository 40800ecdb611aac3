// Shared set-up of the browser tests: the lab's own dev server, which sends the strict CSP as a
// RESPONSE header (a <meta> CSP would not govern the module worker), Debian's Chromium driven by
// playwright-core, console/page-error collection, and the screenshot folder.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer } from '../../wasm/tools/server.mjs';
import { CONTENT_SECURITY_POLICY } from '../../wasm/tools/site.mjs';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const artifacts = path.join(repo, 'tests/artifacts');
export const CSP = CONTENT_SECURITY_POLICY; // the server sends it with every response

/** Fail early, with the fix, when the wasm engine has not been built. */
export function assertEngineBuilt() {
  const need = ['wasm/dist/lab-core.mjs', 'wasm/dist/lab-core.wasm', 'wasm/lab.mjs'];
  const missing = need.filter((f) => !existsSync(path.join(repo, f)));
  if (missing.length) throw new Error(`browser tests need the built engine; missing ${missing.join(', ')} (build the wasm first, see README)`);
  if (!existsSync(path.join(repo, 'node_modules/uplot/dist/uPlot.esm.js'))) throw new Error('node_modules/uplot missing: run npm install');
}

const HEAD_SCRIPT_URL = '/__head-script.js';

/**
 * Serve the site with the CSP header. `engineDelayMs` holds back the engine's files (to check
 * that something useful is on screen before the wasm has loaded). `headScript` (a file) is served
 * at /__head-script.js and loaded first in every HTML page: a test's probe for browsers whose
 * driver cannot run a script before the page's own (the CSP allows it: same origin).
 */
export async function serve({ engineDelayMs = 0, headScript = null, extraMounts = [] } = {}) {
  const inner = await startServer({ port: 0, extraMounts }); // with its default headers: the strict CSP
  if (!engineDelayMs && !headScript) return inner;
  // A small proxy in front of the real server.
  const proxy = http.createServer((req, res) => {
    if (headScript && req.url === HEAD_SCRIPT_URL) {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(readFileSync(headScript));
      return;
    }
    const headers = { ...req.headers };
    if (headScript) delete headers['if-none-match']; // an HTML page must come whole, to be edited
    const forward = () => {
      const up = http.request(`${inner.url}${req.url.slice(1)}`, { method: req.method, headers }, (r) => {
        if (!headScript || !/^text\/html/.test(r.headers['content-type'] ?? '')) {
          res.writeHead(r.statusCode, r.headers);
          r.pipe(res);
          return;
        }
        const chunks = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => {
          const html = Buffer.concat(chunks).toString('utf8').replace(/<head>/i, `$&<script src="${HEAD_SCRIPT_URL}"></script>`);
          const { 'content-length': _, etag: __, ...rest } = r.headers;
          res.writeHead(r.statusCode, { ...rest, 'Cache-Control': 'no-store' });
          res.end(html);
        });
      });
      up.on('error', () => { res.writeHead(502); res.end(); });
      req.pipe(up);
    };
    if (engineDelayMs && req.url.startsWith('/engine/')) setTimeout(forward, engineDelayMs);
    else forward();
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${proxy.address().port}/`,
    close: async () => { proxy.closeAllConnections?.(); await new Promise((r) => proxy.close(r)); await inner.close(); },
  };
}

export async function launch() {
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}

/** A new page that records console errors, page errors and CSP violations in `page.problems`. */
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true, ...opts });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') page.problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') page.problems.push(`worker console: ${m.text()}`); }));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return page;
}

/**
 * Before any script of the page: long main-thread tasks (wall ms, PerformanceObserver 'longtask')
 * go to window.__longTasks while window.__measureLongTasks is true, and the lab events of `types`
 * to window.__events as {type, ...detail}.
 */
export function recordPage(page, types = ['lab-ready', 'lab-step', 'lab-done', 'lab-error']) {
  return page.addInitScript((list) => {
    window.__longTasks = [];
    window.__measureLongTasks = false;
    new PerformanceObserver((entries) => {
      for (const e of entries.getEntries()) if (window.__measureLongTasks) window.__longTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask', buffered: false });
    window.__events = [];
    for (const type of list) document.addEventListener(type, (e) => window.__events.push({ type, ...e.detail }));
  }, types);
}

export const shot = (page, name, locator = null) =>
  (locator ?? page).screenshot({ path: path.join(artifacts, `${name}.png`), ...(locator ? {} : { fullPage: true }) });

/** Numbers in a text ("0.123", "-2.1e-4", "1,234"). */
export function numbers(text) {
  return (text.match(/-?\d[\d,]*\.?\d*(?:e[-+]?\d+)?/gi) ?? []).map((s) => Number(s.replace(/,/g, '')));
}

/** A finite number (not NaN, not ±Infinity, not a string). */
export const finite = (x) => typeof x === 'number' && Number.isFinite(x);

/**
 * What web/examples/iframe.html received from its lab after "Start" (steps=200 in its URL): real
 * numbers in every lab-step message, lab-done at step 200 with a lower loss, and the host page's
 * progress line (its text given as `progress`).
 */
export function assertIframeRun(msgs, progress) {
  const steps = msgs.filter((m) => m.type === 'lab-step');
  assert.ok(steps.length >= 2, `lab-step messages: ${steps.length}`);
  for (const m of steps) assert.ok(Number.isInteger(m.step) && finite(m.loss) && finite(m.tokensPerSecond) && 'valLoss' in m, JSON.stringify(m));
  const done = msgs.find((m) => m.type === 'lab-done');
  assert.equal(done.step, 200);
  assert.ok(done.loss < steps[0].loss, `loss falls: ${steps[0].loss} → ${done.loss}`);
  assert.match(progress, /step 200, loss \d/);
}

/** Small, fast model settings for tests (as URL query / attributes). */
export const SMALL = { 'n-layer': '1', 'n-head': '2', 'n-embd': '32', 'block-size': '32', 'batch-size': '8' };
export const smallQuery = (extra = {}) => new URLSearchParams({ ...SMALL, ...extra }).toString();

/** Wait until the lab(s) matching `selector` have loaded the engine and built a model (lab-ready). */
export function labReady(pageOrFrame, selector = '#lab', timeoutMs = 60_000) {
  return pageOrFrame.evaluate(async ([sel, ms]) => {
    const ready = (async () => {
      await customElements.whenDefined('training-loop-lab');
      await Promise.all([...document.querySelectorAll(sel)].map((el) => el.ready));
    })();
    const late = new Promise((_, reject) => setTimeout(() => {
      const notes = [...document.querySelectorAll(sel)].flatMap((el) => [...(el.shadowRoot?.querySelectorAll('.notice') ?? [])].map((n) => n.textContent));
      reject(new Error(`lab not ready after ${ms} ms; messages: ${notes.join(' | ') || 'none'}`));
    }, ms));
    await Promise.race([ready, late]);
  }, [selector, timeoutMs]);
}

/**
 * Main-thread tasks of the page's renderer from a Chromium trace, with wall time (ms) and CPU
 * time (ms). CPU time tells our own work from time the OS gave to other processes.
 */
export function mainThreadTasks(traceJson) {
  const events = traceJson.traceEvents ?? traceJson;
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  return events
    .filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && mains.has(`${e.pid}:${e.tid}`))
    .map((e) => ({ wall: e.dur / 1000, cpu: (e.tdur ?? e.dur) / 1000 }));
}

/**
 * One server (with the CSP) and one Chromium for a whole test file: registers before/after and
 * returns {server, browser}, filled in once `before` has run.
 */
export function useLab({ engineDelayMs = 0 } = {}) {
  const lab = { server: null, browser: null };
  before(async () => {
    assertEngineBuilt();
    lab.server = await serve({ engineDelayMs });
    lab.browser = await launch();
  });
  after(async () => {
    await lab.browser?.close();
    await lab.server?.close();
  });
  return lab;
}
