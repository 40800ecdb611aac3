// Hardening (issue 8): every bad input gets one clear line naming the value and what is allowed,
// and the engine keeps working afterwards.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from '../../wasm/lab.mjs';
import { sampleText, small, splitSafetensors, joinSafetensors } from './helpers.mjs';

const engine = await loadEngine();

function rejects(fn, re) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, 'an Error');
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    assert.match(e.message, re);
    return true;
  });
}

test('texts: empty, one character, one distinct character, shorter than the context', () => {
  rejects(() => engine.createTrainer('', small), /empty/);
  rejects(() => engine.createTrainer('a', small), /at least 2/);
  rejects(() => engine.createTrainer('aaaa', small), /only 1 distinct character/);
  const t = engine.createTrainer('Hi there.', { ...small, blockSize: 64 });
  assert.ok(t.info().seqLen < 64, 'a text shorter than the context trains on shorter sequences');
  const r = t.train(5);
  assert.equal(r.diverged, null);
  assert.ok(Number.isFinite(r.loss));
  assert.equal(t.evaluate().valLoss, null, 'no validation split for a tiny text: null, not NaN');
  t.dispose();
});

test('texts: NUL and control characters are ordinary characters; lone surrogates are refused', () => {
  const t = engine.createTrainer('a\u0000b\u0007c\td\r\ne\u001b'.repeat(5), small);
  assert.equal(t.train(2).diverged, null);
  assert.ok(t.vocab().includes('\u0000'));
  t.dispose();
  rejects(() => engine.createTrainer('ab\ud800cd', small), /UTF-8/);
});

test('texts: characters outside the vocabulary are named with their position', () => {
  const t = engine.createTrainer(sampleText, small);
  rejects(() => t.predict('The cat → dog', 3), /'→' \(U\+2192\) at position 8/);
  rejects(() => t.surprise('😀'), /U\+1F600/);
  t.dispose();
});

test('a very large text (50 MB) trains and evaluates', () => {
  const text = sampleText.repeat(Math.ceil(50e6 / sampleText.length)).slice(0, 50e6);
  const t = engine.createTrainer(text, small);
  assert.ok(t.info().trainTokens > 40e6);
  assert.equal(t.train(2).diverged, null);
  const ev = t.evaluate();
  assert.ok(Number.isFinite(ev.trainLoss) && Number.isFinite(ev.valLoss));
  t.dispose();
});

test('configs out of range or inconsistent', () => {
  rejects(() => engine.createTrainer(sampleText, { nLayer: 0 }), /nLayer must be between 1 and 48, got 0/);
  rejects(() => engine.createTrainer(sampleText, { nEmbd: 30, nHead: 4 }), /n_embd \(30\) must be divisible by n_head \(4\)/);
  rejects(() => engine.createTrainer(sampleText, { blockSize: 0 }), /blockSize/);
  rejects(() => engine.createTrainer(sampleText, { batchSize: 1e9 }), /batchSize/);
  rejects(() => engine.createTrainer(sampleText, { nLayer: 2.5 }), /whole number/);
  rejects(() => engine.createTrainer(sampleText, { nLayer: '2' }), /must be a number/);
  rejects(() => engine.createTrainer(sampleText, { layers: 2 }), /unknown setting "layers"/);
  rejects(() => engine.createTrainer(sampleText, { bias: 'false' }), /bias must be true or false, got string/);
  rejects(() => engine.createTrainer(sampleText, { bias: 0 }), /bias must be true or false, got number/);
  rejects(() => engine.createTrainer(sampleText, { nLayer: 24, nEmbd: 2048, nHead: 16, blockSize: 1024, batchSize: 32 }),
    /about \d+ MB of memory; the limit is 640 MB/);
  rejects(() => engine.createTrainer(sampleText, { tokenizer: 'bpe', vocabSize: 1 }), /vocabSize/);
});

test('learning rates, steps, sampling settings and names', () => {
  const t = engine.createTrainer(sampleText, small);
  for (const lr of [0, -0.1, Number.NaN, Infinity, 1e9]) rejects(() => t.setSettings({ lr }), /lr must be greater than 0 and at most 10/);
  for (const n of [-1, 1.5, 1e12, Number.NaN]) rejects(() => t.train(n), /steps/);
  rejects(() => t.generate('The', 5, { temperature: 0 }), /temperature must be greater than 0/);
  rejects(() => t.generate('The', 5, { temperature: -1 }), /temperature/);
  rejects(() => t.generate('The', 5, { topK: 0 }), /topK must be between 1/);
  rejects(() => t.generate('The', 5, { topP: 0 }), /topP must be greater than 0 and at most 1, got 0/);
  rejects(() => t.generate('The', 1e9), /tokens/);
  rejects(() => t.predict('The', 0), /top-k/);
  rejects(() => t.setSettings({ optimizer: 'lion' }), /optimizer must be one of sgd, momentum, adamw; got "lion"/);
  rejects(() => engine.createTrainer(sampleText, { tokenizer: 'words' }), /tokenizer must be char or bpe; got "words"/);
  rejects(() => t.setSettings({ nLayer: 3 }), /can't change on a live model/);
  rejects(() => t.setSettings({ bias: false }), /can't change on a live model/);
  rejects(() => t.inspectStep({ tensor: 'nope' }), /unknown tensor "nope"/);
  rejects(() => t.inspectStep({ position: 1000 }), /position must be between 0 and 31/);
  assert.equal(t.train(3).diverged, null, 'still trains');
  t.dispose();
  rejects(() => t.train(1), /disposed/);
});

test('checkpoints: bad bytes are refused with a clear message', () => {
  const t = engine.createTrainer(sampleText, small);
  const good = t.exportCheckpoint();
  rejects(() => engine.loadCheckpoint('not bytes'), /Uint8Array/);
  rejects(() => engine.loadCheckpoint(new Uint8Array(4)), /safetensors file is too short: 4 bytes/);
  rejects(() => engine.loadCheckpoint(good.slice(0, good.length - 10)), /data_offsets end \d+ is past the end of the data/);
  const bigHeader = good.slice();
  new DataView(bigHeader.buffer).setBigUint64(0, 1n << 40n, true);
  rejects(() => engine.loadCheckpoint(bigHeader), /header/);
  const notJson = good.slice();
  notJson[8] = 0x78; // 'x' instead of '{'
  rejects(() => engine.loadCheckpoint(notJson), /JSON/);
  // every truncation of a small checkpoint is refused, never a crash
  const tiny = engine.createTrainer('abcdefgh', { nLayer: 1, nHead: 1, nEmbd: 4, blockSize: 4, batchSize: 1 });
  const bytes = tiny.exportCheckpoint(false);
  const truncated = /file is too short|runs past the end of the file|is past the end of the data/;
  for (let n = 0; n < bytes.length; n += 7) rejects(() => engine.loadCheckpoint(bytes.slice(0, n)), truncated);
  const back = engine.loadCheckpoint(bytes);
  assert.equal(back.fingerprint(), tiny.fingerprint());
  t.dispose(); tiny.dispose(); back.dispose();
});

// Issue 17: hostile checkpoints. Each is refused with its message, and the instance stays usable.
test('checkpoints: deeply nested JSON (header, config, tokenizer) is refused, and the engine keeps working', () => {
  const t = engine.createTrainer(sampleText, small);
  const good = t.exportCheckpoint();
  const { header, data } = splitSafetensors(good);
  const nest = (n) => '['.repeat(n) + ']'.repeat(n);
  // 200,000 nested arrays as a shape overflowed the stack ("Maximum call stack size exceeded").
  const deepShape = JSON.stringify(header).replace(/"shape":\[[^\]]*\]/, `"shape":${nest(200000)}`);
  const deepConfig = { ...header, __metadata__: { ...header.__metadata__, config: `{"vocab_size":${nest(200000)}}` } };
  const deepTokenizer = { ...header, __metadata__: { ...header.__metadata__, tokenizer: `{"type":${nest(200000)}}` } };
  for (let i = 0; i < 5; i++) {
    rejects(() => engine.loadCheckpoint(joinSafetensors(deepShape, data)), /^safetensors header JSON nests deeper than 64 levels$/);
    rejects(() => engine.loadCheckpoint(joinSafetensors(deepConfig, data)), /^checkpoint config: config JSON nests deeper than 64 levels$/);
    rejects(() => engine.loadCheckpoint(joinSafetensors(deepTokenizer, data)), /^tokenizer JSON nests deeper than 64 levels$/);
  }
  const back = engine.loadCheckpoint(good);
  assert.equal(back.fingerprint(), t.fingerprint());
  const fresh = engine.createTrainer(sampleText, small);
  assert.equal(fresh.train(3).diverged, null);
  t.dispose(); back.dispose(); fresh.dispose();
});

test('checkpoints: a tensor named twice, and NaN/Inf weights or moments, are refused naming the tensor', () => {
  const t = engine.createTrainer(sampleText, small);
  t.train(2);
  const good = t.exportCheckpoint();
  const { header, data } = splitSafetensors(good);
  const name = 'transformer.wte.weight';
  const twice = JSON.stringify(header).slice(0, -1) + `,"${name}":${JSON.stringify(header[name])}}`;
  rejects(() => engine.loadCheckpoint(joinSafetensors(twice, data)), /^safetensors header names tensor 'transformer\.wte\.weight' twice$/);
  const poisoned = (tensor, index, value) => {
    const copy = data.slice();
    new DataView(copy.buffer).setFloat32(header[tensor].data_offsets[0] + 4 * index, value, true);
    return joinSafetensors(header, copy);
  };
  rejects(() => engine.loadCheckpoint(poisoned('transformer.h.0.ln_1.weight', 3, Number.NaN)),
    /^checkpoint tensor 'transformer\.h\.0\.ln_1\.weight' holds a non-finite value \(NaN\) at index 3$/);
  rejects(() => engine.loadCheckpoint(poisoned('optimizer.v.transformer.h.1.mlp.c_fc.weight', 17, Infinity)),
    /^checkpoint tensor 'optimizer\.v\.transformer\.h\.1\.mlp\.c_fc\.weight' holds a non-finite value \(\+Inf\) at index 17$/);
  const back = engine.loadCheckpoint(joinSafetensors(header, data));
  assert.equal(back.fingerprint(), t.fingerprint());
  t.dispose(); back.dispose();
});

// Issue 15: sizes are 32 bits in wasm; this config needs ~16 GiB, which used to wrap to a small number.
test('a config whose memory overflows 32 bits is refused before allocating', () => {
  const big = { nLayer: 1, nHead: 64, nEmbd: 64, blockSize: 2048, batchSize: 16 };
  assert.throws(() => engine.createTrainer(sampleText, big), (e) => {
    const m = /^this model would need about (\d+) MB of memory; the limit is 640 MB/.exec(e.message);
    assert.ok(m, e.message);
    assert.ok(Number(m[1]) > 16384, `attention maps alone are 16 GiB: ${e.message}`);
    return true;
  });
  const t = engine.createTrainer(sampleText, small);
  assert.equal(t.train(1).diverged, null, 'the engine still works');
  t.dispose();
});

test('block sizes 1, 2 and 3 train', () => {
  for (const blockSize of [1, 2, 3]) {
    const t = engine.createTrainer(sampleText, { ...small, nHead: 2, nEmbd: 64, blockSize });
    const r = t.train(3);
    assert.equal(r.diverged, null, `blockSize ${blockSize}`);
    assert.ok(r.losses.every(Number.isFinite), `blockSize ${blockSize}: ${r.losses}`);
    t.dispose();
  }
});

test('seeds up to 2^53 are distinct: 0, 2^32 and 2^40 give different weights', () => {
  const fingerprint = (seed) => {
    const t = engine.createTrainer(sampleText, { ...small, seed });
    const fp = t.fingerprint();
    assert.equal(t.info().settings.seed, seed);
    t.dispose();
    return fp;
  };
  const seeds = [0, 2 ** 32, 2 ** 40, 2 ** 53 - 1];
  const fps = seeds.map(fingerprint);
  assert.equal(new Set(fps).size, seeds.length, fps.join(' '));
  // reset(seed) and setSettings({seed}) read seeds the same way.
  const t = engine.createTrainer(sampleText, small);
  t.reset(2 ** 40);
  assert.equal(t.fingerprint(), fps[2]);
  t.setSettings({ seed: 2 ** 32 });
  assert.equal(t.fingerprint(), fps[1]);
  rejects(() => t.setSettings({ seed: 2 ** 53 }), /^seed must be between 0 and 9007199254740991, got 9007199254740992$/);
  t.dispose();
});
