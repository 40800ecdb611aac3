// Locale tags for Intl, validated. A browser may report a navigator.language that Intl rejects:
// WebKitGTK under LANG=C reports "C", and `new Intl.NumberFormat('C')` throws a RangeError. Every
// Intl formatter of the lab (and uPlot's, see wasm/bundle.mjs) gets its tag from safeLocale().
// No DOM here: node tests import this module as it is.

/** `tag` canonicalised if Intl accepts it, else `fallback` (empty, "C", "x-invalid", non-strings…). */
export function safeLocale(tag, fallback = 'en') {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? fallback;
  } catch {
    return fallback;
  }
}

// The lab writes numbers the English way in every language (1,234.5), so they read the same in
// screenshots, tests and course pages.
const english = new Intl.NumberFormat(safeLocale('en-US'));

/** 1234.5678 → "1,234.568" (grouping, at most 3 fraction digits, as toLocaleString('en-US')). */
export function formatNumber(x) { return english.format(x); }
