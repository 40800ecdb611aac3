// Hardening (issue 8): every bad input gets one clear line naming the value and what is allowed,
// and the engine keeps working afterwards.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from '../../wasm/lab.mjs';
import { sampleText, small } from './helpers.mjs';

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
  for (const lr of [0, -0.1, Number.NaN, Infinity, 1e9]) rejects(() => t.setSettings({ lr }), /lr|learning rate/);
  for (const n of [-1, 1.5, 1e12, Number.NaN]) rejects(() => t.train(n), /steps/);
  rejects(() => t.generate('The', 5, { temperature: 0 }), /temperature must be greater than 0/);
  rejects(() => t.generate('The', 5, { temperature: -1 }), /temperature/);
  rejects(() => t.generate('The', 5, { topK: 0 }), /topK must be between 1/);
  rejects(() => t.generate('The', 5, { topP: 0 }), /top-p/);
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
  rejects(() => engine.loadCheckpoint(new Uint8Array(4)), /./);
  rejects(() => engine.loadCheckpoint(good.slice(0, good.length - 10)), /./);
  const bigHeader = good.slice();
  new DataView(bigHeader.buffer).setBigUint64(0, 1n << 40n, true);
  rejects(() => engine.loadCheckpoint(bigHeader), /header/);
  const notJson = good.slice();
  notJson[8] = 0x78; // 'x' instead of '{'
  rejects(() => engine.loadCheckpoint(notJson), /JSON/);
  // every truncation of a small checkpoint is refused, never a crash
  const tiny = engine.createTrainer('abcdefgh', { nLayer: 1, nHead: 1, nEmbd: 4, blockSize: 4, batchSize: 1 });
  const bytes = tiny.exportCheckpoint(false);
  for (let n = 0; n < bytes.length; n += 7) rejects(() => engine.loadCheckpoint(bytes.slice(0, n)), /./);
  const back = engine.loadCheckpoint(bytes);
  assert.equal(back.fingerprint(), tiny.fingerprint());
  t.dispose(); tiny.dispose(); back.dispose();
});
