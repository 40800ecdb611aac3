// Tiny DOM helpers for the views. Elements are built with createElement (never from HTML strings,
// so nothing can inject markup and no inline style is ever needed under a strict CSP).
import { formatNumber } from './locale.js';

/**
 * h('button', {class: 'x', onclick: fn, 'aria-label': '…'}, 'text', child, …)
 * Keys starting with "on" become listeners; `hidden`/`disabled`/`checked`/`value` are set as
 * properties; everything else as attributes. null/false attributes are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'hidden' || k === 'disabled' || k === 'checked' || k === 'value' || k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let uid = 0;
/** A document-unique id prefix per lab, so several labs on a page never share ids. */
export function uniqueId(prefix = 'tll') {
  uid += 1;
  return `${prefix}${uid}-${Math.random().toString(36).slice(2, 7)}`;
}

/** A labelled control: <label for=id>text</label> + control. Returns {wrap, input}. */
export function field(id, labelText, input, extraClass = '') {
  input.id = id;
  const wrap = h('div', { class: `field ${extraClass}`.trim() }, h('label', { for: id }, labelText), input);
  return { wrap, input };
}

export function select(options, value) {
  const s = h('select');
  for (const [v, text] of options) s.append(h('option', { value: v, selected: v === value }, text));
  s.value = value;
  return s;
}

// Number formatting used everywhere (one place, so tests and screenshots agree).
export function fmtLoss(x) { return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(3); }
export function fmtProb(p) {
  if (!Number.isFinite(p)) return '–';
  if (p >= 0.01) return p.toFixed(3);
  return p.toExponential(1);
}
export function fmtInt(n) { return Number.isFinite(n) ? formatNumber(Math.round(n)) : '–'; }
export function fmtNum(x, digits = 4) {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e4) return Number(x.toPrecision(digits)).toString();
  return x.toExponential(digits - 1);
}

/** Show a token so that whitespace is visible. */
export function showToken(s) {
  return String(s).replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥');
}
