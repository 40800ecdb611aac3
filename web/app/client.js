// The page side of the training worker (no DOM). Promise-based requests; training progress and
// stops arrive as events. If the worker dies, the client starts a new one and replays the last
// text source and settings, so the learner loses the trained weights but not the experiment. The
// text itself stays in the worker: the page sends a source ({text} | {url} | {blob, name}).
//
// Events (EventTarget): 'progress', 'stopped' (detail = worker message), 'crash' ({message}),
// 'restarted' ({info}). Only the current training run's 'progress' and 'stopped' are passed on
// (each carries its run number; see worker.js): a late message of an ended run changes nothing.

import { WorkerRpc } from './worker-rpc.js';

export class LabClient extends WorkerRpc {
  /** @param {string} baseUrl the folder of training-loop-lab.js */
  constructor(baseUrl) {
    super(new URL('app/worker.js', baseUrl), 'training-loop-lab');
    this.lastSource = null; // the text source read last
    this.lastInit = null;   // {source, settings}
    this.run = 0;         // the training run the page shows (0: none yet)
    this.workers = null;  // the workers count set last (null: as many as fit)
    this.spawn();
  }

  onMessage(msg) {
    if (msg.id === undefined && (msg.type === 'progress' || msg.type === 'stopped') && msg.run !== this.run) return;
    super.onMessage(msg);
  }

  async onCrash(message) {
    if (this.closed) return;
    this.run = 0;
    this.stopWorker(`worker stopped: ${message}`);
    this.dispatchEvent(new CustomEvent('crash', { detail: { message } }));
    this.spawn();
    // The workers count first (no model yet: not checked), then the model as before.
    if (this.workers !== null) this.call('setWorkers', { n: this.workers }).catch(() => {});
    if (!this.lastInit) return;
    try {
      const r = await this.call('init', this.lastInit);
      this.dispatchEvent(new CustomEvent('restarted', { detail: r }));
    } catch (e) {
      this.dispatchEvent(new CustomEvent('crash', { detail: { message: e.message } }));
    }
  }

  load() { return this.call('load'); }

  /** Reads a text in the worker (the next model's): resolves {chars, bytes, preview}. */
  async readText(source) {
    const info = await this.call('readText', { source });
    this.lastSource = source;
    return info;
  }

  /**
   * A new model for the text read last, or for `source` (read first; `early`: at page start, the
   * worker reads it at once and posts {type:'text', info} before the model is made).
   */
  async init({ source, early = false, settings, firstStep = false }) {
    const r = await this.call('init', { source, early, settings, firstStep });
    if (source) this.lastSource = source;
    this.lastInit = { source: this.lastSource, settings };
    return r;
  }

  async loadCheckpoint(bytes, settings) {
    const r = await this.call('loadCheckpoint', { bytes, settings }, [bytes.buffer]);
    return r;
  }

  async setSettings(settings) {
    const r = await this.call('setSettings', { settings });
    if (this.lastInit) this.lastInit = { ...this.lastInit, settings: { ...this.lastInit.settings, ...settings } };
    return r;
  }

  /** How many workers train (null: as many as fit); resolves the worker's summary (helpers.js). */
  async setWorkers(n) {
    const r = await this.call('setWorkers', { n });
    this.workers = n;
    return r;
  }

  async start(budget) {
    const r = await this.call('start', { budget });
    this.run = r.run;
    return r;
  }

  pause() { return this.call('pause'); }
}
