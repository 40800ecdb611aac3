// Request/reply over a module Web Worker (no DOM): call(cmd, args) posts {id, cmd, args} and
// resolves with the worker's {id, ok, result | error}; messages without an id are re-dispatched
// as events named by their `type`. Subclasses decide what a crash means (onCrash).

import { takeWorker } from './prestart.js';

/** The lab's code is on another origin than the page, so its worker cannot start. */
export class WorkerOriginError extends Error {
  constructor(scriptOrigin, pageOrigin, detail = '') {
    super(`The lab's code comes from ${scriptOrigin} but this page is on ${pageOrigin}: browsers start the lab's worker only from the page's own origin${detail ? ` (${detail})` : ''}. Serve the lab from this site, or embed it with the iframe form (embed.html).`);
    this.name = 'WorkerOriginError';
    this.code = 'worker-cross-origin';
    this.scriptOrigin = scriptOrigin;
    this.pageOrigin = pageOrigin;
  }
}

export class WorkerRpc extends EventTarget {
  /** @param {URL} url the worker module  @param {string} name the worker's name (devtools) */
  constructor(url, name) {
    super();
    this.url = url;
    this.name = name;
    this.nextId = 1;
    this.pending = new Map(); // id → {resolve, reject, cmd, sentAt}: requests not answered yet
    this.worker = null;
    this.closed = false;
  }

  spawn() {
    const w = takeWorker(this.url) ?? this.newWorker();
    w.onmessage = (ev) => this.onMessage(ev.data);
    w.onerror = (ev) => { ev.preventDefault?.(); this.onCrash(ev.message || 'worker error'); };
    w.onmessageerror = () => this.onCrash('a message could not be read');
    this.worker = w;
  }

  /**
   * A module worker must come from the page's own origin: a lab whose code is loaded from another
   * site (a one-tag embed pointing elsewhere) cannot start one. Say so (WorkerOriginError) instead
   * of the browser's bare SecurityError, whichever way the browser reports it.
   */
  newWorker() {
    const page = globalThis.location?.origin;
    if (page && page !== 'null' && this.url.origin !== page) throw new WorkerOriginError(this.url.origin, page);
    try {
      return new Worker(this.url, { type: 'module', name: this.name });
    } catch (e) {
      if (e?.name === 'SecurityError') throw new WorkerOriginError(this.url.origin, page ?? '', e.message);
      throw e;
    }
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

  /** Ends the worker and fails every pending request with `reason`. */
  stopWorker(reason) {
    this.worker?.terminate();
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }

  onCrash(message) { this.stopWorker(`worker stopped: ${message}`); }

  call(cmd, args = {}, transfer = []) {
    if (this.closed) return Promise.reject(new Error('lab closed'));
    if (!this.worker) {
      try { this.spawn(); } catch (e) { return Promise.reject(e); }
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, cmd, sentAt: performance.now() });
      this.worker.postMessage({ id, cmd, args }, transfer);
    });
  }

  close() {
    this.closed = true;
    this.stopWorker('lab closed');
  }
}
