// Section 7: keep and share — download / load a .safetensors checkpoint; a link to this experiment.
import { h, clear } from '../dom.js';

export const MAX_CHECKPOINT_BYTES = 64 * 1024 * 1024;

export class KeepView {
  /** on: {download(), load(file), copyLink()} */
  constructor(ctx, on) {
    const { t, id } = ctx;
    this.t = t;
    this.downloadBtn = h('button', { type: 'button', onclick: () => on.download() }, t('download'));
    this.file = h('input', { type: 'file', accept: '.safetensors,application/octet-stream', class: 'visually-hidden', id: id('ckpt') });
    this.file.addEventListener('change', () => {
      const f = this.file.files?.[0];
      this.file.value = '';
      if (f) on.load(f);
    });
    const loadBtn = h('label', { for: this.file.id, class: 'button', role: 'button', tabindex: '0' }, t('loadCheckpoint'));
    loadBtn.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.file.click(); } });
    this.message = h('p', { class: 'message', role: 'status' });
    this.link = h('input', { type: 'text', readonly: true, class: 'link' });
    this.linkNote = h('p', { class: 'hint link-note', hidden: true });
    this.copyBtn = h('button', { type: 'button', onclick: () => on.copyLink() }, t('copyLink'));
    this.el = h('div', {},
      h('p', { class: 'intro' }, t('sKeepIntro')),
      h('div', { class: 'buttons' }, this.downloadBtn, loadBtn, this.file),
      this.message,
      h('div', { class: 'row' }, h('div', { class: 'field grow' }, h('label', { for: id('link') }, t('shareLink')), this.link), h('div', { class: 'field' }, h('span', { class: 'label-spacer' }, '\u00a0'), this.copyBtn)),
      this.linkNote);
    this.link.id = id('link');
  }

  setLink(url) { this.link.value = url; }

  /** Why the link does not hold everything (e.g. a text too long for a link); '' hides it. */
  setLinkNote(text) {
    clear(this.linkNote, text);
    this.linkNote.hidden = !text;
  }

  say(text, isError = false) {
    this.message.className = isError ? 'message error' : 'message';
    clear(this.message, text);
  }
}
