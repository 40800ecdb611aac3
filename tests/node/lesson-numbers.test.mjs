// The lesson's numbers without a browser: durations in readable units, one number format per
// language, the scaling sweep's time estimate and the explanation of its result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration } from '../../web/app/experiments/estimate.js';
import { fmtInt, fmtLoss, fmtNum, fmtProb } from '../../web/app/dom.js';
import { t } from '../../web/app/strings.js';
import { SWEEP_MODELS, SWEEP_FRACTIONS, explainResult, sweepSeconds, speedOfRows, modelName } from '../../web/app/experiments/scaling.js';

test('durations: a unit a person reads, never an exponent', () => {
  assert.deepEqual(humanDuration(2.9e-10), { value: null, scale: null, unit: 'lessThanMs' });
  assert.deepEqual(humanDuration(0.054), { value: 54, scale: null, unit: 'ms' });
  assert.deepEqual(humanDuration(0.0031), { value: 3.1, scale: null, unit: 'ms' });
  assert.deepEqual(humanDuration(11.4), { value: 11, scale: null, unit: 'seconds' });
  assert.deepEqual(humanDuration(3 * 3600), { value: 3, scale: null, unit: 'hours' });
  assert.deepEqual(humanDuration(4e3 * 365.25 * 86400), { value: 4, scale: 'uThousand', unit: 'years' });
});

test('numbers follow the lab’s language; an unknown one falls back to English', () => {
  assert.deepEqual([fmtInt(1115394, 'en'), fmtInt(1115394, 'de'), fmtInt(800, 'de'), fmtInt(4000, 'en')], ['1,115,394', '1.115.394', '800', '4000']);
  assert.deepEqual([fmtLoss(2.3456, 'de'), fmtProb(0.00012, 'de'), fmtNum(-2.77e-4, 5, 'de')], ['2,346', '1,2e-4', '-2,7700e-4']);
  assert.equal(fmtInt(111539, 'x-invalid'), '111,539');
  // A string's {placeholders} get numbers in the same format.
  const at = { shown: 800, from: 0, to: 30000, length: 1115394 };
  assert.equal(t('de', 'tokensWindow', at), '800 Tokens: Zeichen 0–30.000 von 1.115.394.');
  assert.equal(t('en', 'tokensWindow', at), 'Showing 800 tokens: characters 0–30,000 of 1,115,394.');
  assert.equal(t('de', 'progressReset', { seed: 1337 }), 'Modell auf die Startgewichte zurückgesetzt (Seed 1337).');
});

const rows = (losses, steps) => SWEEP_MODELS.flatMap((m, i) => SWEEP_FRACTIONS.map((fraction) => ({
  model: modelName(m), params: [4640, 15424, 105408][i], fraction, steps: steps[i], tokensSeen: steps[i] * 256,
  flops: steps[i] * [8e6, 25e6, 170e6][i], seconds: steps[i] * [0.01, 0.02, 0.1][i], bestVal: fraction === 1 ? losses[i] : 3,
})));

test('the scaling result is explained by who won and how many steps the biggest model got', () => {
  const small = explainResult(rows([2.25, 2.41, 2.6], [813, 250, 36]), 'flops');
  assert.equal(small.key, 'scWhyFlopsSmaller');
  assert.deepEqual([small.best, small.big, small.bigSteps], ['L1·H2·C16', 'L2·H4·C64', 36]);
  assert.ok(Math.abs(small.tpp - (36 * 256) / 105408) < 1e-12);
  assert.equal(explainResult(rows([2.6, 2.4, 2.2], [250, 250, 250]), 'tokens').key, 'scWhyTokensBiggest');
  assert.equal(explainResult(rows([2.6, 2.4, 2.2], [250, 250, 250]).slice(0, 4), 'tokens'), null);
});

test('the sweep time is its runs’ steps × each model’s measured seconds per step', () => {
  const r = rows([2.25, 2.41, 2.6], [250, 250, 250]);
  const speed = speedOfRows(r);
  assert.ok(Math.abs(sweepSeconds('tokens', 250, speed) - r.reduce((a, x) => a + x.seconds, 0)) < 1e-9);
  // Same compute: each model takes the middle model's FLOPs, so the small one more steps.
  const flops = sweepSeconds('flops', 250, speed);
  assert.ok(Math.abs(flops - 3 * (Math.round(250 * 25 / 8) * 0.01 + 250 * 0.02 + Math.max(10, Math.round(250 * 25 / 170)) * 0.1)) < 1e-9, flops);
});
