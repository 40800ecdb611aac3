// Section: surprise map — the validation text (never trained on) or the start of the training
// text, each token shaded by the lab's current model's surprise −ln p. Updates every ~2 s while
// the lab trains and this section is on screen.
import { sameModel } from '../index.js';
import { h, clear, field, select, showToken, numbers } from '../../dom.js';

export const HEAT_LEVELS = 8;
export const HEAT_STEP = 0.5; // nats per level: 0–0.5, 0.5–1, …, ≥ 3.5

export const heatLevel = (loss) => Math.max(0, Math.min(HEAT_LEVELS - 1, Math.floor(loss / HEAT_STEP)));

export class SurpriseView {
  constructor(ctx) {
    const { t, id, hub } = ctx;
    this.t = t;
    this.n = numbers(t('lang')); // the lab's number format
    this.hub = hub;
    this.title = t('sSurpriseTitle');
    this.visible = false;
    this.data = hub.data('surprise', () => ({ part: 'val' }));
    this.partSel = select([['val', t('surValPart')], ['train', t('surTrainPart')]], this.data.part);
    this.partSel.addEventListener('change', () => { this.data.part = this.partSel.value; this.refresh(true); });
    this.refreshBtn = h('button', { type: 'button', onclick: () => this.refresh(true) }, t('refresh'));
    this.stats = h('p', { class: 'sur-stats', 'aria-live': 'polite' }, t('waitLab'));
    this.map = h('div', { class: 'surprise-map', lang: 'und' });
    this.top = h('p', { class: 'sur-top' });
    const legend = h('ol', { class: 'heat-legend', 'aria-label': t('surLegend') },
      Array.from({ length: HEAT_LEVELS }, (_, i) => h('li', { class: `heat-${i}` },
        i === HEAT_LEVELS - 1 ? `≥ ${i * HEAT_STEP}` : `${i * HEAT_STEP}–${(i + 1) * HEAT_STEP}`)));
    this.el = h('div', { class: 'experiment experiment-surprise' },
      h('p', { class: 'intro' }, t('sSurpriseIntro')),
      h('div', { class: 'row' }, field(id('sur-part'), t('surPart'), this.partSel).wrap,
        h('div', { class: 'field' }, h('span', { class: 'label-spacer' }, '\u00a0'), this.refreshBtn)),
      this.stats,
      h('div', { class: 'legend-row' }, h('span', { class: 'hint' }, t('surLegend')), legend),
      this.map, this.top);
  }

  tick() {
    const key = this.hub.labKey();
    if (key && !sameModel(key, this.shownKey) && this.shownKey) {
      // A new model: its map is on the way; the old model's map is not shown meanwhile.
      this.shownKey = null;
      clear(this.map);
      clear(this.top);
      clear(this.stats, this.t('surNewModel'));
    }
    if (key && key !== this.shownKey) this.refresh();
  }

  async refresh(force = false) {
    if (this.busy) { this.again = true; return; }
    if (!this.hub.ready()) { clear(this.stats, this.t('waitLab')); return; }
    const key = this.hub.labKey();
    if (!force && key === this.shownKey) return;
    this.busy = true;
    try {
      await this.hub.ensureSnapshot();
      const r = await this.hub.client.call('surprise', { part: this.data.part, max: 800 });
      if (!sameModel(key, this.hub.labKey())) { this.again = true; return; } // made for a model that is gone
      this.shownKey = key;
      this.render(r);
    } catch (e) {
      clear(this.stats, e.message);
    } finally {
      this.busy = false;
      if (this.again) { this.again = false; this.refresh(true); }
    }
  }

  render(r) {
    if (!r.tokens.length) {
      clear(this.stats, this.t(r.part === 'val' ? 'surNoVal' : 'surNoTrain'));
      clear(this.map);
      clear(this.top);
      return;
    }
    const spans = [];
    for (const tok of r.tokens) {
      const text = tok.token;
      if (tok.loss === null) {
        spans.push(h('span', { class: 'st st-none', title: this.t('surFirst') }, text === '\n' ? '↵' : text));
      } else {
        const p = Math.exp(-tok.loss);
        spans.push(h('span', { class: `st heat-${heatLevel(tok.loss)}`, title: this.t('surTokenTitle', { token: showToken(text), loss: this.n.loss(tok.loss), p: this.n.sig(p, 2) }) },
          text === '\n' ? '↵' : text));
      }
      if (text.endsWith('\n')) spans.push(h('br'));
    }
    clear(this.map, spans);
    const scored = r.tokens.filter((x) => x.loss !== null);
    const worst = [...scored].sort((a, b) => b.loss - a.loss).slice(0, 8);
    const best = [...scored].sort((a, b) => a.loss - b.loss).slice(0, 5);
    const list = (xs) => xs.map((x) => `“${showToken(x.token)}” ${this.n.loss(x.loss)}`).join(', ');
    clear(this.stats, this.t('surStats', {
      part: this.t(r.part === 'val' ? 'surValShort' : 'surTrainShort'), mean: this.n.loss(r.mean), shown: scored.length + 1,
      total: r.total, step: r.step, random: this.n.loss(Math.log(r.vocabSize)),
    }));
    clear(this.top, this.t('surTop', { worst: list(worst), best: list(best) }));
    this.shown = r;
  }
}
