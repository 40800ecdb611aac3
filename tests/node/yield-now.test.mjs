// web/app/yield-now.js: the training loops' yield to the event loop (a MessageChannel message to
// the thread itself, not a chain of setTimeout(0)s, which browsers clamp to 4 ms each).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_SLICE_MS, betweenChunks, pauseForPage, yieldNow } from '../../web/app/yield-now.js';

test('yieldNow resolves in a later task: the microtasks queued meanwhile run first', async () => {
  const order = [];
  const y = yieldNow().then(() => order.push('yield'));
  queueMicrotask(() => order.push('microtask'));
  await y;
  assert.deepEqual(order, ['microtask', 'yield']);
});

test('yields awaited concurrently resolve once each, in the order they were asked for', async () => {
  const order = [];
  await Promise.all([0, 1, 2, 3, 4].map((i) => yieldNow().then(() => order.push(i))));
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
});

test('a loop of yields is not a chain of nested timers: it never asks for a timer', async () => {
  const real = globalThis.setTimeout;
  globalThis.setTimeout = () => { throw new Error('yieldNow used setTimeout'); };
  try {
    for (let i = 0; i < 50; ++i) await yieldNow();
  } finally {
    globalThis.setTimeout = real;
  }
});

// The timers `wait()` asks for (each still fires, at once).
async function timersAskedBy(wait) {
  const asked = [];
  const real = globalThis.setTimeout;
  globalThis.setTimeout = (f, ms) => { asked.push(ms); return real(f, 0); };
  try {
    await wait();
  } finally {
    globalThis.setTimeout = real;
  }
  return asked;
}

test('pauseForPage waits PAGE_SLICE_MS on a timer (a slice of the core for the page)', async () => {
  assert.deepEqual(await timersAskedBy(pauseForPage), [PAGE_SLICE_MS]);
});

test('betweenChunks yields at once while a core is left for the page, else leaves it a slice', async () => {
  assert.deepEqual(await timersAskedBy(() => betweenChunks(1, 2)), []);
  assert.deepEqual(await timersAskedBy(() => betweenChunks(3, 8)), []);
  assert.deepEqual(await timersAskedBy(() => betweenChunks(2, 2)), [PAGE_SLICE_MS]);
  assert.deepEqual(await timersAskedBy(() => betweenChunks(4, 4)), [PAGE_SLICE_MS]);
});
