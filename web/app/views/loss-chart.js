// The live loss chart (uPlot, shipped with the page) plus its text equivalent.
import uPlot from '../../vendor/uplot/uPlot.esm.js';
import { h } from '../dom.js';
import { tickValues } from '../experiments/chart.js';

// Whole steps only on the x axis.
const STEP_INCRS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000, 100000];
const COLORS = { train: '#2f7fd8', val: '#e0702a', random: '#8a8f98' };

export class LossChart {
  constructor(ctx) {
    this.t = ctx.t;
    this.box = h('div', { class: 'chart', 'aria-hidden': 'true' });
    this.el = this.box;
    this.plot = null;
    this.randomLoss = null;
    this.data = [[], [], [], []];
    this.ro = new ResizeObserver(() => this.resize());
    this.ro.observe(this.box);
  }

  width() { return Math.max(240, Math.floor(this.box.clientWidth || 320)); }

  create() {
    this.plot?.destroy();
    const css = getComputedStyle(this.box);
    const ink = css.color || '#333';
    const grid = css.getPropertyValue('--grid').trim() || 'rgba(128,128,128,0.25)';
    const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '12px system-ui, sans-serif' };
    const t = this.t;
    this.plot = new uPlot({
      width: this.width(),
      height: 220,
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      legend: { show: true, live: false },
      scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(max ?? 1, this.randomLoss ?? 1) * 1.05] } },
      axes: [{ ...axis, label: t('chartXLabel'), labelFont: '12px system-ui, sans-serif', incrs: STEP_INCRS, values: tickValues(t('lang')) },
        { ...axis, size: 44, label: t('chartYLabel'), labelFont: '12px system-ui, sans-serif', labelSize: 20, values: tickValues(t('lang')) }],
      series: [
        { label: t('statStep') },
        { label: t('chartTrain'), stroke: COLORS.train, width: 1.5, spanGaps: true, points: { show: false } },
        { label: t('chartVal'), stroke: COLORS.val, width: 2, spanGaps: true, points: { show: true, size: 5, fill: COLORS.val } },
        { label: t('chartRandom'), stroke: COLORS.random, width: 1.5, dash: [6, 4], points: { show: false } },
      ],
    }, this.data, this.box);
  }

  resize() {
    if (!this.plot) return;
    const w = this.width();
    if (Math.abs(w - this.plot.width) > 2) this.plot.setSize({ width: w, height: 220 });
  }

  /** Draw [x, train, val] with the ln(V) line. */
  setData([xs, tr, va], randomLoss) {
    this.randomLoss = randomLoss;
    // At least two x values, so the ln(V) line shows before the first step.
    const x = [...xs], a = [...tr], b = [...va];
    while (x.length < 2) { x.push((x.at(-1) ?? -1) + 1); a.push(null); b.push(null); }
    this.data = [x, a, b, x.map(() => randomLoss ?? null)];
    if (!this.plot) this.create();
    else this.plot.setData(this.data);
  }

  /** Rebuild (e.g. after a theme change, so axis colours follow). */
  restyle() { if (this.plot) this.create(); }

  destroy() { this.ro.disconnect(); this.plot?.destroy(); }
}
