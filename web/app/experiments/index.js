// The sections of <training-loop-lab> beyond the training loop, with their own worker: the
// experiments (scaling sweep, optimizer race, training-time estimate) and the attention and
// surprise views of a copy of the current model.
//
// The controller calls createExperiments(ctx, session) in its render() and puts the returned views in
// its section list. They work from the lab's session (../session.js, no DOM), and READ only: its
// state, textSource, textKey, info, step, tps, running, baseUrl, prompt(), its 'step' events and
// its client (to ask the training worker for 'exportCheckpoint' and 'tensors'); they CALL only
// pause(). Everything heavy runs in this module's own worker (experiments-worker.js).
//
// One ExperimentsHub per session outlives re-renders (a language change rebuilds the views, not the
// worker, the running jobs or their results) and ends itself when its session is closed.
import { ExperimentsClient } from './client.js';
import { t as translate } from './strings.js';
import { trainerSettings } from '../state.js';
import { AttentionView } from './views/attention-view.js';
import { SurpriseView } from './views/surprise-view.js';
import { OptimizerView } from './views/optimizer-view.js';
import { ScalingView } from './views/scaling-view.js';
import { TimeView } from './views/time-view.js';

export const EXPERIMENT_SECTIONS = ['attention', 'surprise', 'optimizers', 'scaling', 'time'];

/** Do two lab keys (ExperimentsHub.labKey) name the same model (maybe at other steps)? */
export const sameModel = (a, b) => Boolean(a && b) && a.split(':')[0] === b.split(':')[0];

const TICK_MS = 2000;
const hubs = new WeakMap();
const objectIds = new WeakMap();
let nextObjectId = 1;
const idOf = (o) => {
  if (!objectIds.has(o)) objectIds.set(o, nextObjectId++);
  return objectIds.get(o);
};

export class ExperimentsHub {
  constructor(lab) {
    this.lab = lab;
    this.client = new ExperimentsClient(lab.baseUrl);
    this.views = {};
    this.store = {};          // per-view data that survives a re-render (results, settings)
    this.jobs = {};           // kind → {id, promise}
    this.nextJob = 1;
    this.snapKey = null;
    this.snapInfo = null;
    this.snapPromise = null;
    this.closed = false;
    this.client.addEventListener('progress', (e) => {
      const kind = Object.keys(this.jobs).find((k) => this.jobs[k].id === e.detail.job);
      if (kind) this.views[kind]?.onProgress?.(e.detail);
    });
    this.io = new IntersectionObserver((entries) => {
      for (const en of entries) {
        const v = Object.values(this.views).find((x) => x.el === en.target);
        if (!v) continue;
        v.visible = en.isIntersecting;
        if (v.visible) v.tick?.();
      }
    });
    this.timer = setInterval(() => this.tick(), TICK_MS);
    // What the lab's own model has really run (steps and the engine's measured time), for the
    // training-time section to show beside its estimate.
    this.trained = { info: null, steps: 0, seconds: 0, timedSteps: 0 };
    this.onLabStep = (e) => this.countSteps(e.detail);
    lab.addEventListener('step', this.onLabStep);
  }

  /** Adds the steps since the last 'step' event at the speed the worker measured for them. */
  countSteps({ step, tokensPerSecond }) {
    const info = this.lab.info;
    const tr = this.trained;
    if (!info) return;
    if (tr.info !== info || step < tr.steps) Object.assign(tr, { info, steps: info.step, seconds: 0, timedSteps: 0 });
    const n = step - tr.steps;
    if (n <= 0) return;
    if (tokensPerSecond > 0) {
      tr.seconds += (n * info.tokensPerStep) / tokensPerSecond;
      tr.timedSteps += n;
    }
    tr.steps = step;
  }

  t(key, vars) { return translate(this.lab.state?.lang ?? 'en', key, vars); }

  /** Data of one view kind that must survive re-renders. */
  data(kind, init) {
    this.store[kind] ??= init();
    return this.store[kind];
  }

  setViews(views) {
    for (const v of Object.values(this.views)) { this.io.unobserve(v.el); v.destroy?.(); }
    this.views = views;
    for (const v of Object.values(views)) this.io.observe(v.el);
  }

  tick() {
    if (this.lab.closed) { this.close(); return; }
    for (const v of Object.values(this.views)) if (v.visible) v.tick?.();
  }

  // ---------------------------------------------------------------- the lab's current model
  ready() { return Boolean(this.lab.info && this.lab.textSource && this.lab.client); }

  /** The lab's text for the experiments worker: the source the first time, then only its key (it keeps the text). */
  textRef() {
    const key = this.lab.textKey;
    const valFraction = this.lab.info?.settings?.valFraction ?? 0.1;
    const tokens = { train: this.lab.info?.trainTokens ?? 0, val: this.lab.info?.valTokens ?? 0 };
    const ref = key === this.sentKey ? { textKey: key, valFraction, tokens } : { textKey: key, valFraction, tokens, source: this.lab.textSource };
    this.sentKey = key;
    return ref;
  }

  /** Changes whenever the lab's weights may have changed (new model, reset, step). */
  labKey() { return this.ready() ? `${idOf(this.lab.info)}:${this.lab.step}` : null; }

  /** The lab's current model is loaded in the experiments worker (asks the training worker for its checkpoint). */
  ensureSnapshot() {
    const key = this.labKey();
    if (!key) return Promise.reject(new Error(this.t('waitLab')));
    if (key === this.snapKey) return Promise.resolve(this.snapInfo);
    this.snapPromise ??= (async () => {
      const bytes = await this.lab.client.call('exportCheckpoint');
      const info = await this.client.call('snapshot', { bytes, ...this.textRef() }, [bytes.buffer]);
      this.snapKey = key;
      this.snapInfo = info;
      return info;
    })().finally(() => { this.snapPromise = null; });
    return this.snapPromise;
  }

  /** Text and settings of the lab (for experiments that build their own models). */
  labSetup() {
    if (!this.ready()) return null;
    return { textRef: { textKey: this.lab.textKey, source: this.lab.textSource, valFraction: this.lab.info?.settings?.valFraction ?? 0.1 }, settings: trainerSettings(this.lab.state), info: this.lab.info };
  }

  // ---------------------------------------------------------------- long jobs
  running(kind) { return Boolean(this.jobs[kind]); }

  /**
   * Run a long job (sweep, race) in the experiments worker. The lab's own training is paused first so
   * the two don't share this computer's cores (the page says so).
   */
  async run(kind, cmd, args) {
    if (this.jobs[kind]) return null;
    const id = `${kind}-${this.nextJob++}`;
    const job = { id };
    this.jobs[kind] = job;
    try {
      if (this.lab.running) await this.lab.pause();
      job.promise = this.client.call(cmd, { ...args, job: id });
      return await job.promise;
    } finally {
      delete this.jobs[kind];
    }
  }

  cancel(kind) {
    const job = this.jobs[kind];
    if (job) this.client.call('cancel', { job: job.id }).catch(() => {});
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.lab.removeEventListener('step', this.onLabStep);
    this.io.disconnect();
    for (const v of Object.values(this.views)) v.destroy?.();
    this.client.close();
  }
}

/** The experiments sections' views for one render of a lab: {attention, surprise, optimizers, scaling, time}. */
export function createExperiments(ctx, lab) {
  let hub = hubs.get(lab);
  if (!hub || hub.closed) {
    hub = new ExperimentsHub(lab);
    hubs.set(lab, hub);
  }
  const ictx = { ...ctx, t: (k, v) => hub.t(k, v), hub, lab };
  const views = {
    attention: new AttentionView(ictx),
    surprise: new SurpriseView(ictx),
    optimizers: new OptimizerView(ictx),
    scaling: new ScalingView(ictx),
    time: new TimeView(ictx),
  };
  hub.setViews(views);
  return views;
}
