// Section 1: the training text and its tokens.
import { h, clear, field, select, showToken } from '../dom.js';
import { SAMPLES } from '../state.js';

export const MAX_FILE_BYTES = 200_000;
export const MIN_TEXT_CHARS = 20;

export class TextView {
  /** on: {apply({text, source, tokenizer, vocabSize}), error(message)} */
  constructor(ctx, state, on) {
    const { t, id } = ctx;
    this.t = t;
    this.on = on;
    const sampleNames = { facts: t('sampleFacts'), story: t('sampleStory'), rhymes: t('sampleRhymes') };
    const opts = SAMPLES.map((s) => [s, sampleNames[s]]);
    const current = SAMPLES.includes(state.text) ? state.text : 'custom';
    opts.push(['custom', t('sampleCustom')]);
    this.sample = field(id('sample'), t('sample'), select(opts, current));
    this.sample.input.addEventListener('change', () => this.onSample());
    this.file = h('input', { type: 'file', accept: '.txt,text/plain', class: 'visually-hidden', id: id('file') });
    this.file.addEventListener('change', () => this.onFile());
    const fileButton = h('label', { for: this.file.id, class: 'button' }, t('openFile'));
    fileButton.tabIndex = 0;
    fileButton.setAttribute('role', 'button');
    fileButton.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.file.click(); } });
    this.textarea = h('textarea', { rows: 6, spellcheck: 'false' });
    this.textField = field(id('text'), t('yourText'), this.textarea, 'wide');
    this.textarea.addEventListener('input', () => { this.dirty = true; this.applyBtn.disabled = false; });
    this.tokenizer = field(id('tok'), t('tokenizer'), select([['char', t('tokChar')], ['bpe', t('tokBpe')]], state.tokenizer));
    this.vocab = field(id('vocab'), t('vocabSize'), h('input', { type: 'number', min: 32, max: 2048, step: 1, value: String(state.vocabSize) }));
    this.vocab.wrap.hidden = state.tokenizer !== 'bpe';
    this.tokenizer.input.addEventListener('change', () => {
      this.vocab.wrap.hidden = this.tokenizer.input.value !== 'bpe';
      this.apply();
    });
    this.vocab.input.addEventListener('change', () => this.apply());
    this.applyBtn = h('button', { type: 'button', onclick: () => this.apply(), disabled: true }, t('applyText'));
    this.summary = h('p', { class: 'summary' }, t('tokensWait'));
    this.tokens = h('div', { class: 'tokens', role: 'list', 'aria-label': t('sTextTitle') });
    this.legend = h('p', { class: 'hint' }, t('tokensLegend'));
    this.source = current;
    this.el = h('div', {},
      h('p', { class: 'intro' }, t('sTextIntro')),
      h('div', { class: 'row' }, this.sample.wrap, h('div', { class: 'field' }, h('span', { class: 'label-spacer' }, '\u00a0'), fileButton), this.file),
      this.textField.wrap,
      h('div', { class: 'row' }, this.tokenizer.wrap, this.vocab.wrap, h('div', { class: 'field' }, h('span', { class: 'label-spacer' }, '\u00a0'), this.applyBtn)),
      this.summary, this.legend, this.tokens);
  }

  /** Show the (validated) tokenizer settings. */
  setState(state) {
    this.tokenizer.input.value = state.tokenizer;
    this.vocab.input.value = String(state.vocabSize);
    this.vocab.wrap.hidden = state.tokenizer !== 'bpe';
  }

  setText(text, source) {
    this.textarea.value = text;
    this.source = source;
    this.sample.input.value = SAMPLES.includes(source) ? source : 'custom';
    this.dirty = false;
    this.applyBtn.disabled = true;
  }

  onSample() {
    const v = this.sample.input.value;
    if (v === 'custom') { this.textarea.focus(); return; }
    this.on.apply({ source: v, tokenizer: this.tokenizer.input.value, vocabSize: Number(this.vocab.input.value) });
  }

  async onFile() {
    const f = this.file.files?.[0];
    if (!f) return;
    this.file.value = '';
    if (f.size > MAX_FILE_BYTES) {
      this.on.error(this.t('fileTooBig', { size: `${Math.round(f.size / 1000)} kB`, max: `${MAX_FILE_BYTES / 1000} kB` }));
      return;
    }
    const text = await f.text();
    if (text.includes('\u0000')) { this.on.error(this.t('fileNotText')); return; }
    this.textarea.value = text;
    this.sample.input.value = 'custom';
    this.apply();
  }

  apply() {
    const custom = this.dirty || this.sample.input.value === 'custom';
    const text = this.textarea.value;
    if (custom && text.trim().length < MIN_TEXT_CHARS) {
      this.on.error(this.t('textTooShort', { min: MIN_TEXT_CHARS }));
      return;
    }
    if (custom) this.sample.input.value = 'custom';
    this.on.apply({
      source: custom ? 'custom' : this.source, text: custom ? text : undefined,
      tokenizer: this.tokenizer.input.value, vocabSize: Number(this.vocab.input.value),
    });
    this.dirty = false;
    this.applyBtn.disabled = true;
  }

  setTokens(summary, chars) {
    const t = this.t;
    const parts = [t('tokensSummary', { chars, tokens: summary.total, vocab: summary.vocabSize })]; // t() formats numbers in the lab's language
    if (summary.total > summary.tokens.length) parts.push(t('tokensShown', { shown: summary.tokens.length, tokens: summary.total }));
    clear(this.summary, parts.join(' '));
    const frag = document.createDocumentFragment();
    summary.tokens.forEach((tok) => {
      frag.append(h('span', { class: `tok c${tok.id % 6}`, role: 'listitem', title: `id ${tok.id}` },
        h('span', { class: 'tok-text' }, showToken(tok.text)), h('span', { class: 'tok-id' }, String(tok.id))));
      if (tok.text.includes('\n')) frag.append(h('span', { class: 'nl', 'aria-hidden': 'true' }));
    });
    this.tokens.replaceChildren(frag);
  }
}
