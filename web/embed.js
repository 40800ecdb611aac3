// The iframe form of the lab. Options come from this page's query (?autoplay=1&seed=3, the same
// names as the element's attributes). Every lab event is sent to the parent page with postMessage,
// its detail flattened into the message: {type: 'lab-step', step, loss, valLoss, tokensPerSecond}.
// The parent may send {type: 'lab-command', command: 'start' | 'pause' | 'step' | 'reset'}.
import { prestartWorker } from './app/prestart.js';
import { applyQuery } from './app/url-query.js';
import { showLoadFailure } from './app/load-failure.js';

const workerStarted = prestartWorker(new URL('app/worker.js', import.meta.url)); // first of all
const EVENTS = ['lab-ready', 'lab-step', 'lab-done', 'lab-error', 'lab-change'];
const COMMANDS = { start: 'start', pause: 'pause', step: 'step', reset: 'reset' }; // own keys only
const lab = document.getElementById('lab');
applyQuery(lab, location.search); // only the element's own attributes (no on*, no style)

const toParent = (msg) => { if (window.parent !== window) window.parent.postMessage(msg, '*'); };
for (const type of EVENTS) {
  lab.addEventListener(type, (e) => toParent({ ...e.detail, type, source: 'training-loop-lab' }));
}
lab.addEventListener('lab-change', (e) => {
  const q = e.detail.query;
  history.replaceState(null, '', `${location.pathname}${q ? `?${q}` : ''}`);
});
window.addEventListener('message', (e) => {
  if (e.source !== window.parent || e.data?.type !== 'lab-command') return;
  const command = e.data.command;
  if (typeof command === 'string' && Object.hasOwn(COMMANDS, command)) lab[COMMANDS[command]]();
  else {
    const shown = typeof command === 'string' ? JSON.stringify(command).slice(0, 60) : `(${typeof command})`;
    toParent({ type: 'lab-error', message: `unknown lab-command ${shown}; allowed: ${Object.keys(COMMANDS).join(', ')}`, source: 'training-loop-lab' });
  }
});
await workerStarted;
await import('./training-loop-lab.js').catch((e) => {
  showLoadFailure(lab, e);
  toParent({ type: 'lab-error', message: String(e?.message ?? e), source: 'training-loop-lab' });
});
