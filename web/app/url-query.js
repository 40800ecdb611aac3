// The page's address → the element's attributes, for index.html and embed.html. Only the
// attributes the element defines (state.js FIELDS) may come from a link: anything else — `onclick`,
// `style`, a name that is not an attribute at all — is dropped, so a link can never add script or
// styling to the page. The dropped names are kept on the element for the lab to report.
import { ATTRIBUTE_NAMES } from './state.js';

const ALLOWED = new Set(ATTRIBUTE_NAMES);

/**
 * Copies the allowed parameters of `search` onto `el` (before the element is defined, so it starts
 * with them, validated). Returns the names that were ignored (also set as el.ignoredParams).
 * @param {HTMLElement} el  @param {string} search e.g. location.search
 */
export function applyQuery(el, search) {
  const ignored = [];
  for (const [name, value] of new URLSearchParams(search)) {
    if (ALLOWED.has(name)) el.setAttribute(name, value);
    else if (!ignored.includes(name)) ignored.push(name);
  }
  el.ignoredParams = ignored;
  return ignored;
}
