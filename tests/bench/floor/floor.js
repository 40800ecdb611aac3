// The lab's own worker (served bundle), asked straight away for the default model and step 1 —
// what the lesson page does, minus the lesson. Fires the same lab-step event when step 1 is in.
const worker = new Worker(new URL('../app/worker.js', location.href), { type: 'module' });
worker.onmessage = (e) => {
  if (e.data.id !== 1) return;
  const first = e.data.result?.first;
  document.dispatchEvent(new CustomEvent('lab-step', { detail: { step: first?.step ?? 0, loss: first?.loss } }));
};
worker.postMessage({ id: 1, cmd: 'init', args: { textUrl: new URL('../samples/facts.txt', location.href).href, settings: {}, firstStep: true } });
