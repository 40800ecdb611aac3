// The limits of a training text, for every way in (a sample, a .txt URL, a file, a drop, a paste,
// lab.setText): the one place that states them. No DOM.

/** Largest text the lab takes, in bytes of UTF-8 (50 MB: a long book series; a phone still copes). */
export const MAX_TEXT_BYTES = 50 * 1024 * 1024;
/** Shortest text worth training on (characters, not counting white space at the ends). */
export const MIN_TEXT_CHARS = 20;
/** Characters of a text shown in the text box; longer texts are shown as this window (read-only). */
export const PREVIEW_CHARS = 20_000;

/** "50 MB", "1.1 MB", "820 kB": sizes as a person reads them (1 MB = 1024 × 1024 bytes). */
export function formatBytes(n) {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n >= 10 * 1024 * 1024 ? 0 : 1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} kB`;
  return `${n} B`;
}

/** The first `n` UTF-16 units of `text`, not cutting a surrogate pair in half. */
export function head(text, n) {
  if (text.length <= n) return text;
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}
