// The standalone lesson page: the lab's state lives in this page's URL. The query is copied onto
// the element's attributes before the element is defined (so it starts with them, validated), and
// every change the learner makes is written back with history.replaceState.
import { prestartWorker } from './app/prestart.js';
import { applyQuery } from './app/url-query.js';
import { showLoadFailure } from './app/load-failure.js';

const workerStarted = prestartWorker(new URL('app/worker.js', import.meta.url)); // first of all
const lab = document.getElementById('lab');
applyQuery(lab, location.search); // only the element's own attributes (no on*, no style)
lab.addEventListener('lab-change', (e) => {
  const q = e.detail.query;
  const url = `${location.pathname}${q ? `?${q}` : ''}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
});
await workerStarted;
await import('./training-loop-lab.js').catch((e) => showLoadFailure(lab, e));
