// The page side of the training worker (no DOM). Promise-based requests; training progress and
// stops arrive as events. If the worker dies, the client starts a new one and replays the last
// text and settings, so the learner loses the trained weights but not the experiment.
//
// Events (EventTarget): 'progress', 'stopped' (detail = worker message), 'crash' ({message}),
// 'restarted' ({info}).

import { WorkerRpc } from './worker-rpc.js';

export class LabClient extends WorkerRpc {
  /** @param {string} baseUrl the folder of training-loop-lab.js */
  constructor(baseUrl) {
    super(new URL('app/worker.js', baseUrl), 'training-loop-lab');
    this.lastInit = null; // {text, settings}
    this.training = false;
    this.spawn();
  }

  onMessage(msg) {
    if (msg.id === undefined && msg.type === 'stopped') this.training = false;
    super.onMessage(msg);
  }

  async onCrash(message) {
    if (this.closed) return;
    this.training = false;
    this.stopWorker(`worker stopped: ${message}`);
    this.dispatchEvent(new CustomEvent('crash', { detail: { message } }));
    this.spawn();
    if (!this.lastInit) return;
    try {
      const r = await this.call('init', this.lastInit);
      this.dispatchEvent(new CustomEvent('restarted', { detail: r }));
    } catch (e) {
      this.dispatchEvent(new CustomEvent('crash', { detail: { message: e.message } }));
    }
  }

  load() { return this.call('load'); }

  /** A new model from {text} or {textUrl} (fetched by the worker; the reply has the text). */
  async init({ text, textUrl, settings, firstStep = false }) {
    const r = await this.call('init', { text, textUrl, settings, firstStep });
    this.lastInit = { text: r.text ?? text, settings };
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

  async start(budget) {
    this.training = true;
    try { await this.call('start', { budget }); } catch (e) { this.training = false; throw e; }
  }

  pause() { return this.call('pause'); }
}
