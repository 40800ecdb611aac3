// The state table: every setting of a lab, its type, default and allowed range. Attributes of
// <training-loop-lab>, the query of index.html / embed.html and the controls all go through it.
// Every value read from outside is validated and clamped here; each problem is reported, never
// trusted. No DOM in this module.

import { ENGINE_LIMITS } from './engine-limits.js';

/**
 * The only place the page narrows the engine's ranges (ENGINE_LIMITS), and why. A learner's model
 * must train live in a browser tab and its numbers fit on screen; the engine itself allows far
 * more (the CLI does). range() intersects, so a narrowing can never widen the engine's range.
 */
const NARROWED = {
  vocabSize: { min: 32, max: 2048, why: 'BPE below 32 merges nothing useful; above 2048 the output layer dominates a small model' },
  nLayer: { max: 6, why: 'deeper models train too slowly in a tab to watch' },
  nHead: { max: 8, why: 'the attention view shows one head at a time; more than 8 do not fit its picker' },
  nEmbd: { min: 8, max: 256, why: 'below 8 a head has no room; above 256 a step takes seconds' },
  blockSize: { min: 8, max: 256, why: 'the pairs and attention views draw every position' },
  batchSize: { max: 64, why: 'a step must stay well under a second' },
  lr: { min: 1e-5, why: 'smaller rates change nothing visible in a lesson' },
  weightDecay: { max: 1, why: 'more decays the weights to zero in a few steps' },
  gradClip: { max: 100, why: 'a larger clip is no clip for these models' },
  seed: { max: 2147483647, why: 'a short number to read and share in a link' },
  temperature: { min: 0.05, max: 2, why: 'the slider: near 0 is greedy, above 2 is noise' },
  topK: { max: 50, why: 'the predict view lists at most 50 tokens' },
};

/** The engine's range of `key`, narrowed where NARROWED says (never widened). */
export function range(key) {
  const e = ENGINE_LIMITS[key];
  if (!e) throw new Error(`the engine's limits table has no ${key}`);
  const n = NARROWED[key] ?? {};
  const r = { min: Math.max(e.min, n.min ?? e.min), max: Math.min(e.max, n.max ?? e.max) };
  // An open bound of the engine (lr > 0) must be narrowed away, or the page would allow it.
  if ((e.minOpen && r.min <= e.min) || (e.maxOpen && r.max >= e.max)) throw new Error(`the page's ${key} must stay inside ${e.range}`);
  return r;
}

export const SAMPLES = ['facts', 'story', 'rhymes', 'fables'];
/**
 * A good learning rate per optimizer for the lab's models (the optimizer race starts with these,
 * the train section explains them): plain SGD needs a large one, AdamW a small one.
 */
export const SUGGESTED_LRS = { sgd: 0.3, momentum: 0.03, adamw: 3e-3 };
export const SECTIONS = ['text', 'pairs', 'train', 'predict', 'step', 'infer', 'keep', 'attention', 'surprise', 'optimizers', 'scaling', 'time'];

/**
 * name: attribute and URL parameter name; key: field of the state object.
 * kind: 'int' | 'float' | 'enum' | 'bool' | 'string' | 'list' | 'text' | 'workers' ('auto' or min–max).
 * effect: what a change needs — 'model' (new trainer), 'seed' (reset), 'live' (setSettings),
 * 'workers' (how many workers train), 'ui'.
 */
export const FIELDS = [
  { name: 'text', key: 'text', kind: 'text', def: 'facts', effect: 'model' },
  { name: 'custom', key: 'custom', kind: 'string', def: '', max: 4000, effect: 'model' },
  { name: 'tokenizer', key: 'tokenizer', kind: 'enum', def: 'char', choices: ['char', 'bpe'], effect: 'model' },
  { name: 'vocab-size', key: 'vocabSize', kind: 'int', def: 256, ...range('vocabSize'), effect: 'model' },
  { name: 'n-layer', key: 'nLayer', kind: 'int', def: 2, ...range('nLayer'), effect: 'model' },
  { name: 'n-head', key: 'nHead', kind: 'int', def: 4, ...range('nHead'), effect: 'model' },
  { name: 'n-embd', key: 'nEmbd', kind: 'int', def: 64, ...range('nEmbd'), effect: 'model' },
  { name: 'block-size', key: 'blockSize', kind: 'int', def: 64, ...range('blockSize'), effect: 'model' },
  { name: 'batch-size', key: 'batchSize', kind: 'int', def: 16, ...range('batchSize'), effect: 'model' },
  { name: 'optimizer', key: 'optimizer', kind: 'enum', def: 'adamw', choices: ['sgd', 'momentum', 'adamw'], effect: 'live' },
  { name: 'lr', key: 'lr', kind: 'float', def: 3e-3, ...range('lr'), effect: 'live' },
  { name: 'weight-decay', key: 'weightDecay', kind: 'float', def: 0, ...range('weightDecay'), effect: 'live' },
  { name: 'grad-clip', key: 'gradClip', kind: 'float', def: 1, ...range('gradClip'), effect: 'live' },
  { name: 'seed', key: 'seed', kind: 'int', def: 1337, ...range('seed'), effect: 'seed' },
  // Workers training together (the page's training worker and its helpers, helpers.js; at most 4).
  { name: 'workers', key: 'workers', kind: 'workers', def: 'auto', min: 1, max: 4, effect: 'workers' },
  { name: 'steps', key: 'steps', kind: 'int', def: 0, min: 0, max: 100000, effect: 'ui' },
  { name: 'autoplay', key: 'autoplay', kind: 'bool', def: false, effect: 'ui' },
  { name: 'sections', key: 'sections', kind: 'list', def: SECTIONS, choices: SECTIONS, effect: 'ui' },
  { name: 'compact', key: 'compact', kind: 'bool', def: false, effect: 'ui' },
  { name: 'theme', key: 'theme', kind: 'enum', def: 'auto', choices: ['auto', 'light', 'dark'], effect: 'ui' },
  { name: 'lang', key: 'lang', kind: 'enum', def: 'en', choices: ['en', 'de'], effect: 'ui' },
  { name: 'prompt', key: 'prompt', kind: 'string', def: '', max: 200, effect: 'ui' },
  { name: 'temperature', key: 'temperature', kind: 'float', def: 0.8, ...range('temperature'), effect: 'ui' },
  { name: 'top-k', key: 'topK', kind: 'int', def: 10, ...range('topK'), effect: 'ui' },
];

export const FIELD_BY_NAME = new Map(FIELDS.map((f) => [f.name, f]));
export const FIELD_BY_KEY = new Map(FIELDS.map((f) => [f.key, f]));
export const ATTRIBUTE_NAMES = FIELDS.map((f) => f.name);

/** Settings passed to engine.createTrainer / setSettings, taken from a state. */
export function trainerSettings(s) {
  return {
    tokenizer: s.tokenizer, vocabSize: s.vocabSize, nLayer: s.nLayer, nHead: s.nHead, nEmbd: s.nEmbd,
    blockSize: s.blockSize, batchSize: s.batchSize, optimizer: s.optimizer, lr: s.lr,
    weightDecay: s.weightDecay, gradClip: s.gradClip, seed: s.seed,
  };
}

export function defaults() {
  const s = {};
  for (const f of FIELDS) s[f.key] = Array.isArray(f.def) ? [...f.def] : f.def;
  return s;
}

/**
 * Is `v` an allowed text source: a sample name, or a same-origin URL whose path ends in .txt?
 * The path is what counts (`/engine/lab-core.wasm?a.txt` is not a text), after URL resolution.
 */
export function isTextSource(v, origin) {
  if (SAMPLES.includes(v) || v === 'custom') return true;
  if (v.length > 500) return false;
  try {
    const base = origin ?? 'http://same.invalid';
    const url = new URL(v, base + '/');
    const file = decodeURIComponent(url.pathname); // a server decodes %3F too
    return url.origin === base && /\.txt$/i.test(file) && !/[?#]/.test(file);
  } catch { return false; }
}

/**
 * Parse one raw value (string from an attribute/URL, or a typed value from a control).
 * Returns {value, problem?: {name, value, reason: [key, vars], used}}.
 */
export function parseField(f, raw, opts = {}) {
  const bad = (reason, used) => ({ value: used, problem: { name: f.name, value: String(raw), reason, used } });
  if (raw === null || raw === undefined) return { value: Array.isArray(f.def) ? [...f.def] : f.def };
  const str = String(raw).trim();
  switch (f.kind) {
    case 'int':
    case 'float': {
      if (str === '') return bad(['reasonNotNumber'], f.def);
      const n = typeof raw === 'number' ? raw : Number(str);
      if (!Number.isFinite(n)) return bad(['reasonNotNumber'], f.def);
      if (f.kind === 'int' && !Number.isInteger(n)) {
        const r = Math.min(f.max, Math.max(f.min, Math.round(n)));
        return bad(['reasonNotInteger'], r);
      }
      if (n < f.min || n > f.max) {
        const c = Math.min(f.max, Math.max(f.min, n));
        return bad(['reasonRange', { min: f.min, max: f.max }], c);
      }
      return { value: n };
    }
    case 'enum': {
      const v = str.toLowerCase();
      if (f.choices.includes(v)) return { value: v };
      return bad(['reasonChoice', { choices: f.choices.join(', ') }], f.def);
    }
    case 'bool': {
      if (typeof raw === 'boolean') return { value: raw };
      const v = str.toLowerCase();
      if (['', '1', 'true', 'yes', 'on', f.name].includes(v)) return { value: true };
      if (['0', 'false', 'no', 'off'].includes(v)) return { value: false };
      return bad(['reasonChoice', { choices: '1, 0, true, false' }], f.def);
    }
    case 'string': {
      const s = String(raw);
      if (s.length > f.max) return bad(['reasonTooLong', { max: f.max }], s.slice(0, f.max));
      return { value: s };
    }
    case 'text': {
      if (isTextSource(str, opts.origin)) return { value: str };
      return bad(['reasonNotSample', { choices: SAMPLES.join(', ') }], f.def);
    }
    case 'list': {
      const items = (Array.isArray(raw) ? raw : str.split(/[\s,]+/)).map((x) => String(x).trim().toLowerCase()).filter(Boolean);
      const good = items.filter((x) => f.choices.includes(x));
      if (good.length === items.length && good.length > 0) return { value: [...new Set(good)] };
      const used = good.length ? [...new Set(good)] : [...f.def];
      return bad(['reasonChoice', { choices: f.choices.join(', ') }], used);
    }
    case 'workers': {
      if (str.toLowerCase() === 'auto') return { value: 'auto' };
      const n = typeof raw === 'number' ? raw : Number(str);
      if (str !== '' && Number.isInteger(n) && n >= f.min && n <= f.max) return { value: n };
      return bad(['reasonWorkers', { min: f.min, max: f.max }], f.def);
    }
    default:
      return { value: f.def };
  }
}

/** Cross-field rules (n-embd a multiple of n-head). Mutates s; returns problems. */
export function fixRelations(s) {
  const problems = [];
  if (s.nEmbd % s.nHead !== 0) {
    const f = FIELD_BY_KEY.get('nEmbd');
    let c = Math.max(s.nHead, Math.round(s.nEmbd / s.nHead) * s.nHead);
    while (c > f.max) c -= s.nHead;
    problems.push({ name: 'n-embd', value: String(s.nEmbd), reason: ['reasonMultiple', { nHead: s.nHead }], used: c });
    s.nEmbd = c;
  }
  return problems;
}

/**
 * Read a whole state from a getter (name → raw string or null), e.g. an element's getAttribute or
 * URLSearchParams.get. Unset fields take their defaults. Returns {state, problems}.
 */
export function readState(get, opts = {}) {
  const state = defaults();
  const problems = [];
  for (const f of FIELDS) {
    const raw = get(f.name);
    if (raw === null || raw === undefined) continue;
    const { value, problem } = parseField(f, raw, opts);
    state[f.key] = value;
    if (problem) problems.push(problem);
  }
  problems.push(...fixRelations(state));
  if (state.text !== 'custom') state.custom = '';
  return { state, problems };
}

function same(a, b) {
  return Array.isArray(a) ? Array.isArray(b) && a.join(',') === b.join(',') : a === b;
}

/** Serialise a field's value as an attribute / URL string. */
export function formatValue(f, v) {
  if (f.kind === 'bool') return v ? '1' : '0';
  if (f.kind === 'list') return v.join(',');
  return String(v);
}

/** The non-default fields of a state as URLSearchParams (for share links and index.html). */
export function toParams(state, { include = null } = {}) {
  const p = new URLSearchParams();
  for (const f of FIELDS) {
    if (include && !include.includes(f.name)) continue;
    const v = state[f.key];
    if (same(v, f.def)) continue;
    if (f.key === 'custom' && state.text !== 'custom') continue;
    p.set(f.name, formatValue(f, v));
  }
  return p;
}
