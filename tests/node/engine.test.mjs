// The wasm module in node: it loads, learns, predicts distributions, keeps inference read-only,
// reports bad input as Error, and round-trips checkpoints.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from '../../wasm/lab.mjs';
import { sampleText, small, unigramEntropy } from './helpers.mjs';

const engine = await loadEngine();

test('training lowers the loss below the unigram entropy of the sample text', () => {
  const t = engine.createTrainer(sampleText, small);
  const info = t.info();
  const first = t.evaluate();
  assert.ok(Math.abs(first.trainLoss - Math.log(info.vocabSize)) < 0.15, `fresh loss ${first.trainLoss} ≈ ln V`);
  const r = t.train(300);
  assert.equal(r.diverged, null);
  assert.equal(r.losses.length, 300);
  const ev = t.evaluate();
  const h = unigramEntropy(sampleText);
  assert.ok(ev.trainLoss < h, `train loss ${ev.trainLoss} < unigram entropy ${h}`);
  assert.ok(ev.valLoss < h, `val loss ${ev.valLoss} < unigram entropy ${h}`);
  assert.ok(r.tokensPerSecond > 0);
  t.dispose();
});

test('predictions are a probability distribution over the whole vocabulary', () => {
  const t = engine.createTrainer(sampleText, small);
  t.train(20);
  const V = t.info().vocabSize;
  const all = t.predict('The capital of France is', V);
  assert.equal(all.length, V);
  const sum = all.reduce((s, p) => s + p.prob, 0);
  assert.ok(Math.abs(sum - 1) < 1e-4, `probabilities sum to ${sum}`);
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].prob >= all[i].prob, 'sorted');
  assert.ok(all.every((p) => p.prob >= 0 && typeof p.token === 'string'));
  t.dispose();
});

test('inference leaves the weights untouched; a training step changes them', () => {
  const t = engine.createTrainer(sampleText, small);
  const before = t.fingerprint();
  assert.match(before, /^[0-9a-f]{16}$/);
  t.generate('The', 50, { temperature: 0.8, topK: 5, seed: 3 });
  t.predict('The capital', 5);
  t.surprise('The capital of France is Paris.');
  t.attention('The capital', 0, 0);
  t.pairs(8);
  t.evaluate();
  assert.equal(t.fingerprint(), before);
  t.train(1);
  assert.notEqual(t.fingerprint(), before);
  t.dispose();
});

test('the same seed gives the same loss curve; reset returns to the same start', () => {
  const a = engine.createTrainer(sampleText, small);
  const b = engine.createTrainer(sampleText, small);
  const la = a.train(15).losses, lb = b.train(15).losses;
  assert.deepEqual([...la], [...lb]);
  const start = engine.createTrainer(sampleText, small).fingerprint();
  a.reset(small.seed);
  assert.equal(a.fingerprint(), start);
  assert.deepEqual([...a.train(15).losses], [...la]);
  a.dispose(); b.dispose();
});

test('one step, slowed down, reports the real numbers of every phase', () => {
  const t = engine.createTrainer(sampleText, { ...small, optimizer: 'sgd', lr: 0.5, gradClip: 0 });
  const r = t.inspectStep({ position: 5 });
  assert.equal(r.step, 1);
  assert.equal(r.input.length, 32);
  assert.equal(r.position, 5);
  assert.equal(r.distribution.length, 10);
  assert.ok(Math.abs(r.positionLoss + Math.log(r.targetProb)) < 1e-4, 'surprise = −ln p(target)');
  assert.ok(r.gradNorms.length === 2 + 12 * 2 + 2);
  const w = r.weight;
  // SGD without clipping: new = old − lr × grad
  assert.ok(Math.abs(w.newValue - (w.value - w.lr * w.grad)) < 1e-6, JSON.stringify(w));
  assert.ok(Math.abs(w.update - (w.newValue - w.value)) < 1e-7);
  assert.notEqual(w.grad, 0);
  t.dispose();
});

test('one step, slowed down, gives AdamW\'s moments and bias corrections: they add up to the update', () => {
  const t = engine.createTrainer(sampleText, { ...small, optimizer: 'adamw', lr: 3e-3, weightDecay: 0.1 });
  t.train(4);
  const w = t.inspectStep({ tensor: 'transformer.h.0.mlp.c_fc.weight', index: 7 }).weight;
  assert.equal(w.optimizer, 'adamw');
  assert.equal(w.t, 5);
  assert.ok(Math.abs(w.bias1 - (1 - 0.9 ** 5)) < 1e-6 && Math.abs(w.bias2 - (1 - 0.99 ** 5)) < 1e-6, JSON.stringify(w));
  assert.ok(Math.abs(w.mAfter - (w.beta1 * w.mBefore + (1 - w.beta1) * w.grad)) < 1e-9);
  assert.ok(Math.abs(w.vAfter - (w.beta2 * w.vBefore + (1 - w.beta2) * w.grad ** 2)) < 1e-12);
  assert.ok(Math.abs(w.weightDecay - 0.1) < 1e-7, 'a 2-D weight gets the decay');
  const step = w.lr * (w.mAfter / w.bias1) / (Math.sqrt(w.vAfter / w.bias2) + w.eps) + w.lr * w.weightDecay * w.value;
  assert.ok(Math.abs(w.newValue - (w.value - step)) < 1e-7 + 1e-5 * Math.abs(step), JSON.stringify(w));
  const bias = t.inspectStep({ tensor: 'transformer.h.0.mlp.c_fc.bias', index: 0 }).weight;
  assert.equal(bias.weightDecay, 0, 'biases get no weight decay');
  t.dispose();
});

test('surprise, pairs and attention come from the model', () => {
  const t = engine.createTrainer(sampleText, small);
  const s = t.surprise('The capital of France is Paris.');
  assert.equal(s.length, 31);
  assert.equal(s[0].loss, null);
  assert.ok(s.slice(1).every((x) => x.loss > 0));
  const p = t.pairs(10);
  assert.equal(p.length, 10);
  assert.ok(p.every((x) => Math.abs(x.surprise + Math.log(x.prob)) < 1e-4));
  const a = t.attention('The capital', 1, 3);
  assert.equal(a.n, 11);
  for (let q = 0; q < a.n; q++) {
    let row = 0;
    for (let k = 0; k < a.n; k++) {
      if (k > q) assert.equal(a.weights[q * a.n + k], 0, 'causal');
      row += a.weights[q * a.n + k];
    }
    assert.ok(Math.abs(row - 1) < 1e-5);
  }
  t.dispose();
});

test('bad input is an Error naming the value; the model survives it', () => {
  const t = engine.createTrainer(sampleText, small);
  t.train(3);
  const fp = t.fingerprint();
  const bad = [
    [() => engine.createTrainer('', small), /empty/],
    [() => engine.createTrainer(sampleText, { nHead: 3, nEmbd: 32 }), /divisible/],
    [() => engine.createTrainer(sampleText, { nLayer: 0 }), /nLayer/],
    [() => engine.createTrainer(sampleText, { optimizer: 'rmsprop' }), /rmsprop/],
    [() => engine.createTrainer(sampleText, { tokenizer: 'words' }), /words/],
    [() => engine.createTrainer(sampleText, { lr: Number.NaN }), /lr/],
    [() => engine.createTrainer(sampleText, { nLayer: 48, nEmbd: 4096, nHead: 64, blockSize: 2048, batchSize: 512 }), /MB/],
    [() => t.setSettings({ lr: 0 }), /lr must be greater than 0 and at most 10, got 0/],
    [() => t.setSettings({ lr: Infinity }), /lr/],
    [() => t.train(-1), /steps/],
    [() => t.train(1.5), /steps/],
    [() => t.generate('The', 5, { temperature: 0 }), /temperature/],
    [() => t.generate('The', 5, { topK: 0 }), /topK/],
    [() => t.predict('The', 0), /top-k/],
    [() => t.predict('Ω', 3), /U\+03A9/],
    [() => t.attention('The', 9, 0), /layer/],
    [() => engine.loadCheckpoint(new Uint8Array([1, 2, 3])), /safetensors file is too short: 3 bytes/],
  ];
  for (const [fn, re] of bad) {
    assert.throws(fn, (e) => e instanceof Error && re.test(e.message) && !e.message.includes('\n'));
  }
  assert.equal(t.fingerprint(), fp);
  const r = t.train(2);
  assert.equal(r.diverged, null);
  t.dispose();
});

test('a learning rate that blows up is caught at that step and the last good weights are kept', () => {
  const t = engine.createTrainer(sampleText, { ...small, optimizer: 'sgd', lr: 10, gradClip: 0 });
  const r = t.train(200);
  assert.ok(r.diverged, 'diverged');
  assert.match(r.diverged.message, /smaller learning rate/);
  const ev = t.evaluate();
  assert.ok(Number.isFinite(ev.trainLoss));
  t.setSettings({ lr: 1e-3 });
  assert.equal(t.train(3).diverged, null);
  t.dispose();
});

test('checkpoints round-trip exactly and resume training identically', () => {
  const a = engine.createTrainer(sampleText, small);
  a.train(10);
  const bytes = a.exportCheckpoint(true);
  const b = engine.loadCheckpoint(bytes, { ...small, text: sampleText });
  assert.equal(b.fingerprint(), a.fingerprint());
  assert.equal(b.info().step, 10);
  assert.deepEqual([...b.train(5).losses], [...a.train(5).losses]);
  assert.equal(b.fingerprint(), a.fingerprint());
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))));
  assert.match(header, /"transformer\.h\.1\.attn\.c_attn\.weight":\{"dtype":"F32","shape":\[96,32\]/);
  a.dispose(); b.dispose();
});

test('BPE shows words and fragments as tokens', () => {
  const r = engine.tokenize(sampleText, { tokenizer: 'bpe', vocabSize: 200 });
  assert.ok(r.vocabSize > 60 && r.vocabSize <= 200);
  const texts = r.tokens.map((x) => x.text);
  assert.ok(texts.includes(' capital'), 'a whole word with its space');
  assert.equal(texts.join(''), sampleText);
  const t = engine.createTrainer(sampleText, { ...small, tokenizer: 'bpe', vocabSize: 200 });
  t.train(5);
  assert.equal(t.info().tokenizer, 'bpe');
  t.dispose();
});

test('evaluate({windows}) is the mean over exactly that many windows of each split', () => {
  const t = engine.createTrainer(sampleText, { ...small, valFraction: 0.2 });
  const T = t.info().config.block_size;
  const trainText = [...sampleText].slice(0, t.info().trainTokens).join('');  // char tokens: one per code point
  assert.equal(t.evaluate({ windows: 3 }).trainLoss, t.evalText([...trainText].slice(0, 3 * T + 1).join('')));
  assert.equal(t.evaluate({ windows: 1e6 }).trainLoss, t.evalText(trainText), 'more windows than there are: all of them');
  assert.equal(t.evaluate().valLoss, t.evaluate({ windows: 64 }).valLoss, '64 by default');
  assert.throws(() => t.evaluate({ windows: 0 }), /windows must be between 1 and .*, got 0/);
  t.dispose();
});
