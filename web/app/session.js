// One lab's training session, without the DOM: the worker client, the model's life (its text,
// a new model, a loaded file, a reset), training (start, pause, step, inspect) and what it has
// done so far (step, loss history, speed). The controller turns its events into drawing and the
// element's public lab-* events; the experiments sections (experiments/index.js) read it too.
//
// Events (EventTarget, detail in brackets):
//   'running' ({running})          training started or ended
//   'progress' (worker message)     a chunk of the current run is done (step, history, tps updated)
//   'stopped' (worker message)      the current run ended: reason 'pause' | 'done' | 'diverged' | 'error'
//   'started' ({})                  a run was asked for (before the worker's reply)
//   'budget' ({steps})              Start refused: the `steps` budget is used up
//   'trained' (reply of 'train')    steps taken one at a time (Step button); may carry `diverged`
//   'inspected' (reply)             one step taken with every intermediate shown (inspectStep)
//   'weights' ({})                  the weights changed outside a run: redraw what depends on them
//   'done' ({})                     a single step used up the budget
//   'step' ({step, tokensPerSecond}) the step number moved (any of the above)
//   'model' ({info, val, first, tokens, waitUntil}) a new model (init, reset, file, restart)
//   'reset' ({seed})                the model was reset to fresh weights
//   'text' ({info, source})         a new text for the next model
//   'busy' ({busy})                 a long text read started / ended
//   'textProgress' ({loaded, total}) bytes of a long read
//   'crash' ({message})             the worker died (the client restarts it)
//   'error' ({message})             a request failed
//   'cores' (summary)               what the worker says about its workers (helpers.js summary())
// Listeners of 'model' may hand promises to detail.waitUntil(p): the session's action waits for
// them (so e.g. reset() resolves once what depends on the new weights is on screen).
import { LabClient } from './client.js';
import { trainerSettings } from './state.js';
import { head, PREVIEW_CHARS } from './text-limits.js';
import { LossHistory } from './history.js';

const DEFAULT_PROMPTS = {
  facts: 'The capital of France is', story: 'Once upon a time', rhymes: 'Rain, rain, on the', fables: 'Once, in the dark wood, there lived',
};

export class LabSession extends EventTarget {
  /**
   * baseUrl: folder of training-loop-lab.js; state: the lab's state table (state.js; read here,
   * changed only by the controller); client: a LabClient-like object (tests inject a fake one).
   */
  constructor({ baseUrl, state, client = null }) {
    super();
    this.baseUrl = baseUrl;
    this.state = state;
    this.history = new LossHistory();
    this.step = 0;
    this.info = null;            // the model's info (worker), null until there is a model
    this.running = false;
    this.ready = false;          // engine loaded and the first model tried (set by the start-up)
    this.tps = null;
    this.cores = null;           // the worker's summary of its workers (helpers.js), null until known
    this.training = null;        // workers training in the current run (progress), null when not running
    this.textSource = null;      // where the model's text came from (the worker holds the text itself)
    this.textInfo = null;        // {chars, bytes, preview} of that text
    this.textKey = 0;            // changes with every new text (the experiments worker keeps its copy by it)
    this.tokens = null;          // the token view's last window
    this.closed = false;
    this.chain = Promise.resolve(); // see serial()
    this.client = client ?? new LabClient(baseUrl);
    this.wire(this.client);
  }

  wire(c) {
    c.addEventListener('progress', (e) => this.onProgress(e.detail));
    c.addEventListener('stopped', (e) => this.onStopped(e.detail));
    c.addEventListener('crash', (e) => {
      if (c.lastInit) c.lastInit.settings = trainerSettings(this.state);
      this.info = null;                          // controls wait for the restarted worker
      this.setRunning(false);
      this.history.clear();
      this.emit('crash', { message: e.detail.message });
    });
    c.addEventListener('restarted', (e) => this.adoptModel(e.detail));
    c.addEventListener('textProgress', (e) => this.emit('textProgress', e.detail));
  }

  emit(type, detail = {}) { this.dispatchEvent(new CustomEvent(type, { detail })); }

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

  close() {
    this.closed = true;
    this.client.close();
  }

  // ---------------------------------------------------------------- what the lab knows
  /** The prompt of the predict section (and the attention view of the experiments sections). */
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

  /** Latest numbers: {step, loss, valLoss, tokensPerSecond, params, vocabSize} (the element's `stats`). */
  snapshot() {
    return {
      step: this.step, loss: this.history.lastLoss ?? this.history.val.at(-1)?.trainLoss ?? null, valLoss: this.history.lastVal,
      tokensPerSecond: this.tps ?? 0, params: this.info?.params ?? null, vocabSize: this.info?.vocabSize ?? null,
    };
  }

  /** A model that has a text to train on (a file loaded for predicting only has none). */
  canTrain() { return Boolean(this.info) && this.info.trainTokens > 0; }

  /** The `steps` budget is used up (0: no budget). */
  budgetUsed() { return this.state.steps > 0 && this.step >= this.state.steps; }

  setRunning(running) {
    this.running = running;
    if (!running) this.training = null;
    this.emit('running', { running });
  }

  movedTo(step) {
    this.step = step;
    this.emit('step', { step, tokensPerSecond: this.tps ?? 0 });
  }

  // ---------------------------------------------------------------- text
  /** The worker reads `source` ('busy' around long reads): {chars, bytes, preview}. */
  async readSource(source) {
    if (!source) throw new Error('not the same origin');
    const big = source.blob || (source.text?.length ?? 0) > PREVIEW_CHARS;
    if (big) this.emit('busy', { busy: true });
    try {
      return await this.client.readText(source);
    } finally {
      if (big) this.emit('busy', { busy: false });
    }
  }

  /** The text info the worker posts for an early init (before the model is made). */
  textFromWorker(init) {
    return new Promise((resolve, reject) => {
      this.client.addEventListener('text', (e) => resolve(e.detail.info), { once: true });
      init.then((r) => resolve(r.textInfo), reject);
    });
  }

  /** `source` (read into the worker, `info`) is the text of the next model. */
  useText(source, info) {
    this.textSource = source;
    this.textInfo = info;
    this.textKey += 1;
    this.tokens = null;
    this.emit('text', { info, source });
  }

  cancelRead() { this.client.call('cancelRead').catch(() => {}); }

  /** The text from character `offset` on, as this model's tokens (kept for randomLoss and redraws). */
  async tokenWindow(offset) {
    this.tokens = await this.client.call('tokenWindow', { offset });
    return this.tokens;
  }

  // ---------------------------------------------------------------- model
  /** The worker starts loading the engine (resolves when it has). */
  load() { return this.client.load(); }

  /** A model made at start-up (`early`: the worker reads the text's URL at once). */
  init(args) { return this.client.init({ ...args, settings: trainerSettings(this.state) }); }

  /**
   * Make a fresh trainer (the old one stays if the engine refuses), then show the text's tokens.
   * firstStep: the worker trains one step right away (autoplay: training starts sooner).
   */
  async buildModel({ firstStep = false } = {}) {
    await this.doPause();
    try {
      await this.showModel(await this.client.init({ settings: trainerSettings(this.state), firstStep }));
    } catch (e) {
      this.emit('error', { message: e.message });
    }
  }

  /** A new model from init: shown with the text's tokens (resolves when those are on screen). */
  showModel(r) { return this.adoptModel(r, true); }

  /** A new model is in the worker. tokens: its listeners show the text's tokens too. */
  adoptModel(r, tokens = false) {
    this.info = r.info;
    this.history.clear();
    this.history.addVal(r.val);
    if (r.first) this.history.addLosses(r.first.step, r.first.losses);
    this.tps = null;
    this.step = r.info.step;
    this.setRunning(false);
    const waits = [];
    this.emit('model', { ...r, tokens, waitUntil: (p) => waits.push(p) });
    this.movedTo(r.info.step);
    return Promise.all(waits);
  }

  async setSettings(live) { return this.client.setSettings(live); }

  /** A checkpoint's bytes become the model (settings: checkpointSettings(), maybe with text ''). */
  async loadCheckpoint(bytes, extra = {}) {
    const r = await this.client.loadCheckpoint(bytes.slice(), { ...this.checkpointSettings(), ...extra });
    await this.adoptModel(r);
    return r;
  }

  checkpointSettings() {
    const s = trainerSettings(this.state);
    return { optimizer: s.optimizer, lr: s.lr, weightDecay: s.weightDecay, gradClip: s.gradClip, batchSize: s.batchSize, seed: s.seed };
  }

  // ---------------------------------------------------------------- workers
  /** How many workers train ('auto' or a count): rejects (the model unchanged) if the model cannot use it. */
  async setWorkers(value) {
    this.onCores(await this.client.setWorkers(value === 'auto' ? null : value));
  }

  /** Asks the worker what its workers would be for the current model ('cores' when known). */
  refreshCores() { return this.client.call('workers').then((c) => this.onCores(c), () => {}); }

  onCores(c) {
    this.cores = c;
    this.emit('cores', c);
  }

  // ---------------------------------------------------------------- training
  start() { return this.serial(() => this.doStart()); }
  pause() { return this.serial(() => this.doPause()); }
  stepOnce() { return this.serial(() => this.doStep()); }
  reset() { return this.serial(() => this.doReset()); }
  inspectStep(opts) { return this.serial(() => this.doInspectStep(opts)); }

  /**
   * Ends the current run at once, outside the queue (a new `steps` budget): its 'stopped' message
   * updates the session as usual.
   */
  pauseNow() { return this.client.pause(); }

  async doStart() {
    if (!this.canTrain() || this.running) return;
    if (this.budgetUsed()) {
      this.emit('budget', { steps: this.state.steps });
      return;
    }
    this.setRunning(true);
    this.emit('started');
    try { await this.client.start(this.state.steps); } catch (e) { this.setRunning(false); this.emit('error', { message: e.message }); }
  }

  /** Stops the worker's training run, if any (its 'stopped' message arrives before this resolves). */
  async doPause() {
    if (!this.info) return;
    try { await this.client.pause(); } catch { /* worker gone: the crash event reports it */ }
  }

  onProgress(m) {
    this.tps = m.tokensPerSecond;
    this.training = m.workers ?? null;
    if (m.cores) this.cores = m.cores;
    this.history.addLosses(m.step, m.losses);
    this.history.addVal(m.val);
    this.movedTo(m.step);
    this.emit('progress', m);
  }

  onStopped(m) {
    this.history.addVal(m.val);
    this.step = m.step;
    this.setRunning(false);
    this.movedTo(m.step);
    this.emit('stopped', m);
  }

  /** One training step (the Step button). */
  async doStep() {
    if (!this.canTrain() || this.running) return;
    await this.trainSteps(1);
    this.emit('weights');
  }

  /** n steps in one request (not a run): resolves the worker's reply, or null if it failed. */
  async trainSteps(n) {
    try {
      const r = await this.client.call('train', { n });
      this.tps = r.tokensPerSecond;
      this.history.addLosses(r.step, r.losses);
      this.history.addVal(r.val);
      this.movedTo(r.step);
      this.emit('trained', r);
      if (this.budgetUsed()) {
        this.setRunning(false);
        this.emit('done');
      }
      return r;
    } catch (e) {
      this.emit('error', { message: e.message });
      return null;
    }
  }

  async doReset() {
    if (!this.info) return;
    await this.doPause();
    try {
      const r = await this.client.call('reset', { seed: this.state.seed });
      if (this.client.lastInit) this.client.lastInit.settings.seed = this.state.seed;
      await this.adoptModel(r);
      this.emit('reset', { seed: this.state.seed });
    } catch (e) { this.emit('error', { message: e.message }); }
  }

  async doInspectStep(opts) {
    if (!this.info || this.running) return;
    try {
      const r = await this.client.call('inspectStep', opts);
      this.history.addLosses(r.step, [r.batchLoss]);
      this.history.addVal(r.val);
      this.movedTo(r.step);
      this.emit('inspected', r);
      this.emit('weights');
    } catch (e) { this.emit('error', { message: e.message }); }
  }

  // Test hooks (documented as unstable): make the worker crash; make the engine's next training
  // call report a wasm trap (the worker then restores the last good model in a fresh instance);
  // make a helper worker crash (training goes on with the others).
  crashWorker() { return this.client.call('crash'); }
  crashHelper(index = 1, how = 'crash') { return this.client.call('crashHelper', { index, how }); }
  simulateTrap() { return this.client.call('simulateTrap'); }
}
