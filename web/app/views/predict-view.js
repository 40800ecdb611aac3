// Section 4: predict — live next-token probability bars for a prompt; sampled continuations.
import { h, clear, field, showToken, numbers } from '../dom.js';
import { FIELD_BY_NAME } from '../state.js';

const LIVE_SAMPLES = 4;

/** Probability bars, shared with the one-step view. highlightId marks the correct token; n: numbers(lang). */
export function probBars(list, { highlightId = null, label = '', n = numbers('en') } = {}) {
  const max = Math.max(1e-9, ...list.map((p) => p.prob));
  return h('ol', { class: 'bars', 'aria-label': label },
    list.map((p) => {
      const fill = h('span', { class: 'bar-fill' });
      fill.style.transform = `scaleX(${Math.max(0.005, p.prob / max).toFixed(4)})`;
      return h('li', { class: p.id === highlightId ? 'bar hit' : 'bar' },
        h('code', { class: 'bar-token' }, showToken(p.token)),
        h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill),
        h('span', { class: 'bar-prob' }, n.prob(p.prob)));
    }));
}

export class PredictView {
  /** on: {prompt(text), generate({temperature, topK, n}), change(name, value)} */
  constructor(ctx, state, on) {
    const { t, id } = ctx;
    this.t = t;
    this.n = numbers(t('lang')); // the lab's number format
    // A textarea, not an input: a prompt taken from the text keeps its line breaks (an input would
    // silently drop them while the model still sees them).
    this.prompt = field(id('prompt'), t('prompt'), h('textarea', { rows: 2, maxlength: 200, autocomplete: 'off', spellcheck: 'false', class: 'prompt' }), 'wide');
    this.prompt.input.addEventListener('input', () => on.prompt(this.prompt.input.value));
    const numInput = (name, step) => {
      const f = FIELD_BY_NAME.get(name);
      const i = h('input', { type: 'number', min: f.min, max: f.max, step });
      i.value = String(state[f.key]);
      i.addEventListener('change', () => on.change(name, i.value));
      return i;
    };
    this.temperature = field(id('temp'), t('temperature'), numInput('temperature', 0.05));
    this.topK = field(id('topk'), t('topK'), numInput('top-k', 1));
    this.len = field(id('len'), t('sampleLen'), h('input', { type: 'number', min: 1, max: 400, step: 1, value: '80' }));
    this.genBtn = h('button', { type: 'button', onclick: () => on.generate(this.sampleOptions()) }, t('generate'));
    this.bars = h('div', { class: 'bars-box' });
    this.barsAlt = h('p', { class: 'visually-hidden' });
    this.output = h('output', { class: 'generated', for: this.prompt.input.id });
    this.el = h('div', {},
      h('p', { class: 'intro' }, t('sPredictIntro')),
      this.prompt.wrap,
      h('h4', {}, t('nextToken')), this.bars, this.barsAlt,
      h('div', { class: 'row' }, this.temperature.wrap, this.topK.wrap, this.len.wrap, h('div', { class: 'field' }, h('span', { class: 'label-spacer' }, '\u00a0'), this.genBtn)),
      h('h4', {}, t('generated')), this.output, this.copy = h('p', { class: 'hint copy-check' }),
      h('h4', {}, t('liveSamples')), h('p', { class: 'hint' }, t('liveSamplesIntro')),
      this.live = h('ol', { class: 'live-samples', 'aria-live': 'off' }));
  }

  /** The copy check of a sample: {length, stretch, sampleLength, searched, whole} (worker.js longestCopy). */
  copyLine(c) {
    const where = c.whole ? this.t('copyWhole') : this.t('copyPart', { chars: this.n.int(c.searched) });
    return this.t('copyCheck', { length: this.n.int(c.length), of: this.n.int(c.sampleLength), stretch: showToken(c.stretch.slice(0, 60)), where });
  }

  setCopy(c) { clear(this.copy, this.copyLine(c)); }

  /** A sample taken while training (newest first, the last LIVE_SAMPLES kept). */
  addLiveSample(step, prompt, text, copy) {
    this.live.prepend(h('li', {},
      h('span', { class: 'live-step' }, this.t('liveSampleAt', { step: this.n.int(step) })), ' ',
      h('span', { class: 'generated' }, h('span', { class: 'gen-prompt' }, prompt), h('span', { class: 'gen-new' }, text)),
      h('span', { class: 'hint copy-check' }, this.copyLine(copy))));
    while (this.live.children.length > LIVE_SAMPLES) this.live.lastElementChild.remove();
  }

  sampleOptions() {
    return {
      temperature: Number(this.temperature.input.value), topK: Number(this.topK.input.value),
      n: Math.max(1, Math.min(400, Math.round(Number(this.len.input.value) || 80))),
    };
  }

  setPrompt(text) { if (this.prompt.input.value !== text) this.prompt.input.value = text; }

  setState(state) {
    if (this.temperature.input.getRootNode().activeElement !== this.temperature.input) this.temperature.input.value = String(state.temperature);
    if (this.topK.input.getRootNode().activeElement !== this.topK.input) this.topK.input.value = String(state.topK);
  }

  setPredictions(list) {
    clear(this.bars, probBars(list, { label: this.t('nextToken'), n: this.n }));
    clear(this.barsAlt, this.t('predictionsAlt', { list: list.slice(0, 5).map((p) => `"${showToken(p.token)}" ${this.n.prob(p.prob)}`).join(', ') }));
  }

  setGenerated(prompt, text) {
    clear(this.copy);
    clear(this.output, h('span', { class: 'gen-prompt' }, prompt), h('span', { class: 'gen-new' }, text));
  }
}
