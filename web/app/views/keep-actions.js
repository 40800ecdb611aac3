// Section 7's actions: download the model as a .safetensors file, load one (or, when it was made
// for another text, offer to load it for predicting only), copy the lab's link.
import { h, fmtInt } from '../dom.js';
import { MAX_CHECKPOINT_BYTES } from './keep-view.js';

export class KeepActions {
  /**
   * session: LabSession; view(): the current KeepView; lab: {root, t(key, vars), fail(message,
   * emit, action), say(text)} (the controller).
   */
  constructor(session, view, lab) {
    this.session = session;
    this.view = view;
    this.lab = lab;
  }

  async download() {
    const s = this.session;
    if (!s.info || s.running) return;
    try {
      const bytes = await s.client.call('exportCheckpoint');
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
      const a = h('a', { href: url, download: `training-loop-lab-step${s.step}.safetensors`, class: 'visually-hidden' });
      this.lab.root.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      this.view().say(`${a.download} (${Math.round(bytes.length / 1024)} kB)`);
    } catch (e) { this.lab.fail(e.message); }
  }

  /** A file chosen or dropped in the keep section (in the session's queue of actions). */
  load(file) { return this.session.serial(() => this.doLoad(file)); }

  async doLoad(file) {
    const s = this.session;
    const t = (k, v) => this.lab.t(k, v);
    if (!s.ready) return;
    await s.doPause();
    const name = file.name;
    if (file.size > MAX_CHECKPOINT_BYTES) {
      const m = t('badFile', { name, message: `${Math.round(file.size / 1e6)} MB > ${MAX_CHECKPOINT_BYTES / 1e6} MB` });
      this.view().say(m, true);
      this.lab.fail(m);
      return;
    }
    let bytes;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
      const r = await s.loadCheckpoint(bytes);
      this.view().say(t('loaded', { name, params: fmtInt(r.info.params, s.state.lang), step: fmtInt(r.info.step, s.state.lang) }));
    } catch (e) {
      // A model made for another text cannot read this one (its vocabulary lacks characters of
      // it): say exactly that, and offer what it can still do — predict and generate.
      const otherText = /is not in the tokenizer's vocabulary/.test(e.message);
      const m = otherText ? t('ckptOtherText', { name, message: e.message }) : t('badFile', { name, message: e.message });
      this.view().say(m, true);
      this.lab.fail(m, true, otherText ? { label: t('loadPredictOnly'), run: () => s.serial(() => this.loadPredictOnly(bytes, name)) } : null);
    }
  }

  /** The file's model with its own tokenizer and no text: it predicts and generates, it cannot train here. */
  async loadPredictOnly(bytes, name) {
    const s = this.session;
    try {
      const r = await s.loadCheckpoint(bytes, { text: '' });
      const m = this.lab.t('loadedPredictOnly', { name, vocab: fmtInt(r.info.vocabSize, s.state.lang), step: fmtInt(r.info.step, s.state.lang) });
      this.view().say(m);
      this.lab.say(m);
    } catch (e) {
      this.lab.fail(this.lab.t('badFile', { name, message: e.message }));
    }
  }

  async copyLink() {
    const link = this.view().link;
    link.select();
    try {
      await navigator.clipboard.writeText(link.value);
      this.view().say(this.lab.t('copied'));
    } catch { /* the selected text can still be copied by hand */ }
  }
}
