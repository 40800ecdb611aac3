// The experiments worker: one per lab, separate from the training worker, so the heavy experiments
// (scaling sweep, optimizer race, speed measurement) and the views of the current model
// (attention, surprise) never run on the page thread and never touch the lab's own trainer.
// Requests {id, cmd, args} get one reply {id, ok, result | error}. The sweep's and the race's
// independent runs go side by side to a pool of run workers (run-pool.js, one per core), which
// post {type:'progress', job, run, …} per run; 'cancel' ends the job's run workers at once.
import { SWEEP_MODELS, SWEEP_FRACTIONS, SWEEP_SETTINGS, EVALS_PER_RUN, REFERENCE_MODEL, splitCorpus, subsetText, stepsFor, modelName } from './scaling.js';
import { startEngineLoad } from '../engine-load.js';
import { readText } from '../text-read.js';
import { head, valStart } from '../text-limits.js';
import { RunPool, poolSize } from './run-pool.js';
import { nextChunk } from './runs.js';
import { yieldNow } from '../yield-now.js';

const OPTIMIZERS = ['sgd', 'momentum', 'adamw'];

let engine = null;
let engineLoad = null;
let live = null;        // the lab's model as of the last snapshot
let liveText = '';     // the lab's text (read once per textKey, from its source)
let liveKey = null;

// Loaded on the first request (this worker starts with the page, but must not slow its first step).
function loadEngine() {
  engineLoad ??= startEngineLoad(new URL('../../engine/', import.meta.url));
  return engineLoad().then((e) => (engine = e));
}

const post = (msg) => self.postMessage(msg);

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

// ------------------------------------------------------------------ scaling sweep
const RUN_WORKER = new URL('./run-worker.js', import.meta.url);
const jobs = new Map(); // job id → its RunPool (cancel ends them all at once)

/** Runs `tasks` side by side in a new pool for `job`; see run-pool.js. */
async function inPool(job, tasks, pool, on) {
  const p = new RunPool(RUN_WORKER, poolSize(tasks.length, { requested: pool }));
  jobs.set(job, p);
  try {
    return { ...(await p.run(tasks, on)), pool: p.size };
  } finally {
    jobs.delete(job);
  }
}

async function sweep({ job, texts, steps, budget, pool }) {
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
  const tasks = plan.map((p) => ({
    kind: 'sweep', bytes: p.base.bytes, settings: SWEEP_SETTINGS, text: p.text, val, steps: p.steps,
    every: Math.max(1, Math.ceil(p.steps / EVALS_PER_RUN)),
  }));
  const totalCost = plan.reduce((a, p) => a + p.cost, 0);
  const doneCost = plan.map(() => 0);
  const t0 = performance.now();
  const common = (r) => ({ job, run: r, runs: plan.length, elapsed: (performance.now() - t0) / 1000 });
  const frac = () => doneCost.reduce((a, c) => a + c, 0) / totalCost;
  const rowOf = (r, res) => {
    const { model, info } = plan[r].base;
    return { model: modelName(model), ...model, params: info.params, fraction: plan[r].fraction, ...res,
      tokensSeen: res.steps * info.tokensPerStep, flops: res.steps * info.flopsPerStep };
  };
  const out = await inPool(job, tasks, pool, {
    progress(r, m) {
      const p = plan[r];
      doneCost[r] = m.step * p.base.info.flopsPerStep;
      post({ type: 'progress', ...common(r), step: m.step, steps: m.steps, model: modelName(p.base.model), params: p.base.info.params, fraction: p.fraction, frac: frac() });
    },
    done(r, res) {
      doneCost[r] = plan[r].cost;
      post({ type: 'progress', ...common(r), row: rowOf(r, res), frac: frac() });
    },
  });
  // Rows in plan order (runs end in any order when they run side by side).
  const rows = out.results.map((res, r) => (res ? rowOf(r, res) : null)).filter(Boolean);
  return { cancelled: out.cancelled, rows, validationChars: [...val].length, seconds: (performance.now() - t0) / 1000, ...poolReport(out) };
}

/** How the runs shared the cores: pool size, each run's [start, end] seconds, memory per worker. */
const poolReport = ({ pool, spans, memoryBytes }) => ({ pool, spans, memoryBytes });

// ------------------------------------------------------------------ optimizer race
async function race({ job, settings, steps, lrs, tensor, index, pool, ...ref }) {
  const text = await resolveText(ref);
  const tasks = OPTIMIZERS.map((o) => ({ kind: 'race', text, settings: { ...settings, optimizer: o, lr: lrs[o], momentum: 0.9 }, steps, tensor, index }));
  const out = await inPool(job, tasks, pool, {
    progress(run, m) { post({ type: 'progress', job, run, runs: tasks.length, ...m }); },
  });
  if (out.cancelled) return { cancelled: true, ...poolReport(out) };
  const res = out.results;
  return {
    cancelled: false, steps, fingerprints: res.map((r) => r.fingerprint), params: res[0].params, tokensPerStep: res[0].tokensPerStep,
    final: OPTIMIZERS.map((o, i) => ({
      optimizer: o, lr: lrs[o], trainLoss: res[i].trainLoss, valLoss: res[i].valLoss,
      weightStart: res[i].weightStart, weightEnd: res[i].weightEnd, diverged: res[i].diverged,
    })),
    ...poolReport(out),
  };
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
  cancel({ job }) { jobs.get(job)?.cancel(); return true; },
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
