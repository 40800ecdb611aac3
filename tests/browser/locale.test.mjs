// A navigator.language that Intl rejects (WebKitGTK under LANG=C reports "C") must not stop the
// lab: in headless Chromium with navigator.language replaced before any script runs, the element
// is defined, the engine loads, a step runs, the chart draws and nothing reaches the console.
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage, labReady, smallQuery } from './helpers.mjs';

const test = (name, fn) => nodeTest(name, { timeout: 120_000 }, fn);

const lab = useLab();

for (const tag of ['C', '', 'x-invalid']) {
  test(`navigator.language ${JSON.stringify(tag)}: the lab loads and takes a step`, async () => {
    const page = await newPage(lab.browser);
    await page.addInitScript((t) => {
      Object.defineProperty(Navigator.prototype, 'language', { get: () => t, configurable: true });
    }, tag);
    await page.goto(`${lab.server.url}embed.html?${smallQuery({ sections: 'train' })}`);
    assert.equal(await page.evaluate(() => navigator.language), tag, 'the bad tag is in place');
    await labReady(page);
    await page.evaluate(() => document.getElementById('lab').step());
    await page.waitForFunction(() => document.getElementById('lab').stats.step === 1);
    // uPlot's axis ticks are drawn with its number formatter (the one made from navigator.language).
    const legend = await page.locator('#lab .u-legend').count();
    assert.ok(legend > 0, 'the chart is drawn');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });
}
