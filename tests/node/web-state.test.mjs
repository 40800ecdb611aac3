// The page's pure modules without a browser: the state table (parse, clamp, relations, URL round
// trip) and the loss history (chunks, validation points, bounded chart series).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIELDS, FIELD_BY_NAME, defaults, parseField, readState, toParams, fixRelations } from '../../web/app/state.js';
import { LossHistory } from '../../web/app/history.js';
import { MAX_WORKERS } from '../../web/app/helpers.js';

const f = (name) => FIELD_BY_NAME.get(name);

test('state: each kind of field parses, clamps and reports with the value and the allowed range', () => {
  assert.deepEqual(parseField(f('n-layer'), '3'), { value: 3 });
  assert.deepEqual(parseField(f('n-layer'), '99').problem.reason, ['reasonRange', { min: 1, max: 6 }]);
  assert.equal(parseField(f('n-layer'), '99').value, 6, 'clamped to the maximum');
  assert.equal(parseField(f('n-layer'), '2.6').value, 3, 'a fraction is rounded');
  assert.deepEqual(parseField(f('n-layer'), 'lots').problem.reason, ['reasonNotNumber']);
  assert.equal(parseField(f('lr'), '1e-2').value, 0.01);
  assert.equal(parseField(f('lr'), 'Infinity').problem.reason[0], 'reasonNotNumber');
  assert.equal(parseField(f('optimizer'), 'SGD').value, 'sgd');
  assert.equal(parseField(f('optimizer'), 'rmsprop').value, 'adamw');
  assert.equal(parseField(f('autoplay'), '').value, true);
  assert.equal(parseField(f('autoplay'), '0').value, false);
  assert.equal(parseField(f('autoplay'), 'maybe').problem.reason[0], 'reasonChoice');
  assert.deepEqual(parseField(f('sections'), 'train, predict,train').value, ['train', 'predict']);
  assert.deepEqual(parseField(f('sections'), 'train,nope').value, ['train']);
  assert.equal(parseField(f('prompt'), 'x'.repeat(250)).value.length, 200);
  assert.equal(parseField(f('text'), 'https://evil.example/a.txt', { origin: 'http://h:1' }).value, 'facts');
});

test('state: n-embd follows n-head; a state round-trips through the URL; defaults stay out of it', () => {
  const s = { ...defaults(), nHead: 3, nEmbd: 64 };
  const problems = fixRelations(s);
  assert.equal(s.nEmbd % 3, 0);
  assert.equal(problems[0].name, 'n-embd');
  assert.equal(toParams(defaults()).toString(), '', 'a default state has an empty query');
  const { state } = readState((n) => ({ 'n-layer': '3', lr: '0.01', sections: 'train,predict', text: 'rhymes' })[n] ?? null);
  const q = toParams(state);
  assert.equal(q.toString(), 'text=rhymes&n-layer=3&lr=0.01&sections=train%2Cpredict');
  const again = readState((n) => q.get(n)).state;
  assert.deepEqual(again, state);
  for (const field of FIELDS) assert.ok(field.name && field.key && field.kind, field.name);
});

test('state: workers is auto or a whole number up to the helpers\' maximum; anything else falls back to auto', () => {
  assert.equal(f('workers').def, 'auto');
  assert.equal(f('workers').max, MAX_WORKERS, 'the attribute allows what the training worker can run');
  assert.deepEqual(parseField(f('workers'), 'Auto'), { value: 'auto' });
  assert.deepEqual(parseField(f('workers'), '2'), { value: 2 });
  assert.deepEqual(parseField(f('workers'), 3), { value: 3 });
  for (const bad of ['0', String(MAX_WORKERS + 1), '1.5', 'many', '']) {
    const r = parseField(f('workers'), bad);
    assert.equal(r.value, 'auto', bad);
    assert.deepEqual(r.problem.reason, ['reasonWorkers', { min: 1, max: MAX_WORKERS }], bad);
  }
  const { state } = readState((n) => (n === 'workers' ? '2' : null));
  assert.equal(toParams(state).toString(), 'workers=2');
  assert.equal(readState((n) => toParams(state).get(n)).state.workers, 2);
  assert.equal(toParams(defaults()).has('workers'), false, 'auto is the default: not in a link');
});

test('history: chunks of losses get their steps, validation points stay ordered, the series is bounded', () => {
  const h = new LossHistory();
  h.addLosses(3, [3, 2.5, 2]);
  h.addLosses(5, [1.9, 1.8]);
  assert.deepEqual(h.steps, [1, 2, 3, 4, 5]);
  assert.equal(h.lastLoss, 1.8);
  h.addVal({ step: 3, valLoss: 2.4, trainLoss: 2.1 });
  h.addVal({ step: 3, valLoss: 9, trainLoss: 9 }); // the same step again: kept once
  h.addVal({ step: 5, valLoss: 2.2, trainLoss: 1.9 });
  h.addVal({ step: 4, valLoss: 2.3 });              // going back (a rollback): later points dropped
  h.addVal({ step: 6, valLoss: NaN });              // not a number: ignored
  assert.deepEqual(h.val.map((v) => v.step), [3, 4]);
  assert.equal(h.lastVal, 2.3);
  const [xs, tr, va] = h.series();
  assert.deepEqual(xs, [1, 2, 3, 4, 5]);
  assert.deepEqual(va, [null, null, 2.4, 2.3, null]);
  assert.equal(tr[0], 3);
  const long = new LossHistory();
  long.addLosses(10_000, Array.from({ length: 10_000 }, (_, i) => 1 + 1 / (i + 1)));
  const [lx, lt] = long.series(600);
  assert.ok(lx.length <= 600 && lx.at(-1) === 10_000, `${lx.length} points, last at ${lx.at(-1)}`);
  assert.ok(lt.every(Number.isFinite));
  h.clear();
  assert.equal(h.lastLoss, null);
  assert.equal(h.lastVal, null);
});
