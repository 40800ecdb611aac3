// Section 3: train — buttons, the cores control, model and optimizer settings, stats, live loss chart.
import { h, clear, field, select, numbers } from '../dom.js';
import { FIELD_BY_NAME, SUGGESTED_LRS } from '../state.js';
import { LossChart } from './loss-chart.js';
import { CoresView } from './cores-view.js';
import { lossVerdict, VERDICT_POINTS } from '../history.js';

const MODEL_FIELDS = [['n-layer', 'nLayer'], ['n-head', 'nHead'], ['n-embd', 'nEmbd'], ['block-size', 'blockSize'], ['batch-size', 'batchSize']];

export class TrainView {
  /** on: {start(), pause(), step(), reset(), change(name, value)} */
  constructor(ctx, state, on) {
    const { t, id } = ctx;
    this.t = t;
    this.n = numbers(t('lang')); // the lab's number format
    this.inputs = new Map();
    const num = (name, labelKey, step = 1) => {
      const f = FIELD_BY_NAME.get(name);
      const input = h('input', { type: 'number', min: f.min, max: f.max, step, inputmode: step === 'any' ? 'decimal' : 'numeric' });
      input.value = String(state[f.key]);
      input.addEventListener('change', () => on.change(name, input.value));
      this.inputs.set(name, input);
      return field(id(name), t(labelKey), input).wrap;
    };
    this.startBtn = h('button', { type: 'button', class: 'primary', onclick: () => on.start() }, t('start'));
    this.pauseBtn = h('button', { type: 'button', onclick: () => on.pause(), disabled: true }, t('pause'));
    this.stepBtn = h('button', { type: 'button', onclick: () => on.step() }, t('step'));
    this.resetBtn = h('button', { type: 'button', onclick: () => on.reset() }, t('reset'));
    const opt = select([['sgd', t('optSgd')], ['momentum', t('optMomentum')], ['adamw', t('optAdamw')]], state.optimizer);
    opt.addEventListener('change', () => on.change('optimizer', opt.value));
    this.inputs.set('optimizer', opt);

    this.stats = {};
    const stat = (key, labelKey) => {
      this.stats[key] = h('dd', {}, '–');
      return h('div', { class: 'stat' }, h('dt', {}, t(labelKey)), this.stats[key]);
    };
    this.cores = new CoresView(ctx, state, on);
    this.chart = new LossChart(ctx);
    this.alt = h('p', { class: 'chart-alt' });
    // What the two curves mean, and what this run's own curves say (lossVerdict below).
    this.verdict = h('p', { class: 'verdict-line', 'aria-live': 'polite' });
    this.explain = h('div', { class: 'loss-explain' },
      h('p', {}, t('valExplain')), h('p', {}, t('valExplainShapes')), h('p', {}, t('valExplainRandom')), this.verdict);
    this.el = h('div', {},
      h('p', { class: 'intro' }, t('sTrainIntro')),
      h('div', { class: 'buttons', role: 'group', 'aria-label': t('sTrainTitle') }, this.startBtn, this.pauseBtn, this.stepBtn, this.resetBtn),
      this.cores.el,
      h('dl', { class: 'stats' }, stat('step', 'statStep'), stat('loss', 'statLoss'), stat('val', 'statVal'), stat('tps', 'statTps'), stat('params', 'statParams')),
      h('div', { class: 'chart-with-notes' }, h('figure', { class: 'figure' }, this.chart.el, h('figcaption', {}, this.alt)), this.explain),
      h('details', { class: 'settings', open: !ctx.compact },
        h('summary', {}, `${t('modelSize')} · ${t('optimizer')}`),
        h('div', { class: 'row' }, MODEL_FIELDS.map(([name, key]) => num(name, key))),
        h('p', { class: 'hint' }, t('rebuildNote')),
        h('div', { class: 'row' }, field(id('optimizer'), t('optimizer'), opt).wrap, num('lr', 'lr', 'any'), num('seed', 'seed'), num('steps', 'stepsBudget')),
        h('p', { class: 'hint lr-why' }, t('lrSuggested', SUGGESTED_LRS), ' ', t('lrWhy', SUGGESTED_LRS))));
  }

  /** Show a (validated) state in the controls. */
  setState(state) {
    for (const [name, input] of this.inputs) {
      const key = FIELD_BY_NAME.get(name).key;
      if (input.getRootNode().activeElement !== input) input.value = String(state[key]);
    }
    this.cores.setState(state);
  }

  /** hasModel: a model exists; canTrain: it may take more steps (step budget). */
  setRunning(running, hasModel, canTrain) {
    this.startBtn.disabled = running || !canTrain;
    this.pauseBtn.disabled = !running;
    this.stepBtn.disabled = running || !canTrain;
    this.resetBtn.disabled = !hasModel;
    // Keep keyboard focus on a useful button when the one focused gets disabled.
    const root = this.el.getRootNode();
    if (running && root.activeElement === this.startBtn) this.pauseBtn.focus();
    if (!running && root.activeElement === this.pauseBtn && canTrain) this.startBtn.focus();
  }

  setInfo(info) { clear(this.stats.params, this.n.int(info.params)); }

  /** history: LossHistory; tps: tokens/s or null. */
  update(history, step, randomLoss, tps) {
    const loss = history.lastLoss;
    const val = history.lastVal;
    clear(this.stats.step, this.n.int(step));
    clear(this.stats.loss, this.n.loss(loss));
    clear(this.stats.val, this.n.loss(val));
    if (tps !== undefined) clear(this.stats.tps, tps ? this.n.int(tps) : '–');
    this.chart.setData(history.series(), randomLoss);
    const v = lossVerdict(history.val);
    clear(this.verdict, v.key === 'verdictWait' ? this.t(v.key, { n: v.n, need: VERDICT_POINTS })
      : this.t(v.key, { from: this.n.int(v.from), to: this.n.int(v.to), v0: this.n.loss(v.v0), v1: this.n.loss(v.v1), t0: this.n.loss(v.t0), t1: this.n.loss(v.t1) }));
    this.verdict.dataset.verdict = v.key;
    if (randomLoss === null) { clear(this.alt, this.t('chartWaiting')); return; }
    const vocab = Math.round(Math.exp(randomLoss));
    clear(this.alt, history.losses.length === 0 && history.val.length <= 1
      ? this.t('chartEmpty', { vocab, random: this.n.loss(randomLoss) })
      : this.t('chartAlt', { step: this.n.int(step), loss: this.n.loss(loss ?? history.val.at(-1)?.trainLoss), val: this.n.loss(val), random: this.n.loss(randomLoss) }));
  }
}
