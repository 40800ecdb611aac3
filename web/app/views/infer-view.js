// Section 6: training vs inference — the weights fingerprint before and after.
import { h, clear } from '../dom.js';

export class InferView {
  /** on: {generate(), trainStep()} */
  constructor(ctx, on) {
    const { t } = ctx;
    this.t = t;
    this.fp = h('code', { class: 'fingerprint' }, '–');
    this.genBtn = h('button', { type: 'button', onclick: () => on.generate() }, t('genFrozen'));
    this.stepBtn = h('button', { type: 'button', onclick: () => on.trainStep() }, t('trainOne'));
    this.result = h('p', { class: 'verdict', role: 'status' });
    this.sample = h('output', { class: 'generated' });
    this.el = h('div', {},
      h('p', { class: 'intro' }, t('sInferIntro')),
      h('p', {}, `${t('fingerprint')}: `, this.fp),
      h('div', { class: 'buttons' }, this.genBtn, this.stepBtn),
      this.result, this.sample);
  }

  setFingerprint(fp) { clear(this.fp, fp); }

  showCompare(before, after, text) {
    const changed = before !== after;
    clear(this.fp, after);
    this.result.className = `verdict ${changed ? 'changed' : 'same'}`;
    clear(this.result, this.t(changed ? 'fpChanged' : 'fpUnchanged', { before, after }));
    clear(this.sample, text ?? '');
    this.sample.hidden = !text;
  }
}
