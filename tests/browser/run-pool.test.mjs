// The experiments' independent runs go side by side in a pool of run workers (web/app/experiments/
// run-pool.js), in headless Chromium: the experiments worker reports its pool size and the runs'
// times, which overlap with two workers; the numbers of the optimizer race and of the scaling
// sweep are the same with one worker and with two; cancel stops every run at once; a crashed run
// worker gives a clear error and the next job works.
import { test as nodeTest, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertEngineBuilt, serve, launch, newPage, repo } from './helpers.mjs';

const test = (name, fn) => nodeTest(name, { timeout: 120_000 }, fn);

let server, browser, page, crashDir;
const TEXT = readFileSync(path.join(repo, 'web/samples/rhymes.txt'), 'utf8');
const SETTINGS = { nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 16, batchSize: 4, seed: 3, valFraction: 0.1 };
const RACE = { text: TEXT, settings: SETTINGS, steps: 40, lrs: { sgd: 0.1, momentum: 0.05, adamw: 3e-3 }, tensor: 'transformer.wte.weight', index: 5 };

before(async () => {
  assertEngineBuilt();
  // A run worker that dies after its first report (an uncaught error: what a crash looks like).
  crashDir = mkdtempSync(path.join(os.tmpdir(), 'lab-crash-'));
  writeFileSync(path.join(crashDir, 'crash-worker.js'),
    'self.onmessage = () => { self.postMessage({ type: "progress", step: 1 }); setTimeout(() => { throw new Error("boom"); }); };');
  server = await serve({ extraMounts: [['/crash/', [crashDir]]] });
  browser = await launch();
  page = await newPage(browser);
  await page.goto(`${server.url}examples/index.html`);
  // A page-side harness: one experiments worker, requests with their progress messages.
  await page.evaluate(() => {
    const w = new Worker('/app/experiments/experiments-worker.js', { type: 'module' });
    let id = 0;
    const pending = new Map();
    window.progress = [];
    w.onmessage = ({ data }) => {
      if (data.id === undefined) { window.progress.push({ ...data, at: performance.now() }); return; }
      pending.get(data.id)(data);
      pending.delete(data.id);
    };
    window.ask = (cmd, args) => new Promise((resolve) => { pending.set(++id, resolve); w.postMessage({ id, cmd, args }); });
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (crashDir) rmSync(crashDir, { recursive: true, force: true });
});

const ask = (cmd, args) => page.evaluate(([c, a]) => window.ask(c, a), [cmd, args]);
const progressOf = (job) => page.evaluate((j) => window.progress.filter((m) => m.job === j), job);

/** Do the [start, end] spans of two runs overlap in time? */
const overlap = ([a0, a1], [b0, b1]) => a0 < b1 && b0 < a1;

test('the optimizer race: the three runs side by side, the same numbers with 1 and 2 workers', async () => {
  const one = await ask('race', { ...RACE, job: 'race-1', pool: 1 });
  const two = await ask('race', { ...RACE, job: 'race-2', pool: 2 });
  assert.ok(one.ok && two.ok, `${one.error ?? ''} ${two.error ?? ''}`);
  assert.equal(one.result.pool, 1);
  assert.equal(two.result.pool, 2);
  assert.deepEqual(two.result.final, one.result.final);
  assert.deepEqual(two.result.fingerprints, one.result.fingerprints);
  assert.ok(one.result.final.every((f) => Number.isFinite(f.trainLoss)), JSON.stringify(one.result.final));
  // One worker: one run after the other. Two: runs 1 and 2 at the same time.
  const s1 = one.result.spans;
  assert.ok(s1[0][1] <= s1[1][0] && s1[1][1] <= s1[2][0], `sequential: ${JSON.stringify(s1)}`);
  assert.ok(overlap(two.result.spans[0], two.result.spans[1]), `overlapping: ${JSON.stringify(two.result.spans)}`);
  // Progress streamed per run, for each of the three. (Whether two runs' reports interleave is
  // the machine's timing; that they ran at the same time is the spans' overlap above.)
  const runs = (await progressOf('race-2')).map((m) => m.run);
  assert.deepEqual([...new Set(runs)].sort(), [0, 1, 2], `reports of each run: ${runs.join('')}`);
  // Each run's losses arrive whole and in order: the streamed ones are the run's own numbers.
  const streamed = (await progressOf('race-1')).filter((m) => m.run === 2).flatMap((m) => m.losses);
  assert.equal(streamed.length, RACE.steps);
  assert.ok(two.result.memoryBytes >= 32 * 1024 * 1024, `one run worker's engine: ${two.result.memoryBytes} bytes`);
});

test('the scaling sweep: 9 runs, the same rows with 1 and 2 workers', async () => {
  const args = { texts: [TEXT], steps: 12, budget: 'tokens' };
  const one = await ask('sweep', { ...args, job: 'sweep-1', pool: 1 });
  const two = await ask('sweep', { ...args, job: 'sweep-2', pool: 2 });
  assert.ok(one.ok && two.ok, `${one.error ?? ''} ${two.error ?? ''}`);
  assert.equal(two.result.pool, 2);
  const numbersOf = (rows) => rows.map(({ seconds, ...r }) => r); // the time is the only difference
  assert.equal(one.result.rows.length, 9);
  assert.deepEqual(numbersOf(two.result.rows), numbersOf(one.result.rows));
  assert.ok(one.result.rows.every((r) => Number.isFinite(r.bestVal) && r.steps === 12));
  const sp = two.result.spans;
  assert.ok(sp.some((a, i) => sp.some((b, j) => i !== j && overlap(a, b))), `overlapping: ${JSON.stringify(sp)}`);
});

test('cancel stops every run at once; a crashed run worker fails the job with a clear error', async () => {
  const long = page.evaluate((a) => window.ask('race', a), { ...RACE, steps: 100_000, job: 'long', pool: 2 });
  await page.waitForFunction(() => new Set(window.progress.filter((m) => m.job === 'long').map((m) => m.run)).size === 2, null, { timeout: 60_000 });
  await ask('cancel', { job: 'long' });
  const res = await long;
  assert.equal(res.ok, true);
  assert.equal(res.result.cancelled, true);
  const n = (await progressOf('long')).length;
  await page.waitForTimeout(300); // (no timing asserted: nothing may arrive after the reply)
  assert.equal((await progressOf('long')).length, n, 'no run goes on after the cancel');
  // A crashed run worker: the pool stops the other runs and fails the job, naming the run.
  const crashed = await page.evaluate(async () => {
    const { RunPool } = await import('/app/experiments/run-pool.js');
    const pool = new RunPool(new URL('/crash/crash-worker.js', location.href), 2);
    const seen = [];
    return pool.run([{}, {}, {}], { progress: (i) => seen.push(i) })
      .then(() => 'resolved', (e) => ({ message: e.message, seen, workers: pool.workers.length }));
  });
  assert.match(crashed.message, /^run [12] of 3 stopped: its worker crashed \(.*boom.*\)$/);
  assert.equal(crashed.workers, 0, 'every run worker ended');
  assert.ok(crashed.seen.length >= 1, 'its progress arrived before the crash');
  const again = await ask('race', { ...RACE, steps: 5, job: 'after', pool: 2 });
  assert.ok(again.ok && !again.result.cancelled, again.error);
});
