// One replica of a data-parallel training run (wasm/parallel.mjs): the entry script of a worker —
// node worker_threads or a browser module Worker — holding its own engine and a copy of the
// model. It computes the gradient of its slice of each batch and applies the summed gradient it
// is sent, so every replica takes the same optimizer step. Requests {id, cmd, ...} (parallel.mjs
// replicaHandler) get one reply {id, ok, result | error}; gradients go back transferred.
import { loadEngine } from './lab.mjs';
import { replicaHandler } from './parallel.mjs';

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof WorkerGlobalScope === 'undefined';
const port = isNode ? (await import('node:worker_threads')).parentPort : self;
const onMessage = (handler) => (isNode ? port.on('message', handler) : port.addEventListener('message', (e) => handler(e.data)));

const handle = replicaHandler({ loadEngine });
let queue = Promise.resolve(); // one request at a time, in order
onMessage((msg) => {
  queue = queue.then(async () => {
    if (msg.cmd === 'crash') { // test hook: this worker dies as in a crash (an uncaught error), after replying
      port.postMessage({ id: msg.id, ok: true, result: true });
      setTimeout(() => { throw new Error('simulated replica crash'); });
      return;
    }
    if (msg.cmd === 'hang') { // test hook: this worker stops answering (as a killed or frozen one), after replying
      port.postMessage({ id: msg.id, ok: true, result: true });
      setTimeout(() => { for (;;); });
      return;
    }
    try {
      const result = await handle(msg);
      port.postMessage({ id: msg.id, ok: true, result }, result?.grads?.grads ? [result.grads.grads.buffer] : []);
    } catch (e) {
      port.postMessage({ id: msg.id, ok: false, error: String(e?.message ?? e) });
    }
  });
});
