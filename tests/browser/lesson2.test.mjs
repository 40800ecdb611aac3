// The lesson says what the learner sees: every number on the page is explained where it appears,
// nothing is stale, nothing is silently dropped (headless Chromium, strict CSP). One page per test.
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { useLab, newPage, labReady, smallQuery } from './helpers.mjs';

const test = (name, fn) => nodeTest(name, { timeout: 150_000 }, fn);
const lab = useLab();

async function openLab(query = {}) {
  const page = await newPage(lab.browser);
  await page.goto(`${lab.server.url}index.html?${smallQuery(query)}`);
  await labReady(page);
  const inLab = (sel) => page.locator(`#lab ${sel}`);
  const button = (name) => page.locator('#lab').getByRole('button', { name, exact: true });
  return { page, inLab, button };
}

test('train: the page says what validation loss is, and reads the learner’s own curves', async () => {
  const { page, inLab, button } = await openLab();
  const notes = await inLab('.sec-train .loss-explain').textContent();
  assert.match(notes, /never trains on/);
  assert.match(notes, /memorizing/);
  assert.match(notes, /ln\(vocabulary size\)/);
  assert.match(await inLab('.sec-train .verdict-line').textContent(), /after 3 validation checks/);
  // The chart's axes say what they show.
  const labels = await page.evaluate(() => document.getElementById('lab').controller.views.train.chart.plot.axes.map((a) => a.label));
  assert.deepEqual(labels, ['training step', 'loss (cross-entropy, nats)']);
  await button('Start').click();
  await page.waitForFunction(() => {
    const el = document.getElementById('lab');
    return el.controller.history.val.length >= 4 && el.shadowRoot.querySelector('.verdict-line').dataset.verdict !== 'verdictWait';
  }, null, { timeout: 90_000 });
  await button('Pause').click();
  await page.waitForFunction(() => !document.getElementById('lab').controller.running);
  const { text, val } = await page.evaluate(() => {
    const el = document.getElementById('lab');
    el.controller.draw();
    return { text: el.shadowRoot.querySelector('.verdict-line').textContent, val: el.controller.history.val };
  });
  const last = val.at(-1), first = val.at(-3);
  assert.match(text, new RegExp(`steps ${first.step.toLocaleString('en-US')}–${last.step.toLocaleString('en-US')}`), text);
  assert.ok(text.includes(last.valLoss.toFixed(3)) && text.includes(first.valLoss.toFixed(3)), `${text} names the run's validation losses ${first.valLoss} → ${last.valLoss}`);
  assert.match(text, /memorizing|learning patterns|levelled off|too large|settling/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
