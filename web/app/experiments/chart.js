// A small line chart for the experiments sections (uPlot, shipped with the page): several series over
// one x axis, optional log x, colours that work in both themes. The caller puts a text
// equivalent next to it (the chart itself is aria-hidden).
import uPlot from '../../vendor/uplot/uPlot.esm.js';
import { h, fmtSig } from '../dom.js';

export const PALETTE = ['#2f7fd8', '#e0702a', '#2a9d55', '#9b59d0'];
const FONT = '12px system-ui, sans-serif';

/** 4640 → "4.6k", 105408 → "105k", 2.5e6 → "2.5M" (German "4,6k"). */
export function shortNum(v, lang = 'en') {
  const a = Math.abs(v);
  if (a >= 1e9) return `${fmtSig(v / 1e9, 2, lang)}G`;
  if (a >= 1e6) return `${fmtSig(v / 1e6, 2, lang)}M`;
  if (a >= 1e3) return `${fmtSig(v / 1e3, a >= 1e5 ? 3 : 2, lang)}k`;
  return fmtSig(v, 3, lang);
}

/** uPlot tick labels in the lab's number format (uPlot's own follow the browser's language). */
export const tickValues = (lang) => (u, vals) => vals.map((v) => (v === null ? '' : fmtSig(v, 6, lang)));

export class ExperimentChart {
  /**
   * @param {{xLabel:string, yLabel?:string, logX?:boolean, xTicksAtData?:boolean, height?:number,
   *   points?:boolean, lang?:string, series:{label:string, color?:string, dash?:number[]}[]}} opts
   */
  constructor(opts) {
    this.opts = opts;
    this.box = h('div', { class: 'chart experiment-chart', 'aria-hidden': 'true' });
    this.el = this.box;
    this.plot = null;
    this.data = null;
    this.ink = null;
    this.ro = new ResizeObserver(() => (this.plot ? this.resize() : this.data && this.box.isConnected && this.create()));
    this.ro.observe(this.box);
  }

  width() { return Math.max(240, Math.floor(this.box.clientWidth || 320)); }

  create() {
    this.plot?.destroy();
    const o = this.opts;
    const css = getComputedStyle(this.box);
    const ink = css.color || '#333';
    this.ink = css.color;
    const grid = css.getPropertyValue('--grid').trim() || 'rgba(128,128,128,0.25)';
    const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: FONT, labelFont: FONT };
    const lang = o.lang ?? 'en';
    const xAxis = { ...axis, label: o.xLabel, values: tickValues(lang) };
    if (o.logX) xAxis.values = (u, vals) => vals.map((v) => (v === null ? '' : shortNum(v, lang)));
    if (o.xTicksAtData) {
      xAxis.splits = () => this.data[0];
      xAxis.filter = (u, splits) => splits; // a log axis would hide labels that are not 1, 2, 5 × 10ⁿ
    }
    const pad = (min, max) => {
      const span = Math.max(max - min, 0.05);
      return [min - span * 0.1, max + span * 0.1];
    };
    this.plot = new uPlot({
      width: this.width(),
      height: o.height ?? 220,
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      legend: { show: true, live: false },
      scales: {
        x: o.logX ? { time: false, distr: 3, log: 10, range: (u, min, max) => [min / 1.6, max * 1.6] } : { time: false },
        y: { range: (u, min, max) => (min === null || max === null ? [0, 1] : pad(min, max)) },
      },
      axes: [xAxis, { ...axis, size: 50, label: o.yLabel, values: tickValues(lang) }],
      series: [
        { label: o.xLabel },
        ...o.series.map((s, i) => ({
          label: s.label, stroke: s.color ?? PALETTE[i % PALETTE.length], width: 2, spanGaps: true, dash: s.dash,
          points: { show: o.points ?? false, size: 7, fill: s.color ?? PALETTE[i % PALETTE.length] },
        })),
      ],
    }, this.data, this.box);
  }

  resize() {
    if (!this.plot) return;
    const w = this.width();
    if (Math.abs(w - this.plot.width) > 2) this.plot.setSize({ width: w, height: this.opts.height ?? 220 });
  }

  /** data: [xs, ys1, ys2, …] (uPlot's column layout; null = no value). */
  setData(data) {
    this.data = data;
    if (!this.box.isConnected) return; // drawn when it is on the page (the theme's colours are known then)
    if (!this.plot || this.themeChanged()) this.create();
    else this.plot.setData(data);
  }

  themeChanged() { return getComputedStyle(this.box).color !== this.ink; }

  /** Rebuild if the theme changed since the chart was drawn (axis colours follow). */
  checkStyle() { if (this.plot && this.themeChanged()) this.create(); }

  destroy() { this.ro.disconnect(); this.plot?.destroy(); this.plot = null; }
}
