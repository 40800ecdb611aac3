// One limits table (core/model/limits.hpp), exported as engine.limits(): its values, every value
// just outside a row refused with a one-line message naming the setting and the row's range (by the
// engine and by the CLI), the CLI's ranges taken from it, and the page's lesson ranges inside it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from '../../wasm/lab.mjs';
import { COMMANDS, main } from '../../wasm/tools/cli.mjs';
import { FIELDS, FIELD_BY_NAME, parseField, range } from '../../web/app/state.js';
import { createBundler } from '../../wasm/tools/bundle.mjs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cli, expectError, repo, sampleText, small } from './helpers.mjs';

const engine = await loadEngine();
const limits = engine.limits();
const rows = Object.entries(limits).filter(([k]) => k !== 'maxModelBytes');

const allowed = (l, v) => Number.isFinite(v) && (!l.integer || Number.isInteger(v))
  && (l.minOpen ? v > l.min : v >= l.min) && (l.maxOpen ? v < l.max : v <= l.max);

/** Values just outside a row: below min (min itself when open), above max (max itself when open). */
function outside(l) {
  const step = l.integer ? 1 : (l.max - l.min) / 100;
  return [l.minOpen ? l.min : l.min - step, l.maxOpen ? l.max : l.max + step];
}

test('engine.limits(): the table, with the memory limit', () => {
  const pick = (k) => ({ min: limits[k].min, max: limits[k].max });
  assert.deepEqual(pick('vocabSize'), { min: 2, max: 65536 });
  assert.deepEqual(pick('blockSize'), { min: 1, max: 2048 });
  assert.deepEqual(pick('nLayer'), { min: 1, max: 48 });
  assert.deepEqual(pick('nHead'), { min: 1, max: 64 });
  assert.deepEqual(pick('nEmbd'), { min: 1, max: 4096 });
  assert.deepEqual(pick('batchSize'), { min: 1, max: 512 });
  assert.deepEqual(pick('seed'), { min: 0, max: Number.MAX_SAFE_INTEGER });
  assert.deepEqual(pick('warmupSteps'), { min: 0, max: 1e7 });
  assert.deepEqual(pick('maxSteps'), { min: 0, max: 1e8 });
  assert.deepEqual(limits.lr, { min: 0, max: 10, integer: false, minOpen: true, maxOpen: false, range: 'greater than 0 and at most 10' });
  assert.deepEqual(limits.beta1, { min: 0, max: 1, integer: false, minOpen: false, maxOpen: true, range: 'at least 0 and below 1' });
  assert.equal(limits.nLayer.range, 'between 1 and 48');
  assert.equal(limits.maxModelBytes, 640 * 1024 * 1024);
  assert.equal(limits.maxModelBytes, engine.maxModelBytes());
  for (const [k, l] of rows) assert.ok(l.min < l.max && typeof l.range === 'string', k);
  assert.notEqual(engine.limits(), limits, 'a fresh object each call');
});

// How each row is reached from JS, and the name its message uses.
const trainer = engine.createTrainer(sampleText, small);
const CALLS = {
  temperature: (v) => trainer.generate('The', 3, { temperature: v }),
  topK: (v) => trainer.generate('The', 3, { topK: v }),
  topP: (v) => trainer.generate('The', 3, { topP: v }),
  trainSteps: (v) => trainer.train(v),
  generateTokens: (v) => trainer.generate('The', v),
  evalWindows: (v) => trainer.evaluate({ windows: v }),
};
const SHOWN = { trainSteps: 'number of steps', generateTokens: 'number of tokens', evalWindows: 'windows' };
const createWith = (k, v) => engine.createTrainer(sampleText, { ...small, ...(k === 'vocabSize' ? { tokenizer: 'bpe' } : {}), [k]: v });

test('the engine refuses every value just outside a row, naming the setting and its range', () => {
  for (const [k, l] of rows) {
    const run = CALLS[k] ?? ((v) => createWith(k, v));
    const name = SHOWN[k] ?? k;
    for (const v of [...outside(l), Number.NaN, Infinity]) {
      assert.throws(() => run(v), (e) => {
        assert.ok(e.message.startsWith(`${name} must be ${l.range}, got `), `${k} = ${v}: ${e.message}`);
        assert.ok(!e.message.includes('\n'));
        return true;
      });
    }
    if (l.integer) assert.throws(() => run(l.min + 0.5), new RegExp(`${name} must be a whole number, got ${l.min + 0.5}$`));
  }
  // setSettings and reset go through the same rows.
  assert.throws(() => trainer.setSettings({ lr: 0 }), /: lr must be greater than 0 and at most 10, got 0$/);
  assert.throws(() => trainer.reset(-1), /: seed must be between 0 and 9007199254740991, got -1$/);
});

test('a bound that is closed is accepted', () => {
  assert.doesNotThrow(() => createWith('nLayer', 1).dispose());
  assert.doesNotThrow(() => trainer.setSettings({ lr: 10, weightDecay: 10, gradClip: limits.gradClip.max, beta1: 0 }));
  assert.doesNotThrow(() => trainer.reset(Number.MAX_SAFE_INTEGER));
});

/** Every option of every CLI command, with its command. */
const options = Object.entries(COMMANDS).flatMap(([cmd, c]) => Object.entries(c.spec).map(([opt, e]) => ({ cmd, opt, e })));

test('the CLI takes the range of every engine setting from the table', () => {
  for (const { cmd, opt, e } of options) {
    if (e.setting && e.setting in limits) assert.equal(e.limit, e.setting, `${cmd} --${opt} sets ${e.setting}: its range must come from the table`);
    if (e.limit) {
      assert.ok(e.limit in limits, `${cmd} --${opt}: no row ${e.limit}`);
      assert.equal(e.type, undefined, `${cmd} --${opt}: a static range next to the table's`);
    }
  }
  assert.ok(options.filter((o) => o.e.limit).length >= 20);
});

test('the CLI refuses every value just outside its table rows with one line naming the range', async () => {
  for (const { cmd, opt, e } of options.filter((o) => o.e.limit)) {
    const l = limits[e.limit];
    const bad = e.min === undefined ? outside(l) : [e.min - 1, l.max + 1];
    for (const v of bad) {
      const range = e.min === undefined ? `${l.integer ? 'a whole number ' : ''}${l.range}` : `a whole number between ${e.min} and ${l.max}`;
      await assert.rejects(main([cmd, `--${opt}`, String(v)]), (err) => {
        assert.equal(err.message, `--${opt} must be ${range}, got "${v}"`);
        return true;
      });
    }
  }
});

test('the CLI exits 2 with that one line', () => {
  expectError(cli(['train', '--n-layer', '49']), /^error: --n-layer must be a whole number between 1 and 48, got "49"$/);
  expectError(cli(['train', '--lr', '0']), /^error: --lr must be greater than 0 and at most 10, got "0"$/);
});

test('the page\'s lesson ranges (web/app/state.js FIELDS) lie inside the engine\'s', () => {
  const checked = [];
  for (const f of FIELDS) {
    if ((f.kind !== 'int' && f.kind !== 'float') || !(f.key in limits)) continue;
    const l = limits[f.key];
    for (const v of [f.min, f.max, f.def]) assert.ok(allowed(l, v), `page ${f.name} allows ${v}; the engine: ${l.range}`);
    if (l.integer) assert.equal(f.kind, 'int', `${f.name} must be whole`);
    checked.push(f.key);
  }
  for (const k of ['vocabSize', 'nLayer', 'nHead', 'nEmbd', 'blockSize', 'batchSize', 'lr', 'weightDecay', 'gradClip', 'seed', 'temperature', 'topK'])
    assert.ok(checked.includes(k), `the page's ${k} was checked`);
});

test('the page\'s ranges come from the engine\'s table: narrowed in one place, never widened', () => {
  // Every bound the page does not narrow is the engine's own (its max lr, its min batch size, …).
  assert.equal(FIELD_BY_NAME.get('lr').max, limits.lr.max);
  assert.equal(FIELD_BY_NAME.get('batch-size').min, limits.batchSize.min);
  assert.equal(FIELD_BY_NAME.get('n-layer').min, limits.nLayer.min);
  for (const f of FIELDS.filter((x) => x.key in limits && x.min !== undefined)) assert.deepEqual({ min: f.min, max: f.max }, range(f.key), f.name);
  // An out-of-range attribute: the message names the range, whose unnarrowed end is the engine's.
  const r = parseField(FIELD_BY_NAME.get('lr'), String(limits.lr.max * 2));
  assert.deepEqual(r.problem.reason, ['reasonRange', { min: 1e-5, max: limits.lr.max }]);
  assert.equal(r.value, limits.lr.max);
  assert.throws(() => range('noSuchSetting'), /the engine's limits table has no noSuchSetting/);
});

test('the bundle carries the engine\'s table itself (the page reads it before its engine loads)', async () => {
  const bundler = createBundler();
  try {
    const code = (await bundler.files()).get('/index.js').toString();
    assert.ok(code.includes(JSON.stringify(limits.nLayer.range)), 'the nLayer row of engine.limits() is in the bundle');
    assert.doesNotMatch(code, /lab\.mjs/, 'the page\'s bundle does not load the engine for it');
  } finally { await bundler.dispose(); }
});

test('the README\'s Limits section lists every row of the table', () => {
  const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Limits'), readme.indexOf('## Command line'));
  for (const k of Object.keys(limits)) assert.ok(section.includes(`\`${k}\``), `README "Limits" lacks ${k}`);
  for (const [k, l] of rows.filter(([, r]) => r.integer && r.max < 1e5)) {
    assert.ok(section.includes(`${l.min}–${l.max}`), `README "Limits": ${k} ${l.min}–${l.max}`);
  }
});
