// The page side of the training worker (no DOM). Promise-based requests; training progress and
// stops arrive as events. If the worker dies, the client starts a new one and replays the last
// text and settings, so the learner loses the trained weights but not the experiment.
//
// Events (EventTarget): 'progress', 'stopped' (detail = worker message), 'crash' ({message}),
// 'restarted' ({info}).

const WORKER_URL = new URL('./worker.js', import.meta.url);

export class LabClient extends EventTarget {
  constructor() {
    super();
    this.nextId = 1;
    this.pending = new Map();
    this.lastInit = null; // {text, settings}
    this.training = false;
    this.closed = false;
    this.spawn();
  }

  spawn() {
    this.worker = new Worker(WORKER_URL, { type: 'module', name: 'training-loop-lab' });
    this.worker.onmessage = (ev) => this.onMessage(ev.data);
    this.worker.onerror = (ev) => {
      ev.preventDefault?.();
      this.onCrash(ev.message || 'worker error');
    };
    this.worker.onmessageerror = () => this.onCrash('a message could not be read');
  }

  onMessage(msg) {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
      return;
    }
    if (msg.type === 'stopped') this.training = false;
    this.dispatchEvent(new CustomEvent(msg.type, { detail: msg }));
  }

  async onCrash(message) {
    if (this.closed) return;
    this.worker.terminate();
    this.training = false;
    for (const p of this.pending.values()) p.reject(new Error(`worker stopped: ${message}`));
    this.pending.clear();
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

  call(cmd, args, transfer = []) {
    if (this.closed) return Promise.reject(new Error('lab closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, cmd, args }, transfer);
    });
  }

  load() { return this.call('load'); }

  async init(text, settings) {
    const r = await this.call('init', { text, settings });
    this.lastInit = { text, settings };
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

  close() {
    this.closed = true;
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('lab closed'));
    this.pending.clear();
  }
}
