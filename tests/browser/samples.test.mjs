// While it trains, the model writes a sample every few seconds (newest first), and every sample is
// checked for copying: the longest stretch found word for word in the training text is shown, and
// it really is in the text.
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { useLab, newPage, labReady, smallQuery, repo } from './helpers.mjs';

const test = (name, fn) => nodeTest(name, { timeout: 120_000 }, fn);
const lab = useLab();
const rhymes = readFileSync(path.join(repo, 'web/samples/rhymes.txt'), 'utf8');
const visible = (s) => s.replace(/␣/g, ' ').replace(/↵/g, '\n').replace(/⇥/g, '\t');

test('samples while training, each with its copy check; Generate is checked too', async () => {
  const page = await newPage(lab.browser);
  await page.goto(`${lab.server.url}index.html?${smallQuery()}&text=rhymes&sections=train,predict`);
  await labReady(page);
  await page.evaluate(() => document.getElementById('lab').start());
  await page.waitForFunction(() => document.getElementById('lab').shadowRoot.querySelectorAll('.live-samples li').length >= 2, null, { timeout: 60_000 });
  await page.evaluate(() => document.getElementById('lab').pause());
  const items = await page.evaluate(() => [...document.getElementById('lab').shadowRoot.querySelectorAll('.live-samples li')].map((li) => ({
    step: li.querySelector('.live-step').textContent, gen: li.querySelector('.gen-new').textContent, copy: li.querySelector('.copy-check').textContent,
  })));
  const steps = items.map((x) => Number(x.step.match(/step (\d[\d,]*)/)[1].replace(/,/g, '')));
  assert.ok(steps[0] > steps[1], `newest first: ${steps}`);
  for (const it of items) {
    const m = it.copy.match(/^Longest stretch found word for word in the training text: (\d+) of (\d+) characters \("(.*)"\), searching all of it\.$/s);
    assert.ok(m, it.copy);
    assert.equal(Number(m[2]), it.gen.length);
    assert.ok(Number(m[1]) >= 1 && rhymes.includes(visible(m[3])), `"${m[3]}" is in the text`);
    assert.equal(visible(m[3]).length, Math.min(60, Number(m[1])));
  }
  await page.locator('#lab').getByRole('button', { name: 'Generate', exact: true }).click();
  await page.waitForFunction(() => /Longest stretch/.test(document.getElementById('lab').shadowRoot.querySelector('.sec-predict > div > .copy-check')?.textContent ?? ''));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
