// Section 5: one real training step in four phases. Phase 4 shows the optimizer's own update of
// one weight (update-math.js); the "try it" row of the update table is pure arithmetic in this view
// (new = original − lr × gradient); the other numbers come from the model.
import { h, clear, field, select, showToken, numbers } from '../dom.js';
import { probBars } from './predict-view.js';
import { updateLines, movedAgainstGradient } from './update-math.js';

/** The top-k list, plus the correct token at the end when it is not among them. */
function withTarget(dist, target, prob) {
  if (dist.some((d) => d.id === target.id)) return dist;
  return [...dist, { token: target.text, id: target.id, prob }];
}

export class StepView {
  /** on: {run({position, tensor, index})} */
  constructor(ctx, on) {
    const { t, id } = ctx;
    this.t = t;
    this.n = numbers(t('lang')); // the lab's number format
    this.position = field(id('pos'), t('position'), h('input', { type: 'number', min: 0, max: 255, step: 1, placeholder: t('positionAuto') }));
    this.tensor = field(id('tensor'), t('tensor'), select([['', t('tensorAuto')]], ''));
    this.index = field(id('index'), t('index'), h('input', { type: 'number', min: 0, step: 1, placeholder: t('indexAuto') }));
    this.tensor.input.addEventListener('change', () => this.onTensor());
    this.runBtn = h('button', { type: 'button', class: 'primary', onclick: () => on.run(this.options()) }, t('runOneStep'));
    this.out = h('div', { class: 'phases' }, h('p', { class: 'hint' }, t('stepNeedsEngine')));
    this.el = h('div', {},
      h('p', { class: 'intro' }, t('sStepIntro')),
      h('div', { class: 'row' }, this.position.wrap, this.tensor.wrap, this.index.wrap,
        h('div', { class: 'field' }, h('span', { class: 'label-spacer' }, '\u00a0'), this.runBtn)),
      this.out);
    this.tryLr = h('input', { type: 'number', step: 'any', class: 'cell-input' });
    this.tryGrad = h('input', { type: 'number', step: 'any', class: 'cell-input' });
    this.tryLr.addEventListener('input', () => this.updateTry());
    this.tryGrad.addEventListener('input', () => this.updateTry());
  }

  /** What to inspect; empty fields let the engine choose (last position, the target's embedding). */
  options() {
    const o = {};
    const int = (s) => Math.max(0, Math.round(Number(s)));
    if (this.position.input.value !== '') o.position = Math.min(int(this.position.input.value), Number(this.position.input.max));
    if (this.tensor.input.value) {
      o.tensor = this.tensor.input.value;
      if (this.index.input.value !== '') o.index = Math.min(int(this.index.input.value), Number(this.index.input.max || 0));
    }
    return o;
  }

  onTensor() {
    const size = this.sizes?.get(this.tensor.input.value);
    this.index.input.disabled = !size;
    if (size) this.index.input.max = String(size - 1);
    if (size && this.index.input.value === '') this.index.input.value = '0';
  }

  setReady() { if (!this.result) clear(this.out, h('p', { class: 'hint' }, this.t('stepHint'))); }

  setBlockSize(blockSize) { this.position.input.max = String(blockSize - 1); }

  /** tensors: [{name, size}] of the model. */
  setTensors(tensors) {
    const cur = this.tensor.input.value;
    this.sizes = new Map(tensors.map((x) => [x.name, x.size]));
    const s = this.tensor.input;
    s.replaceChildren(h('option', { value: '' }, this.t('tensorAuto')), ...tensors.map((x) => h('option', { value: x.name }, x.name)));
    s.value = this.sizes.has(cur) ? cur : '';
    this.onTensor();
  }

  render(r, optimizer) {
    const t = this.t;
    this.result = r;
    const target = r.target[r.position];
    const ctxTokens = r.input.slice(0, r.position + 1);
    const maxNorm = Math.max(1e-12, ...r.gradNorms.map((g) => g.norm));
    const w = r.weight;
    this.tryLr.value = String(w.lr);
    this.tryGrad.value = String(w.grad);
    this.tryDelta = h('td', { class: 'num' });
    this.tryNew = h('td', { class: 'num' });
    clear(this.out,
      h('section', { class: 'phase' },
        h('h4', {}, t('phase1')),
        h('p', {}, t('phase1Text', { pos: r.position, target: showToken(target.text) })),
        h('p', { class: 'context' }, ctxTokens.map((tok, i) => h('span', { class: i === r.position ? 'tok here' : 'tok' }, showToken(tok.text))),
          h('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → '), h('span', { class: 'tok target' }, showToken(target.text))),
        probBars(withTarget(r.distribution, target, r.targetProb), { highlightId: target.id, label: t('nextToken'), n: this.n })),
      h('section', { class: 'phase' },
        h('h4', {}, t('phase2')),
        h('p', {}, t('phase2Text', { p: this.n.prob(r.targetProb), loss: this.n.loss(r.positionLoss), batch: this.n.loss(r.batchLoss) })),
        h('p', { class: 'hint' }, t('phase2Confident'))),
      h('section', { class: 'phase' },
        h('h4', {}, t('phase3')),
        h('p', {}, t('phase3Text', { total: this.n.num(r.gradNormTotal) })),
        h('ol', { class: 'bars norms', 'aria-label': t('phase3') }, r.gradNorms.map((g) => {
          const fill = h('span', { class: 'bar-fill' });
          fill.style.transform = `scaleX(${Math.max(0.005, g.norm / maxNorm).toFixed(4)})`;
          return h('li', { class: g.name === w.tensor ? 'bar hit' : 'bar' },
            h('code', { class: 'bar-token' }, g.name.replace(/^transformer\./, '')),
            h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill), h('span', { class: 'bar-prob' }, this.n.num(g.norm)));
        }))),
      h('section', { class: 'phase' },
        h('h4', {}, t('phase4')),
        h('p', {}, t('phase4Text', { optimizer })),
        h('p', { class: 'hint' }, t(`phase4_${w.optimizer}`)),
        h('ol', { class: 'update-math', 'aria-label': t('phase4') }, updateLines(w, this.n.num).map((l) => h('li', { 'data-line': l.id },
          h('code', {}, l.formula), ' = ', l.terms ? [h('span', { class: 'terms' }, l.terms), ' = '] : null,
          h('strong', { class: 'value' }, this.n.num(l.value, l.digits ?? 5))))),
        w.optimizer !== 'sgd' && movedAgainstGradient(w)
          ? h('p', { class: 'hint against' }, t('phase4Against', { g: this.n.num(w.grad, 5), m: this.n.num(w.mAfter, 5), what: t(w.optimizer === 'adamw' ? 'phase4M' : 'phase4V') }))
          : null,
        h('p', {}, t('phase4Table')),
        h('div', { class: 'scroll' }, h('table', { class: 'update' },
          h('caption', { class: 'visually-hidden' }, `${w.tensor}[${w.index}]`),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, h('code', {}, `${w.tensor.replace(/^transformer\./, '')}[${w.index}]`)),
            ['colOriginal', 'colGrad', 'colLr', 'colDelta', 'colNew'].map((k) => h('th', { scope: 'col', class: 'num' }, t(k))))),
          h('tbody', {},
            h('tr', { class: 'real' }, h('th', { scope: 'row' }, t('rowReal', { optimizer }) ),
              h('td', { class: 'num' }, this.n.num(w.value, 7)), h('td', { class: 'num' }, this.n.num(w.grad, 5)), h('td', { class: 'num' }, this.n.num(w.lr, 5)),
              h('td', { class: 'num' }, this.n.num(w.update, 5)), h('td', { class: 'num' }, this.n.num(w.newValue, 7))),
            h('tr', { class: 'try' }, h('th', { scope: 'row' }, t('rowTry')),
              h('td', { class: 'num' }, this.n.num(w.value, 7)),
              h('td', { class: 'num' }, this.labelled(this.tryGrad, `${t('rowTry')}: ${t('colGrad')}`)),
              h('td', { class: 'num' }, this.labelled(this.tryLr, `${t('rowTry')}: ${t('colLr')}`)),
              this.tryDelta, this.tryNew))))));
    this.updateTry();
  }

  labelled(input, label) { input.setAttribute('aria-label', label); return input; }

  updateTry() {
    if (!this.result) return;
    const w = this.result.weight;
    const lr = Number(this.tryLr.value);
    const g = Number(this.tryGrad.value);
    const delta = -lr * g;
    clear(this.tryDelta, this.n.num(delta, 5));
    clear(this.tryNew, this.n.num(w.value + delta, 7));
  }
}
