// The training worker: one per <training-loop-lab>. It owns the engine and the trainer; the page
// thread only draws. Requests {id, cmd, args} get one reply {id, ok, result | error}. While
// training, the loop runs chunks of ~40 ms of real steps and posts {type:'progress'} after each,
// yielding between chunks so that 'pause' (and any other request) is handled at once.
//
// Order the page can trust: requests are handled one at a time, in the order they were sent (a
// request that waits — for the engine, a text, the loop to stop — holds back the ones after it).
// Each training run has a number (`run`, in the start reply and in its progress/stopped
// messages); every request that ends or replaces the model first stops the loop and waits until
// its 'stopped' message is posted, so after a reset, pause or new model no old run goes on.
//
// Training uses the machine's cores: helper workers started from here hold copies of the model
// and compute slices of each batch (helpers.js); progress messages say how many `workers` train,
// and `cores`: how many may, and what their copies of the model cost (helpers.js summary()).
// A chunk on several workers is awaited, so the ordered requests wait for it to end, as they wait
// for a chunk on this worker alone.

import { startEngineLoad } from './engine-load.js';
import { Helpers } from './helpers.js';
import { readText, countChars } from './text-read.js';
import { PREVIEW_CHARS, head, valStart } from './text-limits.js';
import { betweenChunks, yieldNow } from './yield-now.js';

// The engine starts loading the moment the worker starts, before the page asks for anything.
const loadEngine = (() => {
  const load = startEngineLoad(new URL('../engine/', import.meta.url));
  return () => load().then((e) => (engine = e));
})();
const CHUNK_SECONDS = 0.04;
const helpers = new Helpers(new URL('../engine/', import.meta.url));
const TOKEN_LIMIT = 800;   // tokens sent to the page for display, at most
const WINDOW_CHARS = 3000; // characters of the text tokenized for one window of the token view

let engine = null;
let trainer = null;
let running = false;
let run = 0;          // number of the latest training run
let loopDone = null;  // resolves when the running loop has posted 'stopped'
let lastVal = null; // {step, trainLoss, valLoss}
// The training text lives here, not on the page thread: the page gets its size and a preview.
let text = '';       // the text the model trains on
let loaded = null;   // {text, info}: the text read last (the next model's, by default)
let reading = null;  // {cancelled}: the read in progress
// The last good model, to restore after a wasm trap (lab.mjs): taken whenever training stops and
// after every new model, and every SNAPSHOT_MS while training.
let lastGood = null; // {bytes, settings}
let lastSnapshot = 0;
const SNAPSHOT_MS = 20_000;
// Training settings carried into a restored model (its shape and tokenizer come from the checkpoint).
const KEEP_SETTINGS = ['optimizer', 'lr', 'momentum', 'beta1', 'beta2', 'weightDecay', 'gradClip', 'schedule',
  'warmupSteps', 'maxSteps', 'seed', 'batchSize'];
let evalSeconds = 0;

const post = (msg, transfer) => self.postMessage(msg, transfer ?? []);

let modelSettings = {}; // the settings the model was made with, as given (the helpers' copies get the same)

function setText(t, settings = {}) {
  text = t;
  modelSettings = settings;
}

function needTrainer() {
  if (!trainer) throw new Error('no model yet: load a text first');
  return trainer;
}

function evaluateNow() {
  if (trainer.info().trainTokens === 0) { lastVal = null; return null; } // a model without a text
  const t0 = performance.now();
  const ev = trainer.evaluate();
  evalSeconds = (performance.now() - t0) / 1000;
  lastVal = { step: trainer.info().step, trainLoss: ev.trainLoss, valLoss: ev.valLoss };
  return lastVal;
}

function keepGood() {
  if (!trainer) return;
  try {
    const s = trainer.info().settings;
    lastGood = { bytes: trainer.exportCheckpoint(true), settings: Object.fromEntries(KEEP_SETTINGS.map((k) => [k, s[k]])) };
    lastSnapshot = performance.now();
  } catch { /* keep the older one */ }
}

/**
 * After a wasm trap the engine instance is dropped (lab.mjs): load a fresh one and restore the last
 * good model with the learner's text. Returns a sentence for the error message.
 */
async function recover() {
  running = false;
  trainer = null;
  try {
    await loadEngine();
    if (!lastGood) return 'The engine was restarted; load a text to make a model.';
    trainer = engine.loadCheckpoint(lastGood.bytes, { text, ...lastGood.settings });
    modelSettings = lastGood.settings;
    evaluateNow();
    post({ type: 'restarted', info: trainer.info(), val: lastVal });
    return `The engine was restarted with the last good model (step ${trainer.info().step}).`;
  } catch (e) {
    return `The engine could not be restarted (${e.message}); reload the page.`;
  }
}

/** Asks the loop to stop and waits until it has (its 'stopped' message is out). */
async function stopLoop() {
  running = false;
  await loopDone;
}

async function trainLoop(budget, id) {
  let n = 1;
  let lastEvalAt = 0;
  const recent = []; // [tokens, seconds] of the last chunks, for a steady tokens/s
  const tokensPerStep = trainer.info().tokensPerStep;
  while (running) {
    const step = trainer.info().step;
    if (budget > 0 && step >= budget) {
      running = false;
      keepGood();
      post({ type: 'stopped', run: id, reason: 'done', step, val: lastVal });
      return;
    }
    const k = budget > 0 ? Math.min(n, budget - step) : n;
    let r;
    try {
      r = await helpers.train(trainer, k, { text, settings: modelSettings });
    } catch (e) {
      running = false;
      const message = e.trap ? `${e.message}. ${await recover()}` : e.message;
      post({ type: 'stopped', run: id, reason: 'error', message, step });
      return;
    }
    const secs = Math.max(r.seconds, 1e-4);
    recent.push([r.losses.length * tokensPerStep, secs]);
    if (recent.length > 12) recent.shift();
    const tps = recent.reduce((a, x) => a + x[0], 0) / recent.reduce((a, x) => a + x[1], 0);
    n = Math.max(1, Math.min(512, Math.round(k * (CHUNK_SECONDS / secs) * 0.7 + n * 0.3)));
    const now = performance.now();
    // Validation: often enough for a live curve, rarely enough to cost < ~10 % of the time.
    const evalEvery = Math.max(400, evalSeconds * 1000 * 10);
    const budgetHit = budget > 0 && r.step >= budget;
    if (now - lastSnapshot > SNAPSHOT_MS) keepGood();
    if (now - lastEvalAt > evalEvery || budgetHit || r.diverged) {
      evaluateNow();
      lastEvalAt = performance.now();
    }
    // The losses of the steps that count (a diverged step was rolled back).
    const losses = Float32Array.from(r.losses).slice(0, Math.max(0, r.step - step));
    post({
      type: 'progress', run: id, step: r.step, loss: losses.at(-1) ?? r.loss, losses, lr: r.lr,
      gradNorm: r.gradNorm, tokensPerSecond: tps, val: lastVal, diverged: r.diverged ?? null, workers: r.workers,
      cores: helpers.summary(trainer),
    });
    if (r.diverged) {
      running = false;
      keepGood();
      post({ type: 'stopped', run: id, reason: 'diverged', step: r.step, message: r.diverged.message, divergedAt: r.diverged.step });
      return;
    }
    await betweenChunks(r.workers ?? 1);
  }
  evaluateNow(); // the paused model's validation loss, not an older one
  keepGood();
  post({ type: 'stopped', run: id, reason: 'pause', step: trainer.info().step, val: lastVal });
}

/**
 * Reads a text source ({text} | {url} | {blob, name}; see text-read.js), posting
 * {type:'textProgress', loaded, total} as it streams. Returns {text, info: {chars, bytes, preview}}.
 */
async function loadSource(source) {
  reading?.cancel();
  const me = { cancelled: false, cancel() { this.cancelled = true; } };
  reading = me;
  try {
    const r = await readText(source, {
      onProgress: (done, total) => post({ type: 'textProgress', loaded: done, total }),
      cancelled: () => me.cancelled,
    });
    const info = { chars: countChars(r.text), bytes: r.bytes, preview: head(r.text, PREVIEW_CHARS) };
    loaded = { text: r.text, info };
    return loaded;
  } finally {
    if (reading === me) reading = null;
  }
}

const COPY_SEARCH_CHARS = 8_000_000; // how much of the training text a copy check reads (a book: its first 8 M)

/**
 * The longest stretch of `sample` found word for word in the training part of the text (the part
 * before the held-out end): did the model write something new, or copy? Greedy over start
 * positions, so it costs ~2·|sample| substring searches.
 */
function longestCopy(sample) {
  const info = needTrainer().info();
  const trainEnd = valStart(text.length, info.settings.valFraction);
  const hay = text.slice(0, Math.min(trainEnd, COPY_SEARCH_CHARS));
  let best = { length: 0, stretch: '', at: -1 };
  for (let i = 0, n = 1; i + n <= sample.length; ) {
    const at = hay.indexOf(sample.slice(i, i + n));
    if (at >= 0) { best = { length: n, stretch: sample.slice(i, i + n), at }; n += 1; } else { i += 1; }
  }
  return { ...best, sampleLength: sample.length, searched: hay.length, whole: hay.length === trainEnd };
}

/** A window of the model's text as tokens: chars [offset, offset + n) (about), at most TOKEN_LIMIT tokens. */
function tokenWindow(offset = 0, n = WINDOW_CHARS) {
  const t = needTrainer();
  const info = t.info();
  let start = Math.max(0, Math.min(text.length, Math.floor(offset)));
  const low = text.charCodeAt(start);
  if (low >= 0xdc00 && low <= 0xdfff) start -= 1; // not inside a surrogate pair
  const slice = head(text.slice(start), Math.max(1, Math.min(WINDOW_CHARS, n)));
  const tokens = text ? t.tokens(slice).slice(0, TOKEN_LIMIT) : [];
  return {
    vocabSize: info.vocabSize, total: info.trainTokens + info.valTokens, offset: start, length: text.length,
    end: start + tokens.reduce((a, x) => a + x.text.length, 0), tokens, vocab: t.vocab().slice(0, 2048),
  };
}

/** Swaps in a new model (made first, so a bad request keeps the old one) and measures it. */
function adopt(next, { evaluate = true } = {}) {
  trainer?.dispose(); // (the loop was stopped by the caller: stopLoop)
  trainer = next;
  helpers.markStale();
  lastVal = null;
  keepGood();
  if (evaluate) evaluateNow();
  return { info: trainer.info(), val: lastVal };
}

const commands = {
  async load() { await loadEngine(); return true; },
  // The text comes as a string, or as a same-origin URL that this worker fetches itself (page
  // start: the page thread is busy drawing then); it is posted as soon as it is in, and the
  // reply carries it too.
  // A new model for the text read last (readText), or for `source`, read first (page start: the
  // early request, whose text is read as soon as it arrives; see onmessage).
  async init({ source, early, settings, firstStep = false }) {
    const got = early ? await early : source ? await loadSource(source) : loaded;
    if (!got) throw new Error('no text yet: read a text first');
    await loadEngine();
    await stopLoop();
    const next = engine.createTrainer(got.text, settings); // throws on bad settings: old model kept
    setText(got.text, settings);
    const textInfo = source || early ? { textInfo: got.info } : {};
    if (!firstStep) return { ...adopt(next), ...textInfo };
    // Autoplay: step 1 comes before the first evaluation, which the training loop then runs at once.
    adopt(next, { evaluate: false });
    const r = trainer.train(1);
    const losses = Float32Array.from(r.losses).slice(0, r.step);
    return { info: trainer.info(), val: null, first: { ...r, losses }, ...textInfo };
  },
  /** Reads a text (the next model's): {chars, bytes, preview}. */
  async readText({ source }) { return (await loadSource(source)).info; },
  cancelRead() { reading?.cancel(); return true; },
  tokenWindow({ offset, chars } = {}) { return tokenWindow(offset, chars); },
  longestCopy({ sample }) { return longestCopy(String(sample ?? '')); },
  start({ budget = 0 } = {}) {
    needTrainer();
    if (running) return { run };
    helpers.newRun();
    running = true;
    run += 1;
    const id = run;
    // The loop begins after this reply is out, so the page knows the run before its first progress.
    loopDone = yieldNow().then(() => trainLoop(budget, id)).catch((e) => {
      running = false;
      post({ type: 'stopped', run: id, reason: 'error', message: String(e?.message ?? e), step: 0 });
    });
    return { run: id };
  },
  async pause() { await stopLoop(); return { step: trainer?.info().step ?? 0 }; },
  async train({ n = 1 } = {}) {
    await stopLoop();
    const before = needTrainer().info().step;
    const r = trainer.train(n);
    helpers.markStale();
    evaluateNow();
    return { ...r, losses: Float32Array.from(r.losses).slice(0, Math.max(0, r.step - before)), val: lastVal };
  },
  evaluate() { needTrainer(); return evaluateNow(); },
  info() { return needTrainer().info(); },
  predict({ prompt, topK }) { return needTrainer().predict(prompt, topK); },
  generate({ prompt, n, opts }) { return needTrainer().generate(prompt, n, opts); },
  pairs({ n }) { return needTrainer().pairs(n); },
  surprise({ text }) { return needTrainer().surprise(text); },
  async inspectStep(args) {
    await stopLoop();
    const r = needTrainer().inspectStep(args ?? {});
    helpers.markStale();
    evaluateNow();
    return { ...r, val: lastVal, info: trainer.info() };
  },
  gradNorms() { return needTrainer().gradNorms(); },
  tensors() { return needTrainer().tensors(); },
  fingerprint() { return needTrainer().fingerprint(); },
  exportCheckpoint() { return needTrainer().exportCheckpoint(); },
  async loadCheckpoint({ bytes, settings }) {
    await loadEngine();
    await stopLoop();
    // The file's model trains on the lab's current text (the text read last), unless told otherwise.
    const withText = { ...settings, text: settings?.text ?? loaded?.text ?? text };
    const next = engine.loadCheckpoint(new Uint8Array(bytes), withText);
    const { text: given, ...rest } = withText;
    setText(given, rest);
    return adopt(next);
  },
  setSettings({ settings }) {
    needTrainer().setSettings(settings);
    modelSettings = { ...modelSettings, ...settings };
    helpers.markStale();
    return trainer.info();
  },
  async reset({ seed }) {
    await stopLoop();
    needTrainer().reset(seed);
    helpers.markStale();
    lastVal = null;
    keepGood();
    evaluateNow();
    return { info: trainer.info(), val: lastVal };
  },
  // Test hooks: make the worker die the way a real crash would (an uncaught error); make the
  // engine report a wasm trap on its next call (as a trap inside the instance would).
  crash() { setTimeout(() => { throw new Error('simulated worker crash'); }); return true; },
  simulateTrap() {
    const trap = () => { throw new WebAssembly.RuntimeError('memory access out of bounds (simulated)'); };
    needTrainer()._h.train = trap;
    trainer._h.gradientsFor = trap; // training on several workers
    return true;
  },
  // How many workers train (1 = this one alone; null = as many as fit): a count the model cannot
  // use is refused (the error says why and what fits) and training goes on as it was. A running
  // loop goes on (this request comes between two of its chunks). → workers()
  async setWorkers({ n = null } = {}) { await helpers.setWorkers(n, trainer); return helpers.describe(trainer); },
  /** The workers for this model: helpers.js summary() (count, cores, memory, why fewer). */
  workers() { return helpers.describe(trainer); },
  // Test hooks: the helpers' state; make helper `index` crash.
  helpersState() { return helpers.state(); },
  crashHelper({ index = 1, how = 'crash' } = {}) { return helpers.crashHelper(index, how); },
};

post({ type: 'started' }); // the page waits for this before its own heavy start-up (prestart.js)

async function handle({ id, cmd, args } = {}) {
  try {
    if (typeof cmd !== 'string' || !Object.hasOwn(commands, cmd)) throw new Error(`unknown command ${String(cmd)}`);
    const result = await commands[cmd](args);
    const transfer = result instanceof Uint8Array ? [result.buffer] : [];
    post({ id, ok: true, result }, transfer);
  } catch (e) {
    let error = String(e?.message ?? e);
    if (e?.trap) error = `${error}. ${await recover()}`;
    post({ id, ok: false, error });
  }
}

// Requests that change no model state wait for nothing (the page asks for the engine while it
// still builds its sections). The rest go one at a time, in order (see the top of this file).
const UNORDERED = new Set(['load', 'cancelRead']);
let queue = Promise.resolve();
self.onmessage = (ev) => {
  const msg = ev.data ?? {};
  if (UNORDERED.has(msg.cmd)) { handle(msg); return; }
  if (msg.cmd === 'init' && msg.args?.source?.url && msg.args.early) {
    // Page start: the text is read at once, not when the request's turn comes, and its preview is
    // shown before the engine is ready (event {type:'text'}).
    const early = loadSource(msg.args.source);
    early.then((r) => post({ type: 'text', info: r.info }), () => {});
    early.catch(() => {});
    msg.args = { ...msg.args, early };
  }
  queue = queue.then(() => helpers.idle()).then(() => handle(msg));
};
