// Data-parallel training without SharedArrayBuffer: N workers (node worker_threads or browser
// Web Workers), each running wasm/replica.mjs with its own copy of the model. Every step:
//   1. replica r computes the gradient of its contiguous slice of the SAME batch the single
//      trainer would take (rows [⌊r·B/N⌋, ⌊(r+1)·B/N⌋); batches depend only on seed and step),
//      already scaled for the mean over the whole batch;
//   2. this coordinator sums the loss sums in replica order and sends every replica the other
//      replicas' gradients; each replica sums all the slices' gradients in wasm, in float32 and
//      replica order ((g0 + g1) + g2 …: a fixed order, the same bits in every replica; same seed
//      and N ⇒ the same bits);
//   3. every replica applies it exactly as a single trainer's step does (global-norm clipping on
//      the sum, the optimizer, the divergence guard), so the replicas stay identical.
// Gradients travel as transferred ArrayBuffers (moved, not copied): with 2 workers each replica's
// buffer goes to the other and comes back as its next gradient; with more, the extra recipients
// get copies. The summing is spread over the replicas, in SIMD, not done in this thread.
// With one worker the losses are bit-identical to Trainer.train(); with N they agree with it up to
// the order of summation (~1e-6 relative).
//
//   const t = await createParallelTrainer({ spawn: spawnNodeReplica, workers: 2, text, settings });
//   const r = await t.train(100);   // as Trainer.train(): {step, loss, losses, tokensPerSecond, diverged, …}
//   await t.dispose();

export const MAX_WORKERS = 16;
// What a replica costs beyond its model (Trainer memoryBytes): the wasm instance's initial 32 MiB
// heap, which the model's buffers partly occupy, plus the worker's own JS engine (~16 MiB).
export const REPLICA_OVERHEAD_BYTES = 48 * 1024 * 1024;

const MB = 1024 * 1024;

/** A node worker_threads replica (the `spawn` for node). */
export async function spawnNodeReplica() {
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(new URL('./replica.mjs', import.meta.url));
  worker.unref(); // referenced only while it owes a reply (WorkerReplica)
  return worker;
}

/** Contiguous slices of B rows over n workers, sizes differing by at most one: [[start, count], …]. */
export function sliceRows(B, n) {
  return Array.from({ length: n }, (_, r) => {
    const start = Math.floor((r * B) / n);
    return [start, Math.floor(((r + 1) * B) / n) - start];
  });
}

/** Bytes of one replica holding `rows` rows of each batch, from a trainer's info(): its trainer, the buffer it copies the
 * other slices' gradients into (4 bytes per parameter), its engine and worker. */
const replicaBytes = (info, rows) =>
  info.memoryBytes + (rows - info.sliceRows) * info.memoryBytesPerRow + 4 * (info.params ?? 0) + REPLICA_OVERHEAD_BYTES;

function checkCount(n) {
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) throw new Error(`workers must be a whole number between 1 and ${MAX_WORKERS}, got ${n}`);
}

/**
 * How many workers to run. `requested` undefined: as many as `available` cores, at most one per
 * batch row and MAX_WORKERS, fewer if they would not fit in `memoryBudget` bytes. A requested
 * count that is not allowed or does not fit is refused with an Error saying why.
 * @param {{requested?: number, available: number, batchSize: number, info: object, memoryBudget?: number}} o
 * @returns {{workers: number, bytesPerReplica: number, bytes: number}}
 */
export function planWorkers({ requested, available, batchSize, info, memoryBudget = Infinity }) {
  const cost = (n) => {
    const rows = Math.ceil(batchSize / n);
    return { bytesPerReplica: replicaBytes(info, rows), bytes: sliceRows(batchSize, n).reduce((a, [, c]) => a + replicaBytes(info, c), 0) };
  };
  if (requested === undefined) {
    let n = Math.max(1, Math.min(available, MAX_WORKERS, batchSize));
    while (n > 1 && cost(n).bytes > memoryBudget) --n;
    return { workers: n, ...cost(n) };
  }
  checkCount(requested);
  if (requested > batchSize)
    throw new Error(`${requested} workers need a batch of at least ${requested} rows (one each); the batch size is ${batchSize}: use at most ${batchSize} ${batchSize === 1 ? 'worker' : 'workers'} or a larger batch`);
  const c = cost(requested);
  if (c.bytes > memoryBudget) {
    let fit = requested - 1;
    while (fit > 1 && cost(fit).bytes > memoryBudget) --fit;
    throw new Error(`${requested} workers need about ${Math.ceil(c.bytes / MB)} MB (${requested} replicas of up to ` +
      `${Math.ceil(c.bytesPerReplica / MB)} MB), more than the ${Math.floor(memoryBudget / MB)} MB available: ` +
      `use at most ${fit} ${fit === 1 ? 'worker' : 'workers'} or a smaller model`);
  }
  return { workers: requested, ...c };
}

const CALLS = new Set(['info', 'evaluate', 'exportCheckpoint', 'fingerprint', 'predict', 'generate', 'gradNorms', 'weight', 'setSettings']);

/**
 * What a replica does with a request (replica.mjs runs it in a worker; LocalReplica in this thread):
 *   warm: load the engine (a helper started before there is a model to copy) → true
 *   init {text, settings} / load {bytes, text, settings}: make the model (new / from a checkpoint) → info()
 *   step {apply, compute, rows} → {stats, grads, busyMs}: applies {terms, lossSum} when `apply` is
 *     given (the slices' gradients, its own as null: Trainer.applyGradientTerms), then, if
 *     `compute`, the gradient of rows [start, start + count) of the next step; busyMs: the time
 *     both took (what the replica's core spent on the step, without the waits)
 *   call {method, args} → trainer[method](...args)
 * @param {{trainer?: object, loadEngine?: () => Promise<object>}} state
 */
export function replicaHandler(state) {
  let buffer = null; // the gradient buffer, passed back and forth (transferred, not copied)
  return async (msg) => {
    if (msg.cmd === 'warm') return !!(await state.loadEngine());
    if (msg.cmd === 'init' || msg.cmd === 'load') {
      const engine = await state.loadEngine();
      const next = msg.cmd === 'init' ? engine.createTrainer(msg.text, msg.settings)
        : engine.loadCheckpoint(new Uint8Array(msg.bytes), { ...msg.settings, text: msg.text });
      state.trainer?.dispose();
      state.trainer = next;
      buffer = null;
      return next.info();
    }
    const { trainer } = state;
    if (!trainer) throw new Error('this replica has no model yet (send init first)');
    if (msg.cmd === 'step') {
      const t0 = performance.now();
      let stats = null;
      if (msg.apply) {
        stats = trainer.applyGradientTerms(msg.apply.terms, msg.apply.lossSum);
        buffer = msg.apply.terms.find((t) => t) ?? null; // reused for the next gradient
      }
      let grads = null;
      if (msg.compute && !stats?.diverged) {
        grads = trainer.gradientsFor(msg.rows[0], msg.rows[1], buffer);
        buffer = null;
      }
      return { stats, grads, busyMs: performance.now() - t0 };
    }
    if (msg.cmd === 'call' && CALLS.has(msg.method)) return trainer[msg.method](...(msg.args ?? []));
    throw new Error(`unknown replica request ${JSON.stringify(msg.cmd === 'call' ? msg.method : msg.cmd)}`);
  };
}

/** One worker running replica.mjs, with request/reply over postMessage. */
export class WorkerReplica {
  constructor(worker, index) {
    this.worker = worker;
    this.index = index;
    this.nextId = 1;
    this.waiting = new Map();
    const onReply = (msg) => {
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (!this.waiting.size) worker.unref?.(); // node: an idle replica never keeps the process alive
      if (msg.ok) w.resolve(msg.result);
      else w.reject(new Error(msg.error));
    };
    const onFail = (e) => this.failAll(`replica worker ${index} stopped: ${e?.message ?? e}`);
    if (typeof worker.on === 'function') {  // node worker_threads
      worker.on('message', onReply);
      worker.on('error', onFail);
      worker.on('exit', (code) => this.failAll(`replica worker ${index} exited (code ${code})`));
    } else {                                 // browser Worker
      worker.addEventListener('message', (e) => onReply(e.data));
      worker.addEventListener('error', (e) => { e.preventDefault?.(); onFail(e); });
    }
  }

  failAll(message) {
    this.dead = message;
    for (const w of this.waiting.values()) w.reject(new Error(message));
    this.waiting.clear();
  }

  request(msg, transfer = []) {
    if (this.dead) return Promise.reject(new Error(this.dead));
    const id = this.nextId++;
    if (!this.waiting.size) this.worker.ref?.();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id }, transfer);
    });
  }

  call(method, ...args) { return this.request({ cmd: 'call', method, args }); }
  terminate() { return this.worker.terminate(); }
}

/**
 * A replica in this thread, around a trainer owned by the caller (a browser training worker
 * computes one slice itself). Work starts after the current task has posted the other replicas'
 * requests, so they run meanwhile.
 */
export class LocalReplica {
  constructor(trainer) {
    this.trainer = trainer;
    this.handle = replicaHandler({ trainer });
  }
  request(msg) { return Promise.resolve().then(() => this.handle(msg)); }
  call(method, ...args) { return this.request({ cmd: 'call', method, args }); }
  terminate() {}
}

/**
 * N replicas training one model as one trainer would (see the top of this file).
 * @param {{spawn: (index: number) => any, workers?: number, available?: number, memoryBudget?: number,
 *   text: string, settings?: object, checkpoint?: Uint8Array}} opts  spawn(index) returns (or resolves
 *   to) a Worker running replica.mjs; workers: the count wanted (default: `available`, capped by
 *   batch and memory); checkpoint: .safetensors bytes to resume from (as engine.loadCheckpoint)
 * @returns {Promise<ParallelTrainer>}
 */
export async function createParallelTrainer({ spawn, workers, available = 1, memoryBudget = Infinity, text, settings = {}, checkpoint }) {
  if (workers !== undefined) checkCount(workers); // before any worker starts
  const make = (rows) => (checkpoint ? { cmd: 'load', bytes: checkpoint, text, settings: { ...settings, sliceRows: rows } }
    : { cmd: 'init', text, settings: { ...settings, sliceRows: rows } });
  const first = new WorkerReplica(await spawn(0), 0);
  const replicas = [first];
  try {
    // Replica 0 first with a one-row pass: it checks the settings and tells what a replica costs.
    const probe = await first.request(make(1));
    const B = probe.settings.batchSize;
    const plan = planWorkers({ requested: workers, available, batchSize: B, info: probe, memoryBudget });
    const slices = sliceRows(B, plan.workers);
    for (let r = 1; r < plan.workers; ++r) replicas.push(new WorkerReplica(await spawn(r), r));
    const infos = await Promise.all(replicas.map((rep, r) =>
      (r === 0 && slices[0][1] === 1 ? probe : rep.request(make(slices[r][1])))));
    const prints = await Promise.all(replicas.map((rep) => rep.call('fingerprint')));
    if (prints.some((p) => p !== prints[0])) throw new Error(`the replicas did not start from the same weights: ${prints.join(', ')}`);
    return new ParallelTrainer(replicas, slices, infos[0], plan);
  } catch (e) {
    for (const rep of replicas) rep.terminate();
    throw e;
  }
}

/**
 * What each replica is sent to sum: for replica r, every replica's gradient in order, its own as
 * null when it is term 0 or 1 (still in its model; with one replica it gets its buffer back, to
 * reuse); each buffer goes to one replica (moved), the other recipients get copies, made before
 * anything is moved.
 */
export function gradientTerms(grads) {
  const given = new Set();
  const give = (k) => (given.has(k) ? grads[k].slice() : (given.add(k), grads[k]));
  const own = (r, k) => k === r && r <= 1 && grads.length > 1;
  return grads.map((_, r) => grads.map((_g, k) => (own(r, k) ? null : k)))
    .map((ks) => ks.map((k) => (k === null ? null : give(k))));
}

// A replica that has not answered STALL_FACTOR × as long after the first reply of a step (and at
// least STALL_MIN_MS) is taken for gone: a browser fires no event on a Worker that was killed (out
// of memory, terminated) or hangs, and training must not wait for it forever. Its replies would be
// for the same step as the others', so a healthy replica is never this far behind.
export const STALL_FACTOR = 20;
export const STALL_MIN_MS = 10_000;

/** The replicas' replies, each failing (its replica retired) if it stalls; see STALL_FACTOR. */
function stallChecked(replicas, replies, minMs = STALL_MIN_MS) {
  const t0 = performance.now();
  let timer = null;
  let fire;
  const stalled = new Promise((resolve) => { fire = resolve; });
  const pending = new Set(replies.map((_, r) => r));
  const settle = (r) => { pending.delete(r); if (!pending.size) clearTimeout(timer); };
  const checked = replies.map((p, r) => Promise.race([p, stalled.then(() => {
    if (!pending.has(r)) return p;
    const message = `replica worker ${r} did not answer for ${Math.round((performance.now() - t0) / 1000)} s (its worker stopped or hangs)`;
    replicas[r].failAll?.(message);
    replicas[r].terminate?.();
    throw new Error(message);
  })]).finally(() => settle(r)));
  Promise.race(replies).finally(() => {
    if (!pending.size) return;
    timer = setTimeout(fire, Math.max(minMs, STALL_FACTOR * (performance.now() - t0)));
    timer.unref?.(); // node: a stalled replica never keeps the process alive
  }).catch(() => {});
  return checked;
}

export class ParallelTrainer {
  /** replicas: WorkerReplica / LocalReplica objects in slice order; info: replica 0's info(). */
  constructor(replicas, slices, info, plan) {
    this.replicas = replicas;
    this.slices = slices;
    this.info0 = info;
    /** {workers, bytesPerReplica, bytes}: the replicas and their estimated memory. */
    this.plan = plan;
    this.workers = replicas.length;
    this.stallMinMs = STALL_MIN_MS; // (tests shorten it)
  }

  /** The model's info() (replica 0's), with `workers` and the memory plan. */
  async info() { return { ...(await this.replicas[0].call('info')), workers: this.workers, memory: this.plan }; }

  // Every replica in order; their replies, which must agree on `key` (they run the same step).
  // When one fails, the error carries every replica's reply (`replies`, undefined for the failed).
  async all(make, agree) {
    const settled = await Promise.allSettled(stallChecked(this.replicas, this.replicas.map((rep, r) => make(rep, r)), this.stallMinMs));
    const failed = settled.find((x) => x.status === 'rejected');
    if (failed) throw Object.assign(failed.reason, { replies: settled.map((x) => x.value) });
    const replies = settled.map((x) => x.value);
    for (const [r, x] of replies.entries())
      if (agree(x) !== agree(replies[0])) throw new Error(`replica ${r} disagrees with replica 0 (${agree(x)} vs ${agree(replies[0])})`);
    return replies;
  }

  /**
   * Runs up to n steps (stops early on divergence: the weights are then the last good step's).
   * busySeconds[r]: the time replica r spent computing in this call (its gradients and updates,
   * without waiting for the others or for messages): the wall time less that is the coordination's.
   * @returns {Promise<{step:number, loss:number|null, losses:Float32Array, lr:number, gradNorm:number, seconds:number,
   *   tokensPerSecond:number, busySeconds:number[], diverged:null|{message:string, step:number}}>}
   */
  async train(n) {
    if (!Number.isInteger(n) || n < 0 || n > 1e6) throw new Error(`number of steps must be a whole number between 0 and 1000000, got ${n}`);
    const t0 = performance.now();
    const losses = [];
    const busy = this.replicas.map(() => 0);
    let last = { step: n > 0 ? null : (await this.replicas[0].call('info')).step, lr: 0, gradNorm: 0, diverged: null };
    const step = (apply, compute) => this.all((rep, r) => {
      const msg = { cmd: 'step', compute, rows: this.slices[r] };
      if (!apply) return rep.request(msg);
      const terms = apply[r];
      return rep.request({ ...msg, apply: { terms, lossSum: apply.lossSum } }, terms.filter((t) => t).map((t) => t.buffer));
    }, (x) => (x.stats?.diverged ? 'diverged' : `step ${x.stats?.step ?? x.grads?.step}`)).then((replies) => {
      replies.forEach((x, r) => { busy[r] += x.busyMs; });
      return replies;
    });
    const result = () => {
      const seconds = (performance.now() - t0) / 1000;
      const tokens = losses.length * this.info0.tokensPerStep;
      return {
        step: last.step, loss: losses.length ? losses.at(-1) : null, losses: Float32Array.from(losses), lr: last.lr,
        gradNorm: last.gradNorm, seconds, tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
        busySeconds: busy.map((ms) => ms / 1000), diverged: last.diverged ?? null,
      };
    };
    try {
      let pending = n > 0 ? (await step(null, true)).map((x) => x.grads) : null;
      for (let k = 0; k < n; ++k) {
        // The loss sum in replica order; the gradients are summed by the replicas themselves.
        let lossSum = 0;
        for (const p of pending) lossSum += p.lossSum;
        const apply = gradientTerms(pending.map((p) => p.grads));
        apply.lossSum = lossSum;
        const replies = await step(apply, k + 1 < n);
        last = replies[0].stats;
        if (last.diverged) break;
        losses.push(last.loss);
        pending = replies.map((x) => x.grads);
      }
    } catch (e) {
      // A replica failed (e.g. its worker stopped). Replica 0's model is whole, at the last step
      // it applied: `partial` is this call's result up to there (a caller can go on from it).
      const own = e.replies?.[0]?.stats;
      if (own) {
        last = own;
        if (!own.diverged) losses.push(own.loss);
      }
      if (last.step !== null) e.partial = result();
      throw e;
    }
    return result();
  }

  /** Replica 0's evaluate(opts): {trainLoss, valLoss}. */
  evaluate(opts = {}) { return this.replicas[0].call('evaluate', opts); }
  /** Replica 0's model as .safetensors bytes. */
  exportCheckpoint(withOptimizer = true) { return this.replicas[0].call('exportCheckpoint', withOptimizer); }
  /** Every replica's weight fingerprint (all equal while training works). */
  fingerprints() { return Promise.all(this.replicas.map((rep) => rep.call('fingerprint'))); }

  /** Stops the workers. */
  async dispose() {
    await Promise.all(this.replicas.map((rep) => rep.terminate()));
  }
}
