// The page side of the ideas worker (no DOM): promise-based requests, 'progress' events for long
// jobs. The worker starts on the first request; if it dies, pending requests fail with a clear
// message and the next request starts a new one.

const WORKER_URL = new URL('./ideas-worker.js', import.meta.url);

export class IdeasClient extends EventTarget {
  constructor() {
    super();
    this.nextId = 1;
    this.pending = new Map();
    this.worker = null;
    this.closed = false;
  }

  spawn() {
    const w = new Worker(WORKER_URL, { type: 'module', name: 'training-loop-lab-ideas' });
    w.onmessage = (ev) => this.onMessage(ev.data);
    w.onerror = (ev) => { ev.preventDefault?.(); this.onCrash(ev.message || 'worker error'); };
    w.onmessageerror = () => this.onCrash('a message could not be read');
    this.worker = w;
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
    this.dispatchEvent(new CustomEvent(msg.type, { detail: msg }));
  }

  onCrash(message) {
    this.worker?.terminate();
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new Error(`the experiments worker stopped: ${message}`));
    this.pending.clear();
  }

  call(cmd, args = {}, transfer = []) {
    if (this.closed) return Promise.reject(new Error('lab closed'));
    if (!this.worker) this.spawn();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, cmd, args }, transfer);
    });
  }

  close() {
    this.closed = true;
    this.worker?.terminate();
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new Error('lab closed'));
    this.pending.clear();
  }
}
