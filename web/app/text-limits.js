// The limits of a training text, for every way in (a sample, a .txt URL, a file, a drop, a paste,
// lab.setText): the one place that states them. No DOM.
import { fmtFixed, fmtInt } from './dom.js';

/** Largest text the lab takes, in bytes of UTF-8 (50 MB: a long book series; a phone still copes). */
export const MAX_TEXT_BYTES = 50_000_000;
/** Shortest text worth training on (characters, not counting white space at the ends). */
export const MIN_TEXT_CHARS = 20;
/** Characters of a text shown in the text box; longer texts are shown as this window (read-only). */
export const PREVIEW_CHARS = 20_000;

/**
 * "50 MB", "1.1 MB", "400 kB", "1.7 kB": sizes as a person reads them (decimal: 1 kB = 1000
 * bytes), in the lab's number format ("1,1 MB" in German).
 */
export function formatBytes(n, lang = 'en') {
  const one = (x, unit) => `${x < 10 ? fmtFixed(x, 1, lang) : fmtInt(x, lang)} ${unit}`;
  if (n >= 1e6) return one(n / 1e6, 'MB');
  if (n >= 1e3) return one(n / 1e3, 'kB');
  return `${fmtInt(n, lang)} B`;
}

/**
 * Where the held-out part of a text starts (UTF-16 index), as the engine splits it: the last
 * max(2, ⌊n·valFraction⌋) tokens, n ≥ 20 (exact for the character tokenizer on most texts; a
 * close estimate for BPE).
 */
export function valStart(length, valFraction) {
  if (length < 20 || !(valFraction > 0)) return length;
  return length - Math.max(2, Math.floor(length * valFraction));
}

/** The first `n` UTF-16 units of `text`, not cutting a surrogate pair in half. */
export function head(text, n) {
  if (text.length <= n) return text;
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}
