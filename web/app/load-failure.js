// When the element's code cannot load or run (a file blocked by the host, a browser that throws
// while the module is evaluated), the pages say so where the lab would be instead of staying
// blank. WebKit reports a rejected top-level await nowhere: not in the console, not as an error
// event, so without this a learner and a course author would see an empty page and no reason.
import { t } from './strings.js';

/** Puts a one-line alert (in the lab's language) before the `lab` element and logs the error. */
export function showLoadFailure(lab, error) {
  const p = document.createElement('p');
  p.className = 'warn';
  p.setAttribute('role', 'alert');
  p.textContent = t(lab.getAttribute('lang') ?? 'en', 'codeFailed', { message: String(error?.message ?? error) });
  lab.before(p);
  console.error(error);
}
