// `train` flags reach the engine: schedule, optimizer knobs, evaluation, the JSONL log, exact resume.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli } from './helpers.mjs';
import { parseArgs } from '../../wasm/tools/cli-args.mjs';
import { progressLine } from '../../wasm/tools/cli.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'lab-cli-train-'));
const shape = ['--n-layer', '1', '--n-head', '2', '--n-embd', '16', '--block-size', '16', '--seed', '5'];
const tiny = [...shape, '--batch-size', '4'];
const readLog = (file) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

function train(args) {
  const r = cli(['train', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return r;
}

test('resuming from a checkpoint continues exactly: 10 + 10 steps = 20 steps, bit for bit', () => {
  // Cosine with warmup and weight decay: the schedule, the AdamW moments and the step all must carry over.
  const opts = ['--batch-size', '4', '--schedule', 'cosine', '--warmup-steps', '3', '--weight-decay', '0.1', '--lr', '0.01'];
  const straightOut = path.join(dir, 'straight.safetensors');
  const halfOut = path.join(dir, 'half.safetensors');
  const resumedOut = path.join(dir, 'resumed.safetensors');
  const straight = train([...shape, ...opts, '--steps', '20', '--out', straightOut]).json;
  const half = train([...shape, ...opts, '--steps', '10', '--lr-decay-steps', '20', '--out', halfOut]).json;
  assert.equal(half.steps, 10);
  const r = train(['--checkpoint', halfOut, ...opts, '--steps', '20', '--out', resumedOut]);
  assert.match(r.stderr, /resuming at step 10/);
  assert.equal(r.json.steps, 20);
  assert.equal(r.json.loss, straight.loss);
  assert.equal(r.json.val_loss, straight.val_loss);
  assert.ok(readFileSync(resumedOut).equals(readFileSync(straightOut)), 'same weights, moments and step');
  assert.notEqual(half.loss, straight.loss);
});

test('--schedule cosine with --warmup-steps and --min-lr: the learning rate of each step in the log', () => {
  const log = path.join(dir, 'lr.jsonl');
  const r = train([...tiny, '--steps', '12', '--lr', '1e-3', '--schedule', 'cosine', '--warmup-steps', '2', '--min-lr', '1e-4',
    '--lr-decay-steps', '10', '--eval-interval', '1', '--eval-windows', '1', '--log', log]);
  const lines = readLog(log);
  assert.deepEqual(lines.map((l) => l.step), [...Array(13).keys()]);
  const lr = lines.map((l) => l.lr);
  assert.equal(lr[0], null, 'no step has run at step 0');
  const close = (a, b) => Math.abs(a - b) <= 1e-6 * b;
  assert.ok(close(lr[1], 5e-4), `warmup: step 1 at half the peak, got ${lr[1]}`);
  assert.ok(close(lr[2], 1e-3) && close(lr[3], 1e-3), `steps 2 and 3 at the peak (the cosine starts there), got ${lr}`);
  assert.ok(lr[4] < lr[3] && lr[7] < lr[4] && lr[10] > 1e-4, `cosine decay ${lr}`);
  assert.ok(close(lr[11], 1e-4) && close(lr[12], 1e-4), `min lr after --lr-decay-steps, got ${lr.slice(10)}`);
  for (const l of lines) assert.deepEqual(Object.keys(l), ['step', 'loss', 'val_loss', 'lr', 'tokens_per_s', 'elapsed']);
  assert.equal(lines[12].val_loss, r.json.val_loss, 'the last evaluation is the reported one');
});

test('--eval-interval: evaluations at step 0, every N steps and the end; plain progress lines show them', () => {
  const log = path.join(dir, 'every.jsonl');
  const r = train([...tiny, '--steps', '25', '--eval-interval', '10', '--log', log]);
  const lines = readLog(log);
  assert.deepEqual(lines.map((l) => l.step), [0, 10, 20, 25]);
  assert.ok(lines[3].val_loss < lines[0].val_loss && lines[3].loss < lines[0].loss, JSON.stringify(lines));
  assert.ok(lines[3].elapsed >= lines[1].elapsed && lines[3].tokens_per_s > 0);
  assert.match(r.stderr, /^step 10\/25 {2}loss \d\.\d{4} {2}val \d\.\d{4} {2}\d+ tokens\/s$/m);
  assert.match(r.stderr, /^step 25\/25 .* val /m);
  assert.doesNotMatch(r.stderr, /\r|ETA/, 'no bar when stderr is not a terminal');
});

test('--eval-windows limits the evaluation; more windows than there are means all of them', () => {
  // The sample's validation split is 172 tokens: 11 windows of 16.
  const base = [...tiny, '--steps', '5'];
  const one = train([...base, '--eval-windows', '1']).json.val_loss;
  const dflt = train(base).json.val_loss;
  const all = train([...base, '--eval-windows', '1000']).json.val_loss;
  assert.notEqual(one, dflt);
  assert.equal(all, dflt);
});

test('--beta1, --beta2, --weight-decay and --grad-clip each change the training', () => {
  const base = [...tiny, '--steps', '8', '--lr', '0.01'];
  const ref = train(base).json.loss;
  for (const flag of [['--beta1', '0.5'], ['--beta2', '0.9'], ['--weight-decay', '1'], ['--grad-clip', '0.01'], ['--warmup-steps', '4']]) {
    const loss = train([...base, ...flag]).json.loss;
    assert.notEqual(loss, ref, `${flag.join(' ')} had no effect`);
  }
  assert.equal(train(base).json.loss, ref, 'same flags, same run');
});

test('the progress bar on a terminal: redrawn in place with an ETA, a newline at the end', () => {
  const line = progressLine({ step: 50, total: 200, loss: 2.5, valLoss: 2.7, tokensPerS: 1000, elapsed: 30, remaining: 90, final: false }, true);
  assert.match(line, /^\r\[#{6}\.{18}\] step 50\/200 {2}loss 2\.5000 {2}val 2\.7000 {2}1000 tokens\/s {2}ETA 1m30s\x1b\[K$/);
  const last = progressLine({ step: 200, total: 200, loss: 2, tokensPerS: 1000, elapsed: 3700, remaining: 0, final: true }, true);
  assert.match(last, /^\r\[#{24}\] step 200\/200 {2}loss 2\.0000 {2}1000 tokens\/s {2}1h01m\x1b\[K\n$/);
  assert.equal(progressLine({ step: 3, total: 9, loss: null, tokensPerS: 0 }, false), 'step 3/9  loss –  0 tokens/s\n');
});

test('boolean options: --x, --no-x, --x=false', () => {
  const spec = { bias: 'bool', steps: ['int', 0, 9] };
  assert.deepEqual(parseArgs(['--bias'], spec).options, { bias: true });
  assert.deepEqual(parseArgs(['--no-bias', '--steps', '3'], spec).options, { bias: false, steps: 3 });
  assert.deepEqual(parseArgs(['--bias=false'], spec).options, { bias: false });
  assert.throws(() => parseArgs(['--bias=maybe'], spec), /--bias must be true or false, got "maybe"/);
  assert.throws(() => parseArgs(['--no-steps'], spec), /unknown option --no-steps/);
});
