// Data-parallel training for the training worker (worker.js): the worker's own trainer stays the
// model every view reads, and computes slice 0 of each batch; helper Workers, started from the
// training worker (nested workers: the page is unchanged), each hold a copy of the model and
// compute the other slices (the engine's parallel.mjs and replica.mjs). No SharedArrayBuffer, so
// no COOP/COEP headers are needed.
//
// The helpers start in the background once the lab has trained for half a second (the trainer
// trains alone meanwhile, so the first steps are not held up by their start-up). Anything the
// worker does to its trainer outside this training (a new model, reset, a setting, a single
// inspected step, a rollback) makes the helpers stale (markStale()): the next chunk first copies
// the trainer into them (its checkpoint with optimizer state, and the same settings) and checks
// their weights.
//
// A helper that stops (it crashed: an uncaught error, 'error' on its Worker) costs no model: the
// trainer is whole at the last step every replica applied. It is dropped, and training goes on
// with the others (at most that many for the rest of the run; the next run tries all again).

// Workers in all (the trainer's own included): the page's thread draws too. The lab's `workers`
// attribute allows the same range (state.js; tests/node/web-state.test.mjs checks they agree).
export const MAX_WORKERS = 4;
// Helpers start once the lab has trained this long alone (unless a count was set): a short demo
// of a few steps never pays for their start-up (a wasm instance and a model copy each).
const START_AFTER_SECONDS = 0.5;
const MB = 1024 * 1024;

const cores = () => Math.min(globalThis.navigator?.hardwareConcurrency ?? 1, MAX_WORKERS);
// Chromium tells the device's memory (GB, capped at 8): the copies take at most a quarter.
const memoryBudget = () => ((globalThis.navigator?.deviceMemory ?? 4) * 1024 * MB) / 4;

export class Helpers {
  /** @param {URL} engineDir the folder with parallel.mjs and replica.mjs */
  constructor(engineDir) {
    this.engineDir = engineDir;
    this.wanted = null;   // workers in all, or null = as many as fit (cores, batch rows, memory)
    this.cap = null;      // at most this many after helpers stopped in this run (null: no limit)
    this.lost = null;     // {helpers, message}: helpers that stopped in this run, or null
    this.stopped = 0;     // helpers that stopped since the worker started (the page reports each once)
    this.mod = null;      // parallel.mjs, once imported
    this.workers = [];    // helper WorkerReplica objects
    this.plan = null;     // {workers, bytesPerReplica, bytes, unfit} for this.planFor (a trainer)
    this.warm = null;     // promise: the helpers have their engines; this.warmed once it resolved
    this.parallel = null; // the ParallelTrainer over [the trainer, …helpers], while in sync
    this.disabled = null; // why helpers are not used (a failure), or null
    this.busy = Promise.resolve();
    this.aloneSeconds = 0; // training time before the helpers were wanted
  }

  loadMod() {
    this.loading ??= import(new URL('parallel.mjs', this.engineDir).href).then((m) => { this.mod = m; return m; });
    return this.loading;
  }

  /**
   * Sets how many workers train (1 = the trainer alone, null = as many as fit). A count that
   * `trainer`'s model cannot use (batch rows, memory) is refused with an Error saying why and what
   * fits; the helpers then go on as they were.
   */
  async setWorkers(n, trainer = null) {
    if (n !== null && trainer) {
      const mod = await this.loadMod();
      mod.planWorkers(this.planInput(trainer, n)); // throws when it does not fit
    }
    this.wanted = n;
    this.newRun();
    this.disabled = null;
    this.stopWorkers(); // planned and started again at the next chunk
  }

  /** A training run starts: helpers that stopped in the last one are tried again. */
  newRun() {
    if (this.cap === null) return;
    this.cap = null;
    this.lost = null;
    this.plan = null;
  }

  markStale() { this.parallel = null; }

  /** Resolves when no chunk is training: requests that touch the trainer wait for this, as they
   * would wait for a synchronous trainer.train(k). */
  idle() { return this.busy; }

  /**
   * trainer.train(k), on all workers when the helpers are ready (losses within rounding of
   * training alone), else alone. `model` is what the trainer was made from: {text, settings} (the
   * settings as given, so that every copy reads the same numbers).
   * @returns {Promise<object>} Trainer.train's result and `workers`
   */
  train(trainer, k, model) {
    const done = this.trainChunk(trainer, k, model);
    this.busy = done.catch(() => {});
    return done;
  }

  async trainChunk(trainer, k, model) {
    this.dropStopped();
    let parallel = null;
    try {
      if (this.ready(trainer)) parallel = await this.sync(trainer, model);
    } catch (e) {
      if (e?.trap) throw e; // the worker's own engine: it recovers that itself
      if (!this.dropStopped()) this.disable(e);
    }
    if (!parallel) return this.alone(trainer, k);
    try {
      const r = await parallel.train(k);
      if (r.diverged) this.markStale(); // a fresh copy and the trainer may roll back differently
      return { ...r, workers: parallel.workers };
    } catch (e) {
      this.markStale();
      if (e?.trap) throw e;
      // A helper stopped: the steps every replica applied count (the trainer took them too); if
      // there were none, this chunk trains on the trainer alone.
      if (this.dropStopped()) return e.partial ? { ...e.partial, workers: parallel.workers } : this.alone(trainer, k);
      this.disable(e);
      throw new Error(`training on ${parallel.workers} workers failed (${e?.message ?? e}); from now on this lab trains on one`);
    }
  }

  alone(trainer, k) {
    const r = trainer.train(k);
    this.aloneSeconds += r.seconds;
    return { ...r, workers: 1 };
  }

  // Drops the helpers whose worker stopped; true if there were any.
  dropStopped() {
    const stopped = this.workers.filter((w) => w.dead);
    if (!stopped.length) return false;
    for (const w of stopped) w.terminate();
    this.workers = this.workers.filter((w) => !w.dead);
    this.cap = this.workers.length + 1;
    this.stopped += stopped.length;
    this.lost = { helpers: (this.lost?.helpers ?? 0) + stopped.length, stopped: this.stopped, message: stopped[0].dead };
    this.markStale();
    this.plan = null; // planned again within the cap: the live helpers stay (resize keeps them)
    if (!this.warmed) this.warmUp(); // one stopped while they were starting: the others carry on
    return true;
  }

  // planWorkers' arguments for `trainer`'s model (requested undefined: as many as fit).
  planInput(trainer, requested) {
    const info = trainer.info();
    return { requested, available: cores(), batchSize: info.settings.batchSize, info, memoryBudget: memoryBudget() };
  }

  // The plan for `trainer`: the count wanted (or as many as fit), within the cap. A wanted count
  // this model cannot use (a smaller batch or a larger model since it was chosen) becomes the most
  // that fit, with `unfit` saying why.
  fitPlan(trainer) {
    const { planWorkers } = this.mod;
    let plan;
    let unfit = null;
    try {
      plan = planWorkers(this.planInput(trainer, this.wanted ?? undefined));
    } catch (e) {
      unfit = String(e.message);
      plan = planWorkers({ ...this.planInput(trainer), available: this.wanted });
    }
    if (this.cap !== null && plan.workers > this.cap) plan = planWorkers(this.planInput(trainer, this.cap));
    return { ...plan, unfit };
  }

  // Whether the helpers can take a chunk of `trainer` now; if not yet, gets them ready meanwhile.
  ready(trainer) {
    if (this.disabled || this.wanted === 1) return false;
    if (!this.mod) {
      if (this.wanted === null && this.aloneSeconds < START_AFTER_SECONDS) return false;
      // Once it is in, the helpers start at once (not at the next chunk).
      this.loadMod().then(() => this.ready(trainer), (e) => this.disable(e));
      return false;
    }
    if (this.planFor !== trainer || !this.plan) {
      this.plan = this.fitPlan(trainer);
      this.planFor = trainer;
      this.resize(this.plan.workers - 1);
    }
    return this.plan.workers > 1 && this.warmed;
  }

  // Starts or ends helper workers so that there are n.
  resize(n) {
    if (this.workers.length === n) return;
    this.markStale();
    while (this.workers.length > n) this.workers.pop().terminate();
    while (this.workers.length < n) {
      const index = this.workers.length + 1;
      const worker = new Worker(new URL('replica.mjs', this.engineDir), { type: 'module', name: `training helper ${index}` });
      this.workers.push(new this.mod.WorkerReplica(worker, index));
    }
    this.warmUp();
  }

  // The helpers load their engines (this.warmed once all have).
  warmUp() {
    this.warmed = false;
    const warm = Promise.all(this.workers.map((w) => w.request({ cmd: 'warm' })));
    this.warm = warm;
    warm.then(() => { if (this.warm === warm) this.warmed = true; }, (e) => { if (this.warm === warm && !this.dropStopped()) this.disable(e); });
  }

  // The ParallelTrainer for `trainer`, copying it into the helpers first when they are stale.
  async sync(trainer, model) {
    if (this.parallel && this.parallel.replicas[0].trainer === trainer) return this.parallel;
    const { mod } = this;
    const info = trainer.info();
    const slices = mod.sliceRows(info.settings.batchSize, this.plan.workers);
    const bytes = trainer.exportCheckpoint(true);
    await Promise.all(this.workers.map((w, i) => w.request({
      cmd: 'load', bytes, text: model.text, settings: { ...model.settings, sliceRows: slices[i + 1][1] },
    })));
    const want = trainer.fingerprint();
    const prints = await Promise.all(this.workers.map((w) => w.call('fingerprint')));
    if (prints.some((p) => p !== want)) throw new Error(`the helpers did not get the same weights (${prints.join(', ')} vs ${want})`);
    this.parallel = new mod.ParallelTrainer([new mod.LocalReplica(trainer), ...this.workers], slices, info, this.plan);
    return this.parallel;
  }

  /**
   * What the page shows about the workers of `trainer`'s model: {wanted (null = auto), workers
   * (planned, in all; null before parallel.mjs is in), cores, max, bytesPerReplica, bytes (the
   * copies' estimated memory), budget (bytes they may take), unfit (why fewer than wanted), lost
   * ({helpers, stopped, message}: helpers that stopped in this run, and since the worker started),
   * disabled (why helpers are not used)}.
   */
  summary(trainer) {
    const p = !trainer ? null : this.planFor === trainer && this.plan ? this.plan : this.mod ? this.fitPlan(trainer) : null;
    return {
      wanted: this.wanted, workers: this.wanted === 1 || this.disabled ? 1 : p?.workers ?? null, cores: cores(), max: MAX_WORKERS,
      bytesPerReplica: p?.bytesPerReplica ?? null, bytes: p?.bytes ?? null, budget: memoryBudget(),
      unfit: p?.unfit ?? null, lost: this.lost, disabled: this.disabled,
    };
  }

  /** summary(), with the plan (parallel.mjs is loaded first). */
  async describe(trainer) {
    await this.loadMod();
    return this.summary(trainer);
  }

  /** For tests: {helpers, warmed, workers (planned, in all), disabled (why not used, or null)}. */
  state() {
    return { helpers: this.workers.length, warmed: !!this.warmed, workers: this.plan?.workers ?? null, disabled: this.disabled };
  }

  /**
   * Test hook: helper `index` (1…) crashes (how = 'crash': an uncaught error in its worker) or stops
   * answering (how = 'hang': no event at all, as a killed worker) once it has handled what it was sent.
   */
  crashHelper(index = 1, how = 'crash') {
    const w = this.workers[index - 1];
    if (!w) throw new Error(`there is no helper worker ${index} (${this.workers.length} running)`);
    if (how !== 'crash' && how !== 'hang') throw new Error(`how must be "crash" or "hang", got ${JSON.stringify(how)}`);
    return w.request({ cmd: how }).then(() => true, () => true); // (the crash may overtake the reply)
  }

  disable(e) {
    this.disabled = String(e?.message ?? e);
    this.stopWorkers();
  }

  stopWorkers() {
    this.parallel = null;
    for (const w of this.workers) w.terminate();
    this.workers = [];
    this.plan = null;
    this.warm = null;
    this.warmed = false;
  }
}
