// The train section's one-line verdict on the learner's own curves (web/app/history.js, no DOM).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lossVerdict } from '../../web/app/history.js';

const run = (pairs) => pairs.map(([trainLoss, valLoss], i) => ({ step: (i + 1) * 100, trainLoss, valLoss }));

test('the verdict waits for three validation checks', () => {
  assert.deepEqual(lossVerdict(run([[3, 3], [2.5, 2.6]])), { key: 'verdictWait', n: 2 });
});

test('training falls while validation rises: memorizing; both fall: learning', () => {
  assert.equal(lossVerdict(run([[2, 2.2], [1.6, 2.3], [1.2, 2.5]])).key, 'verdictMemorizing');
  const v = lossVerdict(run([[3, 3.1], [2.5, 2.7], [2.1, 2.4]]));
  assert.equal(v.key, 'verdictLearning');
  assert.deepEqual([v.from, v.to, v.v0, v.v1, v.t0, v.t1], [100, 300, 3.1, 2.4, 3, 2.1]);
});

test('flat, rising and mixed curves get their own verdicts; only the last three checks count', () => {
  assert.equal(lossVerdict(run([[2, 2], [2.001, 2.002], [2.004, 2.003]])).key, 'verdictFlat');
  assert.equal(lossVerdict(run([[2, 2], [2.2, 2.3], [2.5, 2.6]])).key, 'verdictRising');
  assert.equal(lossVerdict(run([[2, 2.5], [2.0, 2.3], [2.0, 2.2]])).key, 'verdictMixed');
  assert.equal(lossVerdict(run([[5, 5], [2, 2.2], [1.6, 2.3], [1.2, 2.5]])).from, 200);
});

test('validation rising from its best while training still falls is memorizing, however the checks are spaced', () => {
  const v = lossVerdict(run([[3.8, 3.8], [2.3, 2.34], [0.62, 1.75], [0.577, 1.8]]));
  assert.equal(v.key, 'verdictMemorizing');
  assert.deepEqual([v.from, v.to, v.v0, v.v1], [300, 400, 1.75, 1.8]);
  // A small wobble above the best is not enough.
  assert.equal(lossVerdict(run([[3.8, 3.8], [2.3, 2.34], [1.0, 1.75], [0.9, 1.76]])).key, 'verdictLearning');
});
