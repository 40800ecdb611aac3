// The one controller of a lab: wiring only. It reads the state from the element's attributes and
// hands it to the lab's session (session.js: worker, model, training, no DOM), builds the views,
// turns the session's events into drawing and the element's public events, and the views'
// callbacks into session calls. Start-up sequence: see connect().
import { uniqueId, fmtInt, fmtLoss } from './dom.js';
import { t as translate } from './strings.js';
import {
  FIELD_BY_NAME, FIELD_BY_KEY, SAMPLES, readState, parseField, fixRelations, formatValue, toParams,
} from './state.js';
import { LabSession } from './session.js';
import { LabLayout } from './views/layout.js';
import { TextView } from './views/text-view.js';
import { PairsView, pickPairs } from './views/pairs-view.js';
import { TrainView } from './views/train-view.js';
import { PredictView } from './views/predict-view.js';
import { PredictFeed } from './views/predict-feed.js';
import { StepView } from './views/step-view.js';
import { InferView } from './views/infer-view.js';
import { InferActions } from './views/infer-actions.js';
import { KeepView } from './views/keep-view.js';
import { KeepActions } from './views/keep-actions.js';
import { createExperiments } from './experiments/index.js';

const DRAW_MS = 250;            // chart and numbers while training
const STEP_EVENT_MS = 250;      // lab-step at most 4 times a second
const PAIRS_MS = 2500;
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
    this.session = null;         // made in connect(), once the state is read
    this.lastEmit = 0;
    this.lastPairs = 0;
    this.lastAnnounce = 0;
    this.drawQueued = false;
  }

  // What the lab's session knows (read by tests and by the element's stats).
  get running() { return this.session?.running ?? false; }
  get step() { return this.session?.step ?? 0; }
  get info() { return this.session?.info ?? null; }
  get history() { return this.session?.history ?? null; }
  get ready() { return this.session?.ready ?? false; }
  get client() { return this.session?.client ?? null; }

  t(key, vars) { return translate(this.state.lang, key, vars); }

  // ---------------------------------------------------------------- start-up sequence
  // The engine, the text and the page's drawing all start at once: the worker loads the wasm,
  // fetches the text and makes the model (with autoplay it also takes the first training step)
  // while the sections are built on this thread.
  async connect() {
    this.readAttributes();                       // 1. state from attributes (validated, clamped)
    const s = this.makeSession();                //    the worker starts loading the wasm now
    const engine = s.load();
    engine.catch(() => {});
    const autoplay = this.state.autoplay;
    const source = this.stateSource();           //    the worker reads the text (and makes the model)
    const early = source?.url ? s.init({ source, early: true, firstStep: autoplay }) : null;
    early?.catch(() => {});                      //    (on failure: the usual path below says why)
    const text = early ? s.textFromWorker(early) : s.readSource(source);
    text.catch(() => {});
    await this.host.styled;
    this.render();                               // 2. every section on screen at once
    this.reportProblems(this.startProblems);     //    …with any invalid attribute reported
    this.reportIgnoredParams();
    if (this.state.workers !== 'auto') this.applyWorkers('auto'); // (checked against the early model)
    if (this.startProblems.length) this.emit('lab-change', { query: this.query() });
    const textOk = await this.loadText(text.catch(() => s.readSource(source))); // 3. the text
    try {
      await engine;                              // 4. engine loaded
    } catch (e) {
      this.fail(this.t('engineFailed', { message: e.message }));
      return;
    }
    if (textOk) {                                // 5. model (+ step 1), tokens, pairs
      const r = await early?.catch(() => null);
      if (r?.textInfo) await s.showModel(r);
      else await s.buildModel({ firstStep: autoplay });
    }
    s.ready = true;
    this.say(this.t('engineReady'));
    this.emit('lab-ready', this.snapshot());     // 6. tell the host page
    if (autoplay && s.info) this.start();
  }

  disconnect() {
    this.session?.close();
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

  /** The session and what turns its events into drawing and public events. */
  makeSession() {
    const s = new LabSession({ baseUrl: this.baseUrl, state: this.state });
    this.session = s;
    const views = () => this.views;
    this.predict = new PredictFeed(s, () => this.views.predict, (m) => this.fail(m));
    this.infer = new InferActions(s, () => this.views.infer, this);
    this.keep = new KeepActions(s, () => this.views.keep, this);
    const on = (type, f) => s.addEventListener(type, (e) => f(e.detail));
    on('running', () => { this.showRunning(); this.showCores(); });
    on('cores', () => this.showCores());
    on('progress', (m) => this.onProgress(m));
    on('stopped', (m) => this.onStopped(m));
    on('started', () => {
      this.say(this.t('progressTraining', { step: s.step, loss: this.fmt(this.snapshot().loss) }));
      this.lastAnnounce = performance.now();
    });
    on('budget', ({ steps }) => this.say(this.t('budgetReached', { steps })));
    on('trained', (r) => {
      this.draw();
      this.emitStep(true);
      if (r.diverged) this.fail(this.t('diverged', { step: r.diverged.step, message: r.diverged.message }), true, this.smallerRateAction(false));
    });
    on('done', () => this.emitDone());
    on('inspected', (r) => {
      views().step.render(r, this.t({ sgd: 'optSgd', momentum: 'optMomentum', adamw: 'optAdamw' }[this.state.optimizer]));
      this.draw();
      this.emitStep(true);
    });
    on('weights', () => this.refreshAll());
    on('model', (d) => this.onModel(d));
    on('reset', ({ seed }) => {
      this.say(this.t('progressReset', { seed }));
      this.emitStep(true);
    });
    on('text', ({ info }) => {
      this.views.text.setText(info, this.state.text);
      this.views.predict.setPrompt(s.prompt());
      this.updateLink();
    });
    on('busy', ({ busy }) => views()?.text.setBusy(busy));
    on('textProgress', ({ loaded, total }) => views()?.text.setProgress(loaded, total));
    on('crash', ({ message }) => this.fail(this.t('workerCrashed', { message })));
    on('error', ({ message }) => this.fail(message));
    return s;
  }

  // ---------------------------------------------------------------- rendering
  render() {
    const s = this.state;
    const ses = this.session;
    const ctx = {
      t: (k, v) => this.t(k, v),
      id: (suffix) => `${this.prefix}-${suffix}`,
      compact: s.compact,
    };
    this.views?.train.chart.destroy();
    const v = {
      text: new TextView(ctx, s, {
        apply: (x) => this.applyText(x), error: (m) => this.fail(m), cancel: () => ses.cancelRead(), window: (o) => this.showTokens(o),
      }),
      pairs: new PairsView(ctx, { refresh: () => this.refreshPairs() }),
      train: new TrainView(ctx, s, {
        start: () => this.start(), pause: () => this.pause(), step: () => this.stepOnce(), reset: () => this.reset(),
        change: (name, value) => this.change(name, value),
      }),
      predict: new PredictView(ctx, s, {
        prompt: (p) => this.change('prompt', p), generate: (o) => this.predict.generate(o), change: (n, val) => this.change(n, val),
      }),
      step: new StepView(ctx, { run: (o) => ses.inspectStep(o) }),
      infer: new InferView(ctx, { generate: () => this.infer.generate(), trainStep: () => this.infer.trainStep() }),
      keep: new KeepView(ctx, { download: () => this.keep.download(), load: (f) => this.keep.load(f), copyLink: () => this.keep.copyLink() }),
      ...createExperiments(ctx, ses), // attention, surprise, optimizers, scaling, time (experiments/index.js)
    };
    this.views = v;
    this.layout = new LabLayout(ctx, v, s, this.ready ? '' : this.t('loadingEngine'));
    this.root.querySelector('.lab')?.remove();
    this.root.append(this.layout.el);
    this.applyUi();
    // Put back what is already known (after a language change the views are new).
    if (ses.textInfo) v.text.setText(ses.textInfo, s.text);
    v.predict.setPrompt(ses.prompt());
    if (ses.tokens) v.text.setTokens(ses.tokens, ses.textInfo.chars, ses.info?.tokenizerSampleBytes ?? 0);
    if (ses.info) { v.train.setInfo(ses.info); v.step.setBlockSize(ses.info.config.block_size); }
    this.showRunning();
    this.draw();
    this.updateLink();
  }

  applyUi() {
    this.layout.apply(this.state);
    if (!this.mq) {
      this.mq = matchMedia('(prefers-color-scheme: dark)');
      this.onScheme = () => this.views.train.chart.restyle();
      this.mq.addEventListener('change', this.onScheme);
    }
  }

  /** The notices of the lab (the element writes a start-up failure there once they exist). */
  get notices() { return this.layout?.notices ?? null; }

  prompt() { return this.session.prompt(); }

  draw() {
    this.drawQueued = false;
    if (!this.views) return;
    const s = this.session;
    this.views.train.update(s.history, s.step, s.randomLoss(), s.tps);
    this.showCores();
  }

  /** The cores control: the worker's summary, how many train now; a helper that stopped is reported once. */
  showCores() {
    const s = this.session;
    if (!this.views) return;
    const cores = this.views.train.cores;
    if (s.cores) cores.setSummary(s.cores);
    cores.setTraining(s.running ? s.training : null);
    const lost = s.cores?.lost;
    if (lost && lost.stopped !== this.lostShown) {
      this.lostShown = lost.stopped;
      this.fail(this.t('coresLost', { message: lost.message, n: s.cores.workers ?? 1 }));
    }
  }

  /** Sends the state's `workers` to the worker; a count the model cannot use is refused and `before` kept. */
  async applyWorkers(before) {
    const value = this.state.workers;
    try {
      await this.session.setWorkers(value);
    } catch (e) {
      this.fail(this.t('coresRefused', { n: value, message: e.message, kept: before === 'auto' ? this.t('coresAuto') : before }));
      if (this.state.workers !== value) return; // changed again meanwhile
      this.state.workers = before;
      this.reflect('workers');
      this.syncControls();
      this.updateLink();
      this.emit('lab-change', { query: this.query() });
    }
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

  say(text) { this.layout.say(text); }

  /** A clear message on screen; errors also go out as lab-error. action: {label, run()} (a button in it). */
  fail(message, emit = true, action = null) {
    this.layout.notice(message, action);
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

  /** Latest numbers (the element's `stats`); zeros before there is a session. */
  snapshot() {
    return this.session?.snapshot() ?? { step: 0, loss: null, valLoss: null, tokensPerSecond: 0, params: null, vocabSize: null };
  }

  emitStep(force = false) {
    const now = performance.now();
    if (!force && now - this.lastEmit < STEP_EVENT_MS) return;
    this.lastEmit = now;
    const s = this.snapshot();
    this.emit('lab-step', { step: s.step, loss: s.loss, valLoss: s.valLoss, tokensPerSecond: s.tokensPerSecond });
  }

  emitDone() {
    const s = this.snapshot();
    this.emit('lab-done', { step: s.step, loss: s.loss, valLoss: s.valLoss, tokensPerSecond: s.tokensPerSecond });
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
    const ses = this.session;
    if (effects.has('workers')) await this.applyWorkers(before.workers); // (the worker takes it at any time)
    if (!ses.ready || !ses.info) {
      if (textChanged && this.views) await this.loadText();
      return;
    }
    if (effects.has('model')) {
      await ses.serial(async () => {
        if (textChanged && !(await this.loadText())) return;
        await ses.buildModel();
      });
    } else if (effects.has('seed')) {
      await this.reset();
    } else if (effects.has('live')) {
      const live = {};
      for (const k of changed) if (['optimizer', 'lr', 'weightDecay', 'gradClip'].includes(k)) live[k] = this.state[k];
      try {
        await ses.setSettings(live);
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
    if (changed.includes('steps') && this.running) { this.session.pauseNow(); }
    this.views.train.setState(this.state);
    this.views.predict.setState(this.state);
  }

  query() { return toParams(this.state).toString(); }

  updateLink() {
    if (!this.views) return;
    const q = toParams(this.state, { include: [...FIELD_BY_NAME.keys()].filter((n) => n !== 'autoplay') }).toString();
    this.views.keep.setLink(new URL(`./index.html${q ? `?${q}` : ''}`, this.baseUrl).href);
    // A text too long for a link is not in it: say so where the link is, never drop it silently.
    const textInfo = this.session?.textInfo;
    const missing = this.state.text === 'custom' && !this.state.custom && textInfo;
    this.views.keep.setLinkNote(missing ? this.t('linkWithoutText', { chars: fmtInt(textInfo.chars, this.state.lang), max: fmtInt(FIELD_BY_NAME.get('custom').max, this.state.lang) }) : '');
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

  /** Shows the text (read now, or by a read already under way); false if it is unusable. */
  async loadText(pending = null) {
    const s = this.state;
    const source = this.stateSource();
    let info;
    try {
      info = await (pending ?? this.session.readSource(source));
    } catch (e) {
      const name = source?.blob ? (source.name ?? 'file') : s.text;
      this.fail(this.t('textFetchFailed', { name, message: e.message }));
      if (!this.session.textInfo) return false;
      s.text = 'facts';
      return false;
    }
    this.session.useText(source, info);
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
    await this.session.serial(async () => {
      if (text !== undefined || blob || s.text !== before.text) {
        if (!(await this.loadText())) return;
      }
      if (this.session.ready) await this.session.buildModel();
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

  /** The token view: the text from character `offset` on, as this model's tokens. */
  async showTokens(offset) {
    const s = this.session;
    if (s.info && !s.canTrain()) { this.views.text.setTokensNote(this.t('tokensNoText')); return; }
    try {
      const tokens = await s.tokenWindow(offset);
      this.views.text.setTokens(tokens, s.textInfo?.chars ?? 0, s.info?.tokenizerSampleBytes ?? 0);
    } catch (e) {
      this.fail(e.message);
    }
  }

  /** A new model is in the session: every view that shows it. */
  onModel(d) {
    const v = this.views;
    v.train.setInfo(d.info);
    v.step.setBlockSize(d.info.config.block_size);
    v.step.setReady();
    this.session.client.call('tensors').then((list) => this.views.step.setTensors(list), () => {});
    this.session.refreshCores();
    this.showRunning();
    this.draw();
    // Autoplay's first step is on screen now: say so at once (lab-step may come before lab-ready).
    if (d.first) this.emitStep(true);
    const refreshed = this.refreshAll();
    d.waitUntil(d.tokens ? this.showTokens(0) : refreshed);
  }

  /** Redraw everything that depends on the weights; resolves when all is on screen. */
  refreshAll() {
    if (!this.info) return Promise.resolve();
    return Promise.all([this.refreshPredict(), this.refreshPairs(), this.infer.refreshFingerprint()]);
  }

  refreshPredict() { return this.predict.refresh(); }

  async refreshPairs() {
    const s = this.session;
    if (!s.canTrain() || this.pairsBusy) return;
    this.pairsBusy = true;
    this.lastPairs = performance.now();
    try {
      this.views.pairs.setPairs(pickPairs(await s.client.call('pairs', { n: PAIRS_SCANNED }), N_PAIRS));
    } catch (e) { this.fail(e.message); } finally { this.pairsBusy = false; }
  }

  // ---------------------------------------------------------------- training
  /** The controls that depend on whether the lab trains (and on the model and the budget). */
  showRunning() {
    if (!this.views) return;
    const s = this.session;
    const running = s.running;
    const canTrain = s.canTrain();
    this.views.train.setRunning(running, Boolean(s.info), canTrain && !s.budgetUsed());
    for (const b of [this.views.infer.genBtn, this.views.keep.downloadBtn]) b.disabled = running || !s.info;
    for (const b of [this.views.step.runBtn, this.views.infer.stepBtn]) b.disabled = running || !canTrain;
  }

  start() { return this.session.start(); }
  pause() { return this.session.pause(); }
  stepOnce() { return this.session.stepOnce(); }
  reset() { return this.session.reset(); }

  fmt(x) { return fmtLoss(x, this.state.lang); }

  onProgress(m) {
    this.queueDraw();
    this.emitStep();
    const now = performance.now();
    if (this.isShown('predict')) this.predict.refreshIfDue(now);
    if (now - this.lastPairs > PAIRS_MS && this.isShown('pairs')) this.refreshPairs();
    if (this.isShown('predict')) this.predict.sampleIfDue(now, m.step);
    if (now - this.lastAnnounce > ANNOUNCE_MS) {
      this.lastAnnounce = now;
      this.say(this.t('progressTraining', { step: m.step, loss: this.fmt(m.loss) }));
    }
  }

  isShown(name) { return this.state.sections.includes(name); }

  onStopped(m) {
    this.draw();
    this.emitStep(true);
    const loss = this.fmt(this.snapshot().loss);
    if (m.reason === 'done') {
      this.say(this.t('progressDone', { step: m.step, loss }));
      this.emitDone();
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

  // Test hooks (documented as unstable): see session.js.
  crashWorker() { return this.session.crashWorker(); }
  crashHelper(index, how) { return this.session.crashHelper(index, how); }
  simulateTrap() { return this.session.simulateTrap(); }
}
