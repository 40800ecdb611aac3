// The train section's "Cores" control: how many workers train (auto, or 1 … the device's cores),
// how many actually do, and what their copies of the model cost in memory. What it shows comes
// from the training worker (helpers.js summary(), in its progress messages and replies).
import { h, clear, field } from '../dom.js';
import { FIELD_BY_NAME } from '../state.js';

const MB = 1024 * 1024;

export class CoresView {
  /** on: {change(name, value)} */
  constructor(ctx, state, on) {
    const { t, id } = ctx;
    this.t = t;
    this.max = FIELD_BY_NAME.get('workers').max;
    this.value = state.workers; // 'auto' or a count
    this.summary = null;        // the worker's summary (helpers.js), null until it came
    this.training = null;       // workers training now (a progress message), null when not running
    this.select = h('select');
    this.select.addEventListener('change', () => on.change('workers', this.select.value));
    this.status = h('p', { class: 'hint cores-status' });
    this.note = h('p', { class: 'hint cores-note', role: 'status', hidden: true });
    this.el = h('div', { class: 'cores' },
      h('div', { class: 'row' }, field(id('workers'), t('cores'), this.select).wrap, this.status),
      this.note, h('p', { class: 'hint' }, t('coresHint')));
    this.render();
  }

  /** The state's `workers` ('auto' or a count). */
  setState(state) {
    this.value = state.workers;
    this.render();
  }

  /** The worker's summary: {wanted, workers, cores, bytesPerReplica, bytes, budget, unfit, lost, disabled}. */
  setSummary(summary) {
    this.summary = summary;
    this.render();
  }

  /** Workers training now (null: not training). */
  setTraining(n) {
    if (n === this.training) return;
    this.training = n;
    this.render();
  }

  // The counts offered: 1 … the device's cores (at most the attribute's maximum), and the one chosen.
  counts() {
    const cores = Math.min(this.summary?.cores ?? globalThis.navigator?.hardwareConcurrency ?? 1, this.max);
    const top = Math.max(cores, typeof this.value === 'number' ? this.value : 1);
    return Array.from({ length: top }, (_, i) => i + 1);
  }

  render() {
    const { t } = this;
    const s = this.summary;
    const planned = s?.workers ?? null;
    const autoLabel = this.training !== null ? t('coresAutoTraining', { n: this.training })
      : planned !== null ? t('coresAutoPlanned', { n: planned }) : t('coresAuto');
    const options = [['auto', autoLabel], ...this.counts().map((c) => [String(c), String(c)])];
    const same = this.select.options.length === options.length
      && options.every(([v, label], i) => this.select.options[i].value === v && this.select.options[i].text === label);
    if (!same) clear(this.select, options.map(([v, label]) => h('option', { value: v }, label)));
    if (this.select.getRootNode().activeElement !== this.select || !same) this.select.value = String(this.value);

    const parts = [];
    if (this.training !== null) parts.push(t('coresTraining', { n: this.training }));
    else if (planned !== null) parts.push(t('coresPlanned', { n: planned }));
    if (s?.bytes) {
      const mb = (x) => Math.ceil(x / MB);
      parts.push(planned === 1 ? t('coresMemoryOne', { mb: mb(s.bytes) })
        : t('coresMemory', { n: planned, mb: mb(s.bytes), each: mb(s.bytesPerReplica), budget: Math.floor(s.budget / MB) }));
    }
    if (s?.cores) parts.push(t('coresDevice', { cores: s.cores }));
    const text = parts.join(' ');
    if (this.status.textContent !== text) clear(this.status, text);

    const notes = [];
    if (s?.unfit) notes.push(t('coresUnfit', { message: s.unfit, n: planned }));
    if (s?.lost) notes.push(t('coresLost', { message: s.lost.message, n: planned ?? 1 }));
    const note = notes.join(' ');
    if (this.note.textContent !== note) clear(this.note, note);
    this.note.hidden = !note;
  }
}
