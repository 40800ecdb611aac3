// A classic (non-module) script, so it still runs when the page is opened as a file: browsers block
// module scripts, workers and wasm from file://, and the lab would otherwise stay blank.
if (location.protocol === 'file:') {
  document.addEventListener('DOMContentLoaded', () => {
    const p = document.createElement('p');
    p.className = 'warn';
    p.setAttribute('role', 'alert');
    p.textContent = 'This page must be opened through a web server, not as a file. In the lab\'s folder run: '
      + 'node wasm/cli.mjs serve — then open the address it prints. (Dieses Labor muss über einen Webserver geöffnet werden.)';
    document.body.prepend(p);
  });
}
