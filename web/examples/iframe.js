// Host-page script of iframe.html: the lab's events arrive as messages {type, step, loss, …}.
const frame = document.getElementById('frame');
const log = document.getElementById('log');
const progress = document.getElementById('progress');
const seen = [];
window.labMessages = seen; // for the browser tests
window.addEventListener('message', (e) => {
  if (e.source !== frame.contentWindow || e.data?.source !== 'training-loop-lab') return;
  seen.push(e.data);
  if (e.data.type === 'lab-step' || e.data.type === 'lab-done') {
    progress.textContent = `step ${e.data.step}, loss ${Number(e.data.loss).toFixed(3)}`;
  }
  const line = document.createElement('div');
  line.textContent = JSON.stringify(e.data);
  log.prepend(line);
  while (log.childElementCount > 50) log.lastElementChild.remove();
});
document.getElementById('go').addEventListener('click', () => {
  frame.contentWindow.postMessage({ type: 'lab-command', command: 'start' }, '*');
});
