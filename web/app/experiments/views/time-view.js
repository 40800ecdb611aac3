// Section: how long does training take? The formula on screen, calibrated by the speed this
// browser measured on the lab's model; parameters, data, epochs and devices editable (with
// editable presets), the answer in human units, and the same training on other set-ups.
import { h, clear, field, select, numbers, fmtSig } from '../../dom.js';
import {
  DEVICES, MODELS, COMPARE, LIMITS, estimate, measuredFlops, labModel, parseAmount, bigParts,
} from '../estimate.js';
import { durationText } from './duration.js';

const MODEL_FIELDS = [['params', 'N', 'tmParams'], ['layers', 'L', 'tmLayers'], ['context', 'T', 'tmContext'], ['width', 'C', 'tmWidth'],
  ['tokens', 'D', 'tmTokens'], ['epochs', 'E', 'tmEpochs']];

/** 3.12e14 → "312 TFLOP/s" (in the lab's number format). */
export function fmtFlops(x, lang = 'en') {
  if (!Number.isFinite(x) || x <= 0) return '–';
  const units = [[1e18, 'E'], [1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [f, p] of units) if (x >= f) return `${fmtSig(x / f, 3, lang)} ${p}FLOP/s`;
  return `${fmtSig(x, 3, lang)} FLOP/s`;
}

const clampTo = (v, [lo, hi]) => Math.min(hi, Math.max(lo, v));

export class TimeView {
  constructor(ctx) {
    const { t, id, hub, lab } = ctx;
    this.t = t;
    this.n = numbers(t('lang')); // the lab's number format
    this.hub = hub;
    this.lab = lab;
    this.id = id;
    this.title = t('sTimeTitle');
    this.visible = false;
    this.d = hub.data('time', () => ({
      model: 'lab', m: {}, device: 'browser', count: 1, util: 0.4,
      peaks: Object.fromEntries(DEVICES.filter((x) => x.peak).map((x) => [x.key, x.peak])), measured: null,
    }));
    const d = this.d;
    this.modelSel = select([...MODELS.map((m) => [m.key, t(`tmModel_${m.key}`)]), ['custom', t('tmCustom')]], d.model);
    this.modelSel.addEventListener('change', () => this.applyModel(this.modelSel.value));
    this.inputs = {};
    const amount = (key, sym, labelKey) => {
      const input = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', class: 'amount' });
      const echo = h('span', { class: 'echo', 'aria-live': 'off' });
      input.addEventListener('change', () => this.onAmount(key, input));
      this.inputs[key] = { input, echo };
      const f = field(id(`tm-${key}`), `${t(labelKey)} (${sym})`, input);
      f.wrap.append(echo);
      return f.wrap;
    };
    this.deviceSel = select(DEVICES.map((x) => [x.key, t(`dev_${x.key}`)]), d.device);
    this.deviceSel.addEventListener('change', () => { d.device = this.deviceSel.value; this.render(); });
    this.countInput = h('input', { type: 'text', inputmode: 'numeric', class: 'amount' });
    this.countInput.addEventListener('change', () => this.onNumber('count', this.countInput, LIMITS.count, 1, true));
    this.utilInput = h('input', { type: 'number', min: 1, max: 100, step: 1 });
    this.utilInput.addEventListener('change', () => {
      const v = Number(this.utilInput.value);
      d.util = Number.isFinite(v) ? clampTo(v / 100, LIMITS.util) : 0.4;
      this.render();
    });
    this.measureBtn = h('button', { type: 'button', onclick: () => this.measure() }, t('tmMeasure'));
    this.calib = h('p', { class: 'calib', role: 'status' }, t('tmNotMeasured'));
    this.answer = h('p', { class: 'answer', 'aria-live': 'polite' });
    this.ran = h('p', { class: 'tm-ran' });
    this.worked = h('p', { class: 'worked' });
    this.problem = h('p', { class: 'message error', hidden: true, role: 'alert' });
    this.compare = h('div', { class: 'scroll' });
    this.presetBox = h('div', { class: 'scroll' });
    this.el = h('div', { class: 'experiment experiment-time' },
      h('p', { class: 'intro' }, t('sTimeIntro')),
      h('div', { class: 'formula', role: 'math', 'aria-label': t('tmFormulaSpoken') },
        h('code', {}, 'time ≈ (6·N + 12·L·T·C) × D × E ÷ (n × F × U)')),
      h('p', { class: 'hint' }, t('tmSymbols')),
      h('div', { class: 'calib-row' }, this.calib, this.measureBtn),
      h('div', { class: 'row' }, field(id('tm-model'), t('tmModel'), this.modelSel, 'grow').wrap),
      h('div', { class: 'row amounts' }, MODEL_FIELDS.map(([k, sym, label]) => amount(k, sym, label))),
      h('div', { class: 'row' }, field(id('tm-device'), t('tmDevice'), this.deviceSel, 'grow').wrap,
        field(id('tm-count'), t('tmCount'), this.countInput).wrap, field(id('tm-util'), t('tmUtil'), this.utilInput).wrap),
      this.problem,
      this.answer, this.ran, this.worked,
      h('h4', {}, t('tmCompareTitle')), this.compare,
      h('p', { class: 'hint' }, t('tmWhy')),
      h('details', { class: 'presets' }, h('summary', {}, t('tmPresets')), this.presetBox));
    this.renderPresets();
    this.fillInputs();
    this.render();
  }

  tick() {
    const info = this.lab.info;
    const tps = this.lab.tps;
    if (info && tps) {
      const f = measuredFlops(tps, info);
      this.d.measured = { tps, flops: f, source: 'lab', params: info.params };
    }
    if (!this.d.measured && !this.autoMeasured && this.hub.ready() && !this.lab.running && !this.hub.running('time')) {
      this.autoMeasured = true; // once, when the section is first on screen: the answer needs a speed
      this.measure();
    }
    if (this.d.model === 'lab' && info) {
      const m = labModel(info, this.lab.step);
      if (MODEL_FIELDS.some(([k]) => m[k] !== this.d.m[k])) { this.d.m = m; this.fillInputs(); }
    }
    this.render();
  }

  applyModel(key) {
    const d = this.d;
    d.model = key;
    if (key === 'lab') {
      if (this.lab.info) d.m = labModel(this.lab.info, this.lab.step);
    } else if (key !== 'custom') {
      const { key: _k, ...m } = MODELS.find((x) => x.key === key);
      d.m = m;
    }
    this.fillInputs();
    this.render();
  }

  fillInputs() {
    for (const [k] of MODEL_FIELDS) {
      const { input, echo } = this.inputs[k];
      const v = this.d.m[k];
      if (input.getRootNode().activeElement !== input) input.value = v === undefined ? '' : String(v);
      clear(echo, v === undefined ? '' : this.words(v));
    }
    this.countInput.value = String(this.d.count);
    this.utilInput.value = String(Math.round(this.d.util * 100));
    this.modelSel.value = this.d.model;
  }

  words(v) {
    const b = bigParts(v);
    return b.unit ? `= ${this.n.sig(b.value, 3)} ${this.t(b.unit)}` : '';
  }

  say(problem) {
    this.problem.hidden = !problem;
    clear(this.problem, problem ?? '');
  }

  onAmount(key, input) {
    const v = parseAmount(input.value);
    const lim = LIMITS[key];
    if (!Number.isFinite(v)) {
      this.say(this.t('tmBadNumber', { value: input.value, min: this.n.sci(lim[0]), max: this.n.sci(lim[1]) }));
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    input.removeAttribute('aria-invalid');
    const c = clampTo(key === 'epochs' ? v : Math.round(v), lim);
    this.say(c !== v ? this.t('tmClamped', { value: input.value, used: this.n.sci(c), min: this.n.sci(lim[0]), max: this.n.sci(lim[1]) }) : null);
    this.d.m = { ...this.d.m, [key]: c };
    this.d.model = 'custom';
    input.value = String(c);
    this.fillInputs();
    this.render();
  }

  onNumber(key, input, lim, def, integer) {
    const v = parseAmount(input.value);
    if (!Number.isFinite(v)) {
      this.say(this.t('tmBadNumber', { value: input.value, min: this.n.sci(lim[0]), max: this.n.sci(lim[1]) }));
      input.value = String(this.d[key] ?? def);
      return;
    }
    const c = clampTo(integer ? Math.round(v) : v, lim);
    this.say(c !== v ? this.t('tmClamped', { value: input.value, used: this.n.sci(c), min: this.n.sci(lim[0]), max: this.n.sci(lim[1]) }) : null);
    this.d[key] = c;
    input.value = String(c);
    this.render();
  }

  /** Peak FLOP/s and utilization of a device (the browser: what was measured, fully used). */
  device(key) {
    if (key === 'browser') return { peak: this.d.measured?.flops ?? null, util: 1 };
    return { peak: this.d.peaks[key], util: this.d.util };
  }

  async measure() {
    const setup = this.hub.labSetup();
    if (!setup) { clear(this.calib, this.t('waitLab')); return; }
    this.measureBtn.disabled = true;
    clear(this.calib, this.t('tmMeasuring'));
    try {
      const r = await this.hub.run('time', 'measure', { ...setup.textRef, settings: setup.settings, seconds: 1.5 });
      if (r) this.d.measured = { tps: r.tokensPerSecond, flops: r.flopsPerSecond, source: 'measure', params: r.info.params };
    } catch (e) {
      clear(this.calib, e.message);
    } finally {
      const v = this.hub.views.time ?? this;
      v.measureBtn.disabled = false;
      v.render();
    }
  }

  renderPresets() {
    const rows = DEVICES.filter((x) => x.peak).map((x) => {
      const input = h('input', { type: 'text', inputmode: 'decimal', class: 'amount', id: this.id(`tm-peak-${x.key}`) });
      input.value = String(this.d.peaks[x.key]);
      input.setAttribute('aria-label', this.t('tmPeakOf', { name: this.t(`dev_${x.key}`) }));
      const echo = h('span', { class: 'echo' }, fmtFlops(this.d.peaks[x.key], this.n.lang));
      input.addEventListener('change', () => {
        const v = parseAmount(input.value);
        if (!Number.isFinite(v)) { input.value = String(this.d.peaks[x.key]); return; }
        this.d.peaks[x.key] = clampTo(v, LIMITS.peak);
        input.value = String(this.d.peaks[x.key]);
        clear(echo, fmtFlops(this.d.peaks[x.key], this.n.lang));
        this.render();
      });
      return h('tr', {}, h('td', {}, this.t(`dev_${x.key}`)), h('td', {}, input), h('td', { class: 'num' }, echo));
    });
    clear(this.presetBox, h('p', { class: 'hint' }, this.t('tmPresetsHint')),
      h('table', { class: 'tm-presets' }, h('thead', {}, h('tr', {}, h('th', {}, this.t('tmDevice')), h('th', {}, this.t('tmPeak')), h('th', {}, ''))),
        h('tbody', {}, rows)));
  }

  duration(seconds) { return durationText(this.t, seconds); }

  render() {
    const d = this.d;
    const meas = d.measured;
    clear(this.calib, meas
      ? this.t(meas.source === 'lab' ? 'tmMeasuredLab' : 'tmMeasuredHere', { tps: this.n.int(meas.tps), flops: fmtFlops(meas.flops, this.n.lang), params: this.n.int(meas.params) })
      : this.t('tmNotMeasured'));
    const dev = this.device(d.device);
    this.utilInput.disabled = d.device === 'browser';
    this.utilInput.value = String(Math.round(dev.util * 100));
    const m = d.m;
    if (MODEL_FIELDS.some(([k]) => !Number.isFinite(m[k]))) {
      clear(this.answer, this.t('waitLab'));
      clear(this.worked);
    } else if (!dev.peak) {
      clear(this.answer, this.t('tmNeedMeasure'));
      clear(this.worked);
    } else {
      const e = estimate(m, { peak: dev.peak, util: dev.util, count: d.count });
      clear(this.answer, this.t(d.model === 'lab' ? 'tmAnswerLab' : 'tmAnswer', { time: this.duration(e.seconds), epochs: m.epochs }));
      clear(this.worked,
        h('code', {}, `(6 × ${this.n.sci(m.params, 3)} + 12 × ${this.n.int(m.layers)} × ${this.n.int(m.context)} × ${this.n.int(m.width)}) × ${this.n.sci(m.tokens, 3)} × ${this.n.sci(m.epochs, 3)} ÷ (${this.n.int(d.count)} × ${fmtFlops(dev.peak, this.n.lang)} × ${Math.round(dev.util * 100)} %)`),
        h('br'),
        h('code', {}, `= ${this.n.sci(e.perToken)} FLOP/token × ${this.n.sci(m.tokens * m.epochs)} tokens = ${this.n.sci(e.total)} FLOP ÷ ${fmtFlops(e.deviceFlops, this.n.lang)} = ${this.duration(e.seconds)}`));
    }
    this.renderRan();
    this.renderCompare();
  }

  /** Beside the lab preset's estimate: what the lab really ran, and in how long (measured). */
  renderRan() {
    const info = this.lab.info;
    this.ran.hidden = this.d.model !== 'lab' || !info;
    if (this.ran.hidden) return;
    const step = this.lab.step;
    if (!step) { clear(this.ran, this.t('tmRanNone', { tokens: info.trainTokens })); return; }
    const tr = this.hub.trained;
    const mine = tr.info === info && tr.timedSteps > 0;
    const seen = step * info.tokensPerStep;
    clear(this.ran, this.t(mine && tr.timedSteps === step ? 'tmRan' : mine ? 'tmRanPartly' : 'tmRanUntimed', {
      steps: step, perStep: info.tokensPerStep, seen, tokens: info.trainTokens,
      epochs: Number((seen / Math.max(1, info.trainTokens)).toPrecision(3)), time: mine ? this.duration(tr.seconds) : '', timed: tr.timedSteps,
    }));
  }

  renderCompare() {
    const d = this.d;
    const m = d.m;
    const ok = MODEL_FIELDS.every(([k]) => Number.isFinite(m[k]));
    const rows = COMPARE.map((c) => {
      const dev = this.device(c.device);
      const time = ok && dev.peak ? this.duration(estimate(m, { peak: dev.peak, util: dev.util, count: c.count }).seconds) : '–';
      return h('tr', {}, h('td', {}, `${this.n.int(c.count)} × ${this.t(`dev_${c.device}`)}`), h('td', { class: 'num' }, time));
    });
    clear(this.compare, h('table', { class: 'tm-compare' },
      h('thead', {}, h('tr', {}, h('th', {}, this.t('tmSetup')), h('th', { class: 'num' }, this.t('tmTime')))), h('tbody', {}, rows)));
  }
}
