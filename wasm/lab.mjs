// The engine as a plain ES module (no DOM): the same file serves the page's Web Worker, node
// tests, the CLI and graders' scripts. It hides Embind: results are plain objects and typed-array
// copies, C++ objects are deleted by dispose(), and errors arrive as Error with a one-line message.
//
//   import { loadEngine } from './lab.mjs';
//   const engine = await loadEngine();
//   const trainer = engine.createTrainer(text, { nLayer: 2, lr: 3e-3 });
//   trainer.train(100);            // → { step, loss, losses, tokensPerSecond, diverged, … }
//   trainer.predict('The capital of France is', 5);

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined'
  && typeof WorkerGlobalScope === 'undefined';

let enginePromise = null;
let loadedEngine = null;

async function loadCoreModule({ wasmModule, wasmMemory, beforeInstantiate } = {}) {
  if (isNode) {
    const { readFileSync, existsSync } = await import('node:fs');
    const { fileURLToPath, pathToFileURL } = await import('node:url');
    const path = await import('node:path');
    const { createRequire } = await import('node:module');
    const here = path.dirname(fileURLToPath(import.meta.url));
    // In the repo the build output sits in wasm/dist; in a copied site, next to this file.
    const dir = [path.join(here, 'dist'), here].find((d) => existsSync(path.join(d, 'lab-core.mjs')));
    if (!dir) throw new Error(`engine not built: ${path.join(here, 'dist', 'lab-core.mjs')} is missing (run the README's build command)`);
    // Emscripten's ES6 output expects these CommonJS globals under node (docs/toolchain.md, Node 20).
    globalThis.__dirname ??= dir;
    globalThis.require ??= createRequire(import.meta.url);
    const { default: factory } = await import(pathToFileURL(path.join(dir, 'lab-core.mjs')).href);
    return factory({ wasmBinary: readFileSync(path.join(dir, 'lab-core.wasm')) });
  }
  const { default: factory } = await import(new URL('./lab-core.mjs', import.meta.url).href);
  if (!wasmModule) return factory({ locateFile: (file) => new URL(`./${file}`, import.meta.url).href });
  // A module the caller compiled while this file was still downloading (compileStreaming). If that
  // failed (a static host that sends the wrong MIME type), compile from the bytes instead.
  let failLoad;
  const failed = new Promise((resolve, reject) => { failLoad = reject; });
  const ready = factory({
    ...(wasmMemory ? { wasmMemory } : {}),
    instantiateWasm(imports, receiveInstance) {
      beforeInstantiate?.();
      wasmModule
        .catch(async () => WebAssembly.compile(await (await fetch(wasmUrl())).arrayBuffer()))
        .then(async (mod) => receiveInstance(await WebAssembly.instantiate(mod, imports), mod))
        .catch((e) => failLoad(new Error(`the engine could not be loaded: ${e?.message ?? e}`)));
      return {};
    },
  });
  return Promise.race([ready, failed]);
}

const wasmUrl = () => new URL('./lab-core.wasm', import.meta.url).href;

/**
 * A wasm trap (out-of-bounds access, unreachable, stack overflow) leaves the instance's memory in
 * an unknown state: whatever ran may have been cut off halfway. Such an instance is never used
 * again (its Engine is marked broken); loadEngine() then makes a fresh one.
 */
function isTrap(e) {
  return e instanceof WebAssembly.RuntimeError || (e instanceof RangeError && /call stack/i.test(e.message));
}

/** Runs fn on `engine`'s instance; converts what Embind lets through (traps, type errors) to Error. */
function call(engine, fn) {
  if (engine.broken) throw brokenError(engine);
  try {
    return fn();
  } catch (e) {
    if (isTrap(e)) {
      engine.broken = String(e.message).split('\n')[0] || 'wasm trap';
      const err = new Error(`the engine stopped (${engine.broken}); this engine instance is not used again (loadEngine() makes a fresh one)`);
      err.trap = true;
      throw err;
    }
    if (e instanceof Error) {
      // Embind's own type errors name a C++ signature; keep the first line only.
      throw new Error(String(e.message).split('\n')[0]);
    }
    throw new Error(`engine error: ${String(e)}`);
  }
}

function brokenError(engine) {
  const err = new Error(`this engine instance stopped after a wasm trap (${engine.broken}); loadEngine() makes a fresh one`);
  err.trap = true;
  return err;
}

const LONE_SURROGATE = /[\uD800-\uDFFF]/u; // in u-mode only unpaired halves match

function requireString(value, name) {
  if (typeof value !== 'string') throw new Error(`${name} must be a string, got ${value === null ? 'null' : typeof value}`);
  // Such a string has no UTF-8 form; Emscripten would silently mangle it, so refuse it here.
  const bad = LONE_SURROGATE.exec(value);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase();
    throw new Error(`${name} is not valid UTF-8 text: a lone surrogate U+${code} at UTF-16 offset ${bad.index}`);
  }
  return value;
}

/**
 * A model learning one text. Create it with engine.createTrainer or engine.loadCheckpoint.
 * All methods are synchronous; call dispose() when done.
 */
export class Trainer {
  /** @param {any} handle the Embind object (internal)  @param {Engine} engine its instance */
  constructor(handle, engine) { this._h = handle; this._engine = engine; }

  _handle() {
    if (!this._h) throw new Error('this trainer was disposed');
    return this._h;
  }

  /** @returns {{params:number, flopsPerStep:number, tokensPerStep:number, seqLen:number, vocabSize:number,
   *   config:{vocab_size:number,block_size:number,n_layer:number,n_head:number,n_embd:number,bias:boolean},
   *   tokenizer:'char'|'bpe', step:number, trainTokens:number, valTokens:number, hasValidation:boolean, settings:object}} */
  info() { return call(this._engine, () => this._handle().info()); }

  /**
   * Runs n training steps (stops early if training diverges: then the weights are those of the
   * last good step and `diverged` says what happened).
   * @param {number} n
   * @returns {{step:number, loss:number|null, losses:Float32Array, lr:number, gradNorm:number, seconds:number,
   *   tokensPerSecond:number, diverged:null|{message:string, step:number}}}
   */
  train(n) { return call(this._engine, () => this._handle().train(n)); }

  /**
   * Data parallelism, part 1: the gradient of rows [rowStart, rowStart + rowCount) of this step's
   * batch (the batch depends only on seed and step), scaled for the mean over the whole batch, so
   * the gradients of all slices sum to the whole batch's. Pass `out` (a Float32Array of one number
   * per parameter) to reuse a buffer. The trainer needs sliceRows ≥ rowCount (or 0 = whole batch).
   * @param {number} rowStart
   * @param {number} rowCount
   * @param {Float32Array} [out]
   * @returns {{step:number, lossSum:number, grads:Float32Array}} lossSum: sum of the slice's per-token losses
   */
  gradientsFor(rowStart, rowCount, out) { return call(this._engine, () => this._handle().gradientsFor(rowStart, rowCount, out ?? null)); }

  /**
   * Data parallelism, part 2: the rest of the step on the gradient summed over every slice (and
   * the summed lossSum): clipping, the optimizer and the divergence guard, exactly as train() does.
   * The sum is taken here, in float32 and replica order: terms are the slices' gradients, one of
   * the first two may be null (this trainer's own, left in it by gradientsFor).
   * @param {Array<Float32Array|null>} terms
   * @param {number} lossSum
   * @returns {{step:number, loss:number, lr:number, gradNorm:number, diverged:null|{message:string, step:number}}}
   */
  applyGradientTerms(terms, lossSum) { return call(this._engine, () => this._handle().applyGradientTerms(terms, lossSum)); }

  /**
   * Mean loss over the first 64 windows (or opts.windows) of the training and of the validation split
   * (valLoss null if there is none).
   * @param {{windows?:number}} [opts]
   */
  evaluate(opts = {}) { return call(this._engine, () => this._handle().evaluate(opts ?? {})); }

  /** Mean cross-entropy of `text` over the evaluation windows (docs/contracts.md, Text windows). */
  evalText(text) { return call(this._engine, () => this._handle().evalText(requireString(text, 'text'))); }

  /** One step on all evaluation windows of `text` (the batch evalText uses); returns the loss before the update. */
  stepOnText(text) { return call(this._engine, () => this._handle().stepOnText(requireString(text, 'text'))); }

  /** Number of tokens of `text` under this model's tokenizer. */
  countTokens(text) { return call(this._engine, () => this._handle().countTokens(requireString(text, 'text'))); }

  /**
   * Takes ONE real training step, phase by phase: predict → loss → backprop → update.
   * The result's `weight` holds the optimizer's own numbers for that weight: `optimizer`, `grad`
   * (after clipping: `rawGrad × clipScale`), `lr`, `weightDecay` (0 unless a 2-D weight),
   * `momentum`, `beta1`, `beta2`, `eps`, `t` (this update's number), `bias1` = 1 − β1^t,
   * `bias2` = 1 − β2^t, the moments `mBefore`/`mAfter`, `vBefore`/`vAfter` (momentum: velocity in m),
   * `value`, `newValue` and `update` = newValue − value.
   * @param {{position?:number, tensor?:string, index?:number}} [opts] the position of example 0 to show,
   *   and the weight to follow (a nanoGPT tensor name and a flat index; default: an embedding weight of the target token)
   */
  inspectStep(opts = {}) {
    return call(this._engine, () => {
      const info = this._handle().info();
      const position = opts.position ?? info.seqLen - 1;
      return this._handle().inspectStep(position, opts.tensor ?? '', opts.index ?? 0);
    });
  }

  /** Next-token distribution after `prompt`, most likely first. Weights unchanged. */
  predict(prompt, topK = 10) { return call(this._engine, () => this._handle().predict(requireString(prompt, 'prompt'), topK)); }

  /**
   * Continues `prompt` by nTokens sampled tokens (returns the continuation only). Weights unchanged.
   * @param {{temperature?:number, topK?:number, topP?:number, seed?:number, greedy?:boolean}} [opts]
   */
  generate(prompt, nTokens, opts = {}) {
    return call(this._engine, () => this._handle().generate(requireString(prompt ?? '', 'prompt'), nTokens, opts));
  }

  /** The first n input→target pairs of the training text with the model's p(target) and surprise −ln p. */
  pairs(n = 16) { return call(this._engine, () => this._handle().pairs(n)); }

  /** Per-token loss over `text` (the first token has loss null: nothing predicts it). */
  surprise(text) { return call(this._engine, () => this._handle().surprise(requireString(text, 'text'))); }

  /** Attention probabilities of (layer, head) for `prompt`: weights[q*n + k], row q = query position. */
  attention(prompt, layer = 0, head = 0) {
    return call(this._engine, () => {
      const r = this._handle().attention(requireString(prompt, 'prompt'), layer, head);
      return { tokens: r.tokens, n: r.tokens.length, weights: r.weights };
    });
  }

  /** The current value of one weight (nanoGPT tensor name, flat index). */
  weight(tensor, index) { return call(this._engine, () => this._handle().weight(requireString(tensor, 'tensor'), index)); }

  /** Every parameter tensor: [{name, shape, size}] in nanoGPT's order. */
  tensors() { return call(this._engine, () => this._handle().tensors()); }

  /** Gradient norm of every tensor from the last step (before clipping). */
  gradNorms() { return call(this._engine, () => this._handle().gradNorms()); }

  /** A 16-hex-digit hash of every weight: unchanged by predict/generate, changed by a training step. */
  fingerprint() { return call(this._engine, () => this._handle().fingerprint()); }

  /** The model as .safetensors bytes (docs/contracts.md); with optimizer moments unless withOptimizer is false. */
  exportCheckpoint(withOptimizer = true) { return call(this._engine, () => this._handle().exportCheckpoint(!!withOptimizer)); }

  /** Changes optimizer settings (optimizer, lr, momentum, betas, weightDecay, gradClip, schedule…) or the seed (resets). */
  setSettings(settings) { call(this._engine, () => this._handle().setSettings(settings)); }

  /** Back to step 0 with fresh weights from `seed` (same seed ⇒ same weights). */
  reset(seed) { call(this._engine, () => this._handle().reset(seed ?? this._handle().info().settings.seed)); }

  /** The vocabulary: index = token id. */
  vocab() { return call(this._engine, () => this._handle().vocab()); }

  /** `text` split into this model's tokens: [{id, text}]. */
  tokens(text) { return call(this._engine, () => this._handle().tokens(requireString(text, 'text'))); }

  /** Frees the model's memory. */
  dispose() {
    if (!this._h) return;
    // A broken instance's objects are dropped with it (deleting them would run its code again).
    if (!this._engine.broken) this._h.delete();
    this._h = null;
  }
}

/** The loaded engine: a factory for trainers. */
export class Engine {
  constructor(module) {
    this._m = module;
    /** null, or what stopped this instance (a wasm trap): then every call throws, see loadEngine */
    this.broken = null;
  }

  /**
   * A new model for `text` (the tokenizer is built from the text).
   * @param {string} text
   * @param {{tokenizer?:'char'|'bpe', vocabSize?:number, nLayer?:number, nHead?:number, nEmbd?:number, blockSize?:number,
   *   bias?:boolean, batchSize?:number, sliceRows?:number, optimizer?:'sgd'|'momentum'|'adamw', lr?:number, momentum?:number, beta1?:number, beta2?:number,
   *   weightDecay?:number, gradClip?:number, schedule?:'constant'|'cosine', warmupSteps?:number, maxSteps?:number,
   *   minLrRatio?:number, seed?:number, valFraction?:number}} [settings]
   */
  createTrainer(text, settings = {}) {
    return call(this, () => new Trainer(new this._m.Trainer(requireString(text, 'text'), settings ?? {}), this));
  }

  /**
   * A model from .safetensors bytes (this lab's or a nanoGPT-shaped file with tokenizer metadata).
   * @param {Uint8Array} bytes
   * @param {{text?:string} & object} [settings] training settings to continue with; `text` to train on
   */
  loadCheckpoint(bytes, settings = {}) {
    const { text = '', ...rest } = settings ?? {};
    return call(this, () => new Trainer(new this._m.Trainer(bytes, requireString(text, 'text'), rest), this));
  }

  /** Tokenizes `text` with a tokenizer trained on it: {vocabSize, tokens:[{id,text}], vocab:[string]}. */
  tokenize(text, opts = {}) {
    const r = call(this, () => this._m.tokenize(requireString(text, 'text'), opts ?? {}));
    return { vocabSize: r.vocabSize, tokens: Array.from(r.ids, (id) => ({ id, text: r.vocab[id] })), vocab: r.vocab };
  }

  /** The default settings. */
  defaults() { return call(this, () => this._m.defaults()); }

  /** Largest model memory (bytes) a trainer accepts. */
  maxModelBytes() { return call(this, () => this._m.maxModelBytes()); }

  /**
   * The engine's limits table (core/model/limits.hpp): for every numeric setting (the keys of
   * createTrainer's settings), generate's options (temperature, topK, topP) and the call arguments
   * (trainSteps per train(n), generateTokens, evalWindows), the allowed range; a value outside it
   * is refused with an Error naming the setting and `range`. Plus maxModelBytes (the memory limit).
   * A fresh object each call.
   * @returns {{[key: string]: {min:number, max:number, integer:boolean, minOpen:boolean, maxOpen:boolean, range:string}}
   *   & {maxModelBytes:number}} e.g. {nLayer: {min: 1, max: 48, integer: true, minOpen: false, maxOpen: false,
   *   range: 'between 1 and 48'}, lr: {min: 0, max: 10, …, minOpen: true, range: 'greater than 0 and at most 10'}, …}
   */
  limits() { return call(this, () => this._m.limits()); }

  /** Bytes of this instance's linear memory now (it only grows): what one engine costs. */
  memoryBytes() { return this._m.HEAPU8.byteLength; }
}

/**
 * Loads the wasm engine once (node: from disk; browser/worker: next to this module). After a wasm
 * trap broke it (engine.broken), the next call loads a fresh instance.
 * @param {{wasmModule?: Promise<WebAssembly.Module>, wasmMemory?: WebAssembly.Memory, beforeInstantiate?: () => void}} [opts]
 *   browser only: a compile already started with WebAssembly.compileStreaming(fetch(lab-core.wasm))
 *   (saves a round trip on page load); the memory to use (sizes as in CMakeLists.txt), and a
 *   callback run just before the engine starts using that memory
 */
export function loadEngine(opts = {}) {
  if (loadedEngine?.broken) {
    // A fresh instance: the compiled module can be instantiated again, the old memory can't be reused.
    enginePromise = null;
    loadedEngine = null;
    opts = opts.wasmModule ? { wasmModule: opts.wasmModule } : {};
  }
  enginePromise ??= loadCoreModule(isNode ? {} : opts).then((m) => (loadedEngine = new Engine(m)));
  return enginePromise;
}
