// The lab's frame around the section views: notices, the status line (aria-live), a table of
// contents and one <section> per part of the lesson, shown or hidden by the state's `sections`.
import { h, clear } from '../dom.js';
import { SECTIONS } from '../state.js';

const TITLES = { text: 'sTextTitle', pairs: 'sPairsTitle', train: 'sTrainTitle', predict: 'sPredictTitle', step: 'sStepTitle', infer: 'sInferTitle', keep: 'sKeepTitle' };
const MAX_NOTICES = 8;

export class LabLayout {
  /** ctx: {t, id}; views: {name: a view with .el (and its own .title, for the experiments sections)}; status: its first text */
  constructor(ctx, views, state, status) {
    const { t, id } = ctx;
    this.t = t;
    this.notices = h('div', { class: 'notices' });
    this.status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, status);
    this.sections = {};
    this.navButtons = {};
    for (const name of SECTIONS) {
      const hid = id(`h-${name}`);
      const title = views[name].title ?? t(TITLES[name]);
      const heading = h('h2', { id: hid, tabindex: '-1' }, title);
      this.sections[name] = h('section', { class: `sec sec-${name}`, 'aria-labelledby': hid, 'data-section': name }, heading, views[name].el);
      this.navButtons[name] = h('li', {}, h('button', { type: 'button', class: 'link-button', onclick: () => this.goTo(name) }, title));
    }
    // A table of contents: buttons (fragment links cannot reach into a shadow root).
    this.nav = h('nav', { class: 'toc', 'aria-label': t('contents') }, h('ol', {}, SECTIONS.map((n) => this.navButtons[n])));
    this.el = h('div', { class: 'lab', lang: state.lang }, this.notices, this.status, this.nav, SECTIONS.map((n) => this.sections[n]));
  }

  /** Theme, compact form, language and which sections are shown. */
  apply(s) {
    this.el.className = `lab theme-${s.theme}${s.compact ? ' compact' : ''}`;
    this.el.lang = s.lang;
    for (const name of SECTIONS) {
      this.sections[name].hidden = !s.sections.includes(name);
      this.navButtons[name].hidden = !s.sections.includes(name);
    }
    this.nav.hidden = s.compact || s.sections.length < 4;
  }

  /** Scroll a section into view and move the keyboard focus to its heading. */
  goTo(name) {
    const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
    const heading = this.sections[name].querySelector('h2');
    heading.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
    heading.focus({ preventScroll: true });
  }

  say(text) { clear(this.status, text); }

  /** A message that stays until dismissed (the newest MAX_NOTICES are kept); action: {label, run()}. */
  notice(message, action = null) {
    const close = h('button', { type: 'button', class: 'close', 'aria-label': this.t('dismiss') }, '×');
    const note = h('div', { class: 'notice', role: 'alert' }, h('span', {}, message), close);
    close.addEventListener('click', () => note.remove());
    if (action) {
      // e.g. "Continue with learning rate 0.001" after training diverged
      const b = h('button', { type: 'button', class: 'notice-action' }, action.label);
      b.addEventListener('click', () => { note.remove(); action.run(); });
      note.insertBefore(b, close);
    }
    this.notices.append(note);
    while (this.notices.children.length > MAX_NOTICES) this.notices.firstElementChild.remove();
  }
}
