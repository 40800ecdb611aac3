// One replica of a data-parallel training run (wasm/parallel.mjs): a worker — node worker_threads
// or a browser module Worker — holding its own engine and a copy of the model. It computes the
// gradient of its slice of each batch and applies the summed gradient it is sent, so every replica
// takes the same optimizer step and stays bit-identical to the others.
//
// Requests {id, cmd, ...} get one reply {id, ok, result | error}:
//   init  {text, settings}             → the trainer's info()
//   step  {apply, compute, rows}       → {stats, grads}: applies {grads, lossSum} when `apply` is
//                                        given, then, if `compute`, the gradient of rows [start,
//                                        start + count) of the next step (its buffer transferred)
//   call  {method, args}               → trainer[method](...args) (evaluate, info, exportCheckpoint…)
import { loadEngine } from './lab.mjs';

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof WorkerGlobalScope === 'undefined';
const port = isNode ? (await import('node:worker_threads')).parentPort : self;
const onMessage = (handler) => (isNode ? port.on('message', handler) : port.addEventListener('message', (e) => handler(e.data)));

let trainer = null;
let buffer = null; // the gradient buffer, passed back and forth (transferred, never copied)

const CALLS = new Set(['info', 'evaluate', 'exportCheckpoint', 'fingerprint', 'predict', 'generate', 'gradNorms', 'weight', 'setSettings']);

function step({ apply, compute, rows }) {
  let stats = null;
  if (apply) {
    stats = trainer.applyGradients(apply.grads, apply.lossSum);
    buffer = apply.grads;
  }
  let grads = null;
  if (compute && !stats?.diverged) {
    grads = trainer.gradientsFor(rows[0], rows[1], buffer);
    buffer = null;
  }
  return { stats, grads };
}

async function handle(msg) {
  if (msg.cmd === 'init') {
    const engine = await loadEngine();
    trainer?.dispose();
    trainer = engine.createTrainer(msg.text, msg.settings);
    buffer = null;
    return trainer.info();
  }
  if (!trainer) throw new Error('this replica has no model yet (send init first)');
  if (msg.cmd === 'step') return step(msg);
  if (msg.cmd === 'call' && CALLS.has(msg.method)) return trainer[msg.method](...(msg.args ?? []));
  throw new Error(`unknown replica request ${JSON.stringify(msg.cmd === 'call' ? msg.method : msg.cmd)}`);
}

onMessage(async (msg) => {
  try {
    const result = await handle(msg);
    const transfer = result?.grads?.grads ? [result.grads.grads.buffer] : [];
    port.postMessage({ id: msg.id, ok: true, result }, transfer);
  } catch (e) {
    port.postMessage({ id: msg.id, ok: false, error: String(e?.message ?? e) });
  }
});
