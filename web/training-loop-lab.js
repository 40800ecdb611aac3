// <training-loop-lab>: a tiny GPT that learns in the browser, as one custom element.
// Public contract (see README): attributes = the fields of app/state.js; methods start(), pause(),
// step(), reset(); events lab-ready, lab-step, lab-done, lab-error (bubbling, composed) and
// lab-change (detail.query: the state as a URL query). Each element has its own worker and state.
import { LabController } from './app/controller.js';
import { ATTRIBUTE_NAMES } from './app/state.js';
import { t } from './app/strings.js';

const BASE = new URL('./', import.meta.url);
const STYLESHEETS = [new URL('./styles/element.css', BASE).href]; // lab, experiments and uPlot styles

export class TrainingLoopLab extends HTMLElement {
  static get observedAttributes() { return ATTRIBUTE_NAMES; }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    // Styles come from files (strict CSP: no inline styles). The lab draws once they are in, so
    // the chart picks up the theme's colours; a missing sheet delays it by at most a second.
    this.styled = Promise.all(STYLESHEETS.map((href) => new Promise((resolve) => {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = href;
      link.onload = link.onerror = resolve;
      setTimeout(resolve, 1000);
      root.append(link);
    })));
    this.controller = null;
    this.ready = new Promise((resolve) => { this.resolveReady = resolve; });
  }

  connectedCallback() {
    if (this.controller) return;
    this.controller = new LabController(this, this.shadowRoot, BASE.href);
    this.addEventListener('lab-ready', () => this.resolveReady(), { once: true });
    this.controller.connect().catch((e) => this.startFailed(e));
  }

  /**
   * Start-up failed. Before the sections are drawn (e.g. the worker cannot start because the lab's
   * code is on another origin) the controller has nowhere to say so: the message goes straight
   * into the shadow root, and out as lab-error.
   */
  startFailed(e) {
    const c = this.controller;
    const lang = c?.state?.lang ?? 'en';
    const message = e?.code === 'worker-cross-origin'
      ? t(lang, 'crossOrigin', { lab: e.scriptOrigin, page: e.pageOrigin })
      : String(e?.message ?? e);
    if (c?.notices) { c.fail(message); return; }
    const note = document.createElement('div');
    note.className = 'notice start-error';
    note.setAttribute('role', 'alert');
    note.textContent = message;
    const box = document.createElement('div');
    box.className = 'lab';
    box.lang = lang;
    box.append(note);
    this.shadowRoot.querySelector('.lab')?.remove();
    this.shadowRoot.append(box);
    this.dispatchEvent(new CustomEvent('lab-error', { detail: { message }, bubbles: true, composed: true }));
  }

  disconnectedCallback() {
    // Moving the element inside the page keeps it; removing it for good ends its worker.
    queueMicrotask(() => {
      if (this.isConnected || !this.controller) return;
      this.controller.disconnect();
      this.controller = null;
    });
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue) return;
    this.controller?.attributeChanged(name);
  }

  start() { return this.controller?.start(); }
  pause() { return this.controller?.pause(); }
  step() { return this.controller?.stepOnce(); }
  reset() { return this.controller?.reset(); }
  /**
   * Trains on `text` (a string, a Blob or a File of up to 50 MB; read and checked in the worker).
   * The `custom` attribute and links hold at most 4000 characters: longer texts come this way.
   */
  setText(text) { return this.controller?.setText(text); }

  /** The current state as a URL query string (the same one index.html keeps in its address). */
  get query() { return this.controller ? this.controller.query() : ''; }
  /** Latest numbers: {step, loss, valLoss, tokensPerSecond, params, vocabSize}. */
  get stats() { return this.controller?.snapshot() ?? null; }
}

if (!customElements.get('training-loop-lab')) customElements.define('training-loop-lab', TrainingLoopLab);
