// The training worker: one per <training-loop-lab>. It owns the engine and the trainer; the page
// thread only draws. Requests {id, cmd, args} get one reply {id, ok, result | error}. While
// training, the loop runs chunks of ~40 ms of real steps and posts {type:'progress'} after each,
// yielding between chunks so that 'pause' (and any other request) is handled at once.

import { startEngineLoad } from './engine-load.js';

// The engine starts loading the moment the worker starts, before the page asks for anything.
const loadEngine = (() => {
  const load = startEngineLoad(new URL('../engine/', import.meta.url));
  return () => load().then((e) => (engine = e));
})();
const CHUNK_SECONDS = 0.04;
const TOKEN_LIMIT = 800; // tokens sent to the page for display

let engine = null;
let trainer = null;
let running = false;
let lastVal = null; // {step, trainLoss, valLoss}
let evalSeconds = 0;

const post = (msg, transfer) => self.postMessage(msg, transfer ?? []);
const sleep0 = () => new Promise((r) => setTimeout(r, 0));

function needTrainer() {
  if (!trainer) throw new Error('no model yet: load a text first');
  return trainer;
}

function evaluateNow() {
  const t0 = performance.now();
  const ev = trainer.evaluate();
  evalSeconds = (performance.now() - t0) / 1000;
  lastVal = { step: trainer.info().step, trainLoss: ev.trainLoss, valLoss: ev.valLoss };
  return lastVal;
}

async function trainLoop(budget) {
  running = true;
  let n = 1;
  let lastEvalAt = 0;
  const recent = []; // [tokens, seconds] of the last chunks, for a steady tokens/s
  const tokensPerStep = trainer.info().tokensPerStep;
  while (running) {
    const step = trainer.info().step;
    if (budget > 0 && step >= budget) {
      running = false;
      post({ type: 'stopped', reason: 'done', step, val: lastVal });
      return;
    }
    const k = budget > 0 ? Math.min(n, budget - step) : n;
    let r;
    try {
      r = trainer.train(k);
    } catch (e) {
      running = false;
      post({ type: 'stopped', reason: 'error', message: e.message, step });
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
    if (now - lastEvalAt > evalEvery || budgetHit || r.diverged) {
      evaluateNow();
      lastEvalAt = performance.now();
    }
    // The losses of the steps that count (a diverged step was rolled back).
    const losses = Float32Array.from(r.losses).slice(0, Math.max(0, r.step - step));
    post({
      type: 'progress', step: r.step, loss: losses.at(-1) ?? r.loss, losses, lr: r.lr,
      gradNorm: r.gradNorm, tokensPerSecond: tps, val: lastVal, diverged: r.diverged ?? null,
    });
    if (r.diverged) {
      running = false;
      post({ type: 'stopped', reason: 'diverged', step: r.step, message: r.diverged.message, divergedAt: r.diverged.step });
      return;
    }
    await sleep0();
  }
  evaluateNow(); // the paused model's validation loss, not an older one
  post({ type: 'stopped', reason: 'pause', step: trainer.info().step, val: lastVal });
}

async function fetchText(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.text();
}

function tokenSummary(text, tokenizer, vocabSize) {
  const r = engine.tokenize(text, { tokenizer, vocabSize });
  return {
    vocabSize: r.vocabSize, total: r.tokens.length, tokens: r.tokens.slice(0, TOKEN_LIMIT),
    vocab: r.vocab.slice(0, 2048),
  };
}

/** Swaps in a new model (made first, so a bad request keeps the old one) and measures it. */
function adopt(next, { evaluate = true } = {}) {
  running = false;
  trainer?.dispose();
  trainer = next;
  lastVal = null;
  if (evaluate) evaluateNow();
  return { info: trainer.info(), val: lastVal };
}

const commands = {
  async load() { await loadEngine(); return true; },
  // The text comes as a string, or as a same-origin URL that this worker fetches itself (page
  // start: the page thread is busy drawing then); it is posted as soon as it is in, and the
  // reply carries it too.
  async init({ text, textUrl, settings, firstStep = false }) {
    const fetched = textUrl === undefined ? null : fetchText(textUrl);
    // The page shows the text at once, before the engine is ready (event {type:'text'}).
    fetched?.then((t) => post({ type: 'text', textUrl, text: t }), () => {});
    await loadEngine();
    if (fetched) text = await fetched;
    const next = engine.createTrainer(text, settings); // throws on bad settings: old model kept
    if (!firstStep) return { ...adopt(next), ...(fetched ? { text } : {}) };
    // Autoplay: step 1 comes before the first evaluation, which the training loop then runs at once.
    adopt(next, { evaluate: false });
    const r = trainer.train(1);
    const losses = Float32Array.from(r.losses).slice(0, r.step);
    return { info: trainer.info(), val: null, first: { ...r, losses }, ...(fetched ? { text } : {}) };
  },
  async tokenize({ text, tokenizer, vocabSize }) { await loadEngine(); return tokenSummary(text, tokenizer, vocabSize); },
  start({ budget = 0 } = {}) {
    needTrainer();
    if (!running) trainLoop(budget);
    return true;
  },
  pause() { running = false; return { step: trainer?.info().step ?? 0 }; },
  train({ n = 1 } = {}) {
    const before = needTrainer().info().step;
    const r = trainer.train(n);
    evaluateNow();
    return { ...r, losses: Float32Array.from(r.losses).slice(0, Math.max(0, r.step - before)), val: lastVal };
  },
  evaluate() { needTrainer(); return evaluateNow(); },
  info() { return needTrainer().info(); },
  predict({ prompt, topK }) { return needTrainer().predict(prompt, topK); },
  generate({ prompt, n, opts }) { return needTrainer().generate(prompt, n, opts); },
  pairs({ n }) { return needTrainer().pairs(n); },
  surprise({ text }) { return needTrainer().surprise(text); },
  inspectStep(args) {
    const r = needTrainer().inspectStep(args ?? {});
    evaluateNow();
    return { ...r, val: lastVal, info: trainer.info() };
  },
  gradNorms() { return needTrainer().gradNorms(); },
  tensors() { return needTrainer().tensors(); },
  fingerprint() { return needTrainer().fingerprint(); },
  exportCheckpoint() { return needTrainer().exportCheckpoint(); },
  async loadCheckpoint({ bytes, settings }) {
    await loadEngine();
    return adopt(engine.loadCheckpoint(new Uint8Array(bytes), settings));
  },
  setSettings({ settings }) { needTrainer().setSettings(settings); return trainer.info(); },
  reset({ seed }) {
    running = false;
    needTrainer().reset(seed);
    lastVal = null;
    evaluateNow();
    return { info: trainer.info(), val: lastVal };
  },
  // Test hook: make the worker die the way a real crash would (an uncaught error).
  crash() { setTimeout(() => { throw new Error('simulated worker crash'); }); return true; },
};

post({ type: 'started' }); // the page waits for this before its own heavy start-up (prestart.js)

self.onmessage = async (ev) => {
  const { id, cmd, args } = ev.data ?? {};
  const fn = commands[cmd];
  try {
    if (!fn) throw new Error(`unknown command ${cmd}`);
    const result = await fn(args);
    const transfer = result instanceof Uint8Array ? [result.buffer] : [];
    post({ id, ok: true, result }, transfer);
  } catch (e) {
    post({ id, ok: false, error: String(e?.message ?? e) });
  }
};
