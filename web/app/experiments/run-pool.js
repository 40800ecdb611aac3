// The experiments' independent runs side by side on the cores: a pool of run workers
// (run-worker.js, nested Web Workers of the experiments worker), each with its own engine, each
// running one task at a time, next task to the first free worker. A run depends on its task only
// (runs.js), so the results are the same for any pool size, one worker included.
//
// Cost: each run worker holds one engine instance, 32 MB of wasm memory to start with (it grows if
// a run needs more) plus its compiled code; a sweep run's model is < 1 MB of that. So the pool is
// at most MAX_RUN_WORKERS, one per core, and uses at most a sixteenth of the device's memory where
// the browser says how much there is (navigator.deviceMemory).

export const MAX_RUN_WORKERS = 4;
/** What one run worker costs (its engine's memory and code), for the memory cap. */
export const RUN_WORKER_BYTES = 48 * 1024 * 1024;

/**
 * How many run workers for `runs` runs: one per core, at most MAX_RUN_WORKERS and the memory cap.
 * `requested` (a number ≥ 1) replaces the core count (the tests compare sizes 1 and 2).
 */
export function poolSize(runs, { requested, cores = globalThis.navigator?.hardwareConcurrency, deviceMemoryGB = globalThis.navigator?.deviceMemory } = {}) {
  const byMemory = deviceMemoryGB > 0 ? Math.floor((deviceMemoryGB * 2 ** 30) / 16 / RUN_WORKER_BYTES) : MAX_RUN_WORKERS;
  return Math.max(1, Math.min(requested ?? cores ?? 1, runs, MAX_RUN_WORKERS, byMemory));
}

/** One job's run workers: started by run(), ended when it settles (or on cancel()). */
export class RunPool {
  /** @param {URL} url run-worker.js  @param {number} size workers at most */
  constructor(url, size) {
    this.url = url;
    this.size = size;
    this.workers = [];
    this.settle = null;
  }

  /**
   * Runs every task; on.progress(i, msg) while run i trains, on.done(i, result) when it ends.
   * Resolves {cancelled, results (task order), spans: [start, end] ms per run (this worker's
   * clock), memoryBytes (the largest run worker's engine)}; rejects with a one-line Error naming
   * the run when one fails or its worker crashes (every other run is stopped too).
   */
  run(tasks, on = {}) {
    return new Promise((resolve, reject) => {
      const results = new Array(tasks.length);
      const spans = tasks.map(() => [null, null]);
      let next = 0;
      let done = 0;
      let memoryBytes = 0;
      const outcome = (cancelled) => ({ cancelled, results, spans, memoryBytes });
      const end = (fn) => {
        if (!this.settle) return;
        this.settle = null;
        for (const w of this.workers) w.terminate();
        this.workers = [];
        fn();
      };
      this.settle = { cancel: () => end(() => resolve(outcome(true))) };
      const fail = (i, why) => end(() => reject(new Error(`run ${i + 1} of ${tasks.length} ${why}`)));
      const give = (w) => {
        if (next >= tasks.length) return;
        const i = next++;
        spans[i][0] = performance.now();
        w.onmessage = ({ data: m }) => {
          if (m.type === 'progress') on.progress?.(i, m);
          else if (m.type === 'error') fail(i, `failed: ${m.error}`);
          else if (m.type === 'done') {
            spans[i][1] = performance.now();
            results[i] = m.result;
            memoryBytes = Math.max(memoryBytes, m.memoryBytes ?? 0);
            on.done?.(i, m.result);
            if (++done === tasks.length) end(() => resolve(outcome(false)));
            else give(w);
          }
        };
        w.onerror = (ev) => { ev.preventDefault?.(); fail(i, `stopped: its worker crashed (${ev.message || 'no message'})`); };
        w.onmessageerror = () => fail(i, 'stopped: a message from its worker could not be read');
        w.postMessage({ task: tasks[i], threads: Math.min(this.size, tasks.length) });
      };
      if (!tasks.length) { end(() => resolve(outcome(false))); return; }
      try {
        for (let k = 0; k < Math.min(this.size, tasks.length); k++) {
          const w = new Worker(this.url, { type: 'module', name: `training-loop-lab-run-${k + 1}` });
          this.workers.push(w);
          give(w);
        }
      } catch (e) {
        end(() => reject(new Error(`the run workers could not start: ${e?.message ?? e}`)));
      }
    });
  }

  /** Stops every run at once (ends the workers); run() resolves with cancelled: true. */
  cancel() { this.settle?.cancel(); }
}
