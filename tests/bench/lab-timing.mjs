// How `npm run bench` times our wasm engine, shared with `tests/bench/compare.mjs`: the configs,
// their optimizer settings, the bench text and the timed training loop.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (...a) => console.error(...a);

// tfjs: whether TensorFlow.js trains it too (the learning comparison and the ratio columns).
export const CONFIGS = [
  { name: 'bench-small', V: 65, T: 64, C: 64, NH: 4, L: 2, B: 16, tfjs: true },
  { name: 'bench-medium', V: 65, T: 128, C: 128, NH: 4, L: 4, B: 8, tfjs: true },
  // nanoGPT's shakespeare_char example, its "I only have a macbook" CPU settings.
  { name: 'nanogpt-cpu', V: 65, T: 64, C: 128, NH: 4, L: 4, B: 12, tfjs: false },
];
export const OPTIM = { optimizer: 'adamw', lr: 1e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, gradClip: 0 };
const SEED = 1337;
// Seconds each config is timed for (in chunks of CHUNK_SECONDS); step counts adapt to the machine.
export const LAB_TIMED_SECONDS = 6;
export const CHUNK_SECONDS = 0.5;

export const flopsPerStep = ({ V, T, C, L, B }) => {
  const N = L * 12 * C * C + V * C;
  return B * T * (6 * N + 12 * L * T * C);
};

/**
 * A deterministic text with exactly 65 distinct characters: the built-in sample, plus one line of
 * the printable ASCII characters it lacks, repeated.
 */
export function benchText(vocabSize = 65) {
  const base = readFileSync(path.join(root, 'web', 'samples', 'facts.txt'), 'utf8').replace(/\r\n/g, '\n');
  const have = new Set(base);
  if (have.size > vocabSize) throw new Error(`the sample has ${have.size} distinct characters, more than ${vocabSize}`);
  const extra = [];
  for (let code = 33; code < 127 && have.size + extra.length < vocabSize; ++code) {
    const ch = String.fromCharCode(code);
    if (!have.has(ch)) extra.push(ch);
  }
  const text = `${base.trimEnd()}\n${extra.join(' ')}\n`.repeat(8);
  const distinct = new Set(text).size;
  if (distinct !== vocabSize) throw new Error(`bench text has ${distinct} distinct characters, expected ${vocabSize}`);
  return text;
}

export function trainerSettings(cfg) {
  return {
    tokenizer: 'char', nLayer: cfg.L, nHead: cfg.NH, nEmbd: cfg.C, blockSize: cfg.T, batchSize: cfg.B,
    optimizer: OPTIM.optimizer, lr: OPTIM.lr, beta1: OPTIM.beta1, beta2: OPTIM.beta2,
    weightDecay: OPTIM.weightDecay, gradClip: OPTIM.gradClip, schedule: 'constant', warmupSteps: 0, seed: SEED,
  };
}

/** Our wasm engine: warm up, then time train(n) calls (random batches) for ~timedSeconds. */
export function timeLabWasm(engine, text, cfg, timedSeconds = LAB_TIMED_SECONDS) {
  const trainer = engine.createTrainer(text, trainerSettings(cfg));
  try {
    const info = trainer.info();
    if (info.config.vocab_size !== cfg.V) throw new Error(`${cfg.name}: vocab_size ${info.config.vocab_size}, expected ${cfg.V}`);
    if (info.flopsPerStep !== flopsPerStep(cfg)) {
      log(`note: engine reports ${info.flopsPerStep} FLOPs/step for ${cfg.name}, the formula gives ${flopsPerStep(cfg)}`);
    }
    let t0 = performance.now();
    trainer.train(3);  // warm-up (first-touch of the arena, V8's optimizing tier)
    let perStep = (performance.now() - t0) / 1000 / 3;
    // Timed: chunks of ~CHUNK_SECONDS (each sized from the steps so far) until timedSeconds
    // have passed; the mean over all of them, and the fastest chunk (as the peak is the fastest of
    // its calls: the least disturbed by the rest of the machine).
    let steps = 0, seconds = 0, engineSeconds = 0, r = null, best = 0;
    while (seconds < timedSeconds) {
      const chunk = Math.max(1, Math.min(100000, Math.round(Math.min(CHUNK_SECONDS, timedSeconds - seconds) / perStep)));
      t0 = performance.now();
      r = trainer.train(chunk);
      const s = (performance.now() - t0) / 1000;
      seconds += s;
      if (r.diverged) throw new Error(`${cfg.name}: training diverged: ${r.diverged.message}`);
      steps += chunk;
      engineSeconds += r.seconds;
      perStep = seconds / steps;
      best = Math.max(best, (chunk * cfg.B * cfg.T) / s);
    }
    const tokens = steps * cfg.B * cfg.T;
    return {
      engine: 'lab wasm', steps, seconds, tokensPerSecond: tokens / seconds, bestChunkTokensPerSecond: best,
      engineReportedTokensPerSecond: tokens / engineSeconds, params: info.params, lastLoss: r.loss,
    };
  } finally {
    trainer.dispose();
  }
}
