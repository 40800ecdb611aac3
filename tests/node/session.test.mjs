// The lab's session (web/app/session.js) without a browser: the real LabClient talks to a fake
// worker that keeps the training worker's ordering rules (one request at a time, in order; every
// request that ends or replaces the model stops the run and posts its 'stopped' first; each run
// has a number). Checks the guarantees of the session's ordered action queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabSession } from '../../web/app/session.js';
import { LabClient } from '../../web/app/client.js';
import { readState } from '../../web/app/state.js';

const tick = () => new Promise((r) => setImmediate(r));

/** The training worker's protocol, with a pretend model: a step is a counter. */
class FakeWorker {
  constructor(deliver) {
    this.deliver = deliver;      // (msg) => the client's onMessage, one task later (like postMessage)
    this.log = [];               // commands in the order the worker handled them
    this.queue = Promise.resolve();
    this.step = 0;
    this.run = 0;
    this.running = false;
    this.loopDone = null;
    this.model = 0;
  }

  post(msg) { setImmediate(() => this.deliver(msg)); }

  postMessage({ id, cmd, args }) {
    this.queue = this.queue.then(async () => {
      this.log.push(cmd);
      try {
        this.post({ id, ok: true, result: await this[cmd](args) });
      } catch (e) {
        this.post({ id, ok: false, error: e.message });
      }
    });
  }

  terminate() {}

  info() { return { step: this.step, trainTokens: 1000, valTokens: 100, vocabSize: 20, params: 123, tokensPerStep: 64, config: { block_size: 8 }, settings: {}, model: this.model }; }

  async stopLoop() { this.running = false; await this.loopDone; }

  load() { return {}; }
  async init() { await this.stopLoop(); this.step = 0; this.model += 1; return { info: this.info(), val: null }; }
  async reset() { await this.stopLoop(); this.step = 0; return { info: this.info(), val: null }; }
  async pause() { await this.stopLoop(); return { step: this.step }; }
  train({ n }) { this.step += n; return { step: this.step, losses: Array(n).fill(2), tokensPerSecond: 1000, val: null }; }
  setSettings() { return {}; }
  predict() { return []; }

  start({ budget }) {
    if (this.running) return { run: this.run };
    this.running = true;
    const id = ++this.run;
    this.loopDone = new Promise((resolve) => {
      const chunk = () => {
        if (!this.running) {
          this.post({ type: 'stopped', run: id, reason: 'pause', step: this.step, val: null });
          resolve();
          return;
        }
        this.step += 1;
        this.post({ type: 'progress', run: id, step: this.step, loss: 2, losses: [2], tokensPerSecond: 1000, val: null });
        if (budget > 0 && this.step >= budget) {
          this.running = false;
          this.post({ type: 'stopped', run: id, reason: 'done', step: this.step, val: null });
          resolve();
          return;
        }
        setImmediate(chunk);
      };
      setImmediate(chunk); // the loop begins after the start reply is out
    });
    return { run: id };
  }
}

/** The real client over the fake worker. */
class TestClient extends LabClient {
  spawn() { this.worker = new FakeWorker((msg) => this.onMessage(msg)); }
}

async function session({ steps = 0 } = {}) {
  const { state } = readState(() => null);
  state.steps = steps;
  const s = new LabSession({ baseUrl: 'http://lab.test/', state, client: new TestClient('http://lab.test/') });
  await s.showModel(await s.init({}));
  return s;
}

const events = (s, ...types) => {
  const seen = [];
  for (const t of types) s.addEventListener(t, (e) => seen.push([t, e.detail]));
  return seen;
};

test('reset() then start() without waiting: the session ends up training', async () => {
  const s = await session();
  await s.start();
  s.reset();
  await s.start();
  assert.equal(s.running, true);
  for (let i = 0; i < 5; i++) await tick();
  assert.equal(s.running, true, "the reset's 'stopped' never marks the new run as stopped");
  assert.ok(s.client.worker.running);
  await s.pause();
  assert.equal(s.running, false);
  s.close();
});

test("a stale run's 'stopped' and 'progress' change nothing", async () => {
  const s = await session();
  await s.start();
  const old = s.client.run;
  await s.pause();
  await s.start();
  assert.notEqual(s.client.run, old);
  const stepNow = s.step;
  const seen = events(s, 'stopped', 'progress');
  s.client.onMessage({ type: 'stopped', run: old, reason: 'pause', step: 0, val: null });
  s.client.onMessage({ type: 'progress', run: old, step: 99_999, loss: 1, losses: [1], tokensPerSecond: 1, val: null });
  assert.equal(s.running, true);
  assert.ok(s.step < 99_999 && s.step >= stepNow);
  assert.deepEqual(seen, []);
  await s.pause();
  s.close();
});

test('pause() always reaches the worker, after what was asked before it', async () => {
  const s = await session();
  const w = s.client.worker;
  s.start();
  s.stepOnce();             // refused while running (it waits its turn, then sees the run)
  const paused = s.pause();
  await paused;
  assert.equal(s.running, false);
  assert.equal(w.running, false);
  const log = w.log.slice(w.log.indexOf('start'));
  assert.deepEqual(log, ['start', 'pause']);
  // A pause with nothing running still goes to the worker (it may be mid-start elsewhere).
  await s.pause();
  assert.equal(w.log.at(-1), 'pause');
  s.close();
});

test('actions run one after another in the order asked; a failing one does not block the next', async () => {
  const s = await session();
  const w = s.client.worker;
  const errors = events(s, 'error');
  w.train = () => { throw new Error('engine said no'); };
  const from = w.log.length;
  s.stepOnce();
  s.reset();
  s.stepOnce();
  await s.start();
  assert.deepEqual(w.log.slice(from), ['train', 'pause', 'reset', 'train', 'start']);
  assert.deepEqual(errors.map(([, d]) => d.message), ['engine said no', 'engine said no']);
  assert.equal(s.running, true);
  await s.pause();
  s.close();
});

test('a budget: the run stops as done, and start() then says the budget is used up', async () => {
  const s = await session({ steps: 3 });
  const seen = events(s, 'stopped', 'budget');
  await s.start();
  while (s.running) await tick();
  assert.equal(s.step, 3);
  assert.deepEqual(seen.map(([t, d]) => [t, d.reason ?? d.steps]), [['stopped', 'done']]);
  await s.start();
  assert.equal(s.running, false);
  assert.deepEqual(seen.at(-1), ['budget', { steps: 3 }]);
  assert.equal(s.history.losses.length, 3);
  s.close();
});

test("a new model resets step and history, and waits for its listeners' work", async () => {
  const s = await session();
  await s.stepOnce();
  await s.stepOnce();
  assert.equal(s.step, 2);
  assert.equal(s.history.losses.length, 2);
  let shown = false;
  s.addEventListener('model', (e) => e.detail.waitUntil(tick().then(() => { shown = true; })));
  await s.reset();
  assert.equal(shown, true, 'reset() resolves once the model listeners are done');
  assert.equal(s.step, 0);
  assert.equal(s.history.losses.length, 0);
  assert.deepEqual(s.snapshot(), { step: 0, loss: null, valLoss: null, tokensPerSecond: 0, params: 123, vocabSize: 20 });
  s.close();
});

test('the prompt: the state, else the sample text, else the start of the text', async () => {
  const s = await session();
  assert.equal(s.prompt(), 'The capital of France is');
  s.state.text = 'custom';
  s.useText({ text: 'Hello there, world' }, { chars: 18, bytes: 18, preview: 'Hello there, world' });
  assert.equal(s.prompt(), 'Hello there, wor');
  s.state.prompt = 'Hi';
  assert.equal(s.prompt(), 'Hi');
  s.close();
});

test('the session, its client and what they import never touch the DOM', async () => {
  const { readFile } = await import('node:fs/promises');
  for (const f of ['session.js', 'client.js', 'worker-rpc.js', 'history.js', 'state.js', 'text-limits.js']) {
    const src = await readFile(new URL(`../../web/app/${f}`, import.meta.url), 'utf8');
    const code = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, ''); // without comments
    assert.doesNotMatch(code, /\b(document|window|HTMLElement|querySelector|requestAnimationFrame)\b/, f);
  }
});
