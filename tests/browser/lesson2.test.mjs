// The lesson says what the learner sees: every number on the page is explained where it appears,
// nothing is stale, nothing is silently dropped (headless Chromium, strict CSP). One page per test.
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../../wasm/tools/server.mjs';
import { useLab, newPage, labReady, smallQuery, shot } from './helpers.mjs';

const test = (name, fn) => nodeTest(name, { timeout: 150_000 }, fn);
const lab = useLab();

async function openLab(query = {}, pageOptions = {}) {
  const page = await newPage(lab.browser, pageOptions);
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
  // It names two of the run's own validation checks (the last one among them) and their losses.
  const [, from, to] = text.match(/steps ([\d,]+)–([\d,]+)/) ?? [];
  const at = (st) => val.find((v) => v.step === Number(st.replace(/,/g, '')));
  assert.ok(from && at(from) && at(to) === val.at(-1), `${text}: steps of the run's checks ${val.map((v) => v.step)}`);
  for (const p of [at(from), at(to)]) assert.ok(text.includes(p.valLoss.toFixed(3)) && text.includes(p.trainLoss.toFixed(3)), `${text} names the losses at step ${p.step}`);
  assert.match(text, /memorizing|learning patterns|levelled off|too large|settling/);
  await shot(page, 'lesson2-train-notes', inLab('.sec-train'));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

/** The shown numbers of one line of the update's arithmetic: {terms: [..], value}. */
async function mathLine(inLab, id) {
  const li = inLab(`.sec-step .update-math li[data-line="${id}"]`);
  const num = (s) => (s.match(/-?\d+\.?\d*(?:e[-+]?\d+)?/gi) ?? []).map(Number);
  const terms = (await li.locator('.terms').count()) ? num(await li.locator('.terms').textContent()) : [];
  return { terms, value: Number(await li.locator('.value').textContent()) };
}
const near = (a, b, rel) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;

test('one step: each optimizer’s update is shown as what it is, and the numbers add up', async () => {
  const { page, inLab, button } = await openLab({ 'weight-decay': '0.1' });
  await page.evaluate(async () => { const el = document.getElementById('lab'); for (let i = 0; i < 6; i++) await el.step(); });
  const tensor = 'transformer.h.0.mlp.c_fc.weight'; // a 2-D weight: it gets weight decay
  const runStep = async () => {
    const before = (await page.evaluate(() => document.getElementById('lab').stats.step));
    await inLab('.sec-step select').selectOption(tensor);
    await inLab('.sec-step input[id$="-index"]').fill('5');
    await button('Run one step').click();
    await page.waitForFunction((s) => document.getElementById('lab').stats.step === s + 1 && document.getElementById('lab').shadowRoot.querySelector('.update-math'), before);
    const nw = await mathLine(inLab, 'new');
    const step = await mathLine(inLab, 'step');
    // new = original − update, to float precision, with the numbers on screen.
    const [w, u] = nw.terms;
    assert.ok(near(w - u, nw.value, 2e-6), `new ${nw.value} = ${w} − ${u}`);
    assert.ok(near(step.value, u, 1e-5), `the update line ends on the update used: ${step.value} vs ${u}`);
    const real = (await inLab('table.update tr.real td').allTextContents()).map(Number);
    assert.ok(near(real[0], w, 1e-6) && near(real[4], nw.value, 1e-6), `table ${real} agrees with the lines`);
    return { w, u, step, text: await inLab('.sec-step .phase').last().textContent() };
  };

  // AdamW (the default): moments, bias correction, the step, decoupled weight decay.
  const a = await runStep();
  assert.match(a.text, /m = β1·m \+ \(1−β1\)·g/);
  const t = (await page.evaluate(() => document.getElementById('lab').stats.step)); // this update's number
  const bias1 = await mathLine(inLab, 'bias1');
  assert.deepEqual(bias1.terms.slice(1), [0.9, t]);
  assert.ok(near(bias1.value, 1 - 0.9 ** t, 1e-4), `1 − β1^t with t = ${t}: ${bias1.value}`);
  const m = await mathLine(inLab, 'm'), v = await mathLine(inLab, 'v');
  const mh = await mathLine(inLab, 'mhat'), vh = await mathLine(inLab, 'vhat');
  const [b1, m0, omb1, g] = m.terms;
  assert.ok(near(b1 * m0 + omb1 * g, m.value, 1e-4), `m: ${m.terms} → ${m.value}`);
  const [b2, v0, omb2, g2] = v.terms;
  assert.ok(near(b2 * v0 + omb2 * g2 * g2, v.value, 1e-4), `v: ${v.terms} → ${v.value}`);
  assert.ok(near(mh.terms[0] / mh.terms[1], mh.value, 1e-4) && near(vh.terms[0] / vh.terms[1], vh.value, 1e-4));
  assert.equal(mh.terms[1], bias1.value);
  const [lr, mHat, vHat, eps, lr2, wd, w0] = a.step.terms;
  assert.equal(wd, 0.1);
  assert.ok(near(lr * mHat / (Math.sqrt(vHat) + eps) + lr2 * wd * w0, a.step.value, 1e-4), `AdamW step: ${a.step.terms} → ${a.step.value}`);

  // SGD: update = lr·(g + wd·w).
  await inLab('.sec-train select[id$="-optimizer"]').selectOption('sgd');
  await page.waitForFunction(() => document.getElementById('lab').getAttribute('optimizer') === 'sgd');
  const s = await runStep();
  assert.match(s.text, /update = lr·\(g \+ wd·w\)/);
  const [slr, sg, swd, sw] = s.step.terms;
  assert.ok(near(slr * (sg + swd * sw), s.step.value, 1e-4), `SGD: ${s.step.terms} → ${s.step.value}`);

  // Momentum: v = μ·v + g + wd·w, update = lr·v.
  await inLab('.sec-train select[id$="-optimizer"]').selectOption('momentum');
  await page.waitForFunction(() => document.getElementById('lab').getAttribute('optimizer') === 'momentum');
  const mo = await runStep();
  const vel = await mathLine(inLab, 'm');
  const [mu, vel0, mg, mwd, mw] = vel.terms;
  assert.ok(near(mu * vel0 + mg + mwd * mw, vel.value, 1e-4), `velocity: ${vel.terms} → ${vel.value}`);
  assert.ok(near(mo.step.terms[0] * mo.step.terms[1], mo.step.value, 1e-4), `update = lr·v: ${mo.step.terms}`);
  // The try-it row still does plain SGD arithmetic.
  await inLab('table.update tr.try input').nth(1).fill('0.5');
  await inLab('table.update tr.try input').nth(0).fill('2');
  const tryRow = (await inLab('table.update tr.try td.num:nth-last-child(-n+2)').allTextContents()).map(Number);
  assert.ok(Math.abs(tryRow[0] + 1) < 1e-9 && Math.abs(tryRow[1] - (mo.w - 1)) < 1e-3, `try row: ${tryRow}`);
  await shot(page, 'lesson2-step-update', inLab('.sec-step .phase >> nth=3'));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('why scale matters: time estimates from this browser’s speed; same compute explains who won', async () => {
  const { page, inLab, button } = await openLab({ sections: 'train,scaling' });
  await inLab('.sec-scaling').scrollIntoViewIfNeeded();
  // The presets' times come from timing the three models here, not a fixed "about 30 s".
  await page.waitForFunction(() => /about .+ here/.test(document.getElementById('lab').shadowRoot.querySelector('.sec-scaling select').options[0].textContent), null, { timeout: 60_000 });
  assert.match(await inLab('.sec-scaling .sc-basis').textContent(), /measured speed on the three models \(tokens\/s: L1·H2·C16: [\d,]+/);
  await inLab('.sec-scaling select[id$="sc-budget"]').selectOption('flops');
  await button('Run the scaling experiment').click();
  await page.waitForFunction(() => /Done: 9 runs/.test(document.getElementById('lab').shadowRoot.querySelector('.sec-scaling .job-status').textContent), null, { timeout: 140_000 });
  const rows = await page.evaluate(() => {
    const trs = [...document.getElementById('lab').shadowRoot.querySelectorAll('.sec-scaling .sc-table tbody tr')];
    return trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
  });
  assert.equal(rows.length, 9);
  // The explanation names the size that won on all the text, and the steps the biggest got.
  const full = rows.filter((r) => /100 %/.test(r[2])).map((r) => ({ model: r[0], steps: Number(r[3].replace(/,/g, '')), best: Number(r[5].split(' ')[0]), seconds: Number(r[7]) }));
  assert.equal(full.length, 3);
  const winner = full.reduce((a, r) => (r.best < a.best ? r : a));
  const why = await inLab('.sec-scaling .sc-why').textContent();
  assert.ok(why.includes(winner.model), `"${why}" names the winner ${winner.model}`);
  assert.ok(why.includes(`only ${full[2].steps.toLocaleString('en-US')} steps`) || why.includes(`(${full[2].steps.toLocaleString('en-US')} steps`), `"${why}" gives the big model's steps ${full[2].steps}`);
  assert.match(why, /Chinchilla/);
  // After the run, the estimate for the same setting is what this run took (its own speed).
  const took = rows.reduce((a, r) => a + Number(r[7]), 0);
  const label = await page.evaluate(() => document.getElementById('lab').shadowRoot.querySelector('.sec-scaling select').options[0].textContent);
  const m = label.match(/about ([\d.]+) (seconds|minutes|ms) here/);
  assert.ok(m, label);
  const est = Number(m[1]) * { ms: 1e-3, seconds: 1, minutes: 60 }[m[2]];
  assert.ok(Math.abs(est - took) <= 0.1 * took + 1, `estimate ${label} vs the runs' ${took.toFixed(1)} s`);
  assert.match(await inLab('.sec-scaling .sc-basis').textContent(), /last run/);
  await shot(page, 'lesson2-scaling-why', inLab('.sec-scaling'));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('how long does training take: the lab preset shows what really ran, durations in readable units', async () => {
  const { page, inLab, button } = await openLab({ sections: 'train,time' });
  await button('Start').click();
  await page.waitForFunction(() => document.getElementById('lab').stats.step >= 40, null, { timeout: 60_000 });
  await button('Pause').click();
  await page.waitForFunction(() => !document.getElementById('lab').controller.running);
  await inLab('.sec-time').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => /really ran/.test(document.getElementById('lab').shadowRoot.querySelector('.sec-time .tm-ran')?.textContent ?? ''), null, { timeout: 10_000 });
  const { step, info } = await page.evaluate(() => { const c = document.getElementById('lab').controller; return { step: c.step, info: c.info }; });
  const ran = await inLab('.sec-time .tm-ran').textContent();
  const m = ran.match(/ran: ([\d,]+) steps × ([\d,]+) tokens per step = ([\d,]+) tokens seen = ([\d.]+) epochs of this text \(([\d,]+) training tokens\), in ([\d.]+) (ms|seconds|minutes) of computing, measured here/);
  assert.ok(m, ran);
  const n = (s) => Number(s.replace(/,/g, ''));
  assert.equal(n(m[1]), step);
  assert.equal(n(m[2]), info.tokensPerStep);
  assert.equal(n(m[3]), step * info.tokensPerStep);
  assert.equal(n(m[5]), info.trainTokens);
  assert.ok(Math.abs(Number(m[4]) - step * info.tokensPerStep / info.trainTokens) < 0.01 * Number(m[4]), `epochs ${m[4]}`);
  // The estimate beside it is for exactly those epochs.
  const answer = await inLab('.sec-time .answer').textContent();
  assert.match(answer, new RegExp(`for these ${m[4].replace('.', '\\.')} epochs`), answer);
  const noExponent = (s) => assert.doesNotMatch(s, /\de[-+]?\d|10⁻/, s);
  noExponent(answer);
  noExponent(await inLab('.sec-time .worked').textContent());
  noExponent(await inLab('.sec-time .tm-compare').textContent());
  await shot(page, 'lesson2-time-ran', inLab('.sec-time'));
  // A tiny job on a fast device: a unit a person reads, never "2.9e-10 seconds".
  await inLab('.sec-time input[id$="tm-params"]').fill('1000');
  await inLab('.sec-time input[id$="tm-params"]').press('Tab');
  await inLab('.sec-time input[id$="tm-tokens"]').fill('10');
  await inLab('.sec-time input[id$="tm-tokens"]').press('Tab');
  await inLab('.sec-time select[id$="tm-device"]').selectOption('h100');
  const tiny = await inLab('.sec-time .answer').textContent();
  assert.match(tiny, /less than a millisecond|\d ms/, tiny);
  noExponent(tiny);
  noExponent(await inLab('.sec-time .worked').textContent());
  noExponent(await inLab('.sec-time .tm-compare').textContent());
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the optimizers’ different learning rates are explained where an optimizer is chosen', async () => {
  const { page, inLab } = await openLab({ sections: 'train,optimizers' });
  for (const sec of ['.sec-train', '.sec-optimizers']) {
    const hint = await inLab(`${sec} .lr-why`).textContent();
    assert.match(hint, /SGD moves a weight by lr × gradient, and gradients here are small, so it needs a large rate/, `${sec}: ${hint}`);
    assert.match(hint, /AdamW divides each gradient by its own typical size/);
  }
  assert.match(await inLab('.sec-train .lr-why').textContent(), /SGD 0\.3, momentum 0\.03, AdamW 0\.003/);
  // The race starts with exactly the rates the explanation names.
  const lrs = await inLab('.sec-optimizers input[id*="opt-lr-"]').evaluateAll((els) => els.map((e) => Number(e.value)));
  assert.deepEqual(lrs, [0.3, 0.03, 0.003]);
  await page.context().close();
});

test('one number format per language: counts and decimals follow the lab’s lang, not the browser', async () => {
  const facts = (await (await fetch(`${lab.server.url}samples/facts.txt`)).text());
  const long = Array.from({ length: 8 }, () => facts).join('\n'); // > 10,000 characters
  const chars = [...long].length;
  // The browser's own language is the other one each time: the lab's lang decides.
  for (const [lang, group, dec, locale] of [['de', '.', ',', 'en-US'], ['en', ',', '.', 'de-DE']]) {
    const { page, inLab, button } = await openLab({ lang, sections: 'text,train' }, { locale });
    await inLab('.sec-text input[type=file]').setInputFiles({ name: 'long.txt', mimeType: 'text/plain', buffer: Buffer.from(long) });
    const grouped = `${Math.floor(chars / 1000)}${group}${String(chars % 1000).padStart(3, '0')}`;
    await page.waitForFunction((g) => document.getElementById('lab').shadowRoot.querySelector('.sec-text .summary')?.textContent.startsWith(g), grouped, { timeout: 30_000 });
    const summary = await inLab('.sec-text .summary').textContent();
    // "1,115,394 characters … the first 800 of 111,539 tokens": every count in one format.
    const counts = summary.match(/\d[\d.,]*/g);
    assert.ok(counts.filter((c) => c.length > 4).every((c) => c.includes(group)), `${lang}: ${summary}`);
    await button(lang === 'de' ? 'Schritt' : 'Step').click();
    await page.waitForFunction(() => document.getElementById('lab').stats.step >= 1);
    const stats = await inLab('.sec-train .stats').evaluate((dl) => [...dl.querySelectorAll('dd')].map((d) => d.textContent));
    assert.match(stats[1], new RegExp(`^\\d\\${dec}\\d{3}$`), `${lang} loss ${stats[1]}`);
    assert.match(stats[4], new RegExp(`^\\d{2,3}\\${group}\\d{3}$`), `${lang} parameters ${stats[4]}`);
    assert.match(await inLab('.sec-train .chart-alt').textContent(), new RegExp(`\\d\\${dec}\\d{3}`));
    await page.context().close();
  }
});

test('predict: the default prompt keeps its line breaks visible', async () => {
  const custom = 'Roses are red,\nviolets are blue,\nsugar is sweet\nand so are you.\nRoses are red,\nviolets are blue.';
  const { page, inLab } = await openLab({ text: 'custom', custom, sections: 'predict' });
  const prompt = inLab('.sec-predict [id$="-prompt"]');
  assert.equal(await prompt.evaluate((el) => el.tagName), 'TEXTAREA');
  assert.equal(await prompt.inputValue(), [...custom].slice(0, 16).join(''));
  assert.match(await prompt.inputValue(), /red,\nv/);
  await page.context().close();
});

test('one tag from another origin: a visible message saying what to do, and lab-error', async () => {
  // The lab on one origin (as a static host that sends CORS headers, e.g. GitHub Pages, would
  // serve it), the course page on another whose CSP allows the lab's script.
  const labHost = await startServer({ headers: { 'Access-Control-Allow-Origin': '*' } });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'course-'));
  const labOrigin = new URL(labHost.url).origin;
  writeFileSync(path.join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>course</title>
<script type="module" src="${labHost.url}training-loop-lab.js"></script>
<training-loop-lab id="lab" sections="text,train"></training-loop-lab>`);
  const course = await startServer({
    extraMounts: [['/course/', [dir]]],
    headers: { 'Content-Security-Policy': `default-src 'self'; script-src 'self' ${labOrigin}; style-src 'self' ${labOrigin}; worker-src 'self'` },
  });
  try {
    const page = await newPage(lab.browser);
    await page.addInitScript(() => {
      window.__errors = [];
      document.addEventListener('lab-error', (e) => window.__errors.push(e.detail.message));
    });
    await page.goto(`${course.url}course/index.html`);
    await page.locator('#lab .notice[role=alert]').waitFor({ timeout: 20_000 });
    const note = await page.locator('#lab .notice').textContent();
    assert.match(note, new RegExp(`code comes from ${labOrigin.replace(/[.]/g, '\\.')}, but this page is on ${new URL(course.url).origin.replace(/[.]/g, '\\.')}`), note);
    assert.match(note, /Serve the lab’s folder from this site .* or embed it with the iframe form \(embed\.html\)/);
    assert.deepEqual(await page.evaluate(() => window.__errors), [note]);
    assert.deepEqual(page.problems, [], 'no uncaught error, no bare SecurityError');
    await page.context().close();
  } finally {
    await course.close();
    await labHost.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
