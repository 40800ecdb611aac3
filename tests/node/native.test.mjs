// The native and wasm builds agree: the same loss curve (to 1e-4 over 50 steps) and checkpoints
// that load in either with the same loss. Needs build/native_lab (the README's test command builds it).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadEngine } from '../../wasm/lab.mjs';
import { repo, samplePath, sampleText } from './helpers.mjs';

const nativeLab = path.join(repo, 'build/native_lab');
// The settings native_lab uses (tests/tools/native_lab.cpp).
const settings = { nLayer: 2, nHead: 4, nEmbd: 32, blockSize: 32, batchSize: 8, lr: 3e-3, seed: 7 };
const engine = await loadEngine();
const dir = mkdtempSync(path.join(tmpdir(), 'lab-native-'));

function native(...args) {
  assert.ok(existsSync(nativeLab), `${nativeLab} must be built (cmake --build build)`);
  const r = spawnSync(nativeLab, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('native and wasm loss curves agree to 1e-4 over 50 steps', () => {
  const nat = native('curve', samplePath, '50');
  const t = engine.createTrainer(sampleText, settings);
  const wasm = [...t.train(50).losses];
  assert.equal(nat.length, 50);
  for (let i = 0; i < 50; i++) assert.ok(Math.abs(nat[i] - wasm[i]) < 1e-4, `step ${i}: native ${nat[i]} wasm ${wasm[i]}`);
  t.dispose();
});

// Head sizes and contexts that are not whole vectors: the wasm kernels' tail paths (4 lanes; the
// native build has 8), e.g. the attention's 4×4 transposes with 3 positions or features left over.
for (const [nHead, nEmbd, blockSize] of [[2, 14, 15], [1, 9, 6], [4, 64, 19]]) {
  test(`native and wasm loss curves agree for head size ${nEmbd / nHead}, context ${blockSize}`, () => {
    const nat = native('curve', samplePath, '30', String(nHead), String(nEmbd), String(blockSize));
    const t = engine.createTrainer(sampleText, { ...settings, nHead, nEmbd, blockSize });
    const wasm = [...t.train(30).losses];
    assert.equal(nat.length, 30);
    for (let i = 0; i < 30; i++) assert.ok(Math.abs(nat[i] - wasm[i]) < 1e-4, `step ${i}: native ${nat[i]} wasm ${wasm[i]}`);
    t.dispose();
  });
}

test('a wasm checkpoint loads natively with the same loss, and the other way round', () => {
  const t = engine.createTrainer(sampleText, settings);
  t.train(20);
  const wasmCkpt = path.join(dir, 'wasm.safetensors');
  writeFileSync(wasmCkpt, t.exportCheckpoint());
  const n = native('eval', wasmCkpt, samplePath);
  assert.equal(n.fingerprint, t.fingerprint());
  assert.ok(Math.abs(n.loss - t.evalText(sampleText)) < 1e-5);

  const nativeCkpt = path.join(dir, 'native.safetensors');
  const trained = native('train', samplePath, '20', nativeCkpt);
  const back = engine.loadCheckpoint(new Uint8Array(readFileSync(nativeCkpt)));
  assert.equal(back.fingerprint(), trained.fingerprint);
  assert.ok(Math.abs(back.evalText(sampleText) - native('eval', nativeCkpt, samplePath).loss) < 1e-5);
  t.dispose(); back.dispose();
});

test('native and wasm start from the same weights for seeds beyond 32 bits', () => {
  for (const seed of [2 ** 40, 2 ** 53 - 1]) {
    const t = engine.createTrainer(sampleText, { ...settings, seed });
    assert.equal(native('init', samplePath, String(seed)).fingerprint, t.fingerprint(), `seed ${seed}`);
    t.dispose();
  }
});
