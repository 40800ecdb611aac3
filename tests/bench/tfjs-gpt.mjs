// The lab's model (docs/contracts.md, Model: GPT-2 / nanoGPT, exactly) written in TensorFlow.js ops, trained
// with TensorFlow.js's own autodiff and Adam, on its WebAssembly backend (SIMD, one thread). The
// bench runs it next to our engine from the same initial weights on the same batches.
//
//   x = wte[idx] + wpe[pos]; per block: x += attn(ln_1(x)); x += mlp(ln_2(x)); logits = ln_f(x)·wteᵀ
//   attn: fused qkv linear [3C,C] + bias, causal softmax of q·kᵀ/sqrt(hs), projection [C,C] + bias
//   mlp: [4C,C] + bias, GELU (tanh approximation), [C,4C] + bias; LayerNorm eps 1e-5; no dropout
//   loss: mean cross-entropy over every predicted position
//
// Two arrangements of the same math:
//  - 'plain': what a TensorFlow.js user writes: tf.matMul(x, W, false, true) for x·Wᵀ, autodiff's
//    own matmul gradients. Most of them take the backend's generic blocked loop.
//  - 'xnnpack': every 2-D matmul (forward and both gradients) is arranged as an untransposed
//    [M,K]·[K,N] product, the one shape the wasm backend sends to XNNPACK; transposes are
//    materialised first. The attention products are batched (B·NH) and take the generic loop in
//    both arrangements: TensorFlow.js has no faster path for them.
// Embedding lookups are one-hot matmuls: the wasm backend has no kernel for gather's gradient
// (UnsortedSegmentSum). With V = 65 that costs 2·B·T·V·C flops forward, ~1 % of a step.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Loads TensorFlow.js with the wasm backend: the SIMD binary from node_modules (no network), one
 * thread. The union package @tensorflow/tfjs is needed for training: its node bundle is the one
 * that registers the gradients (@tensorflow/tfjs-core's node bundle has none).
 * @returns {Promise<{tf:any, backend:string, simd:boolean, threads:number, version:string, wasmFile:string}>}
 */
export async function loadTfjsWasm() {
  const tf = require('@tensorflow/tfjs');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  wasm.setWasmPaths(dist + path.sep);
  wasm.setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('TensorFlow.js: the wasm backend failed to initialise');
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threaded = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  if (!simd) throw new Error('TensorFlow.js: the wasm backend runs without SIMD on this node; the comparison needs SIMD');
  return {
    tf,
    backend: tf.getBackend(),
    simd,
    threads: wasm.getThreadsCount(),
    version: tf.version_core,
    wasmFile: threaded ? 'tfjs-backend-wasm-threaded-simd.wasm' : 'tfjs-backend-wasm-simd.wasm',
  };
}

let modelCount = 0;

export class TfjsGpt {
  /**
   * @param {any} tf the loaded @tensorflow/tfjs
   * @param {{vocab_size:number, block_size:number, n_layer:number, n_head:number, n_embd:number}} config
   * @param {Map<string,{shape:number[], data:Float32Array}>} weights nanoGPT-named tensors (our checkpoint)
   * @param {{arrangement?:'plain'|'xnnpack', lr:number, beta1:number, beta2:number, eps:number}} opts
   */
  constructor(tf, config, weights, opts) {
    this.tf = tf;
    this.config = config;
    this.arrangement = opts.arrangement ?? 'xnnpack';
    if (!['plain', 'xnnpack'].includes(this.arrangement)) throw new Error(`arrangement must be plain or xnnpack, got ${this.arrangement}`);
    const { vocab_size: V, block_size: T, n_layer: L, n_embd: C } = config;
    const prefix = `gpt${++modelCount}/`;
    const vars = new Map();
    const variable = (name, shape) => {
      const w = weights.get(name);
      if (!w) throw new Error(`checkpoint has no tensor ${name}`);
      if (w.shape.join() !== shape.join()) throw new Error(`${name}: shape [${w.shape}] in the checkpoint, expected [${shape}]`);
      const v = tf.variable(tf.tensor(w.data, shape, 'float32'), true, prefix + name);
      vars.set(name, v);
      return v;
    };
    this.wte = variable('transformer.wte.weight', [V, C]);
    this.wpe = variable('transformer.wpe.weight', [T, C]);
    this.blocks = [];
    for (let i = 0; i < L; ++i) {
      const p = `transformer.h.${i}.`;
      this.blocks.push({
        ln1w: variable(`${p}ln_1.weight`, [C]), ln1b: variable(`${p}ln_1.bias`, [C]),
        attnW: variable(`${p}attn.c_attn.weight`, [3 * C, C]), attnB: variable(`${p}attn.c_attn.bias`, [3 * C]),
        projW: variable(`${p}attn.c_proj.weight`, [C, C]), projB: variable(`${p}attn.c_proj.bias`, [C]),
        ln2w: variable(`${p}ln_2.weight`, [C]), ln2b: variable(`${p}ln_2.bias`, [C]),
        fcW: variable(`${p}mlp.c_fc.weight`, [4 * C, C]), fcB: variable(`${p}mlp.c_fc.bias`, [4 * C]),
        mlpW: variable(`${p}mlp.c_proj.weight`, [C, 4 * C]), mlpB: variable(`${p}mlp.c_proj.bias`, [C]),
      });
    }
    this.lnfw = variable('transformer.ln_f.weight', [C]);
    this.lnfb = variable('transformer.ln_f.bias', [C]);
    this.vars = vars;
    this.varList = [...vars.values()];
    this.paramCount = this.varList.reduce((n, v) => n + v.size, 0);
    // Causal mask, added to the scaled scores: 0 where key ≤ query, -1e9 above the diagonal
    // (exp underflows to exactly 0, as a -inf mask would, without inf arithmetic in the gradient).
    const mask = new Float32Array(T * T);
    for (let q = 0; q < T; ++q) for (let k = q + 1; k < T; ++k) mask[q * T + k] = -1e9;
    this.mask = tf.keep(tf.tensor(mask, [T, T]));
    // Our AdamW at weight decay 0 is Adam: p -= lr·m̂/(sqrt(v̂) + eps), m̂ = m/(1-β1^t), v̂ = v/(1-β2^t).
    // tf.train.adam computes exactly that (tfjs-core adam_optimizer.js: eps added to sqrt(v̂)), t from 1.
    this.optimizer = tf.train.adam(opts.lr, opts.beta1, opts.beta2, opts.eps);
  }

  /** y = x·Wᵀ (+ b) for x [M,K], W [N,K] (PyTorch's Linear layout). */
  _linear(x, W, b) {
    const tf = this.tf;
    let y;
    if (this.arrangement === 'plain') {
      y = tf.matMul(x, W, false, true);
    } else {
      // Forward x·(Wᵀ), dx = dy·W, dW = (dyᵀ)·x: all three untransposed 2-D products.
      y = tf.customGrad((xx, WW, save) => {
        save([xx, WW]);
        return {
          value: tf.matMul(xx, tf.transpose(WW)),
          gradFunc: (dy, [xs, Ws]) => [tf.matMul(dy, Ws), tf.matMul(tf.transpose(dy), xs)],
        };
      })(x, W);
    }
    return b ? tf.add(y, b) : y;
  }

  /** wte rows of the token ids, as onehot [M,V] · wte [V,C]. */
  _embed(idsTensor) {
    const tf = this.tf;
    const onehot = tf.cast(tf.oneHot(idsTensor, this.config.vocab_size), 'float32');
    if (this.arrangement === 'plain') return tf.matMul(onehot, this.wte);
    // onehot is not an input (it needs no gradient) but the gradient reads it: saved, so the
    // engine keeps it until the backward pass.
    return tf.customGrad((W, save) => {
      save([onehot]);
      return {
        value: tf.matMul(onehot, W),
        gradFunc: (dy, [oh]) => [tf.matMul(tf.transpose(oh), dy)],
      };
    })(this.wte);
  }

  _layerNorm(x, w, b) {
    const tf = this.tf;
    const mean = tf.mean(x, -1, true);
    const xc = tf.sub(x, mean);
    const variance = tf.mean(tf.square(xc), -1, true);
    return tf.add(tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, 1e-5))), w), b);
  }

  /** GELU, tanh approximation: 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³))). */
  _gelu(x) {
    const tf = this.tf;
    const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  }

  /**
   * Mean cross-entropy of a [B,T] batch (a scalar tensor).
   * @param {Int32Array} inputs B·T token ids, row-major
   * @param {Int32Array} targets B·T token ids
   */
  loss(inputs, targets, B, T) {
    const tf = this.tf;
    const { vocab_size: V, n_head: NH, n_embd: C } = this.config;
    if (T > this.config.block_size) throw new Error(`T ${T} exceeds block_size ${this.config.block_size}`);
    const hs = C / NH, BT = B * T;
    const pos = T === this.config.block_size ? this.wpe : tf.slice(this.wpe, [0, 0], [T, C]);
    const mask = T === this.config.block_size ? this.mask : tf.slice(this.mask, [0, 0], [T, T]);
    let x = this._embed(tf.tensor1d(inputs, 'int32'));
    x = tf.reshape(tf.add(tf.reshape(x, [B, T, C]), pos), [BT, C]);
    const heads = (t) => tf.transpose(tf.reshape(t, [B, T, NH, hs]), [0, 2, 1, 3]);  // [B,NH,T,hs]
    for (const p of this.blocks) {
      const qkv = this._linear(this._layerNorm(x, p.ln1w, p.ln1b), p.attnW, p.attnB);  // [BT,3C]
      const [q, k, v] = tf.split(qkv, 3, 1);
      const scores = tf.add(tf.mul(tf.matMul(heads(q), heads(k), false, true), 1 / Math.sqrt(hs)), mask);
      const y = tf.matMul(tf.softmax(scores), heads(v));  // [B,NH,T,hs]
      const merged = tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [BT, C]);
      x = tf.add(x, this._linear(merged, p.projW, p.projB));
      const h = this._gelu(this._linear(this._layerNorm(x, p.ln2w, p.ln2b), p.fcW, p.fcB));
      x = tf.add(x, this._linear(h, p.mlpW, p.mlpB));
    }
    const logits = this._linear(this._layerNorm(x, this.lnfw, this.lnfb), this.wte, null);  // [BT,V], tied
    const logp = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), V), 'float32'), logp), 1);
    return tf.neg(tf.mean(picked));
  }

  /** Loss without an update. */
  evaluate(inputs, targets, B, T) {
    return this.tf.tidy(() => this.loss(inputs, targets, B, T).dataSync()[0]);
  }

  /** One Adam step on the batch; returns the loss before the update. */
  step(inputs, targets, B, T) {
    const lossTensor = this.optimizer.minimize(() => this.loss(inputs, targets, B, T), true, this.varList);
    const value = lossTensor.dataSync()[0];
    lossTensor.dispose();
    return value;
  }

  /** Current value of a weight, by nanoGPT name (for checks). */
  weight(name) { return this.vars.get(name).dataSync(); }

  dispose() {
    this.optimizer.dispose();
    for (const v of this.varList) v.dispose();
    this.mask.dispose();
  }
}
