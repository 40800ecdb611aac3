// Tiny DOM helpers for the views. Elements are built with createElement (never from HTML strings,
// so nothing can inject markup and no inline style is ever needed under a strict CSP).

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

// Number formatting used everywhere (one place, so tests and screenshots agree), in the lab's
// language: `lang` is the lab's state (never navigator.language). Grouping starts at 5 digits
// ("1337", "12,345"; German "12.345", decimal comma "0,003").
const LOCALES = { en: 'en-US', de: 'de-DE' };
const formats = new Map();
function numberFormat(lang, opts) {
  const key = `${lang}|${JSON.stringify(opts)}`;
  if (!formats.has(key)) formats.set(key, new Intl.NumberFormat(LOCALES[lang] ?? LOCALES.en, { useGrouping: 'min2', ...opts }));
  return formats.get(key);
}
/** x with exactly `digits` decimals. */
export function fmtFixed(x, digits, lang = 'en') {
  return Number.isFinite(x) ? numberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x) : '–';
}
/** x with `digits` significant digits (trailing zeros dropped). */
export function fmtSig(x, digits, lang = 'en') {
  return Number.isFinite(x) ? numberFormat(lang, { maximumSignificantDigits: digits }).format(x) : '–';
}
/** 1.2e-5 with the language's decimal mark: "1.2e-5", "1,2e-5". */
export function fmtExp(x, digits, lang = 'en') {
  const [m, e] = x.toExponential(digits).split('e');
  return `${fmtFixed(Number(m), digits, lang)}e${e.replace('+', '')}`;
}
export function fmtLoss(x, lang = 'en') { return x === null || x === undefined ? '–' : fmtFixed(x, 3, lang); }
export function fmtProb(p, lang = 'en') {
  if (!Number.isFinite(p)) return '–';
  if (p >= 0.01) return fmtFixed(p, 3, lang);
  return fmtExp(p, 1, lang);
}
export function fmtInt(n, lang = 'en') { return Number.isFinite(n) ? numberFormat(lang, { maximumFractionDigits: 0 }).format(Math.round(n)) : '–'; }
export function fmtNum(x, digits = 4, lang = 'en') {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e4) return fmtSig(Number(x.toPrecision(digits)), digits, lang);
  return fmtExp(x, digits - 1, lang);
}

const SUPERSCRIPT = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/** 3.14e23 → "3.1 × 10²³" (small numbers stay plain), in the lab's number format. */
export function fmtSci(x, digits = 2, lang = 'en') {
  if (!Number.isFinite(x)) return '–';
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3)) {
    const e = Math.floor(Math.log10(Math.abs(x)));
    let m = Number((x / 10 ** e).toPrecision(digits));
    let ex = e;
    if (Math.abs(m) >= 10) { m /= 10; ex += 1; }
    return `${fmtSig(m, digits, lang)} × 10${String(ex).split('').map((c) => SUPERSCRIPT[c]).join('')}`;
  }
  if (Number.isInteger(x)) return fmtInt(x, lang);
  return fmtSig(x, Math.max(digits, 3), lang);
}

/** The formatters above bound to one language, for a view: numbers(t('lang')).int(1234). */
export function numbers(lang) {
  return {
    lang,
    int: (n) => fmtInt(n, lang),
    loss: (x) => fmtLoss(x, lang),
    prob: (p) => fmtProb(p, lang),
    num: (x, digits) => fmtNum(x, digits, lang),
    fixed: (x, digits) => fmtFixed(x, digits, lang),
    sig: (x, digits) => fmtSig(x, digits, lang),
    sci: (x, digits) => fmtSci(x, digits, lang),
  };
}

/** Show a token so that whitespace is visible. */
export function showToken(s) {
  return String(s).replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥');
}
