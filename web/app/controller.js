// The one controller of a lab: reads the state, builds the views, talks to the worker client and
// turns its progress into drawing and public events. Start-up sequence: see connect().
import { h, clear, uniqueId, fmtInt, fmtLoss } from './dom.js';
import { t as translate } from './strings.js';
import {
  FIELD_BY_NAME, FIELD_BY_KEY, SECTIONS, SAMPLES, readState, parseField, fixRelations, formatValue, toParams, trainerSettings,
} from './state.js';
import { LabClient } from './client.js';
import { PREVIEW_CHARS, head } from './text-limits.js';
import { LossHistory } from './history.js';
import { TextView } from './views/text-view.js';
import { PairsView, pickPairs } from './views/pairs-view.js';
import { TrainView } from './views/train-view.js';
import { PredictView } from './views/predict-view.js';
import { StepView } from './views/step-view.js';
import { InferView } from './views/infer-view.js';
import { KeepView, MAX_CHECKPOINT_BYTES } from './views/keep-view.js';
import { createIdeas } from './ideas/index.js';

const DEFAULT_PROMPTS = {
  facts: 'The capital of France is', story: 'Once upon a time', rhymes: 'Rain, rain, on the', fables: 'Once, in the dark wood, there lived',
};
const DRAW_MS = 250;            // chart and numbers while training
const STEP_EVENT_MS = 250;      // lab-step at most 4 times a second
const PREDICT_MS = 600;         // live prediction bars while training
const PAIRS_MS = 2500;
const SAMPLE_MS = 6000;         // a sample of the model's writing while it trains (char-rnn style)
const SAMPLE_TOKENS = 120;
const ANNOUNCE_MS = 4000;       // aria-live progress while training (not chattier than this)
const N_PAIRS = 12;
const PAIRS_SCANNED = 300;      // pairs asked for, to pick word starts from

export class LabController {
  /** host: the <training-loop-lab>; root: its shadow root; baseUrl: folder of training-loop-lab.js */
  constructor(host, root, baseUrl) {
    this.host = host;
    this.root = root;
    this.baseUrl = baseUrl;
    this.prefix = uniqueId('tll');
    this.history = new LossHistory();
    this.step = 0;
    this.info = null;
    this.running = false;
    this.ready = false;
    this.textSource = null;      // where the model's text came from (the worker holds the text itself)
    this.textInfo = null;        // {chars, bytes, preview} of that text
    this.textKey = 0;            // changes with every new text (the ideas worker keeps its copy by it)
    this.lastEmit = 0;
    this.lastPredict = 0;
    this.lastPairs = 0;
    this.lastAnnounce = 0;
    this.tps = null;
    this.drawQueued = false;
    this.chain = Promise.resolve(); // see serial()
  }

  /**
   * Runs the actions that change what the worker trains (start, pause, step, reset, a new model, a
   * loaded file) one after another in the order they were asked for — by a button, an attribute or
   * the host page's API — so a reply can never undo a later action (e.g. Reset then Start: the
   * reset's reply used to mark the new run as stopped). Returns the action's promise.
   */
  serial(action) {
    const done = this.chain.then(action);
    this.chain = done.catch(() => {});
    return done;
  }

  t(key, vars) { return translate(this.state.lang, key, vars); }

  // ---------------------------------------------------------------- start-up sequence
  // The engine, the text and the page's drawing all start at once: the worker loads the wasm,
  // fetches the text and makes the model (with autoplay it also takes the first training step)
  // while the sections are built on this thread.
  async connect() {
    this.readAttributes();                       // 1. state from attributes (validated, clamped)
    this.client = this.makeClient();             //    the worker starts loading the wasm now
    const engine = this.client.load();
    engine.catch(() => {});
    const autoplay = this.state.autoplay;
    const source = this.stateSource();           //    the worker reads the text (and makes the model)
    const early = source?.url ? this.client.init({ source, early: true, settings: trainerSettings(this.state), firstStep: autoplay }) : null;
    early?.catch(() => {});                      //    (on failure: the usual path below says why)
    const text = early ? this.textFromWorker(early) : this.readSource(source);
    text.catch(() => {});
    await this.host.styled;
    this.render();                               // 2. every section on screen at once
    this.reportProblems(this.startProblems);     //    …with any invalid attribute reported
    this.reportIgnoredParams();
    if (this.startProblems.length) this.emit('lab-change', { query: this.query() });
    const textOk = await this.loadText(text.catch(() => this.readSource(source))); // 3. the text
    try {
      await engine;                              // 4. engine loaded
    } catch (e) {
      this.fail(this.t('engineFailed', { message: e.message }));
      return;
    }
    if (textOk) {                                // 5. model (+ step 1), tokens, pairs
      const r = await early?.catch(() => null);
      if (r?.textInfo) await this.showModel(r);
      else await this.buildModel({ firstStep: autoplay });
    }
    this.ready = true;
    this.say(this.t('engineReady'));
    this.emit('lab-ready', this.snapshot());     // 6. tell the host page
    if (autoplay && this.info) this.start();
  }

  disconnect() {
    this.client?.close();
    this.views?.train.chart.destroy();
    this.mq?.removeEventListener('change', this.onScheme);
  }

  readAttributes() {
    const { state, problems } = readState((n) => this.host.getAttribute(n), { origin: location.origin });
    this.state = state;
    this.startProblems = problems;
    this.customSource = state.custom ? { text: state.custom } : null;
    if (state.text === 'custom' && !state.custom) {
      // A link to a pasted text it does not hold (too long for a link): say so, use the first sample.
      if (this.host.hasAttribute('text')) problems.push({ name: 'text', value: 'custom', reason: ['reasonNoCustom', { max: FIELD_BY_NAME.get('custom').max }], used: 'facts' });
      state.text = 'facts';
    }
    // Show the clamped values in the attributes too (invalid ones are replaced, never kept).
    for (const p of problems) this.reflect(p.name);
  }

  makeClient() {
    const c = new LabClient(this.baseUrl);
    c.addEventListener('progress', (e) => this.onProgress(e.detail));
    c.addEventListener('stopped', (e) => this.onStopped(e.detail));
    c.addEventListener('crash', (e) => {
      if (c.lastInit) c.lastInit.settings = trainerSettings(this.state);
      this.info = null;                          // controls wait for the restarted worker
      this.setRunning(false);
      this.history.clear();
      this.fail(this.t('workerCrashed', { message: e.detail.message }));
    });
    c.addEventListener('restarted', (e) => this.afterModel(e.detail));
    c.addEventListener('textProgress', (e) => this.views?.text.setProgress(e.detail.loaded, e.detail.total));
    return c;
  }

  // ---------------------------------------------------------------- rendering
  render() {
    const s = this.state;
    const ctx = {
      t: (k, v) => this.t(k, v),
      id: (suffix) => `${this.prefix}-${suffix}`,
      compact: s.compact,
    };
    this.views?.train.chart.destroy();
    const v = {
      text: new TextView(ctx, s, {
        apply: (x) => this.applyText(x), error: (m) => this.fail(m), cancel: () => this.cancelRead(), window: (o) => this.showTokens(o),
      }),
      pairs: new PairsView(ctx, { refresh: () => this.refreshPairs() }),
      train: new TrainView(ctx, s, {
        start: () => this.start(), pause: () => this.pause(), step: () => this.stepOnce(), reset: () => this.reset(),
        change: (name, value) => this.change(name, value),
      }),
      predict: new PredictView(ctx, s, {
        prompt: (p) => this.change('prompt', p), generate: (o) => this.generate(o), change: (n, val) => this.change(n, val),
      }),
      step: new StepView(ctx, { run: (o) => this.inspectStep(o) }),
      infer: new InferView(ctx, { generate: () => this.inferGenerate(), trainStep: () => this.inferStep() }),
      keep: new KeepView(ctx, { download: () => this.download(), load: (f) => this.loadCheckpoint(f), copyLink: () => this.copyLink() }),
      ...createIdeas(ctx, this), // attention, surprise, optimizers, scaling, time (ideas/index.js)
    };
    this.views = v;
    this.notices = h('div', { class: 'notices' });
    this.status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, this.ready ? '' : this.t('loadingEngine'));
    this.sections = {};
    const titles = { text: 'sTextTitle', pairs: 'sPairsTitle', train: 'sTrainTitle', predict: 'sPredictTitle', step: 'sStepTitle', infer: 'sInferTitle', keep: 'sKeepTitle' };
    this.navButtons = {};
    for (const name of SECTIONS) {
      const hid = `${this.prefix}-h-${name}`;
      const title = v[name].title ?? this.t(titles[name]);
      const heading = h('h2', { id: hid, tabindex: '-1' }, title);
      this.sections[name] = h('section', { class: `sec sec-${name}`, 'aria-labelledby': hid, 'data-section': name }, heading, v[name].el);
      this.navButtons[name] = h('li', {}, h('button', { type: 'button', class: 'link-button', onclick: () => this.goTo(name) }, title));
    }
    // A table of contents: buttons (fragment links cannot reach into a shadow root).
    this.nav = h('nav', { class: 'toc', 'aria-label': this.t('contents') }, h('ol', {}, SECTIONS.map((n) => this.navButtons[n])));
    this.wrap = h('div', { class: 'lab', lang: s.lang }, this.notices, this.status, this.nav, SECTIONS.map((n) => this.sections[n]));
    this.root.querySelector('.lab')?.remove();
    this.root.append(this.wrap);
    this.applyUi();
    // Put back what is already known (after a language change the views are new).
    if (this.textInfo) v.text.setText(this.textInfo, s.text);
    v.predict.setPrompt(this.prompt());
    if (this.tokens) v.text.setTokens(this.tokens, this.textInfo.chars, this.info?.tokenizerSampleBytes ?? 0);
    if (this.info) { v.train.setInfo(this.info); v.step.setBlockSize(this.info.config.block_size); }
    this.setRunning(this.running);
    this.draw();
    this.updateLink();
  }

  applyUi() {
    const s = this.state;
    this.wrap.className = `lab theme-${s.theme}${s.compact ? ' compact' : ''}`;
    this.wrap.lang = s.lang;
    for (const name of SECTIONS) {
      this.sections[name].hidden = !s.sections.includes(name);
      this.navButtons[name].hidden = !s.sections.includes(name);
    }
    this.nav.hidden = s.compact || s.sections.length < 4;
    if (!this.mq) {
      this.mq = matchMedia('(prefers-color-scheme: dark)');
      this.onScheme = () => this.views.train.chart.restyle();
      this.mq.addEventListener('change', this.onScheme);
    }
  }

  /** Scroll a section into view and move the keyboard focus to its heading. */
  goTo(name) {
    const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
    const heading = this.sections[name].querySelector('h2');
    heading.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
    heading.focus({ preventScroll: true });
  }

  prompt() {
    if (this.state.prompt) return this.state.prompt;
    if (DEFAULT_PROMPTS[this.state.text]) return DEFAULT_PROMPTS[this.state.text];
    return head(this.textInfo?.preview ?? '', 16);
  }

  /** ln(V): the loss of guessing uniformly (null until the vocabulary is known). */
  randomLoss() {
    const v = this.info?.vocabSize ?? this.tokens?.vocabSize;
    return v ? Math.log(v) : null;
  }

  draw() {
    this.drawQueued = false;
    if (!this.views) return;
    this.views.train.update(this.history, this.step, this.randomLoss(), this.tps);
  }

  /** Redraw the chart and numbers at most every DRAW_MS while training (cheap on slow laptops). */
  queueDraw() {
    if (this.drawQueued) return;
    this.drawQueued = true;
    const wait = Math.max(0, DRAW_MS - (performance.now() - (this.lastDraw ?? 0)));
    setTimeout(() => requestAnimationFrame(() => { this.lastDraw = performance.now(); this.draw(); }), wait);
  }

  // ---------------------------------------------------------------- messages and events
  emit(type, detail) {
    this.host.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  say(text) { clear(this.status, text); }

  /** A clear message on screen; errors also go out as lab-error. */
  fail(message, emit = true, action = null) {
    const close = h('button', { type: 'button', class: 'close', 'aria-label': this.t('dismiss') }, '×');
    const note = h('div', { class: 'notice', role: 'alert' }, h('span', {}, message), close);
    close.addEventListener('click', () => note.remove());
    if (action) {
      // e.g. "Continue with learning rate 0.001" after training diverged
      const b = h('button', { type: 'button', class: 'notice-action' }, action.label);
      b.addEventListener('click', () => { note.remove(); action.run(); });
      note.insertBefore(b, close);
    }
    this.notices.append(note);
    while (this.notices.children.length > 8) this.notices.firstElementChild.remove();
    if (emit) this.emit('lab-error', { message });
  }

  reportProblems(problems) {
    for (const p of problems) {
      const [rk, rv] = p.reason;
      const reason = this.t(rk, rv);
      this.fail(this.t('settingInvalid', { name: p.name, value: p.value.length > 40 ? `${p.value.slice(0, 40)}…` : p.value, reason, used: formatValue(FIELD_BY_NAME.get(p.name), p.used) }));
    }
  }

  /** Query parameters of the page that are not settings (url-query.js dropped them). */
  reportIgnoredParams() {
    const allowed = [...FIELD_BY_NAME.keys()].join(', ');
    for (const name of this.host.ignoredParams ?? []) {
      this.fail(this.t('paramIgnored', { name: name.length > 40 ? `${name.slice(0, 40)}…` : name, allowed }));
    }
  }

  snapshot() {
    return {
      step: this.step, loss: this.history.lastLoss ?? this.lastVal()?.trainLoss ?? null, valLoss: this.history.lastVal,
      tokensPerSecond: this.tps ?? 0, params: this.info?.params ?? null, vocabSize: this.info?.vocabSize ?? null,
    };
  }

  lastVal() { return this.history.val.at(-1) ?? null; }

  emitStep(force = false) {
    const now = performance.now();
    if (!force && now - this.lastEmit < STEP_EVENT_MS) return;
    this.lastEmit = now;
    const s = this.snapshot();
    this.emit('lab-step', { step: s.step, loss: s.loss, valLoss: s.valLoss, tokensPerSecond: s.tokensPerSecond });
  }

  // ---------------------------------------------------------------- state changes
  /** Reflect one field of the state into the element's attribute (without re-applying it). */
  reflect(name) {
    const f = FIELD_BY_NAME.get(name);
    const v = formatValue(f, this.state[f.key]);
    if (this.host.getAttribute(name) === v) return;
    const isDefault = formatValue(f, Array.isArray(f.def) ? f.def : f.def) === v;
    this.reflecting = true;
    try {
      if (isDefault && !this.host.hasAttribute(name)) return;
      if (name === 'custom' && v.length === 0) this.host.removeAttribute(name);
      else this.host.setAttribute(name, v);
    } finally { this.reflecting = false; }
  }

  /** An attribute was changed by the host page. */
  attributeChanged(name) {
    if (this.reflecting || !this.state) return;
    this.change(name, this.host.getAttribute(name));
  }

  /** Set one field from a raw value (control or attribute), validate, reflect, apply its effect. */
  async change(name, raw) {
    const f = FIELD_BY_NAME.get(name);
    const { value, problem } = parseField(f, raw, { origin: location.origin });
    if (problem) this.reportProblems([problem]);
    const before = { ...this.state };
    this.state[f.key] = value;
    const rel = fixRelations(this.state);
    this.reportProblems(rel);
    if (name === 'text' && value !== 'custom') this.state.custom = '';
    const changed = Object.keys(this.state).filter((k) => String(this.state[k]) !== String(before[k]));
    this.syncControls();
    this.reflectAll();
    this.updateLink();
    this.emit('lab-change', { query: toParams(this.state).toString() });
    if (!changed.length) return;
    const effects = new Set(changed.map((k) => FIELD_BY_KEY.get(k).effect));
    if (effects.has('ui')) this.applyUiChange(changed);
    const textChanged = changed.includes('text') || changed.includes('custom');
    if (textChanged && f.key === 'custom') this.customSource = { text: this.state.custom };
    if (!this.ready || !this.info) {
      if (textChanged && this.views) await this.loadText();
      return;
    }
    if (effects.has('model')) {
      await this.serial(async () => {
        if (textChanged && !(await this.loadText())) return;
        await this.buildModel();
      });
    } else if (effects.has('seed')) {
      await this.reset();
    } else if (effects.has('live')) {
      const live = {};
      for (const k of changed) if (['optimizer', 'lr', 'weightDecay', 'gradClip'].includes(k)) live[k] = this.state[k];
      try {
        await this.client.setSettings(live);
      } catch (e) {
        this.fail(e.message);
        for (const k of Object.keys(live)) this.state[k] = before[k];   // the model keeps its settings
        this.reflectAll();
        this.views.train.setState(this.state);
        this.updateLink();
      }
    }
  }

  reflectAll() { for (const f of FIELD_BY_NAME.values()) this.reflect(f.name); }

  /** Make every control show the state (after a change from an attribute or a clamp). */
  syncControls() {
    if (!this.views) return;
    this.views.text.setState(this.state);
    this.views.train.setState(this.state);
    this.views.predict.setState(this.state);
  }

  applyUiChange(changed) {
    if (changed.includes('lang')) { this.render(); this.refreshAll(); return; }
    if (changed.some((k) => ['theme', 'compact', 'sections'].includes(k))) {
      this.applyUi();
      if (changed.includes('theme')) requestAnimationFrame(() => this.views.train.chart.restyle());
    }
    if (changed.includes('prompt')) { this.views.predict.setPrompt(this.prompt()); this.refreshPredict(); }
    if (changed.includes('topK')) this.refreshPredict();
    if (changed.includes('steps') && this.running) { this.client.pause(); }
    this.views.train.setState(this.state);
    this.views.predict.setState(this.state);
  }

  query() { return toParams(this.state).toString(); }

  updateLink() {
    if (!this.views) return;
    const q = toParams(this.state, { include: [...FIELD_BY_NAME.keys()].filter((n) => n !== 'autoplay') }).toString();
    this.views.keep.setLink(new URL(`./index.html${q ? `?${q}` : ''}`, this.baseUrl).href);
    // A text too long for a link is not in it: say so where the link is, never drop it silently.
    const missing = this.state.text === 'custom' && !this.state.custom && this.textInfo;
    this.views.keep.setLinkNote(missing ? this.t('linkWithoutText', { chars: fmtInt(this.textInfo.chars, this.state.lang), max: fmtInt(FIELD_BY_NAME.get('custom').max, this.state.lang) }) : '');
  }

  // ---------------------------------------------------------------- text and model
  /** The URL of the state's text (a sample or a same-origin .txt); null for a pasted text. */
  textUrl() {
    const s = this.state;
    if (s.text === 'custom') return null;
    const url = SAMPLES.includes(s.text) ? new URL(`./samples/${s.text}.txt`, this.baseUrl) : new URL(s.text, document.baseURI);
    return url.origin === location.origin ? url : null;
  }

  /** Where the state's text comes from, for the worker to read: {url} | {text} | {blob, name}. */
  stateSource() {
    if (this.state.text === 'custom') return this.customSource ?? { text: this.state.custom };
    const url = this.textUrl();
    return url ? { url: url.href } : null;
  }

  /** The worker reads `source` (progress and Cancel in the text section): {chars, bytes, preview}. */
  async readSource(source) {
    if (!source) throw new Error('not the same origin');
    const big = source.blob || (source.text?.length ?? 0) > PREVIEW_CHARS;
    if (big) this.views?.text.setBusy(true);
    try {
      return await this.client.readText(source);
    } finally {
      if (big) this.views?.text.setBusy(false);
    }
  }

  /** The text info the worker posts for an early init (before the model is made). */
  textFromWorker(init) {
    return new Promise((resolve, reject) => {
      this.client.addEventListener('text', (e) => resolve(e.detail.info), { once: true });
      init.then((r) => resolve(r.textInfo), reject);
    });
  }

  /** Shows the text (read now, or by a read already under way); false if it is unusable. */
  async loadText(pending = null) {
    const s = this.state;
    const source = this.stateSource();
    let info;
    try {
      info = await (pending ?? this.readSource(source));
    } catch (e) {
      const name = source?.blob ? (source.name ?? 'file') : s.text;
      this.fail(this.t('textFetchFailed', { name, message: e.message }));
      if (!this.textInfo) return false;
      s.text = 'facts';
      return false;
    }
    this.textSource = source;
    this.textInfo = info;
    this.textKey += 1;
    this.tokens = null;
    this.views.text.setText(info, s.text);
    this.views.predict.setPrompt(this.prompt());
    this.updateLink();
    return true;
  }

  /** The learner's or the host page's own text: {text} (typed, pasted, setText) or {blob, name} (a file, a drop). */
  async applyText({ source, text, blob, name, tokenizer, vocabSize }) {
    if (text !== undefined || blob) {
      this.customSource = blob ? { blob, name } : { text };
      this.state.custom = text !== undefined && text.length <= FIELD_BY_NAME.get('custom').max ? text : '';
      this.state.text = 'custom';
    }
    const s = this.state;
    const before = { text: s.text, tokenizer: s.tokenizer, vocabSize: s.vocabSize };
    if (source && source !== 'custom') s.text = source;
    if (tokenizer !== undefined) s.tokenizer = tokenizer;
    if (vocabSize !== undefined) {
      const v = parseField(FIELD_BY_NAME.get('vocab-size'), vocabSize);
      if (v.problem) this.reportProblems([v.problem]);
      s.vocabSize = v.value;
    }
    this.syncControls();
    this.reflectAll();
    this.updateLink();
    this.emit('lab-change', { query: toParams(this.state).toString() });
    await this.serial(async () => {
      if (text !== undefined || blob || s.text !== before.text) {
        if (!(await this.loadText())) return;
      }
      if (this.ready) await this.buildModel();
    });
  }

  /** lab.setText(text | Blob | File): a text of any length up to the limit, from the host page. */
  setText(value) {
    if (typeof value === 'string') return this.applyText({ text: value });
    if (value instanceof Blob) return this.applyText({ blob: value, name: value.name });
    const got = value === null ? 'null' : typeof value;
    const message = `setText takes a string, a Blob or a File; got ${got}`;
    this.fail(message);
    return Promise.reject(new Error(message));
  }

  cancelRead() { this.client.call('cancelRead').catch(() => {}); }

  /**
   * Make a fresh trainer (the old one stays if the engine refuses), then show the text's tokens.
   * firstStep: the worker trains one step right away (autoplay: training starts sooner).
   */
  async buildModel({ firstStep = false } = {}) {
    await this.doPause();
    const s = this.state;
    try {
      await this.showModel(await this.client.init({ settings: trainerSettings(s), firstStep }));
    } catch (e) {
      this.fail(e.message);
    }
  }

  /** A new model is in the worker: show it, then the text's tokens. */
  async showModel(r) {
    this.afterModel(r);
    await this.showTokens(0);
  }

  /** The token view: the text from character `offset` on, as this model's tokens. */
  async showTokens(offset) {
    if (this.info && !this.canTrain()) { this.views.text.setTokensNote(this.t('tokensNoText')); return; }
    try {
      this.tokens = await this.client.call('tokenWindow', { offset });
      this.views.text.setTokens(this.tokens, this.textInfo?.chars ?? 0, this.info?.tokenizerSampleBytes ?? 0);
    } catch (e) {
      this.fail(e.message);
    }
  }

  afterModel(r) {
    this.info = r.info;
    this.step = r.info.step;
    this.history.clear();
    this.history.addVal(r.val);
    if (r.first) this.history.addLosses(r.first.step, r.first.losses);
    this.tps = null;
    this.views.train.setInfo(r.info);
    this.views.step.setBlockSize(r.info.config.block_size);
    this.views.step.setReady();
    this.client.call('tensors').then((list) => this.views.step.setTensors(list), () => {});
    this.setRunning(false);
    this.draw();
    // Autoplay's first step is on screen now: say so at once (lab-step may come before lab-ready).
    if (r.first) this.emitStep(true);
    return this.refreshAll();
  }

  /** Redraw everything that depends on the weights; resolves when all is on screen. */
  refreshAll() {
    if (!this.info) return Promise.resolve();
    return Promise.all([this.refreshPredict(), this.refreshPairs(), this.refreshFingerprint()]);
  }

  async refreshPredict() {
    if (!this.info) return;
    if (this.predictBusy) { this.predictAgain = true; return; }
    this.predictBusy = true;
    this.lastPredict = performance.now();
    try {
      const list = await this.client.call('predict', { prompt: this.prompt(), topK: this.state.topK });
      this.views.predict.setPredictions(list);
    } catch (e) {
      clear(this.views.predict.bars, h('p', { class: 'message error' }, e.message));
    } finally {
      this.predictBusy = false;
      if (this.predictAgain) { this.predictAgain = false; this.refreshPredict(); }
    }
  }

  async refreshPairs() {
    if (!this.canTrain() || this.pairsBusy) return;
    this.pairsBusy = true;
    this.lastPairs = performance.now();
    try {
      this.views.pairs.setPairs(pickPairs(await this.client.call('pairs', { n: PAIRS_SCANNED }), N_PAIRS));
    } catch (e) { this.fail(e.message); } finally { this.pairsBusy = false; }
  }

  async refreshFingerprint() {
    try { this.views.infer.setFingerprint(await this.client.call('fingerprint')); } catch { /* shown elsewhere */ }
  }

  // ---------------------------------------------------------------- training
  setRunning(running) {
    this.running = running;
    const budgetLeft = !(this.state.steps > 0 && this.step >= this.state.steps);
    const canTrain = this.canTrain();
    this.views?.train.setRunning(running, Boolean(this.info), canTrain && budgetLeft);
    if (this.views) {
      for (const b of [this.views.infer.genBtn, this.views.keep.downloadBtn]) b.disabled = running || !this.info;
      for (const b of [this.views.step.runBtn, this.views.infer.stepBtn]) b.disabled = running || !canTrain;
    }
  }

  /** A model that has a text to train on (a file loaded for predicting only has none). */
  canTrain() { return Boolean(this.info) && this.info.trainTokens > 0; }

  start() { return this.serial(() => this.doStart()); }
  pause() { return this.serial(() => this.doPause()); }
  stepOnce() { return this.serial(() => this.doStep()); }
  reset() { return this.serial(() => this.doReset()); }

  async doStart() {
    if (!this.canTrain() || this.running) return;
    if (this.state.steps > 0 && this.step >= this.state.steps) {
      this.say(this.t('budgetReached', { steps: this.state.steps }));
      return;
    }
    this.setRunning(true);
    this.say(this.t('progressTraining', { step: this.step, loss: this.fmt(this.snapshot().loss) }));
    this.lastAnnounce = performance.now();
    try { await this.client.start(this.state.steps); } catch (e) { this.setRunning(false); this.fail(e.message); }
  }

  /** Stops the worker's training run, if any (its 'stopped' message arrives before this resolves). */
  async doPause() {
    if (!this.info) return;
    try { await this.client.pause(); } catch { /* worker gone: crash handler reports it */ }
  }

  fmt(x) { return fmtLoss(x, this.state.lang); }

  onProgress(m) {
    this.step = m.step;
    this.tps = m.tokensPerSecond;
    this.history.addLosses(m.step, m.losses);
    this.history.addVal(m.val);
    this.queueDraw();
    this.emitStep();
    const now = performance.now();
    if (now - this.lastPredict > PREDICT_MS && this.isShown('predict')) this.refreshPredict();
    if (now - this.lastPairs > PAIRS_MS && this.isShown('pairs')) this.refreshPairs();
    if (now - (this.lastSample ?? 0) > SAMPLE_MS && this.isShown('predict')) this.liveSample(m.step);
    if (now - this.lastAnnounce > ANNOUNCE_MS) {
      this.lastAnnounce = now;
      this.say(this.t('progressTraining', { step: m.step, loss: this.fmt(m.loss) }));
    }
  }

  isShown(name) { return this.state.sections.includes(name); }

  onStopped(m) {
    this.step = m.step;
    this.history.addVal(m.val);
    this.setRunning(false);
    this.draw();
    this.emitStep(true);
    const loss = this.fmt(this.snapshot().loss);
    if (m.reason === 'done') {
      this.say(this.t('progressDone', { step: m.step, loss }));
      const s = this.snapshot();
      this.emit('lab-done', { step: s.step, loss: s.loss, valLoss: s.valLoss, tokensPerSecond: s.tokensPerSecond });
    } else if (m.reason === 'diverged') {
      this.fail(this.t('diverged', { step: m.divergedAt ?? m.step, message: m.message }), true, this.smallerRateAction(true));
    } else if (m.reason === 'error') {
      this.fail(m.message);
    } else {
      this.say(this.t('progressPaused', { step: m.step, loss }));
    }
    this.refreshAll();
  }

  /** After divergence: offer to carry on from the last good weights with a 10× smaller rate. */
  smallerRateAction(restart) {
    const lr = Number((this.state.lr / 10).toPrecision(3));
    return {
      label: this.t('continueSmallerLr', { lr }),
      run: async () => {
        await this.change('lr', String(lr));
        if (restart && this.state.lr === lr) this.start();
      },
    };
  }

  /** One training step (the Step button). */
  async doStep() {
    if (!this.canTrain() || this.running) return;
    await this.trainSteps(1);
    this.refreshAll();
  }

  async trainSteps(n) {
    try {
      const r = await this.client.call('train', { n });
      this.step = r.step;
      this.tps = r.tokensPerSecond;
      this.history.addLosses(r.step, r.losses);
      this.history.addVal(r.val);
      this.draw();
      this.emitStep(true);
      if (r.diverged) this.fail(this.t('diverged', { step: r.diverged.step, message: r.diverged.message }), true, this.smallerRateAction(false));
      if (this.state.steps > 0 && this.step >= this.state.steps) {
        this.setRunning(false);
        const s = this.snapshot();
        this.emit('lab-done', { step: s.step, loss: s.loss, valLoss: s.valLoss, tokensPerSecond: s.tokensPerSecond });
      }
      return r;
    } catch (e) {
      this.fail(e.message);
      return null;
    }
  }

  async doReset() {
    if (!this.info) return;
    await this.doPause();
    try {
      const r = await this.client.call('reset', { seed: this.state.seed });
      if (this.client.lastInit) this.client.lastInit.settings.seed = this.state.seed;
      await this.afterModel(r);
      this.say(this.t('progressReset', { seed: this.state.seed }));
      this.emitStep(true);
    } catch (e) { this.fail(e.message); }
  }

  // ---------------------------------------------------------------- predict, step, infer, keep
  async generate({ temperature, topK, n }) {
    if (!this.info) return;
    try {
      const text = await this.client.call('generate', { prompt: this.prompt(), n, opts: { temperature, topK, seed: this.state.seed } });
      this.views.predict.setGenerated(this.prompt(), text);
      this.views.predict.setCopy(await this.client.call('longestCopy', { sample: text }));
    } catch (e) { this.fail(e.message); }
  }

  /** While training: what the model writes now, and how much of it is copied from the text. */
  async liveSample(step) {
    if (this.sampleBusy) return;
    this.sampleBusy = true;
    this.lastSample = performance.now();
    try {
      const s = this.state;
      const text = await this.client.call('generate', { prompt: this.prompt(), n: SAMPLE_TOKENS, opts: { temperature: s.temperature, topK: s.topK, seed: s.seed + step } });
      const copy = await this.client.call('longestCopy', { sample: text });
      this.views.predict.addLiveSample(step, this.prompt(), text, copy);
    } catch { /* a new model or a stopped worker: the next sample will do */ } finally { this.sampleBusy = false; }
  }

  inspectStep(opts) { return this.serial(() => this.doInspectStep(opts)); }

  async doInspectStep(opts) {
    if (!this.info || this.running) return;
    try {
      const r = await this.client.call('inspectStep', opts);
      this.views.step.render(r, this.t({ sgd: 'optSgd', momentum: 'optMomentum', adamw: 'optAdamw' }[this.state.optimizer]));
      this.step = r.step;
      this.history.addLosses(r.step, [r.batchLoss]);
      this.history.addVal(r.val);
      this.draw();
      this.emitStep(true);
      this.refreshAll();
    } catch (e) { this.fail(e.message); }
  }

  async inferGenerate() {
    if (!this.info || this.running) return;
    try {
      const before = await this.client.call('fingerprint');
      const text = await this.client.call('generate', { prompt: this.prompt(), n: 40, opts: { temperature: this.state.temperature, topK: this.state.topK, seed: this.state.seed } });
      const after = await this.client.call('fingerprint');
      this.views.infer.showCompare(before, after, this.prompt() + text);
    } catch (e) { this.fail(e.message); }
  }

  inferStep() { return this.serial(() => this.doInferStep()); }

  async doInferStep() {
    if (!this.info || this.running) return;
    try {
      const before = await this.client.call('fingerprint');
      await this.trainSteps(1);
      const after = await this.client.call('fingerprint');
      this.views.infer.showCompare(before, after, '');
      this.refreshPredict();
      this.refreshPairs();
    } catch (e) { this.fail(e.message); }
  }

  async download() {
    if (!this.info || this.running) return;
    try {
      const bytes = await this.client.call('exportCheckpoint');
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
      const a = h('a', { href: url, download: `training-loop-lab-step${this.step}.safetensors`, class: 'visually-hidden' });
      this.root.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      this.views.keep.say(`${a.download} (${Math.round(bytes.length / 1024)} kB)`);
    } catch (e) { this.fail(e.message); }
  }

  loadCheckpoint(file) { return this.serial(() => this.doLoadCheckpoint(file)); }

  async doLoadCheckpoint(file) {
    if (!this.ready) return;
    await this.doPause();
    const name = file.name;
    if (file.size > MAX_CHECKPOINT_BYTES) {
      const m = this.t('badFile', { name, message: `${Math.round(file.size / 1e6)} MB > ${MAX_CHECKPOINT_BYTES / 1e6} MB` });
      this.views.keep.say(m, true);
      this.fail(m);
      return;
    }
    let bytes;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
      const r = await this.client.loadCheckpoint(bytes.slice(), this.checkpointSettings());
      await this.afterModel(r);
      this.views.keep.say(this.t('loaded', { name, params: fmtInt(r.info.params, this.state.lang), step: fmtInt(r.info.step, this.state.lang) }));
    } catch (e) {
      // A model made for another text cannot read this one (its vocabulary lacks characters of
      // it): say exactly that, and offer what it can still do — predict and generate.
      const otherText = /is not in the tokenizer's vocabulary/.test(e.message);
      const m = otherText ? this.t('ckptOtherText', { name, message: e.message }) : this.t('badFile', { name, message: e.message });
      this.views.keep.say(m, true);
      this.fail(m, true, otherText ? { label: this.t('loadPredictOnly'), run: () => this.serial(() => this.loadPredictOnly(bytes, name)) } : null);
    }
  }

  checkpointSettings() {
    const s = trainerSettings(this.state);
    return { optimizer: s.optimizer, lr: s.lr, weightDecay: s.weightDecay, gradClip: s.gradClip, batchSize: s.batchSize, seed: s.seed };
  }

  /** The file's model with its own tokenizer and no text: it predicts and generates, it cannot train here. */
  async loadPredictOnly(bytes, name) {
    try {
      const r = await this.client.loadCheckpoint(bytes.slice(), { ...this.checkpointSettings(), text: '' });
      await this.afterModel(r);
      const m = this.t('loadedPredictOnly', { name, vocab: fmtInt(r.info.vocabSize, this.state.lang), step: fmtInt(r.info.step, this.state.lang) });
      this.views.keep.say(m);
      this.say(m);
    } catch (e) {
      this.fail(this.t('badFile', { name, message: e.message }));
    }
  }

  async copyLink() {
    const link = this.views.keep.link;
    link.select();
    try {
      await navigator.clipboard.writeText(link.value);
      this.views.keep.say(this.t('copied'));
    } catch { /* the selected text can still be copied by hand */ }
  }

  // Test hooks (documented as unstable): make the worker crash; make the engine's next training
  // call report a wasm trap (the worker then restores the last good model in a fresh instance).
  crashWorker() { return this.client.call('crash'); }
  simulateTrap() { return this.client.call('simulateTrap'); }
}
