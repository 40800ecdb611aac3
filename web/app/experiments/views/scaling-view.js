// Section: why scale matters — a sweep of 3 model sizes × 3 amounts of text from the built-in
// samples, each run with the same budget, in the experiments worker. Plots the validation loss against
// parameters and against training tokens (log x), a table of every run, and a CSV download.
import { h, clear, field, select, numbers } from '../../dom.js';
import { ExperimentChart } from '../chart.js';
import {
  SWEEP_MODELS, SWEEP_FRACTIONS, SWEEP_PRESETS, SWEEP_SETTINGS, SAMPLE_NAMES, toCsv, modelName, sweepSeconds, speedOfRows, explainResult, splitCorpus,
} from '../scaling.js';
import { durationText } from './duration.js';

const CALIBRATE_SECONDS = 0.2; // per model, to time the sweep in this browser

const pct = (f) => `${Math.round(f * 100)} %`;

export class ScalingView {
  constructor(ctx) {
    const { t, id, hub } = ctx;
    this.t = t;
    this.n = numbers(t('lang')); // the lab's number format
    this.hub = hub;
    this.title = t('sScaleTitle');
    this.visible = false;
    this.d = hub.data('scaling', () => ({ preset: 'quick', budget: 'tokens', rows: [], result: null, csvUrl: null, speed: null, texts: null }));
    const d = this.d;
    this.presetSel = select([['quick', ''], ['longer', '']], d.preset);
    this.presetSel.addEventListener('change', () => { d.preset = this.presetSel.value; });
    this.budgetSel = select([['tokens', t('scSameTokens')], ['flops', t('scSameFlops')]], d.budget);
    this.budgetSel.addEventListener('change', () => { d.budget = this.budgetSel.value; this.showEstimates(); });
    this.basis = h('p', { class: 'hint sc-basis' });
    this.runBtn = h('button', { type: 'button', class: 'primary', onclick: () => this.run() }, t('scRun'));
    this.cancelBtn = h('button', { type: 'button', disabled: true, onclick: () => hub.cancel('scaling') }, t('cancel'));
    this.progress = h('progress', { max: '1', value: '0', 'aria-label': t('scProgressLabel') });
    this.status = h('p', { class: 'job-status', role: 'status' }, t('scIdle'));
    this.csv = h('a', { class: 'button csv', download: 'scaling-sweep.csv', hidden: true }, t('scCsv'));
    const dataLabels = SWEEP_FRACTIONS.map((f) => t('scDataSeries', { pct: pct(f) }));
    const modelLabels = SWEEP_MODELS.map((m) => modelName(m));
    this.byParams = new ExperimentChart({ lang: this.n.lang, xLabel: t('scParamsAxis'), yLabel: t('scLossAxis'), logX: true, xTicksAtData: true, points: true, series: dataLabels.map((label) => ({ label })) });
    this.byData = new ExperimentChart({ lang: this.n.lang, xLabel: t('scTokensAxis'), yLabel: t('scLossAxis'), logX: true, xTicksAtData: true, points: true, series: modelLabels.map((label) => ({ label })) });
    this.paramsAlt = h('figcaption', {});
    this.dataAlt = h('figcaption', {});
    this.summary = h('p', { class: 'sc-summary' });
    this.table = h('div', { class: 'scroll' });
    this.el = h('div', { class: 'experiment experiment-scaling' },
      h('p', { class: 'intro' }, t('sScaleIntro', { samples: SAMPLE_NAMES.join(', ') })),
      h('div', { class: 'row' }, field(id('sc-preset'), t('scPreset'), this.presetSel).wrap, field(id('sc-budget'), t('scBudget'), this.budgetSel).wrap),
      h('div', { class: 'buttons' }, this.runBtn, this.cancelBtn, this.csv),
      this.basis,
      h('p', { class: 'hint' }, t('pausesLab')),
      this.progress, this.status,
      h('div', { class: 'chart-grid' },
        h('figure', { class: 'figure' }, h('h4', {}, t('scByParams')), this.byParams.el, this.paramsAlt),
        h('figure', { class: 'figure' }, h('h4', {}, t('scByData')), this.byData.el, this.dataAlt)),
      this.summary,
      this.why = h('p', { class: 'sc-why' }),
      h('p', { class: 'hint' }, t('scEarlyStop')),
      this.table);
    this.setRunning(hub.running('scaling'));
    if (d.rows.length) this.redraw();
    if (d.csvUrl) { this.csv.href = d.csvUrl; this.csv.hidden = false; }
    if (d.result) this.renderDone(d.result);
    this.showEstimates();
  }

  tick() {
    this.byParams.checkStyle();
    this.byData.checkStyle();
    const lab = this.hub.lab;
    if (!this.d.speed && !this.calibrating && this.hub.ready() && !lab.running && !this.hub.running('scaling')) this.calibrate();
  }

  /** How long each preset takes here: from the last sweep, else from a short measurement of the three models. */
  showEstimates() {
    const d = this.d;
    const speed = speedOfRows(d.rows) ?? d.speed;
    const time = (preset) => (speed
      ? this.t('scTimeAbout', { time: durationText(this.t, sweepSeconds(d.budget, SWEEP_PRESETS[preset], speed)) })
      : this.t(this.calibrating ? 'scTimeMeasuring' : 'scTimeUnknown'));
    const [quick, longer] = this.presetSel.options;
    quick.textContent = this.t('scQuick', { steps: SWEEP_PRESETS.quick, time: time('quick') });
    longer.textContent = this.t('scLonger', { steps: SWEEP_PRESETS.longer, time: time('longer') });
    clear(this.basis, speed ? this.t(speedOfRows(d.rows) ? 'scBasisRun' : 'scBasisMeasured', {
      list: SWEEP_MODELS.map((m, i) => `${modelName(m)}: ${this.n.int(SWEEP_SETTINGS.batchSize * SWEEP_SETTINGS.blockSize / speed[i].secondsPerStep)}`).join(', '),
    }) : '');
  }

  /** Times a few steps of each of the sweep's models in the experiments worker (≈ 1 s in all). */
  async calibrate() {
    this.calibrating = true;
    this.showEstimates();
    try {
      this.d.texts ??= await this.loadSamples();
      const { all } = splitCorpus(this.d.texts);
      const speed = [];
      for (const m of SWEEP_MODELS) {
        const r = await this.hub.client.call('measure', { text: all, settings: { ...SWEEP_SETTINGS, ...m }, seconds: CALIBRATE_SECONDS });
        speed.push({ secondsPerStep: r.info.tokensPerStep / r.tokensPerSecond, flopsPerStep: r.info.flopsPerStep });
      }
      this.d.speed = speed;
    } catch { /* the labels say the time is not known; a run measures it */ } finally {
      this.calibrating = false;
      this.viewRef().showEstimates();
    }
  }

  setRunning(running) {
    this.runBtn.disabled = running;
    this.cancelBtn.disabled = !running;
    this.presetSel.disabled = running;
    this.budgetSel.disabled = running;
  }

  viewRef() { return this.hub.views.scaling ?? this; }

  async loadSamples() {
    const base = new URL('samples/', this.hub.lab.baseUrl);
    return Promise.all(SAMPLE_NAMES.map(async (n) => {
      const res = await fetch(new URL(`${n}.txt`, base));
      if (!res.ok) throw new Error(this.t('scSampleFailed', { name: n, status: res.status }));
      return res.text();
    }));
  }

  async run() {
    const d = this.d;
    d.rows = [];
    d.result = null;
    if (d.csvUrl) URL.revokeObjectURL(d.csvUrl);
    d.csvUrl = null;
    this.csv.hidden = true;
    clear(this.table);
    clear(this.summary);
    clear(this.why);
    this.progress.value = 0;
    this.setRunning(true);
    clear(this.status, this.t('scStarting'));
    try {
      const texts = this.d.texts ?? await this.loadSamples();
      this.d.texts = texts;
      const r = await this.hub.run('scaling', 'sweep', { texts, steps: SWEEP_PRESETS[d.preset], budget: d.budget });
      if (!r) return;
      d.rows = r.rows; // in plan order (side by side, runs end in any order)
      d.active = null;
      d.result = { cancelled: r.cancelled, seconds: r.seconds, validationChars: r.validationChars, budget: d.budget };
      const v = this.viewRef();
      v.updateCsv();
      v.redraw();
      v.renderDone(d.result);
      v.showEstimates();
    } catch (e) {
      clear(this.viewRef().status, e.message);
    } finally {
      this.viewRef().setRunning(false);
    }
  }

  /** A run's progress or its row; the runs go side by side, so the status has a line per run. */
  onProgress(m) {
    const d = this.d;
    this.progress.value = m.frac;
    d.active ??= new Map();
    if (m.row) {
      d.active.delete(m.run);
      d.rows.push(m.row);
      this.updateCsv();
      this.redraw();
      return;
    }
    d.active.set(m.run, m);
    const eta = m.frac > 0.02 ? Math.max(0, Math.round(m.elapsed / m.frac - m.elapsed)) : null;
    const lines = [...d.active.values()].sort((a, b) => a.run - b.run).map((a) => h('div', {}, this.t('scProgress', {
      run: a.run + 1, runs: a.runs, model: a.model, params: this.n.int(a.params), pct: pct(a.fraction), step: a.step, steps: a.steps,
    })));
    clear(this.status, ...lines, h('div', {}, this.t('scEta', { eta: eta === null ? '…' : durationText(this.t, eta) })));
  }

  updateCsv() {
    const d = this.d;
    if (!d.rows.length) return;
    if (d.csvUrl) URL.revokeObjectURL(d.csvUrl);
    d.csvUrl = URL.createObjectURL(new Blob([toCsv(d.rows)], { type: 'text/csv' }));
    this.csv.href = d.csvUrl;
    this.csv.hidden = false;
  }

  redraw() {
    const rows = this.d.rows;
    if (!rows.length) return;
    const params = [...new Set(SWEEP_MODELS.map((m) => modelName(m)))];
    const paramOf = new Map(rows.map((r) => [r.model, r.params]));
    const find = (model, fraction) => rows.find((r) => r.model === model && r.fraction === fraction);
    // Loss vs parameters: one line per data share (x = the models measured so far).
    const models = params.filter((m) => paramOf.has(m));
    this.byParams.setData([models.map((m) => paramOf.get(m)), ...SWEEP_FRACTIONS.map((f) => models.map((m) => find(m, f)?.bestVal ?? null))]);
    // Loss vs data: one line per model (x = training tokens of each share).
    const tokensOf = new Map(rows.map((r) => [r.fraction, r.trainTokens]));
    const fr = SWEEP_FRACTIONS.filter((f) => tokensOf.has(f));
    this.byData.setData([fr.map((f) => tokensOf.get(f)), ...params.map((m) => fr.map((f) => find(m, f)?.bestVal ?? null))]);
    clear(this.paramsAlt, this.t('scParamsAlt', {
      list: SWEEP_FRACTIONS.map((f) => `${pct(f)}: ${models.map((m) => `${this.n.int(paramOf.get(m))} → ${this.n.loss(find(m, f)?.bestVal)}`).join(', ')}`).join('; '),
    }));
    clear(this.dataAlt, this.t('scDataAlt', {
      list: params.filter((m) => paramOf.has(m)).map((m) => `${m}: ${fr.map((f) => `${this.n.int(tokensOf.get(f))} → ${this.n.loss(find(m, f)?.bestVal)}`).join(', ')}`).join('; '),
    }));
    this.renderTable();
  }

  renderTable() {
    const t = this.t;
    clear(this.table, h('table', { class: 'sc-table' },
      h('thead', {}, h('tr', {}, [t('scModel'), t('scParams'), t('scData'), t('scSteps'), t('scFlops'), t('scBest'), t('scFinal'), t('scSeconds')]
        .map((x, i) => h('th', { class: i ? 'num' : null }, x)))),
      h('tbody', {}, this.d.rows.map((r) => h('tr', {},
        h('td', {}, h('code', {}, r.model)), h('td', { class: 'num' }, this.n.int(r.params)),
        h('td', { class: 'num' }, `${this.n.int(r.trainTokens)} (${pct(r.fraction)})`), h('td', { class: 'num' }, this.n.int(r.steps)),
        h('td', { class: 'num' }, this.n.sci(r.flops)), h('td', { class: 'num' }, `${this.n.loss(r.bestVal)} @${r.bestStep}`),
        h('td', { class: 'num' }, this.n.loss(r.finalVal)), h('td', { class: 'num' }, this.n.fixed(r.seconds, 1)))))));
  }

  renderDone(res) {
    const rows = this.d.rows;
    const why = res.cancelled ? null : explainResult(rows, res.budget ?? this.d.budget);
    clear(this.why, why ? this.t(why.key, {
      ...why, bestLoss: this.n.loss(why.bestLoss), bigLoss: this.n.loss(why.bigLoss), bestSteps: this.n.int(why.bestSteps), bigSteps: this.n.int(why.bigSteps),
      tpp: this.n.num(why.tpp, 2), bestTpp: this.n.num(why.bestTpp, 2),
    }) : '');
    this.progress.value = res.cancelled ? this.progress.value : 1;
    clear(this.status, this.t(res.cancelled ? 'scCancelled' : 'scDone', { runs: rows.length, seconds: Math.round(res.seconds ?? 0) }));
    if (res.cancelled || rows.length < SWEEP_MODELS.length * SWEEP_FRACTIONS.length) return;
    const full = rows.filter((r) => r.fraction === 1).sort((a, b) => a.params - b.params);
    const big = rows.filter((r) => r.model === full.at(-1).model).sort((a, b) => a.fraction - b.fraction);
    clear(this.summary, this.t('scSummary', {
      p0: this.n.int(full[0].params), p1: this.n.int(full.at(-1).params), l0: this.n.loss(full[0].bestVal), l1: this.n.loss(full.at(-1).bestVal),
      d0: this.n.int(big[0].trainTokens), d1: this.n.int(big.at(-1).trainTokens), m0: this.n.loss(big[0].bestVal), m1: this.n.loss(big.at(-1).bestVal),
    }));
  }

  destroy() { this.byParams.destroy(); this.byData.destroy(); }
}
