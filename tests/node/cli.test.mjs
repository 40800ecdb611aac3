// The CLI contract (README "Command line"): JSON on the last stdout line, exit 2 + one `error:` line on bad input.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, expectError, samplePath } from './helpers.mjs';
import { writeModel } from '../../wasm/tools/cli.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'lab-cli-'));
const ckpt = path.join(dir, 'model.safetensors');
const model = ['--n-layer', '2', '--n-head', '4', '--n-embd', '32', '--block-size', '32', '--batch-size', '8'];

test('train on the built-in sample writes a checkpoint and reports JSON', () => {
  const r = cli(['train', '--steps', '150', '--seed', '3', '--lr', '0.003', ...model, '--out', ckpt]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(Object.keys(r.json), ['steps', 'loss', 'val_loss', 'tokens_per_s', 'params', 'workers']);
  assert.equal(r.json.steps, 150);
  assert.ok(r.json.loss < 2.6 && r.json.val_loss < 2.8, JSON.stringify(r.json));
  assert.ok(r.json.tokens_per_s > 0 && r.json.params > 10000);
  assert.match(r.stderr, /step 150\/150/);
  assert.ok(readFileSync(ckpt).length > 1000);
});

test('train with BPE and a text file', () => {
  const text = path.join(dir, 'rhyme.txt');
  writeFileSync(text, 'Hey diddle diddle, the cat and the fiddle, the cow jumped over the moon.\n'.repeat(20));
  const r = cli(['train', '--text', text, '--steps', '5', '--tokenizer', 'bpe', '--vocab-size', '60', ...model]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json.steps, 5);
});

test('eval, step and eval again: the step lowers the loss on that text', () => {
  const e1 = cli(['eval', '--checkpoint', ckpt, '--text', samplePath]);
  assert.equal(e1.code, 0, e1.stderr);
  assert.ok(e1.json.loss > 0 && e1.json.tokens > 1000);
  const out = path.join(dir, 'stepped.safetensors');
  const s = cli(['step', '--checkpoint', ckpt, '--text', samplePath, '--optimizer', 'sgd', '--lr', '0.05', '--out', out]);
  assert.equal(s.code, 0, s.stderr);
  assert.ok(Math.abs(s.json.loss - e1.json.loss) < 1e-6, 'step reports the loss before the update, on the eval batch');
  const e2 = cli(['eval', '--checkpoint', out, '--text', samplePath]);
  assert.ok(e2.json.loss < e1.json.loss, `${e2.json.loss} < ${e1.json.loss}`);
});

test('predict and generate', () => {
  const p = cli(['predict', '--checkpoint', ckpt, '--prompt', 'The capital of France is', '--top-k', '4']);
  assert.equal(p.code, 0, p.stderr);
  assert.equal(p.json.top.length, 4);
  assert.ok(p.json.top.every((t) => typeof t.token === 'string' && Number.isInteger(t.id) && t.prob > 0));
  const g = cli(['generate', '--checkpoint', ckpt, '--prompt', 'The', '--tokens', '30', '--temperature', '0.8', '--seed', '5']);
  assert.equal(g.code, 0, g.stderr);
  assert.ok(g.json.text.startsWith('The'));
  assert.equal([...g.json.continuation].length, 30);
  const g2 = cli(['generate', '--checkpoint', ckpt, '--prompt', 'The', '--tokens', '30', '--temperature', '0.8', '--seed', '5']);
  assert.equal(g2.json.text, g.json.text, 'same seed, same sample');
});

test('--help on every command', () => {
  for (const c of ['train', 'eval', 'step', 'predict', 'generate', 'serve', 'site']) {
    const r = cli([c, '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /usage:/);
  }
});

test('bad input: exit 2 and one clear line', () => {
  const notText = path.join(dir, 'bad.txt');
  writeFileSync(notText, Buffer.from([0x41, 0xff, 0x42]));
  const corrupt = path.join(dir, 'corrupt.safetensors');
  writeFileSync(corrupt, readFileSync(ckpt).subarray(0, 500));
  const foreign = path.join(dir, 'foreign.txt');
  writeFileSync(foreign, 'Ωμέγα');
  expectError(cli(['nonsense']), /unknown command/);
  expectError(cli(['train', '--steps', '-3']), /--steps/);
  expectError(cli(['train', '--steps', 'ten']), /--steps/);
  expectError(cli(['train', '--lr', '0']), /--lr/);
  expectError(cli(['train', '--out', '']), /--out needs a file name/);
  expectError(cli(['train', '--optimizer', 'rmsprop']), /sgd, momentum, adamw/);
  expectError(cli(['train', '--n-head', '3', '--n-embd', '32']), /divisible/);
  expectError(cli(['train', '--n-layer', '0']), /--n-layer/);
  expectError(cli(['train', '--bias', 'no']), /--bias must be true or false, got "no"/);
  expectError(cli(['train', '--text', path.join(dir, 'missing.txt')]), /does not exist/);
  expectError(cli(['train', '--text', notText]), /UTF-8/);
  expectError(cli(['eval', '--checkpoint', corrupt, '--text', samplePath]),
    /safetensors header length \d+ runs past the end of the file \(500 bytes/);
  expectError(cli(['eval', '--checkpoint', ckpt]), /--text/);
  expectError(cli(['eval', '--checkpoint', ckpt, '--text', foreign]), /not in the tokenizer's vocabulary/);
  expectError(cli(['predict', '--checkpoint', ckpt, '--prompt', 'x', '--top-k', '0']), /--top-k/);
  expectError(cli(['generate', '--checkpoint', ckpt, '--temperature', '-1']), /--temperature/);
  expectError(cli(['step', '--checkpoint', ckpt, '--text', samplePath, '--optimizer', 'sgd', '--lr', '0.1']), /--out/);
  expectError(cli(['serve', '--port', '70000']), /--port/);
});

test('bad training flags: exit 2 and one line before any work', () => {
  const tiny = ['--n-layer', '1', '--n-embd', '16', '--block-size', '16', '--batch-size', '2'];
  const refuse = (args, re) => expectError(cli(['train', ...tiny, '--steps', '3', ...args]), re);
  refuse(['--schedule', 'linear'], /--schedule must be one of constant, cosine/);
  refuse(['--warmup-steps', '-1'], /--warmup-steps/);
  refuse(['--warmup-steps', '1.5'], /--warmup-steps must be a whole number/);
  refuse(['--min-lr', '-1', '--schedule', 'cosine'], /--min-lr must be 0 or more/);
  refuse(['--min-lr', '1e-4'], /--min-lr needs --schedule cosine/);
  refuse(['--lr-decay-steps', '10'], /--lr-decay-steps needs --schedule cosine/);
  refuse(['--schedule', 'cosine', '--lr', '1e-3', '--min-lr', '2e-3'], /--min-lr must be at most --lr \(0\.001\)/);
  refuse(['--beta1', '1'], /--beta1 must be at least 0 and below 1, got "1"/);
  refuse(['--beta2', '-0.1'], /--beta2/);
  refuse(['--beta2', '0.9', '--optimizer', 'sgd'], /--beta2 applies to --optimizer adamw only/);
  refuse(['--weight-decay', '11'], /--weight-decay must be at least 0 and at most 10/);
  refuse(['--grad-clip', '-1'], /--grad-clip must be at least 0 and at most 1000000, got "-1"/);
  refuse(['--grad-clip', 'NaN'], /--grad-clip must be a number/);
  refuse(['--eval-interval', '0'], /--eval-interval must be a whole number between 1/);
  refuse(['--eval-windows', '0'], /--eval-windows must be a whole number between 1/);
  refuse(['--checkpoint', path.join(dir, 'missing.safetensors')], /--checkpoint: file ".*missing.safetensors" does not exist/);
  refuse(['--checkpoint', ckpt], /--n-layer can't be used with --checkpoint/);
  expectError(cli(['step', '--checkpoint', ckpt, '--text', samplePath, '--optimizer', 'sgd', '--lr', '0.1', '--out', path.join(dir, 's'),
    '--beta1', '0.5']), /--beta1 applies to --optimizer adamw only/);
  refuse(['--threads', '2'], /unknown option --threads; allowed: --text, /);
  expectError(cli(['train', '--checkpoint', ckpt, '--seed', '2']), /--seed can't be used with --checkpoint/);
  expectError(cli(['train', '--checkpoint', ckpt, '--steps', '10', '--batch-size', '8']),
    /--steps is the total to reach and the checkpoint is already at step 150: give at least 150/);
});

test('--out and --log are checked before training: empty, a folder, a missing folder, an unwritable place', () => {
  const file = path.join(dir, 'never-written.safetensors');
  const cases = [
    ['', /--out needs a file name, got ""/],
    [dir, /--out: ".*" is a folder; give a file name/],
    [path.join(dir, 'no-such-folder', 'm.safetensors'), /--out: folder ".*no-such-folder" does not exist/],
    [path.join(ckpt, 'm.safetensors'), /--out: ".*model.safetensors" is not a folder/],
    ['/sys/m.safetensors', /--out: cannot write "\/sys\/m.safetensors" \(EACCES\)/],
  ];
  for (const [where, re] of cases) {
    expectError(cli(['train', '--steps', '100000', '--out', where]), re);
    expectError(cli(['step', '--checkpoint', ckpt, '--text', samplePath, '--optimizer', 'sgd', '--lr', '0.1', '--out', where]), re);
    expectError(cli(['train', '--steps', '100000', '--log', where]), new RegExp(re.source.replace('--out', '--log')));
  }
  expectError(cli(['train', '--steps', '100000', '--out', file, '--lr', '-1']), /--lr/);
  assert.ok(!existsSync(file), 'the writability probe leaves no file behind');
});

test('a failing write at the end saves the model in the working folder and says where', () => {
  const bytes = new Uint8Array([1, 2, 3, 4]);
  const fallback = mkdtempSync(path.join(tmpdir(), 'lab-cli-cwd-'));
  const msg = writeModel(path.join(dir, 'vanished', 'm.safetensors'), bytes, [fallback]);
  assert.match(msg, /^could not write ".*vanished\/m.safetensors" \(ENOENT\); the model was saved to (.*) instead$/);
  const saved = msg.match(/saved to (.*) instead/)[1];
  assert.equal(path.dirname(saved), fallback);
  assert.match(path.basename(saved), /^training-loop-lab-.*\.safetensors$/);
  assert.deepEqual(new Uint8Array(readFileSync(saved)), bytes);
  assert.equal(writeModel(path.join(dir, 'ok.bin'), bytes, [fallback]), null);
  assert.match(writeModel(path.join(dir, 'vanished', 'm'), bytes, [path.join(dir, 'vanished')]), /the model is lost/);
});

test('serve prints its URL and serves the page and the engine', async () => {
  const { spawn } = await import('node:child_process');
  const { repo } = await import('./helpers.mjs');
  const child = spawn(process.execPath, [path.join(repo, 'wasm/cli.mjs'), 'serve', '--port', '0'], { cwd: repo });
  try {
    const url = await new Promise((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d) => { buf += d; const m = buf.match(/http:\/\/\S+/); if (m) resolve(m[0]); });
      child.on('exit', (c) => reject(new Error(`exited ${c}`)));
      setTimeout(() => reject(new Error('no URL printed')), 10000);
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /text\/html/);
    const wasm = await fetch(new URL('engine/lab-core.wasm', url));
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    const js = await fetch(new URL('engine/lab.mjs', url));
    assert.match(js.headers.get('content-type'), /text\/javascript/);
    assert.equal((await fetch(new URL('nope.js', url))).status, 404);
  } finally {
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGINT');
    assert.equal(await exited, 0, 'stops cleanly on Ctrl-C');
  }
});
