// Host-page script of two-labs.html: listens to the labs' public events (they bubble and are composed).
const log = document.getElementById('log');
const seen = [];
window.labEvents = seen; // for the browser tests
for (const type of ['lab-ready', 'lab-step', 'lab-done', 'lab-error']) {
  document.addEventListener(type, (e) => {
    const entry = { lab: e.target.id, type, ...e.detail };
    seen.push(entry);
    const line = document.createElement('div');
    line.textContent = `${entry.lab} ${type} ${JSON.stringify(e.detail)}`;
    log.prepend(line);
    while (log.childElementCount > 50) log.lastElementChild.remove();
  });
}
