// Section 2: input → target pairs from the learner's own text, with p(target) and −ln p.
import { h, clear, showToken, numbers } from '../dom.js';

const CONTEXT_CHARS = 36;

/**
 * Pick n pairs to show from the first pairs of the text: those that start a new word (the context
 * ends in a space or a new line) read best — "The capital of France is␣" → "P" — spread over the
 * text; the first pairs fill up if there are too few.
 */
export function pickPairs(all, n) {
  const starts = all.filter((p) => /\s$/.test(p.context) && p.context.trim().length > 0);
  const pool = starts.length >= n ? starts : all;
  if (pool.length <= n) return pool;
  return Array.from({ length: n }, (_, i) => pool[Math.floor((i * pool.length) / n)]);
}

export class PairsView {
  constructor(ctx, on) {
    const { t } = ctx;
    this.t = t;
    this.n = numbers(t('lang')); // the lab's number format
    this.body = h('tbody', {}, h('tr', {}, h('td', { colspan: 4, class: 'hint' }, t('pairsEmpty'))));
    this.table = h('table', { class: 'pairs' },
      h('caption', { class: 'visually-hidden' }, t('sPairsTitle')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('context')), h('th', { scope: 'col' }, t('target')),
        h('th', { scope: 'col', class: 'num' }, t('prob')), h('th', { scope: 'col', class: 'num' }, t('surprise')))),
      this.body);
    this.refresh = h('button', { type: 'button', onclick: () => on.refresh() }, t('refresh'));
    this.el = h('div', {},
      h('p', { class: 'intro' }, t('sPairsIntro')),
      h('div', { class: 'scroll' }, this.table),
      h('div', { class: 'row' }, this.refresh));
  }

  setPairs(pairs) {
    const maxS = Math.max(1, ...pairs.map((p) => p.surprise));
    clear(this.body, pairs.map((p) => {
      const bar = h('span', { class: 'sbar' });
      bar.style.transform = `scaleX(${Math.min(1, p.surprise / maxS).toFixed(4)})`;
      return h('tr', {},
        h('td', { class: 'ctx' }, h('code', {}, showToken(p.context.length > CONTEXT_CHARS ? `…${p.context.slice(-CONTEXT_CHARS)}` : p.context))),
        h('td', {}, h('code', { class: 'target' }, showToken(p.target))),
        h('td', { class: 'num' }, this.n.prob(p.prob)),
        h('td', { class: 'num' }, h('span', { class: 'surprise' }, h('span', { class: 'sval' }, this.n.loss(p.surprise)), h('span', { class: 'strack', 'aria-hidden': 'true' }, bar))));
    }));
  }
}
