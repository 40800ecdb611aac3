// The pages (index.html, embed.html) start the first lab's worker before the lab's code has even
// been evaluated, and let it start before they go on: Chromium starts a worker only when the
// page thread is free, and the lab's start-up keeps that thread busy for a few hundred ms. The
// engine then downloads and compiles meanwhile. The first <training-loop-lab> that asks for a
// worker with that URL takes it (WorkerRpc.spawn); elements on other pages start their own.

const started = new Map(); // url → Worker
const MAX_WAIT_MS = 300;   // never hold the page longer than this

/**
 * Starts the worker; resolves once it runs (its first message), or after MAX_WAIT_MS.
 * @param {URL} url the worker module (app/worker.js)
 */
export function prestartWorker(url) {
  if (typeof Worker === 'undefined' || started.has(url.href)) return Promise.resolve();
  let w;
  try {
    w = new Worker(url, { type: 'module', name: 'training-loop-lab' });
  } catch {
    return Promise.resolve(); // the lab will start its own and report any problem
  }
  started.set(url.href, w);
  return new Promise((resolve) => {
    w.addEventListener('message', resolve, { once: true });
    w.addEventListener('error', () => {
      // Not yet handed over: drop it; the lab starts its own, and reports why if that fails too.
      if (started.get(url.href) === w) {
        started.delete(url.href);
        w.terminate();
      }
      resolve();
    }, { once: true });
    setTimeout(resolve, MAX_WAIT_MS);
  });
}

/** The pre-started worker for `url`, once (or null). */
export function takeWorker(url) {
  const w = started.get(url.href) ?? null;
  started.delete(url.href);
  return w;
}
