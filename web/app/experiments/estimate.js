// The training-time estimator (no DOM): FLOPs of training a GPT, device presets, human units.
//
//   FLOPs per token ≈ 6·N + 12·L·T·C   (6N: forward 2N + backward 4N; 12LTC: attention scores and
//                                        their use, forward and backward — the engine's own formula)
//   time ≈ FLOPs per token × D × E / (n × F × U)
//
// N parameters, L layers, T context, C width, D dataset tokens, E epochs, n devices, F peak FLOP/s
// of one device, U utilization (the share of the peak a real training run reaches).


/** Devices with their peak dense FLOP/s (vendor figures, rounded; editable in the page). */
export const DEVICES = [
  { key: 'browser', peak: null, util: 1 },          // measured here: the peak IS what we reached
  { key: 'laptopCpu', peak: 5e11, util: 0.5 },      // a few cores with SIMD, FP32
  { key: 'gamingGpu', peak: 8.3e13, util: 0.4 },    // a recent consumer GPU, FP32
  { key: 'v100', peak: 1.25e14, util: 0.4 },        // NVIDIA V100, FP16 tensor cores
  { key: 'a100', peak: 3.12e14, util: 0.4 },        // NVIDIA A100, BF16 dense
  { key: 'h100', peak: 9.89e14, util: 0.4 },        // NVIDIA H100 SXM, BF16 dense
  { key: 'tpuV4', peak: 2.75e14, util: 0.4 },       // Google TPU v4 chip, BF16
];

/** Model presets: parameters, layers, context, width, dataset tokens, epochs. */
export const MODELS = [
  { key: 'lab' },                                   // filled from the lab's model
  { key: 'gpt2small', params: 124e6, layers: 12, context: 1024, width: 768, tokens: 10e9, epochs: 1 },
  { key: 'llama7b', params: 6.7e9, layers: 32, context: 4096, width: 4096, tokens: 2e12, epochs: 1 },
  { key: 'gpt3', params: 175e9, layers: 96, context: 2048, width: 12288, tokens: 300e9, epochs: 1 },
];

/** The comparison table under the estimate: the same training on these set-ups. */
export const COMPARE = [
  { device: 'browser', count: 1 }, { device: 'laptopCpu', count: 1 }, { device: 'a100', count: 1 },
  { device: 'a100', count: 64 }, { device: 'a100', count: 1024 }, { device: 'h100', count: 10000 },
];

/** Allowed ranges of the inputs (values outside are clamped and reported). */
export const LIMITS = {
  params: [1, 1e15], layers: [1, 1000], context: [1, 1e7], width: [1, 1e6], tokens: [1, 1e16],
  epochs: [0.01, 1e5], count: [1, 1e7], util: [0.01, 1], peak: [1e3, 1e20],
};

export function flopsPerToken({ params, layers, context, width }) {
  return 6 * params + 12 * layers * context * width;
}

/** {perToken, total, deviceFlops, seconds} for a model, a dataset and a set-up. */
export function estimate(m, { peak, util, count }) {
  const perToken = flopsPerToken(m);
  const total = perToken * m.tokens * m.epochs;
  const deviceFlops = count * peak * util;
  return { perToken, total, deviceFlops, seconds: total / deviceFlops };
}

/** FLOP/s this browser reached, from measured tokens/s and the engine's info(). */
export function measuredFlops(tokensPerSecond, info) {
  if (!tokensPerSecond || !info?.tokensPerStep) return null;
  return tokensPerSecond * info.flopsPerStep / info.tokensPerStep;
}

/**
 * The lab's model as estimator inputs. Epochs: exactly what the lab has trained so far (tokens
 * seen ÷ training tokens, 3 significant digits), or 1 before its first step.
 */
export function labModel(info, step = info.step) {
  const c = info.config;
  const seen = step * info.tokensPerStep;
  const epochs = seen > 0 ? Math.max(LIMITS.epochs[0], Number((seen / Math.max(1, info.trainTokens)).toPrecision(3))) : 1;
  return { params: info.params, layers: c.n_layer, context: info.seqLen, width: c.n_embd, tokens: info.trainTokens, epochs };
}

/**
 * Parse a number typed by a person: "175e9", "175,000,000,000", "3.5 billion", "40%".
 * Returns NaN when it is not a number.
 */
export function parseAmount(text) {
  let s = String(text).trim().toLowerCase().replace(/[\s_,\u00a0\u202f']/g, '');
  let scale = 1;
  const words = [['trillion', 1e12], ['billion', 1e9], ['million', 1e6], ['thousand', 1e3], ['billionen', 1e12],
    ['milliarden', 1e9], ['millionen', 1e6], ['tausend', 1e3], ['%', 0.01], ['t', 1e12], ['b', 1e9], ['m', 1e6], ['k', 1e3]];
  for (const [w, f] of words) {
    if (s.endsWith(w) && s.length > w.length) { s = s.slice(0, -w.length); scale = f; break; }
  }
  s = s.replace(/[×x]10\^?/, 'e');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(s)) return NaN;
  return Number(s) * scale;
}

/**
 * A count in words: 175e9 → {value: 175, unit: 'uBillion'} (unit keys are looked up in the
 * strings). Below a thousand, or from 10¹⁵ on: no unit (value is x, 4 significant digits).
 */
export function bigParts(x) {
  const units = [[1e12, 'uTrillion'], [1e9, 'uBillion'], [1e6, 'uMillion'], [1e3, 'uThousand']];
  for (const [f, key] of units) {
    if (Math.abs(x) >= f && Math.abs(x) < f * 1e3) return { value: Number((x / f).toPrecision(3)), unit: key };
  }
  return { value: Number(x.toPrecision(4)), unit: null };
}

/**
 * A duration in the unit a person would use: {value, unit, scale} with unit one of 'lessThanMs',
 * 'ms', 'seconds', 'minutes', 'hours', 'days', 'years'; value a number (rounded to what is
 * worth reading), scale a bigParts unit key for very many years. Never "2.9e-10 seconds".
 */
export function humanDuration(seconds) {
  const units = [['years', 365.25 * 86400, 2], ['days', 86400, 2], ['hours', 3600, 2], ['minutes', 60, 2], ['seconds', 1, 1], ['ms', 1e-3, 1]];
  const s = Math.max(0, seconds);
  for (const [unit, size, min] of units) {
    if (s >= size * min) {
      const v = s / size;
      if (unit === 'years' && v >= 1e3) {
        const b = bigParts(v);
        return { value: b.value, scale: b.unit, unit };
      }
      return { value: v >= 10 ? Math.round(v) : Number(v.toPrecision(2)), scale: null, unit };
    }
  }
  return { value: null, scale: null, unit: 'lessThanMs' };
}
