// A run worker: started by the experiments worker's pool (run-pool.js), one per core it uses. It
// has its own engine and runs one task at a time (runs.js): {task, threads (the pool's workers)} →
// {type:'progress', …} after each chunk, then {type:'done', result, memoryBytes} or
// {type:'error', error}. Cancelling is the pool ending this worker: nothing here has to be told.
import { startEngineLoad } from '../engine-load.js';
import { runTask } from './runs.js';

const loadEngine = startEngineLoad(new URL('../../engine/', import.meta.url));

self.onmessage = async (ev) => {
  const { task, threads } = ev.data ?? {};
  try {
    const engine = await loadEngine();
    const result = await runTask(engine, task, (p) => self.postMessage({ type: 'progress', ...p }), threads);
    // What this worker costs: its engine's memory (the compiled code comes on top).
    self.postMessage({ type: 'done', result, memoryBytes: engine.memoryBytes() });
  } catch (e) {
    self.postMessage({ type: 'error', error: String(e?.message ?? e) });
  }
};
