// The experiments worker: one per lab, separate from the training worker, so the heavy experiments
// (scaling sweep, optimizer race, speed measurement) and the views of the current model
// (attention, surprise) never run on the page thread and never touch the lab's own trainer.
// Requests {id, cmd, args} get one reply {id, ok, result | error}. Long jobs run in chunks of
// ~50 ms, post {type:'progress', job, …} after each and yield, so 'cancel' is handled at once.
import { SWEEP_MODELS, SWEEP_FRACTIONS, SWEEP_SETTINGS, EVALS_PER_RUN, REFERENCE_MODEL, splitCorpus, subsetText, stepsFor, modelName } from './scaling.js';
import { startEngineLoad } from '../engine-load.js';
import { readText } from '../text-read.js';
import { head, valStart } from '../text-limits.js';

const CHUNK_MS = 50;
const OPTIMIZERS = ['sgd', 'momentum', 'adamw'];

let engine = null;
let engineLoad = null;
let live = null;        // the lab's model as of the last snapshot
let liveText = '';     // the lab's text (read once per textKey, from its source)
let liveKey = null;
const cancelled = new Set();

// Loaded on the first request (this worker starts with the page, but must not slow its first step).
function loadEngine() {
  engineLoad ??= startEngineLoad(new URL('../../engine/', import.meta.url));
  return engineLoad().then((e) => (engine = e));
}

const post = (msg) => self.postMessage(msg);
const yieldNow = () => new Promise((r) => setTimeout(r, 0));

/** Steps per chunk so that one chunk takes about CHUNK_MS. */
function nextChunk(n, steps, ms) {
  const per = Math.max(ms, 0.05) / Math.max(1, steps);
  return Math.max(1, Math.min(256, Math.round(0.7 * (CHUNK_MS / per) + 0.3 * n)));
}

// What this worker keeps of the lab's text: its start and the start of its held-out end. The
// experiments and views here need no more, and a 50 MB book is not held twice.
const KEEP_CHARS = 2_000_000;
let liveVal = '';       // the first KEEP_CHARS of the held-out part
let liveValFraction = null;
let liveTokens = { train: 0, val: 0 }; // the lab's split, in tokens (its trainer counted them)

/** The lab's text for a request {text} | {textKey, source?, valFraction}: read once per key. */
async function resolveText({ text, textKey, source, valFraction = 0.1, tokens = null }) {
  if (tokens) liveTokens = tokens;
  if (typeof text === 'string') return text;
  if (textKey !== liveKey || source || valFraction !== liveValFraction) {
    if (!source && textKey !== liveKey) throw new Error('the lab\'s text is not here yet');
    const whole = source ? (await readText(source)).text : null;
    if (whole !== null) {
      const at = valStart(whole.length, valFraction);
      liveText = head(whole, Math.min(at, KEEP_CHARS));
      liveVal = head(whole.slice(at), KEEP_CHARS);
    }
    liveKey = textKey;
    liveValFraction = valFraction;
  }
  return liveText;
}

function isCancelled(job) {
  if (!cancelled.has(job)) return false;
  cancelled.delete(job);
  return true;
}

// ------------------------------------------------------------------ scaling sweep
async function sweep({ job, texts, steps, budget }) {
  await loadEngine();
  const { train, val, all } = splitCorpus(texts);
  const subsets = SWEEP_FRACTIONS.map((f) => subsetText(train, f));
  // Fresh weights per model size, with a tokenizer that knows every character of the corpus.
  const bases = SWEEP_MODELS.map((m) => {
    const t = engine.createTrainer(all, { ...SWEEP_SETTINGS, ...m });
    try { return { model: m, bytes: t.exportCheckpoint(false), info: t.info() }; } finally { t.dispose(); }
  });
  const ref = bases[REFERENCE_MODEL].info.flopsPerStep;
  const plan = [];
  for (const b of bases) {
    for (let i = 0; i < SWEEP_FRACTIONS.length; i++) {
      const n = stepsFor(budget, steps, b.info.flopsPerStep, ref);
      plan.push({ base: b, fraction: SWEEP_FRACTIONS[i], text: subsets[i], steps: n, cost: n * b.info.flopsPerStep });
    }
  }
  const totalCost = plan.reduce((a, p) => a + p.cost, 0);
  let doneCost = 0;
  const t0 = performance.now();
  const rows = [];
  for (let r = 0; r < plan.length; r++) {
    const p = plan[r];
    const { model, bytes, info } = p.base;
    const tr = engine.loadCheckpoint(bytes, { ...SWEEP_SETTINGS, text: p.text });
    try {
      const every = Math.max(1, Math.ceil(p.steps / EVALS_PER_RUN));
      let best = tr.evalText(val);
      let bestStep = 0;
      const curve = [[0, best]];
      let n = 4;
      let diverged = null;
      const runStart = performance.now();
      while (tr.info().step < p.steps) {
        const step = tr.info().step;
        const k = Math.min(n, p.steps - step, every - (step % every));
        const c0 = performance.now();
        const res = tr.train(k);
        n = nextChunk(n, k, performance.now() - c0);
        if (res.diverged) { diverged = res.diverged.message; break; }
        if (res.step % every === 0 || res.step === p.steps) {
          const v = tr.evalText(val);
          curve.push([res.step, v]);
          if (v < best) { best = v; bestStep = res.step; }
        }
        const frac = (doneCost + res.step * info.flopsPerStep) / totalCost;
        post({ type: 'progress', job, run: r, runs: plan.length, step: res.step, steps: p.steps, model: modelName(model),
          params: info.params, fraction: p.fraction, frac, elapsed: (performance.now() - t0) / 1000 });
        await yieldNow();
        if (isCancelled(job)) return { cancelled: true, rows };
      }
      const finalVal = curve.at(-1)[1];
      const row = {
        model: modelName(model), ...model, params: info.params, fraction: p.fraction, trainTokens: tr.info().trainTokens,
        steps: tr.info().step, tokensSeen: tr.info().step * info.tokensPerStep, flops: tr.info().step * info.flopsPerStep,
        bestVal: best, bestStep, finalVal, finalTrain: tr.evaluate().trainLoss, seconds: (performance.now() - runStart) / 1000,
        curve, diverged,
      };
      rows.push(row);
      doneCost += p.cost;
      post({ type: 'progress', job, run: r, runs: plan.length, row, frac: doneCost / totalCost, elapsed: (performance.now() - t0) / 1000 });
    } finally {
      tr.dispose();
    }
  }
  return { cancelled: false, rows, validationChars: [...val].length, seconds: (performance.now() - t0) / 1000 };
}

// ------------------------------------------------------------------ optimizer race
async function race({ job, settings, steps, lrs, tensor, index, ...ref }) {
  const text = await resolveText(ref);
  await loadEngine();
  const trainers = [];
  try {
    for (const o of OPTIMIZERS) trainers.push(engine.createTrainer(text, { ...settings, optimizer: o, lr: lrs[o], momentum: 0.9 }));
    const fingerprints = trainers.map((t) => t.fingerprint());
    const info = trainers[0].info();
    const losses = OPTIMIZERS.map(() => []);
    const weights = OPTIMIZERS.map((o, i) => [trainers[i].weight(tensor, index)]);
    const diverged = OPTIMIZERS.map(() => null);
    let n = 2;
    let done = 0;
    let sent = 0;
    while (done < steps) {
      const k = Math.min(n, steps - done);
      const c0 = performance.now();
      for (let s = 0; s < k; s++) {
        trainers.forEach((t, i) => {
          if (diverged[i]) { losses[i].push(null); weights[i].push(null); return; }
          const r = t.train(1);
          if (r.diverged) { diverged[i] = r.diverged.message; losses[i].push(null); weights[i].push(null); return; }
          losses[i].push(r.loss);
          weights[i].push(t.weight(tensor, index));
        });
      }
      done += k;
      n = nextChunk(n, k, performance.now() - c0);
      post({ type: 'progress', job, from: sent, done, steps, losses: losses.map((l) => l.slice(sent)),
        weights: weights.map((w) => w.slice(sent + 1)), first: sent === 0 ? weights.map((w) => w[0]) : null });
      sent = done;
      await yieldNow();
      if (isCancelled(job)) return { cancelled: true };
    }
    const evals = trainers.map((t, i) => (diverged[i] ? null : t.evaluate()));
    return {
      cancelled: false, steps, fingerprints, params: info.params, tokensPerStep: info.tokensPerStep,
      final: OPTIMIZERS.map((o, i) => ({
        optimizer: o, lr: lrs[o], trainLoss: evals[i]?.trainLoss ?? null, valLoss: evals[i]?.valLoss ?? null,
        weightStart: weights[i][0], weightEnd: weights[i].filter((w) => w !== null).at(-1), diverged: diverged[i],
      })),
    };
  } finally {
    for (const t of trainers) t.dispose();
  }
}

// ------------------------------------------------------------------ speed
async function measure({ settings, seconds = 1.5, ...ref }) {
  const text = await resolveText(ref);
  await loadEngine();
  const t = engine.createTrainer(text, settings);
  try {
    t.train(2); // warm-up
    let tokens = 0;
    let secs = 0;
    let n = 2;
    const info = t.info();
    while (secs < seconds) {
      const c0 = performance.now();
      const r = t.train(n);
      const ms = performance.now() - c0;
      secs += ms / 1000;
      tokens += r.losses.length * info.tokensPerStep;
      n = nextChunk(n, n, ms);
      await yieldNow();
    }
    const tps = tokens / secs;
    return { tokensPerSecond: tps, flopsPerSecond: tps * info.flopsPerStep / info.tokensPerStep, info };
  } finally {
    t.dispose();
  }
}

function needLive() {
  if (!live) throw new Error('no model yet: the lab has not built its model');
  return live;
}

const commands = {
  async load() { await loadEngine(); return true; },
  sweep,
  race,
  measure,
  cancel({ job }) { cancelled.add(job); return true; },
  async snapshot({ bytes, ...ref }) {
    await loadEngine();
    await resolveText(ref);
    // Without the text: this copy only predicts (attention, surprise); tokenizing a book here would
    // cost memory for nothing.
    const next = engine.loadCheckpoint(new Uint8Array(bytes), { text: '' });
    live?.dispose();
    live = next;
    const i = live.info();
    return { step: i.step, config: i.config, params: i.params };
  },
  attention({ prompt, layer, head }) { return needLive().attention(prompt, layer, head); },
  surprise({ part, max = 800 }) {
    const m = needLive();
    const i = m.info();
    // Only a window of ~max tokens at the start of each part is tokenized (the text may be a book).
    const window = (part === 'train' ? liveText : liveVal).slice(0, max * 8);
    const toks = window ? m.tokens(window) : [];
    const total = part === 'train' ? liveTokens.train : liveTokens.val;
    const slice = toks.slice(0, max);
    if (slice.length < 2) return { part, tokens: [], mean: null, total, step: i.step };
    const s = m.surprise(slice.map((x) => x.text).join(''));
    const ls = s.map((x) => x.loss).filter((x) => x !== null && Number.isFinite(x));
    return { part, tokens: s, mean: ls.length ? ls.reduce((a, b) => a + b, 0) / ls.length : null, total, step: i.step, vocabSize: i.vocabSize };
  },
};

self.onmessage = async (ev) => {
  const { id, cmd, args } = ev.data ?? {};
  const fn = commands[cmd];
  try {
    if (!fn) throw new Error(`unknown command ${cmd}`);
    post({ id, ok: true, result: await fn(args ?? {}) });
  } catch (e) {
    post({ id, ok: false, error: String(e?.message ?? e) });
  }
};
