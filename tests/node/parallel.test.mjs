// Data-parallel training (wasm/parallel.mjs): N replica workers learn exactly like one trainer up
// to the order of summation; 1 worker is bit-identical to the plain trainer; a run repeats bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from '../../wasm/lab.mjs';
import { createParallelTrainer, spawnNodeReplica, planWorkers, sliceRows, gradientTerms } from '../../wasm/parallel.mjs';
import { cli, sampleText } from './helpers.mjs';

const tiny = { nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 16, batchSize: 6, lr: 3e-3, seed: 5 };
const engine = await loadEngine();

function single(steps, settings = tiny) {
  const t = engine.createTrainer(sampleText, settings);
  try {
    const r = t.train(steps);
    return { losses: Array.from(r.losses), fingerprint: t.fingerprint(), diverged: r.diverged };
  } finally {
    t.dispose();
  }
}

// Trains in two calls (the gradient pipeline restarts between them) and disposes the workers.
async function parallel(workers, steps, settings = tiny) {
  const t = await createParallelTrainer({ spawn: spawnNodeReplica, workers, text: sampleText, settings });
  try {
    const a = await t.train(Math.floor(steps / 2));
    const b = a.diverged ? { ...a, losses: [] } : await t.train(steps - a.losses.length);
    const prints = await t.fingerprints();
    assert.equal(new Set(prints).size, 1, `the replicas drifted apart: ${prints}`);
    return { losses: [...a.losses, ...b.losses], fingerprint: prints[0], step: b.step, diverged: b.diverged, workers: t.workers };
  } finally {
    await t.dispose();
  }
}

test('the batch is cut into contiguous slices that differ by at most one row', () => {
  assert.deepEqual(sliceRows(6, 1), [[0, 6]]);
  assert.deepEqual(sliceRows(6, 4), [[0, 1], [1, 2], [3, 1], [4, 2]]);
  assert.deepEqual(sliceRows(12, 5).map(([, n]) => n).reduce((a, n) => a + n), 12);
});

test('one worker is bit-identical to the plain trainer', async () => {
  const ref = single(30);
  const p = await parallel(1, 30);
  assert.deepEqual(p.losses, ref.losses);
  assert.equal(p.fingerprint, ref.fingerprint);
  assert.equal(p.step, 30);
});

test('two workers: the same run twice gives the same bits', async () => {
  const a = await parallel(2, 30);
  const b = await parallel(2, 30);
  assert.equal(a.workers, 2);
  assert.deepEqual(a.losses, b.losses);
  assert.equal(a.fingerprint, b.fingerprint);
});

test('train() reports each replica\'s computing time, within the call\'s wall time', async () => {
  const t = await createParallelTrainer({ spawn: spawnNodeReplica, workers: 2, text: sampleText, settings: tiny });
  try {
    const r = await t.train(10);
    assert.equal(r.busySeconds.length, 2);
    for (const b of r.busySeconds) assert.ok(b > 0 && b <= r.seconds, `busy ${b} s of ${r.seconds} s`);
    assert.deepEqual((await t.train(0)).busySeconds, [0, 0]);
  } finally {
    await t.dispose();
  }
});

test('two and three workers agree with one within 1e-5 relative over 50 steps', async () => {
  const ref = single(50);
  for (const n of [2, 3]) {
    const p = await parallel(n, 50);
    assert.equal(p.losses.length, 50);
    for (let k = 0; k < 50; ++k) {
      const rel = Math.abs(p.losses[k] - ref.losses[k]) / Math.abs(ref.losses[k]);
      assert.ok(rel <= 1e-5, `${n} workers, step ${k + 1}: ${p.losses[k]} vs ${ref.losses[k]} (${rel.toExponential(2)})`);
    }
    assert.ok(p.losses[49] < p.losses[0] - 0.3, `${n} workers learn: ${p.losses[0]} → ${p.losses[49]}`);
  }
});

// The replicas add each other's gradients in chunks of 32 K floats (wasm/bindings/trainer.cpp
// applyGradientTerms): here ~60 K parameters, so the sum crosses chunks and ends in a partial one.
test('a model larger than one chunk of the gradient sum: two workers agree with one', async () => {
  const wider = { ...tiny, nEmbd: 48, batchSize: 4 };
  const ref = single(10, wider);
  const probe = engine.createTrainer(sampleText, wider);
  const { params } = probe.info();
  probe.dispose();
  assert.ok(params > 32 * 1024 && params % (32 * 1024) !== 0, `params ${params}`);
  const p = await parallel(2, 10, wider);
  for (let k = 0; k < 10; ++k) {
    const rel = Math.abs(p.losses[k] - ref.losses[k]) / Math.abs(ref.losses[k]);
    assert.ok(rel <= 1e-5, `step ${k + 1}: ${p.losses[k]} vs ${ref.losses[k]} (${rel.toExponential(2)})`);
  }
});

test('divergence stops every replica at the single trainer\'s step with its message', async () => {
  const wild = { ...tiny, optimizer: 'sgd', lr: 10, gradClip: 0 };
  const ref = single(40, wild);
  assert.ok(ref.diverged, 'the reference run must diverge');
  for (const n of [1, 2]) {
    const p = await parallel(n, 40, wild);
    assert.ok(p.diverged, `${n} workers diverge`);
    assert.equal(p.diverged.message, ref.diverged.message);
    if (n === 1) assert.deepEqual(p.losses, ref.losses);
  }
});

test('a worker count that is not allowed or does not fit is refused, naming it', async () => {
  const info = { memoryBytes: 10 << 20, memoryBytesPerRow: 1 << 20, sliceRows: 1 };
  for (const bad of [0, 17, 2.5]) {
    assert.throws(() => planWorkers({ requested: bad, available: 2, batchSize: 8, info }), /workers must be a whole number between 1 and 16, got/);
    await assert.rejects(createParallelTrainer({ spawn: spawnNodeReplica, workers: bad, text: sampleText, settings: tiny }),
      /workers must be a whole number between 1 and 16/);
  }
  assert.throws(() => planWorkers({ requested: 9, available: 2, batchSize: 8, info }), /9 workers need a batch of at least 9 rows.*batch size is 8/);
  assert.throws(() => planWorkers({ requested: 4, available: 2, batchSize: 8, info, memoryBudget: 100 << 20 }),
    /4 workers need about \d+ MB \(4 replicas of up to \d+ MB\), more than the 100 MB available: use at most \d workers? or a smaller model/);
  // The default takes what fits: one per core, at most one per row, fewer when memory is short.
  assert.equal(planWorkers({ available: 8, batchSize: 3, info }).workers, 3);
  assert.equal(planWorkers({ available: 8, batchSize: 8, info, memoryBudget: 200 << 20 }).workers, 3);
  assert.equal(planWorkers({ available: 8, batchSize: 8, info, memoryBudget: 1 }).workers, 1);
  await assert.rejects(createParallelTrainer({ spawn: spawnNodeReplica, workers: 7, text: sampleText, settings: tiny }),
    /7 workers need a batch of at least 7 rows/);
});

test('a replica that crashes mid-run: the error carries the steps every replica applied, and replica 0 is at that step', async () => {
  const t = await createParallelTrainer({ spawn: spawnNodeReplica, workers: 3, text: sampleText, settings: tiny });
  try {
    await t.train(2);
    const run = t.train(100_000).then(() => null, (x) => x);
    // An uncaught error in its thread, right after its reply (which the crash may overtake).
    await t.replicas[2].request({ cmd: 'crash' }).catch(() => {});
    const e = await run;
    assert.match(e?.message ?? '', /replica worker 2 (stopped|exited)/);
    const { partial } = e;
    assert.ok(partial.step > 2 && partial.step < 100_002, `steps before the crash: ${partial.step}`);
    assert.equal(partial.losses.length, partial.step - 2, 'one loss for every step taken');
    assert.ok([...partial.losses].every(Number.isFinite));
    assert.equal((await t.replicas[0].call('info')).step, partial.step);
    // The run repeats what one trainer does up to there (within rounding).
    const ref = single(partial.step).losses.slice(2);
    for (const [k, x] of [...partial.losses].entries()) assert.ok(Math.abs(x - ref[k]) <= 1e-5 * ref[k], `step ${k + 3}: ${x} vs ${ref[k]}`);
  } finally {
    await t.dispose();
  }
});

test('a replica that stops answering (no error, no exit) is given up after the stall limit; replica 0 keeps the last common step', async () => {
  const t = await createParallelTrainer({ spawn: spawnNodeReplica, workers: 2, text: sampleText, settings: tiny });
  try {
    t.stallMinMs = 300; // (10 s in use)
    await t.train(2);
    const run = t.train(100_000).then(() => null, (x) => x);
    await t.replicas[1].request({ cmd: 'hang' }); // it replies, then loops forever
    const e = await run;
    assert.match(e?.message ?? '', /^replica worker 1 did not answer for \d+ s \(its worker stopped or hangs\)$/);
    assert.ok(t.replicas[1].dead, 'the replica is retired');
    assert.ok(e.partial.step > 2, `steps before the stall: ${e.partial.step}`);
    assert.equal((await t.replicas[0].call('info')).step, e.partial.step);
  } finally {
    await t.dispose();
  }
});

test('a bad setting reaches the caller as the engine\'s message', async () => {
  await assert.rejects(createParallelTrainer({ spawn: spawnNodeReplica, workers: 2, text: sampleText, settings: { ...tiny, nHead: 3 } }),
    /divisible/);
});

test('CLI train --workers: reported in the JSON, same learning, bad counts refused', () => {
  const args = ['train', '--steps', '12', '--n-layer', '1', '--n-embd', '16', '--n-head', '2', '--block-size', '16', '--batch-size', '4'];
  const one = cli([...args, '--workers', '1']);
  const two = cli([...args, '--workers', '2']);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(two.code, 0, two.stderr);
  assert.equal(one.json.workers, 1);
  assert.equal(two.json.workers, 2);
  assert.ok(Math.abs(two.json.loss - one.json.loss) <= 1e-5 * one.json.loss, `${two.json.loss} vs ${one.json.loss}`);
  for (const [bad, message] of [['17', /--workers must be a whole number between 1 and 16, got "17"/], ['5', /5 workers need a batch of at least 5 rows/]]) {
    const r = cli([...args, '--workers', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').at(-1).startsWith('error: '), true, r.stderr);
  }
});

test('each replica is sent every other slice\'s gradient in replica order: 2 workers move buffers, more copy the extra ones', () => {
  const g = (k) => Float32Array.of(k, k + 0.5);
  const two = [g(0), g(1)];
  const t2 = gradientTerms(two);
  assert.deepEqual(t2.map((ts) => ts.map((t) => (t === null ? null : t[0]))), [[null, 1], [0, null]]);
  assert.equal(t2[0][1], two[1], 'replica 0 gets replica 1\'s own buffer (moved, no copy)');
  assert.equal(t2[1][0], two[0]);
  const three = [g(0), g(1), g(2)];
  const t3 = gradientTerms(three);
  assert.deepEqual(t3.map((ts) => ts.map((t) => (t === null ? null : t[0]))), [[null, 1, 2], [0, null, 2], [0, 1, 2]]);
  const all = t3.flat().filter((t) => t);
  assert.equal(new Set(all).size, all.length, 'no buffer goes to two replicas');
  assert.deepEqual([...t3[2][2]], [...three[2]], 'replica 2 (not term 0 or 1) is sent its own too');
  const one = [g(0)];
  assert.equal(gradientTerms(one)[0][0], one[0], 'one replica gets its buffer back (to reuse)');
});

test('applyGradientTerms refuses terms that are not the model\'s gradients, naming what is wrong; the model survives', async () => {
  const engine = await loadEngine();
  const t = engine.createTrainer(sampleText, tiny);
  try {
    const { grads, lossSum } = t.gradientsFor(0, 6);
    assert.throws(() => t.applyGradientTerms([grads, new Float32Array(3)], lossSum), /gradient term 1 must be a Float32Array of \d+ numbers/);
    assert.throws(() => t.applyGradientTerms([grads, null, null], lossSum), /only term 0 or 1 of the gradient sum may be null/);
    assert.throws(() => t.applyGradientTerms(grads, lossSum), /the gradient terms must be an array/);
    const r = t.applyGradientTerms([null], lossSum);  // its own gradient, as train(1) would apply it
    assert.equal(r.step, 1);
    assert.ok(Number.isFinite(r.loss));
  } finally {
    t.dispose();
  }
});
