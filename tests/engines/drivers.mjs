// Firefox and WebKit for the engine tests, behind one small interface, so each scenario is written
// once: {name, version, goto(url), run(fn, ...args), waitFor(fn, arg, ms), upload(fn, arg, file),
// screenshot(file), close()}.
// run/waitFor take a function that runs in the page (its source is sent: no closures).
//   Firefox: Debian's firefox-esr through WebDriver BiDi (puppeteer-core; it downloads nothing).
//   WebKit:  WebKitGTK's MiniBrowser through WebKitWebDriver (selenium-webdriver), under Xvfb.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { Builder } from 'selenium-webdriver';
import remote from 'selenium-webdriver/remote/index.js';

export const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER ?? '/usr/bin/WebKitWebDriver';
// libwebkit2gtk-4.1-0 puts MiniBrowser in the multiarch folder (x86_64-linux-gnu, aarch64-linux-gnu…).
export const MINIBROWSER = process.env.MINIBROWSER ?? path.join('/usr/lib',
  readdirSync('/usr/lib').find((d) => d.endsWith('-linux-gnu') && existsSync(path.join('/usr/lib', d, 'webkit2gtk-4.1/MiniBrowser'))) ?? 'x86_64-linux-gnu',
  'webkit2gtk-4.1/MiniBrowser');

function need(file, pkg) {
  if (!existsSync(file)) throw new Error(`${file} is missing: install Debian's ${pkg} (.ci/install.sh --with-tests does)`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A wait's timeout, with what the page shows then (probe.js's snapshot) as the clue. */
async function timedOut(run, ms, what, cause) {
  const page = await run(() => window.__t?.snapshot() ?? '(no probe on this page)').catch((e) => `(unreadable: ${e.message})`);
  return new Error(`timed out after ${ms} ms waiting for ${what}${cause ? ` (${cause})` : ''}; the page: ${page}`);
}

/** Poll `check()` until it returns something truthy; after `ms`, timedOut()'s error. */
async function poll(check, ms, what, run) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw await timedOut(run, ms, what);
    await sleep(100);
  }
}

export async function firefox() {
  need(FIREFOX, 'firefox-esr');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 900 });
  return {
    name: 'Firefox',
    version: await browser.version(),
    goto: (url) => page.goto(url, { waitUntil: 'load' }),
    run: (fn, ...args) => page.evaluate(fn, ...args),
    waitFor: (fn, arg, ms = 60_000) => page.waitForFunction(fn, { timeout: ms, polling: 100 }, arg).then(
      (h) => h.jsonValue(),
      async (e) => { throw await timedOut((f) => page.evaluate(f), ms, String(fn), e.message); }),
    async upload(fn, arg, file) {
      const input = await page.evaluateHandle(fn, arg);
      await input.uploadFile(file);
    },
    screenshot: (file) => page.screenshot({ path: file }),
    close: () => browser.close(),
  };
}

/** `env` is added to the environment of the driver and the browser (LANG, for one). */
export async function webkit({ env = {} } = {}) {
  need(WEBKIT_DRIVER, 'webkit2gtk-driver');
  need(MINIBROWSER, 'libwebkit2gtk-4.1-0');
  if (!process.env.DISPLAY) throw new Error('WebKit needs an X display: run the tests under xvfb-run -a (Debian\'s xvfb)');
  const service = new remote.DriverService.Builder(WEBKIT_DRIVER).setLoopback(true).setEnvironment({ ...process.env, ...env }).build();
  const url = await service.start();
  let driver;
  try {
    driver = await new Builder().usingServer(url).withCapabilities({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
    }).build();
    await driver.manage().setTimeouts({ script: 120_000, pageLoad: 60_000 });
    await driver.manage().window().setRect({ width: 1100, height: 900 });
  } catch (e) {
    await service.kill();
    throw e;
  }
  const run = (fn, ...args) => driver.executeScript(fn, ...args);
  const caps = await driver.getCapabilities();
  return {
    name: 'WebKit',
    version: `${caps.get('browserName')} ${caps.get('browserVersion')}`,
    goto: (u) => driver.get(u),
    run,
    waitFor: (fn, arg, ms = 60_000) => poll(() => run(fn, arg), ms, String(fn), run),
    async upload(fn, arg, file) {
      const input = await run(fn, arg);
      await input.sendKeys(file);
    },
    screenshot: async (file) => writeFileSync(file, await driver.takeScreenshot(), 'base64'),
    async close() {
      try { await driver.quit(); } finally { await service.kill(); }
    },
  };
}
