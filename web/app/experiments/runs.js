// One independent run of an experiment (a sweep cell, one optimizer of the race), as a function of
// its task alone: same task ⇒ same numbers, whichever worker runs it and whatever runs beside it.
// A run worker (run-worker.js) runs them; the pool (run-pool.js) hands the tasks out. A run trains
// in chunks of ~CHUNK_MS, reports after each (emit) and yields, so a worker stays responsive.

import { betweenChunks } from '../yield-now.js';

const CHUNK_MS = 50;

/** Steps per chunk so that one chunk takes about CHUNK_MS. */
export function nextChunk(n, steps, ms) {
  const per = Math.max(ms, 0.05) / Math.max(1, steps);
  return Math.max(1, Math.min(256, Math.round(0.7 * (CHUNK_MS / per) + 0.3 * n)));
}

/**
 * One cell of the scaling sweep: a model (its fresh weights as checkpoint bytes) trained for
 * `steps` on `text`, the validation loss measured `every` steps.
 * task: {bytes, settings, text, val, steps, every}; emit({step, steps}) after each chunk.
 * @returns {{trainTokens, steps, bestVal, bestStep, finalVal, finalTrain, seconds, curve, diverged}}
 */
async function sweepRun(engine, { bytes, settings, text, val, steps, every }, emit, threads) {
  const tr = engine.loadCheckpoint(bytes, { ...settings, text });
  try {
    let best = tr.evalText(val);
    let bestStep = 0;
    const curve = [[0, best]];
    let n = 4;
    let diverged = null;
    const start = performance.now();
    while (tr.info().step < steps) {
      const step = tr.info().step;
      const k = Math.min(n, steps - step, every - (step % every));
      const c0 = performance.now();
      const res = tr.train(k);
      n = nextChunk(n, k, performance.now() - c0);
      if (res.diverged) { diverged = res.diverged.message; break; }
      if (res.step % every === 0 || res.step === steps) {
        const v = tr.evalText(val);
        curve.push([res.step, v]);
        if (v < best) { best = v; bestStep = res.step; }
      }
      emit({ step: res.step, steps });
      await betweenChunks(threads);
    }
    const i = tr.info();
    return {
      trainTokens: i.trainTokens, steps: i.step, bestVal: best, bestStep, finalVal: curve.at(-1)[1],
      finalTrain: tr.evaluate().trainLoss, seconds: (performance.now() - start) / 1000, curve, diverged,
    };
  } finally {
    tr.dispose();
  }
}

/**
 * One optimizer of the race: a fresh model (same seed as the others) trained for `steps`, the
 * loss and one weight recorded after every step.
 * task: {text, settings, steps, tensor, index}; emit({from, done, steps, losses, weights, first})
 * with the losses and weights since the last report.
 */
async function raceRun(engine, { text, settings, steps, tensor, index }, emit, threads) {
  const t = engine.createTrainer(text, settings);
  try {
    const fingerprint = t.fingerprint();
    const info = t.info();
    const losses = [];
    const weights = [t.weight(tensor, index)];
    let diverged = null;
    let n = 2;
    let sent = 0;
    while (losses.length < steps) {
      const k = Math.min(n, steps - losses.length);
      const c0 = performance.now();
      for (let s = 0; s < k; s++) {
        if (diverged) { losses.push(null); weights.push(null); continue; }
        const r = t.train(1);
        if (r.diverged) { diverged = r.diverged.message; losses.push(null); weights.push(null); continue; }
        losses.push(r.loss);
        weights.push(t.weight(tensor, index));
      }
      n = nextChunk(n, k, performance.now() - c0);
      emit({ from: sent, done: losses.length, steps, losses: losses.slice(sent), weights: weights.slice(sent + 1), first: sent === 0 ? weights[0] : null });
      sent = losses.length;
      await betweenChunks(threads);
    }
    const ev = diverged ? null : t.evaluate();
    return {
      fingerprint, params: info.params, tokensPerStep: info.tokensPerStep,
      trainLoss: ev?.trainLoss ?? null, valLoss: ev?.valLoss ?? null,
      weightStart: weights[0], weightEnd: weights.filter((w) => w !== null).at(-1), diverged,
    };
  } finally {
    t.dispose();
  }
}

export const RUNS = { sweep: sweepRun, race: raceRun };

/**
 * Runs `task` ({kind, …}) with `engine`; `threads`: how many runs go side by side (the pool's
 * workers), for how a run yields between its chunks (yield-now.js betweenChunks).
 */
export function runTask(engine, task, emit, threads = 1) {
  const fn = RUNS[task.kind];
  if (!fn) throw new Error(`unknown run kind ${task.kind} (allowed: ${Object.keys(RUNS).join(', ')})`);
  return fn(engine, task, emit, threads);
}
