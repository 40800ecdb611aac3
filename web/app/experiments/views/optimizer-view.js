// Section: optimizers side by side — SGD, SGD + momentum and AdamW train three copies of the lab's
// model from the same initial weights on the same batches (the engine's batch of step k depends
// only on the seed and k). One chart of their losses, one of the path of one chosen weight.
import { h, clear, field, select, numbers } from '../../dom.js';
import { ExperimentChart } from '../chart.js';
import { SUGGESTED_LRS } from '../../state.js';

export const OPTIMIZERS = ['sgd', 'momentum', 'adamw'];
const OPT_LABEL = { sgd: 'optSgd', momentum: 'optMomentum', adamw: 'optAdamw' };
const LIMITS = { steps: [10, 2000], lr: [1e-5, 10] };
const DEFAULT_TENSOR = 'transformer.h.0.mlp.c_fc.weight';

const clamp = (x, [lo, hi]) => Math.min(hi, Math.max(lo, x));

/** Exponential moving average (the batch losses are noisy; the same noise for all three). */
function smooth(xs, alpha = 0.15) {
  let m = null;
  return xs.map((x) => {
    if (x === null || !Number.isFinite(x)) return null;
    m = m === null ? x : m + alpha * (x - m);
    return m;
  });
}

export class OptimizerView {
  constructor(ctx) {
    const { t, id, hub } = ctx;
    this.t = t;
    this.n = numbers(t('lang')); // the lab's number format
    this.hub = hub;
    this.title = t('sOptTitle');
    this.visible = false;
    this.d = hub.data('race', () => ({ steps: 150, lrs: { ...SUGGESTED_LRS }, tensor: null, index: 0, losses: null, weights: null, result: null, done: 0 }));
    const d = this.d;
    const num = (value, min, max, step, onChange) => {
      const i = h('input', { type: 'number', min, max, step, inputmode: 'decimal' });
      i.value = String(value);
      i.addEventListener('change', () => onChange(i));
      return i;
    };
    this.stepsInput = num(d.steps, LIMITS.steps[0], LIMITS.steps[1], 10, (i) => {
      d.steps = Math.round(clamp(Number(i.value) || 150, LIMITS.steps));
      i.value = String(d.steps);
    });
    this.lrInputs = OPTIMIZERS.map((o) => num(d.lrs[o], LIMITS.lr[0], LIMITS.lr[1], 'any', (i) => {
      const v = Number(i.value);
      d.lrs[o] = Number.isFinite(v) && v > 0 ? clamp(v, LIMITS.lr) : SUGGESTED_LRS[o];
      i.value = String(d.lrs[o]);
    }));
    this.tensorSel = select([], '');
    this.tensorSel.addEventListener('change', () => { d.tensor = this.tensorSel.value; this.clampIndex(); });
    this.indexInput = num(d.index, 0, 1e9, 1, () => this.clampIndex());
    this.runBtn = h('button', { type: 'button', class: 'primary', onclick: () => this.run() }, t('optRun'));
    this.cancelBtn = h('button', { type: 'button', disabled: true, onclick: () => hub.cancel('optimizers') }, t('cancel'));
    this.progress = h('progress', { max: '1', value: '0', 'aria-label': t('optProgressLabel') });
    this.status = h('p', { class: 'job-status', role: 'status' }, t('optIdle'));
    const labels = OPTIMIZERS.map((o) => t(OPT_LABEL[o]));
    this.lossChart = new ExperimentChart({ lang: this.n.lang, xLabel: t('step'), yLabel: t('optLossAxis'), series: labels.map((label) => ({ label })) });
    this.weightChart = new ExperimentChart({ lang: this.n.lang, xLabel: t('step'), yLabel: t('optWeightAxis'), series: labels.map((label) => ({ label })) });
    this.lossAlt = h('figcaption', {});
    this.weightAlt = h('figcaption', {});
    this.table = h('div', { class: 'scroll' });
    this.el = h('div', { class: 'experiment experiment-optimizers' },
      h('p', { class: 'intro' }, t('sOptIntro')),
      h('p', { class: 'hint lr-why' }, t('lrWhy', SUGGESTED_LRS)),
      h('div', { class: 'row' },
        field(id('opt-steps'), t('optSteps'), this.stepsInput).wrap,
        OPTIMIZERS.map((o, i) => field(id(`opt-lr-${o}`), t('optLrOf', { name: labels[i] }), this.lrInputs[i]).wrap)),
      h('div', { class: 'row' },
        field(id('opt-tensor'), t('optTensor'), this.tensorSel, 'grow').wrap,
        field(id('opt-index'), t('optIndex'), this.indexInput).wrap),
      h('div', { class: 'buttons' }, this.runBtn, this.cancelBtn),
      h('p', { class: 'hint' }, t('pausesLab')),
      this.progress, this.status,
      h('div', { class: 'chart-grid' },
        h('figure', { class: 'figure' }, h('h4', {}, t('optLossTitle')), this.lossChart.el, this.lossAlt),
        h('figure', { class: 'figure' }, h('h4', {}, t('optWeightTitle')), this.weightChart.el, this.weightAlt)),
      this.table);
    this.setRunning(hub.running('optimizers'));
    if (d.losses) this.redraw();
    if (d.result) this.renderResult(d.result);
  }

  tick() {
    this.lossChart.checkStyle();
    this.weightChart.checkStyle();
    if (!this.tensors && this.hub.ready() && !this.loadingTensors) this.loadTensors();
  }

  async loadTensors() {
    this.loadingTensors = true;
    try {
      const list = await this.hub.lab.client.call('tensors');
      this.tensors = list;
      const d = this.d;
      if (!d.tensor || !list.some((x) => x.name === d.tensor)) d.tensor = list.some((x) => x.name === DEFAULT_TENSOR) ? DEFAULT_TENSOR : list[0].name;
      clear(this.tensorSel, list.map((x) => h('option', { value: x.name }, `${x.name} [${x.shape.join('×')}]`)));
      this.tensorSel.value = d.tensor;
      this.clampIndex();
    } catch { /* the lab is not ready: try again on the next tick */ } finally { this.loadingTensors = false; }
  }

  clampIndex() {
    const d = this.d;
    const size = this.tensors?.find((x) => x.name === d.tensor)?.size ?? 1e9;
    const v = Math.round(Number(this.indexInput.value));
    d.index = Number.isFinite(v) ? Math.max(0, Math.min(size - 1, v)) : 0;
    this.indexInput.max = String(size - 1);
    this.indexInput.value = String(d.index);
  }

  setRunning(running) {
    this.runBtn.disabled = running;
    this.cancelBtn.disabled = !running;
  }

  async run() {
    const setup = this.hub.labSetup();
    if (!setup) { clear(this.status, this.t('waitLab')); return; }
    if (!this.tensors) await this.loadTensors();
    const d = this.d;
    d.losses = OPTIMIZERS.map(() => []);
    d.weights = OPTIMIZERS.map(() => []);
    d.result = null;
    d.done = 0;
    d.doneBy = OPTIMIZERS.map(() => 0);
    d.setup = { params: setup.info.params };
    clear(this.table);
    this.progress.value = 0;
    this.setRunning(true);
    clear(this.status, this.t('optStarting'));
    try {
      const r = await this.hub.run('optimizers', 'race', {
        ...setup.textRef, settings: setup.settings, steps: d.steps, lrs: { ...d.lrs }, tensor: d.tensor, index: d.index,
      });
      if (!r) return;
      if (r.cancelled) { clear(this.status, this.t('optCancelled', { done: d.done })); return; }
      d.result = r;
      this.viewRef().redraw();
      this.viewRef().renderResult(r);
    } catch (e) {
      clear(this.status, e.message);
    } finally {
      this.viewRef().setRunning(false);
    }
  }

  /** The view currently on screen (after a language change the hub holds a newer one). */
  viewRef() { return this.hub.views.optimizers ?? this; }

  /** One optimizer's steps since its last report (the three run side by side, each at its pace). */
  onProgress(m) {
    const d = this.d;
    if (!d.losses) return;
    if (m.first !== null) d.weights[m.run] = [m.first];
    d.losses[m.run].push(...m.losses);
    d.weights[m.run].push(...m.weights);
    d.doneBy = d.doneBy ?? OPTIMIZERS.map(() => 0);
    d.doneBy[m.run] = m.done;
    d.done = Math.min(...d.doneBy);
    this.progress.value = d.doneBy.reduce((a, x) => a + x, 0) / (m.steps * OPTIMIZERS.length);
    clear(this.status, this.t('optProgress', { steps: m.steps, list: OPTIMIZERS.map((o, i) => `${this.t(OPT_LABEL[o])} ${d.doneBy[i]}`).join(', ') }));
    if (!this.drawQueued) {
      this.drawQueued = true;
      setTimeout(() => requestAnimationFrame(() => { this.drawQueued = false; this.redraw(); }), 150);
    }
  }

  redraw() {
    const d = this.d;
    if (!d.losses) return;
    // The runs advance side by side, each at its own pace: the shorter series end earlier.
    const pad = (a, len) => (a.length < len ? [...a, ...new Array(len - a.length).fill(null)] : a);
    const n = Math.max(...d.losses.map((l) => l.length));
    const xs = Array.from({ length: n }, (_, i) => i + 1);
    if (n >= 1) this.lossChart.setData([xs, ...d.losses.map((l) => pad(smooth(l), n))]);
    const nw = Math.max(...d.weights.map((w) => w.length));
    if (nw >= 2) this.weightChart.setData([Array.from({ length: nw }, (_, i) => i), ...d.weights.map((w) => pad(w, nw))]);
    const last = (arr) => arr.filter((x) => x !== null).at(-1);
    const names = OPTIMIZERS.map((o) => this.t(OPT_LABEL[o]));
    clear(this.lossAlt, n ? this.t('optLossAlt', { step: n, list: names.map((nm, i) => `${nm} ${this.n.loss(last(smooth(d.losses[i])))}`).join(', ') }) : '');
    clear(this.weightAlt, nw >= 2 ? this.t('optWeightAlt', {
      tensor: d.tensor, index: d.index, start: this.n.num(d.weights[0][0]),
      list: names.map((nm, i) => `${nm} ${this.n.num(last(d.weights[i]))}`).join(', '),
    }) : '');
  }

  renderResult(r) {
    const same = r.fingerprints.every((f) => f === r.fingerprints[0]);
    clear(this.status, this.t(same ? 'optDoneSame' : 'optDone', { steps: r.steps, fp: r.fingerprints[0], params: this.n.int(r.params) }));
    this.progress.value = 1;
    clear(this.table, h('table', { class: 'opt-table' },
      h('thead', {}, h('tr', {}, h('th', {}, this.t('optimizer')), h('th', { class: 'num' }, this.t('lr')),
        h('th', { class: 'num' }, this.t('optTrainLoss')), h('th', { class: 'num' }, this.t('optValLoss')),
        h('th', { class: 'num' }, this.t('optWeightStart')), h('th', { class: 'num' }, this.t('optWeightEnd')))),
      h('tbody', {}, r.final.map((f) => h('tr', {},
        h('td', {}, this.t(OPT_LABEL[f.optimizer]), f.diverged ? h('span', { class: 'error-text' }, ` — ${this.t('optDiverged')}`) : null),
        h('td', { class: 'num' }, this.n.num(f.lr)), h('td', { class: 'num' }, this.n.loss(f.trainLoss)), h('td', { class: 'num' }, this.n.loss(f.valLoss)),
        h('td', { class: 'num' }, this.n.num(f.weightStart)), h('td', { class: 'num' }, this.n.num(f.weightEnd)))))));
  }

  destroy() { this.lossChart.destroy(); this.weightChart.destroy(); }
}
