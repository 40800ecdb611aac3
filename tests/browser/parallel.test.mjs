// Data-parallel training in the browser, under the strict CSP: replica Web Workers (the engine's
// parallel.mjs + replica.mjs), and the training worker's helper workers (web/app/helpers.js) —
// both learn like one trainer in node: bit for bit with one worker, within rounding with two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEngine } from '../../wasm/lab.mjs';
import { useLab, newPage, repo } from './helpers.mjs';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const lab = useLab();
const text = readFileSync(path.join(repo, 'web/samples/rhymes.txt'), 'utf8');
const settings = { nLayer: 2, nHead: 2, nEmbd: 16, blockSize: 16, batchSize: 6, lr: 3e-3, seed: 11 };

async function nodeLosses(steps) {
  const t = (await loadEngine()).createTrainer(text, settings);
  const losses = [...t.train(steps).losses];
  // As the worker test goes on: a new learning rate, one inspected step, training to step 45.
  t.setSettings({ lr: 1e-2 });
  t.inspectStep({});
  const after = [...t.train(14).losses];
  t.dispose();
  return { losses, after };
}

function assertClose(got, want, what) {
  assert.equal(got.length, want.length, what);
  for (let k = 0; k < want.length; ++k) {
    const rel = Math.abs(got[k] - want[k]) / Math.abs(want[k]);
    assert.ok(rel <= 1e-5, `${what}, step ${k + 1}: ${got[k]} vs ${want[k]}`);
  }
}

test('replica Web Workers: 1 is bit-identical to node\'s trainer, 2 agree within 1e-5', async () => {
  const page = await newPage(lab.browser);
  await page.goto(`${lab.server.url}examples/`);
  const runs = await page.evaluate(async ([t, s]) => {
    const { createParallelTrainer } = await import(new URL('../engine/parallel.mjs', location.href).href);
    const spawn = () => new Worker(new URL('../engine/replica.mjs', location.href), { type: 'module' });
    const out = {};
    for (const workers of [1, 2]) {
      const p = await createParallelTrainer({ spawn, workers, text: t, settings: s });
      out[workers] = { losses: [...(await p.train(20)).losses], workers: p.workers, prints: await p.fingerprints() };
      await p.dispose();
    }
    return out;
  }, [text, settings]);
  const ref = (await nodeLosses(20)).losses;
  assert.deepEqual(runs[1].losses, ref);
  assert.equal(runs[2].workers, 2);
  assert.equal(new Set(runs[2].prints).size, 1, 'the two replicas have the same weights');
  assertClose(runs[2].losses, ref, '2 workers');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the training worker trains with helper workers and reports how many', async () => {
  const page = await newPage(lab.browser);
  await page.goto(`${lab.server.url}examples/`);
  const runs = await page.evaluate(async ([t, s]) => {
    const worker = new Worker(new URL('../app/worker.js', location.href), { type: 'module' });
    let next = 1;
    const waiting = new Map();
    let progress = [];
    let stopped = null;
    worker.onmessage = (e) => {
      const m = e.data;
      if (m.id) { const w = waiting.get(m.id); waiting.delete(m.id); return m.ok ? w.resolve(m.result) : w.reject(new Error(m.error)); }
      if (m.type === 'progress') progress.push(m);
      if (m.type === 'stopped') stopped?.(m);
    };
    const ask = (cmd, args) => new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, cmd, args });
    });
    const train = async (budget) => {
      const done = new Promise((r) => { stopped = r; });
      await ask('start', { budget });
      const end = await done;
      if (end.reason !== 'done') throw new Error(`training stopped: ${end.reason} ${end.message ?? ''}`);
    };
    const out = {};
    // By default the helpers start after half a second of training alone: one per core (at most 4).
    await ask('init', { source: { text: t }, settings: s });
    let budget = 0;
    for (let i = 0; i < 40 && !(await ask('helpersState')).warmed; ++i) await train((budget += 100));
    progress = [];
    await train(budget + 30);
    out.default = { workers: [...new Set(progress.map((m) => m.workers))], cores: navigator.hardwareConcurrency };
    for (const n of [1, 2]) {
      await ask('setWorkers', { n });
      await ask('init', { source: { text: t }, settings: s });
      // Two runs: the first starts the helpers (it trains alone until they are ready), the
      // second copies the trained model into them and trains on all workers.
      for (const steps of [10, 30]) {
        progress = [];
        await train(steps);
        for (let i = 0; n === 2 && steps === 10 && i < 200 && !(await ask('helpersState')).warmed; ++i) {
          await new Promise((r) => setTimeout(r, 100)); // the helpers load their engines
        }
      }
      // A change outside training (the helpers' copies are stale): they are copied again first.
      await ask('setSettings', { settings: { lr: 1e-2 } });
      await ask('inspectStep', {});
      const before = progress.length;
      await train(45);
      const after = progress.slice(before);
      const info = await ask('info');
      out[n] = {
        losses: progress.slice(0, before).flatMap((m) => [...m.losses]), workers: [...new Set(progress.map((m) => m.workers))],
        after: after.flatMap((m) => [...m.losses]),
        step: info.step, helpers: await ask('helpersState'), top: (await ask('predict', { prompt: 'The', topK: 1 }))[0].token,
      };
    }
    worker.terminate();
    return out;
  }, [text, settings]);
  const node = await nodeLosses(30);
  const ref = node.losses.slice(10);
  assert.deepEqual(runs[1].workers, [1]);
  assert.deepEqual(runs[1].losses, ref, 'one worker: the same bits as node');
  assert.deepEqual(runs[1].after, node.after, 'one worker, after a new lr and an inspected step: the same bits');
  assert.deepEqual(runs[2].workers, [2], `the second run trains on the training worker and one helper: ${JSON.stringify(runs[2].helpers)}`);
  assert.equal(runs[2].step, 45);
  assertClose(runs[2].losses, ref, '2 workers');
  assertClose(runs[2].after, node.after, '2 workers, after a new lr and an inspected step (helpers copied again)');
  assert.equal(typeof runs[2].top, 'string');
  assert.deepEqual(runs.default.workers, [Math.min(runs.default.cores, 4, settings.batchSize)], 'by default: one worker per core');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
