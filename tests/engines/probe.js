// The engine tests' probe, loaded first in every HTML page they open (helpers.mjs serve(), as a
// classic script before the page's modules): it records what a person would see go wrong
// (uncaught errors, rejected promises, CSP violations, console errors and warnings), the lab's
// events, and the checkpoints the page hands to a download link. Neither WebKitWebDriver nor
// every BiDi build can run a script before the page's own, so the page carries it.
(() => {
  const problems = [];
  window.__problems = problems;
  const text = (args) => args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(' ');
  addEventListener('error', (e) => {
    if (e.message) problems.push(`error: ${e.message} (${e.filename}:${e.lineno})`);
    else if (e.target && (e.target.src || e.target.href)) problems.push(`failed to load ${e.target.src || e.target.href}`);
  }, true);
  addEventListener('unhandledrejection', (e) => problems.push(`unhandled rejection: ${e.reason?.message ?? e.reason}`));
  document.addEventListener('securitypolicyviolation', (e) => problems.push(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  for (const level of ['error', 'warn']) {
    const original = console[level];
    console[level] = (...args) => { problems.push(`console.${level}: ${text(args)}`); original.apply(console, args); };
  }

  window.__events = [];
  for (const type of ['lab-ready', 'lab-step', 'lab-done', 'lab-error']) {
    document.addEventListener(type, (e) => window.__events.push({ type, ...e.detail }));
  }

  // A download is a click on <a download href="blob:…">. The blob behind the link is kept (as
  // base64) instead of letting the browser save a file: no driver here reads a browser's
  // downloads folder the same way, and MiniBrowser would ask where to save. (The blob is taken
  // from URL.createObjectURL: the page's CSP does not let a script fetch blob: URLs.)
  window.__downloads = [];
  const blobs = new Map();
  const createObjectURL = URL.createObjectURL;
  const revokeObjectURL = URL.revokeObjectURL;
  URL.createObjectURL = (obj) => { const url = createObjectURL.call(URL, obj); blobs.set(url, obj); return url; };
  URL.revokeObjectURL = (url) => { blobs.delete(url); revokeObjectURL.call(URL, url); };
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function clickOrKeep() {
    if (!this.download || !blobs.has(this.href)) return click.call(this);
    const name = this.download;
    blobs.get(this.href).arrayBuffer().then((b) => {
      const bytes = new Uint8Array(b);
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      window.__downloads.push({ name, base64: btoa(s) });
    }, (e) => problems.push(`download of ${name} failed: ${e.message}`));
    return undefined;
  };

  // Small in-page helpers for the tests (the lab's controls live in its shadow root).
  window.__t = {
    lab: (sel = '#lab') => document.querySelector(sel),
    q: (css, sel = '#lab') => document.querySelector(sel)?.shadowRoot?.querySelector(css) ?? null,
    qa: (css, sel = '#lab') => [...(document.querySelector(sel)?.shadowRoot?.querySelectorAll(css) ?? [])],
    /** Click the lab's button whose text is exactly `name` (as a person clicks it: it must be enabled). */
    click(name, sel = '#lab') {
      const b = window.__t.qa('button', sel).find((x) => x.textContent.trim() === name);
      if (!b) throw new Error(`no button "${name}"`);
      if (b.disabled) throw new Error(`button "${name}" is disabled`);
      b.click();
    },
    /** What the page shows now, for a wait that timed out: each lab's status lines and step, the
     *  requests its worker has not answered yet (with their age in seconds), the last events and
     *  problems. */
    snapshot() {
      const labs = [...document.querySelectorAll('training-loop-lab')].map((l) => ({
        id: l.id,
        step: l.stats?.step,
        status: [...(l.shadowRoot?.querySelectorAll('.status, .job-status, .message') ?? [])]
          .map((e) => e.textContent.trim()).filter(Boolean),
        unanswered: [...(l.controller?.session?.client?.pending?.values() ?? [])]
          .map((p) => `${p.cmd} (${((performance.now() - p.sentAt) / 1000).toFixed(1)} s)`),
      }));
      return JSON.stringify({ labs, events: window.__events.slice(-3), problems: problems.slice(-3) });
    },
  };
})();
