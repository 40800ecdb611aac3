// Section: attention — for a prompt, the attention map of one layer and head of the lab's current
// model as a heatmap (rows: the token that looks; columns: the tokens it looks at). Keyboard:
// arrow keys move over the cells; a text table lists where each token looks most.
import { sameModel } from '../index.js';
import { h, clear, field, select, showToken, numbers } from '../../dom.js';

const MAX_WIDTH = 680;

function parseColor(c, fallback) {
  const s = String(c).trim();
  let m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16));
  m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [0, 1, 2].map((i) => parseInt(m[1][i] + m[1][i], 16));
  m = /rgba?\(([^)]+)\)/.exec(s);
  if (m) return m[1].split(',').slice(0, 3).map((x) => Number(x.trim()));
  return fallback;
}

export class AttentionView {
  constructor(ctx) {
    const { t, id, hub, lab } = ctx;
    this.t = t;
    this.n = numbers(t('lang')); // the lab's number format
    this.hub = hub;
    this.lab = lab;
    this.title = t('sAttentionTitle');
    this.visible = false;
    this.data = hub.data('attention', () => ({ prompt: null, layer: 0, head: 0 }));
    this.promptInput = h('input', { type: 'text', maxlength: 120, autocomplete: 'off', spellcheck: 'false' });
    this.promptInput.addEventListener('input', () => { this.data.prompt = this.promptInput.value; this.queue(); });
    this.layerSel = select([['0', '1']], '0');
    this.headSel = select([['0', '1']], '0');
    this.layerSel.addEventListener('change', () => { this.data.layer = Number(this.layerSel.value); this.queue(0); });
    this.headSel.addEventListener('change', () => { this.data.head = Number(this.headSel.value); this.queue(0); });
    this.refreshBtn = h('button', { type: 'button', onclick: () => this.refresh(true) }, t('refresh'));
    this.canvas = h('canvas', { class: 'heatmap', tabindex: '0', role: 'img', 'aria-label': t('attCanvasLabel') });
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    this.canvas.addEventListener('mousemove', (e) => this.onPointer(e));
    this.canvas.addEventListener('click', (e) => this.onPointer(e));
    this.readout = h('p', { class: 'readout', 'aria-live': 'polite' });
    this.status = h('p', { class: 'hint att-status' }, t('waitLab'));
    this.tableBox = h('div', { class: 'scroll' });
    this.el = h('div', { class: 'experiment experiment-attention' },
      h('p', { class: 'intro' }, t('sAttentionIntro')),
      field(id('att-prompt'), t('attPrompt'), this.promptInput, 'wide').wrap,
      h('div', { class: 'row' }, field(id('att-layer'), t('attLayer'), this.layerSel).wrap, field(id('att-head'), t('attHead'), this.headSel).wrap,
        h('div', { class: 'field' }, h('span', { class: 'label-spacer' }, '\u00a0'), this.refreshBtn)),
      this.status,
      h('figure', { class: 'figure heatmap-box' }, this.canvas, h('figcaption', {}, this.readout)),
      h('details', { class: 'as-text' }, h('summary', {}, t('attAsText')), this.tableBox));
    this.result = null;
    this.sel = null;  // [q, k]
    this.ro = new ResizeObserver(() => { if (this.result) this.draw(); });
    this.ro.observe(this.el);
  }

  prompt() {
    if (this.data.prompt !== null) return this.data.prompt;
    return this.lab.prompt?.() ?? '';
  }

  /** Until the learner types a prompt, the box shows the lab's current default (it follows the text). */
  showDefaultPrompt() {
    if (this.data.prompt !== null || !this.hub.ready()) return;
    if (this.promptInput.getRootNode().activeElement === this.promptInput) return;
    const p = this.prompt();
    if (this.promptInput.value !== p) this.promptInput.value = p;
  }

  queue(ms = 300) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(true), ms);
  }

  tick() {
    if (this.result && getComputedStyle(this.el).getPropertyValue('--bg') !== this.drawnBg) this.draw(); // theme changed
    this.showDefaultPrompt();
    if (this.hub.labKey() && this.hub.labKey() !== this.shownKey) this.refresh();
  }

  async refresh(force = false) {
    if (this.busy) { this.again = true; return; }
    if (!this.hub.ready()) { clear(this.status, this.t('waitLab')); return; }
    if (!force && this.hub.labKey() === this.shownKey) return;
    this.busy = true;
    try {
      const key = this.hub.labKey();
      const info = await this.hub.ensureSnapshot();
      this.setChoices(info.config);
      this.showDefaultPrompt();
      const prompt = this.prompt();
      if (!prompt) { clear(this.status, this.t('attNeedPrompt')); return; }
      const r = await this.hub.client.call('attention', { prompt, layer: this.data.layer, head: this.data.head });
      // A map of a model or prompt that is no longer the lab's is never shown: ask again.
      if (!sameModel(key, this.hub.labKey()) || prompt !== this.prompt()) { this.again = true; return; }
      this.result = r;
      this.shownKey = key;
      if (!this.sel || this.sel[0] >= r.n) this.sel = [r.n - 1, 0];
      clear(this.status, this.t('attStatus', { step: info.step, layers: info.config.n_layer, heads: info.config.n_head, n: r.n }));
      this.status.classList.remove('error');
      this.draw();
      this.renderTable();
      this.updateReadout();
    } catch (e) {
      clear(this.status, e.message);
      this.status.classList.add('error');
    } finally {
      this.busy = false;
      if (this.again) { this.again = false; this.refresh(true); }
    }
  }

  setChoices(config) {
    const sync = (sel, n, key, label) => {
      if (sel.options.length !== n || sel.dataset.filled !== '1') {
        sel.dataset.filled = '1';
        clear(sel, Array.from({ length: n }, (_, i) => h('option', { value: String(i) }, this.t(label, { n: i + 1 }))));
      }
      if (this.data[key] >= n) this.data[key] = 0;
      sel.value = String(this.data[key]);
    };
    sync(this.layerSel, config.n_layer, 'layer', 'attLayerN');
    sync(this.headSel, config.n_head, 'head', 'attHeadN');
  }

  geometry() {
    const r = this.result;
    const width = Math.min(MAX_WIDTH, Math.max(240, this.el.clientWidth || 320));
    const c = this.canvas.getContext('2d');
    c.font = '12px ui-monospace, Menlo, Consolas, monospace';
    const labelW = Math.min(64, 10 + Math.max(...r.tokens.map((s) => c.measureText(showToken(s)).width)));
    const cell = Math.max(4, Math.min(28, Math.floor((width - labelW - 4) / r.n)));
    const side = labelW + cell * r.n;
    return { width: side + 4, height: side + 4, labelW, cell };
  }

  draw() {
    const r = this.result;
    if (!r || r.n === 0) return;
    const g = this.geometry();
    this.g = g;
    const dpr = window.devicePixelRatio || 1;
    const cv = this.canvas;
    cv.width = Math.round(g.width * dpr);
    cv.height = Math.round(g.height * dpr);
    cv.style.width = `${g.width}px`;
    cv.style.height = `${g.height}px`;
    const c = cv.getContext('2d');
    c.setTransform(dpr, 0, 0, dpr, 0, 0);
    const css = getComputedStyle(this.el);
    this.drawnBg = css.getPropertyValue('--bg');
    const bg = parseColor(this.drawnBg, [255, 255, 255]);
    const accent = parseColor(css.getPropertyValue('--accent'), [31, 102, 193]);
    const fg = css.getPropertyValue('--fg').trim() || '#1d2430';
    const masked = css.getPropertyValue('--grid').trim() || 'rgba(128,128,128,0.2)';
    const focus = css.getPropertyValue('--focus').trim() || '#f0a020';
    c.clearRect(0, 0, g.width, g.height);
    const x0 = g.labelW;
    const y0 = g.labelW;
    for (let q = 0; q < r.n; q++) {
      for (let k = 0; k < r.n; k++) {
        if (k > q) {
          c.fillStyle = masked;
        } else {
          const w = Math.sqrt(Math.max(0, Math.min(1, r.weights[q * r.n + k])));
          c.fillStyle = `rgb(${bg.map((b, i) => Math.round(b + (accent[i] - b) * w)).join(',')})`;
        }
        c.fillRect(x0 + k * g.cell, y0 + q * g.cell, g.cell - (g.cell > 6 ? 1 : 0), g.cell - (g.cell > 6 ? 1 : 0));
      }
    }
    // Token labels: rows on the left (the token that looks), columns on top (looked at).
    c.fillStyle = fg;
    c.font = '12px ui-monospace, Menlo, Consolas, monospace';
    const every = Math.max(1, Math.ceil(12 / g.cell));
    c.textBaseline = 'middle';
    for (let i = 0; i < r.n; i += every) {
      const label = showToken(r.tokens[i]);
      c.textAlign = 'right';
      c.fillText(label, x0 - 4, y0 + (i + 0.5) * g.cell, g.labelW - 6);
      c.save();
      c.translate(x0 + (i + 0.5) * g.cell, y0 - 4);
      c.rotate(-Math.PI / 2);
      c.textAlign = 'left';
      c.fillText(label, 0, 0, g.labelW - 6);
      c.restore();
    }
    if (this.sel) {
      const [q, k] = this.sel;
      c.strokeStyle = focus;
      c.lineWidth = 2;
      c.strokeRect(x0 + k * g.cell - 1, y0 + q * g.cell - 1, g.cell + 1, g.cell + 1);
    }
  }

  renderTable() {
    const r = this.result;
    const rows = [];
    for (let q = 0; q < r.n; q++) {
      const ws = [];
      for (let k = 0; k <= q; k++) ws.push([k, r.weights[q * r.n + k]]);
      ws.sort((a, b) => b[1] - a[1]);
      rows.push(h('tr', {},
        h('td', { class: 'num' }, String(q)), h('td', {}, h('code', {}, showToken(r.tokens[q]))),
        h('td', {}, ws.slice(0, 3).map(([k, w]) => h('span', { class: 'att-top' }, h('code', {}, showToken(r.tokens[k])), ` (${k}) ${this.n.prob(w)}`)))));
    }
    clear(this.tableBox, h('table', { class: 'att-table' },
      h('thead', {}, h('tr', {}, h('th', { class: 'num' }, '#'), h('th', {}, this.t('attQuery')), h('th', {}, this.t('attTop')))),
      h('tbody', {}, rows)));
    this.canvas.setAttribute('aria-label', this.t('attCanvasAlt', { n: r.n, layer: this.data.layer + 1, head: this.data.head + 1 }));
  }

  updateReadout() {
    const r = this.result;
    if (!r || !this.sel) return;
    const [q, k] = this.sel;
    const w = k > q ? 0 : r.weights[q * r.n + k];
    clear(this.readout, k > q
      ? this.t('attMasked', { q: showToken(r.tokens[q]), qi: q, k: showToken(r.tokens[k]), ki: k })
      : this.t('attReadout', { q: showToken(r.tokens[q]), qi: q, k: showToken(r.tokens[k]), ki: k, w: this.n.prob(w) }));
  }

  onKey(e) {
    if (!this.result || !this.sel) return;
    const n = this.result.n;
    let [q, k] = this.sel;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[e.key]) { q += moves[e.key][0]; k += moves[e.key][1]; } else if (e.key === 'Home') k = 0;
    else if (e.key === 'End') k = q;
    else return;
    e.preventDefault();
    this.sel = [Math.max(0, Math.min(n - 1, q)), Math.max(0, Math.min(n - 1, k))];
    this.draw();
    this.updateReadout();
  }

  onPointer(e) {
    if (!this.result || !this.g) return;
    const rect = this.canvas.getBoundingClientRect();
    const k = Math.floor((e.clientX - rect.left - this.g.labelW) / this.g.cell);
    const q = Math.floor((e.clientY - rect.top - this.g.labelW) / this.g.cell);
    if (q < 0 || k < 0 || q >= this.result.n || k >= this.result.n) return;
    if (this.sel && this.sel[0] === q && this.sel[1] === k) return;
    this.sel = [q, k];
    this.draw();
    this.updateReadout();
  }

  destroy() { this.ro.disconnect(); clearTimeout(this.timer); }
}
