// The scaling experiment's plan (no DOM, no engine): which models, which amounts of text, what
// budget, how the corpus is split, and the CSV of the results. The experiments worker runs the plan.

/** Three model sizes, from ~5k to ~105k parameters (about 20× apart) on the fables' vocabulary. */
export const SWEEP_MODELS = [
  { nLayer: 1, nHead: 2, nEmbd: 16 },
  { nLayer: 1, nHead: 2, nEmbd: 32 },
  { nLayer: 2, nHead: 4, nEmbd: 64 },
];

/**
 * Shares of the training corpus: about 7 kB, 48 kB and 340 kB of the fables, a 50× span of data
 * (too little to learn its patterns from → enough that a small model can't memorize it).
 */
export const SWEEP_FRACTIONS = [0.02, 0.14, 1];

/** Steps per run (of the reference model when the budget is compute). */
export const SWEEP_PRESETS = { quick: 250, longer: 700 };

/** Settings shared by every run: same seed ⇒ same batches at every step. */
export const SWEEP_SETTINGS = { blockSize: 32, batchSize: 8, optimizer: 'adamw', lr: 3e-3, gradClip: 1, seed: 7, valFraction: 0 };

/** Validation is measured this many times per run (the best one is the early-stopping loss). */
export const EVALS_PER_RUN = 16;

// The corpus: the 400 kB fables, big enough for a data axis that spans 50× (the three small
// samples together are 4 kB: every share of them gets memorized).
export const SAMPLE_NAMES = ['fables'];

/** Held-out text every run is judged on (its first characters: evaluating is ~16× per run). */
export const SWEEP_VAL_CHARS = 8000;

/**
 * Split each sample into training lines and held-out validation lines (the last `valShare` of
 * each), so every run is judged on the same unseen text, whatever share of data it trained on.
 */
export function splitCorpus(texts, valShare = 0.15) {
  const train = [];
  const val = [];
  for (const t of texts) {
    const lines = t.replace(/\r\n?/g, '\n').split('\n');
    const k = Math.max(1, Math.floor(lines.length * (1 - valShare)));
    train.push(lines.slice(0, k));
    val.push(lines.slice(k).join('\n'));
  }
  return { train, val: val.join('\n').slice(0, SWEEP_VAL_CHARS), all: texts.join('\n') };
}

/** The first `fraction` of every sample's training lines, joined. */
export function subsetText(trainParts, fraction) {
  return trainParts.map((lines) => lines.slice(0, Math.max(2, Math.round(lines.length * fraction))).join('\n')).join('\n');
}

/** Steps of one run: the same for all ('tokens'), or the same FLOPs as the middle model's ('flops'). */
export function stepsFor(budget, steps, flopsPerStep, referenceFlopsPerStep) {
  if (budget !== 'flops') return steps;
  return Math.max(10, Math.round(steps * referenceFlopsPerStep / flopsPerStep));
}

/** The middle model is the reference of the 'flops' budget (as the worker's plan). */
export const REFERENCE_MODEL = Math.floor(SWEEP_MODELS.length / 2);

/**
 * Seconds the sweep should take: each run's steps × that model's measured seconds per step.
 * speed: per SWEEP_MODELS entry {secondsPerStep, flopsPerStep} (measured in this browser).
 */
export function sweepSeconds(budget, steps, speed) {
  const ref = speed[REFERENCE_MODEL].flopsPerStep;
  return speed.reduce((sum, m) => sum + SWEEP_FRACTIONS.length * stepsFor(budget, steps, m.flopsPerStep, ref) * m.secondsPerStep, 0);
}

/** Per-model speed of a finished sweep: its own seconds per step (evaluations included). */
export function speedOfRows(rows) {
  const out = SWEEP_MODELS.map((m) => {
    const own = rows.filter((r) => r.model === modelName(m));
    const steps = own.reduce((a, r) => a + r.steps, 0);
    if (!steps) return null;
    return { secondsPerStep: own.reduce((a, r) => a + r.seconds, 0) / steps, flopsPerStep: own[0].flops / own[0].steps };
  });
  return out.every(Boolean) ? out : null;
}

/**
 * Why the result came out as it did, from the runs on all the text: which size won, and how many
 * steps and tokens per parameter each size got. {key, best, big, small, bestSteps, bigSteps, tpp}.
 */
export function explainResult(rows, budget) {
  const full = rows.filter((r) => r.fraction === 1).sort((a, b) => a.params - b.params);
  if (full.length < SWEEP_MODELS.length) return null;
  const best = full.reduce((a, r) => (r.bestVal < a.bestVal ? r : a));
  const big = full.at(-1);
  return {
    key: `scWhy${budget === 'flops' ? 'Flops' : 'Tokens'}${best === big ? 'Biggest' : 'Smaller'}`,
    best: best.model, bestLoss: best.bestVal, bestSteps: best.steps, big: big.model, bigSteps: big.steps, bigLoss: big.bestVal,
    tpp: big.tokensSeen / big.params, bestTpp: best.tokensSeen / best.params,
  };
}

export const CSV_COLUMNS = ['model', 'n_layer', 'n_head', 'n_embd', 'params', 'data_fraction', 'train_tokens', 'steps',
  'tokens_seen', 'train_flops', 'best_val_loss', 'best_step', 'final_val_loss', 'final_train_loss', 'seconds'];

/** Results → CSV text (one row per run, a header first). */
export function toCsv(rows) {
  const cell = (v) => {
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
    const s = String(v ?? '');
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push([r.model, r.nLayer, r.nHead, r.nEmbd, r.params, r.fraction, r.trainTokens, r.steps, r.tokensSeen, r.flops,
      r.bestVal, r.bestStep, r.finalVal, r.finalTrain, r.seconds].map(cell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function modelName(m) { return `L${m.nLayer}·H${m.nHead}·C${m.nEmbd}`; }
