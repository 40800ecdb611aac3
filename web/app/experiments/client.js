// The page side of the experiments worker (no DOM): promise-based requests, 'progress' events for long
// jobs. The worker starts on the first request; if it dies, pending requests fail with a clear
// message and the next request starts a new one.

import { WorkerRpc } from '../worker-rpc.js';

/** Starts its worker on the first request; a crash fails what is pending, the next request restarts it. */
export class ExperimentsClient extends WorkerRpc {
  /** @param {string} baseUrl the folder of training-loop-lab.js */
  constructor(baseUrl) { super(new URL('app/experiments/experiments-worker.js', baseUrl), 'training-loop-lab-experiments'); }

  onCrash(message) { this.stopWorker(`the experiments worker stopped: ${message}`); }
}
