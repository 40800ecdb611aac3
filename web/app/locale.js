// Locale tags for Intl, validated. A browser may report a navigator.language that Intl rejects:
// WebKitGTK under LANG=C reports "C", and `new Intl.NumberFormat('C')` throws a RangeError. uPlot
// builds its formatter from navigator.language, so the bundles give it safeLocale() instead (see
// wasm/tools/bundle.mjs); the lab's own numbers use the lab's `lang` state (web/app/dom.js).
// No DOM here: node tests import this module as it is.

/** `tag` canonicalised if Intl accepts it, else `fallback` (empty, "C", "x-invalid", non-strings…). */
export function safeLocale(tag, fallback = 'en') {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? fallback;
  } catch {
    return fallback;
  }
}
