// Checkpoints move both ways between the lab and PyTorch (README "Checkpoints"), with biases and
// without (nanoGPT's bias=False). The PyTorch side is tests/interop/reference.py, a nanoGPT-shaped
// GPT written for these tests, run by Debian's python3-torch (/usr/bin/python3: a python3 earlier
// on PATH may be another interpreter without torch). Without torch these tests fail, they do not skip.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, repo } from './helpers.mjs';
import { loadEngine } from '../../wasm/lab.mjs';

const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(path.join(tmpdir(), 'lab-torch-'));
const textPath = path.join(dir, 'text.txt');
writeFileSync(textPath, 'The cat sat on the mat. The dog sat on the log. A bird sang in the tree, and the sun '
  + 'rose over the hill; the cat and the dog ran down to the river to drink.\n'.repeat(3));
const prompt = 'The dog ran down to the';

function python(script, args) {
  const r = spawnSync(PYTHON, [path.join(repo, 'tests/interop', script), ...args], { encoding: 'utf8', timeout: 300000 });
  assert.ifError(r.error);
  const hint = /No module named '(torch|numpy)'/.test(r.stderr) ? ' (install python3-torch python3-numpy: .ci/install.sh --with-tests)' : '';
  assert.equal(r.status, 0, `${script} failed${hint}:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

/** |a − b| within 1e-5 of b (relative), with a floor for values near 0. */
function close(a, b, what) {
  assert.ok(Math.abs(a - b) <= 1e-5 * Math.abs(b) + 1e-9, `${what}: lab ${a}, PyTorch ${b}, relative ${Math.abs(a - b) / Math.abs(b)}`);
}

const model = ['--n-layer', '2', '--n-head', '2', '--n-embd', '16', '--block-size', '16', '--batch-size', '4'];

for (const bias of [true, false]) {
  test(`a file the lab trained and wrote (bias ${bias}) gives PyTorch the same probabilities and loss`, () => {
    const file = path.join(dir, `lab-${bias}.safetensors`);
    const tr = cli(['train', '--text', textPath, '--steps', '40', '--lr', '0.03', '--seed', '5', '--bias', String(bias), ...model, '--out', file]);
    assert.equal(tr.code, 0, tr.stderr);
    const torch = python('read_lab_file.py', [file, prompt, textPath]);
    assert.equal(torch.bias, bias);
    assert.equal(torch.config.bias, bias);
    const biases = torch.tensors.filter((n) => n.endsWith('.bias'));
    assert.equal(biases.length, bias ? 2 * 6 + 1 : 0, torch.tensors.join(' '));

    const V = torch.probs.length;
    const pr = cli(['predict', '--checkpoint', file, '--prompt', prompt, '--top-k', String(V)]);
    assert.equal(pr.code, 0, pr.stderr);
    assert.equal(pr.json.top.length, V);
    for (const { id, token, prob } of pr.json.top) close(prob, torch.probs[id], `p(${JSON.stringify(token)})`);
    const ev = cli(['eval', '--checkpoint', file, '--text', textPath]);
    assert.equal(ev.code, 0, ev.stderr);
    close(ev.json.loss, torch.loss, 'loss');
  });

  test(`a file PyTorch wrote (bias ${bias}) gives the lab's eval the same loss`, async () => {
    const file = path.join(dir, `torch-${bias}.safetensors`);
    const torch = python('write_torch_file.py', [file, textPath, String(bias), '11']);
    assert.ok(torch.tensors.includes('lm_head.weight'), 'the file holds the tied head, as torch saves it');
    assert.equal(torch.tensors.some((n) => n.endsWith('.bias')), bias);
    const ev = cli(['eval', '--checkpoint', file, '--text', textPath]);
    assert.equal(ev.code, 0, ev.stderr);
    close(ev.json.loss, torch.loss, 'loss');

    const engine = await loadEngine();
    const trainer = engine.loadCheckpoint(new Uint8Array(readFileSync(file)), { text: readFileSync(textPath, 'utf8') });
    const info = trainer.info();
    assert.equal(info.config.bias, bias);
    assert.equal(info.settings.bias, bias);
    assert.ok(Number.isFinite(trainer.train(2).loss), 'the loaded model trains');
    trainer.dispose();
  });
}
