// Section 1: the training text and its tokens. The text itself lives in the training worker; this
// view shows a preview of it (the whole text up to PREVIEW_CHARS, else its start, read-only) and a
// window of its tokens that the learner moves along the text. Files, drops and long pastes go to
// the worker as they are (a Blob, or the pasted string): nothing big is scanned on this thread.
import { h, clear, field, select, numbers, showToken } from '../dom.js';
import { SAMPLES } from '../state.js';
import { MAX_TEXT_BYTES, MIN_TEXT_CHARS, PREVIEW_CHARS, formatBytes } from '../text-limits.js';

// Each sample's name in the picker and the line under it: its size and what there is to learn (strings.js).
const SAMPLE_STRINGS = {
  facts: ['sampleFacts', 'aboutFacts'], story: ['sampleStory', 'aboutStory'], rhymes: ['sampleRhymes', 'aboutRhymes'],
  fables: ['sampleFables', 'aboutFables'],
};

export class TextView {
  /** on: {apply({text | blob + name | source, tokenizer, vocabSize}), error(message), cancel(), window(offset)} */
  constructor(ctx, state, on) {
    const { t, id } = ctx;
    this.t = t;
    this.n = numbers(t('lang')); // the lab's number format
    this.on = on;
    const opts = SAMPLES.map((s) => [s, t(SAMPLE_STRINGS[s][0])]);
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
    this.about = h('p', { class: 'hint sample-about', id: id('sample-about') });
    this.sample.input.setAttribute('aria-describedby', this.about.id);
    this.textarea = h('textarea', { rows: 6, spellcheck: 'false' });
    this.textField = field(id('text'), t('yourText'), this.textarea, 'wide');
    this.textarea.addEventListener('input', () => { this.dirty = true; this.applyBtn.disabled = false; });
    // A long paste goes straight to the worker (a text box with megabytes of text freezes the page).
    this.textarea.addEventListener('paste', (e) => {
      const pasted = e.clipboardData?.getData('text/plain') ?? '';
      if (pasted.length <= PREVIEW_CHARS) return;
      e.preventDefault();
      this.applyOwn({ text: pasted });
    });
    this.previewNote = h('p', { class: 'hint preview-note' });
    this.editBtn = h('button', { type: 'button', class: 'link-button', onclick: () => this.editNew() }, t('writeNewText'));
    this.previewRow = h('div', { class: 'preview-row', hidden: true }, this.previewNote, this.editBtn);
    this.progress = h('progress', { max: 1 });
    this.progressText = h('span', { class: 'hint' });
    this.cancelBtn = h('button', { type: 'button', onclick: () => on.cancel() }, t('cancel'));
    this.busy = h('div', { class: 'busy', role: 'status', hidden: true }, this.progress, this.progressText, this.cancelBtn);
    // Drop a file anywhere on the text section.
    this.dropZone = null;
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
    // Where in the text the token window is (a long text is shown a window at a time).
    this.where = h('input', { type: 'range', min: 0, max: 0, step: 1, value: 0, id: id('where') });
    this.whereField = field(id('where'), t('tokensWhere'), this.where, 'wide');
    this.whereField.wrap.hidden = true;
    this.where.addEventListener('change', () => on.window(Number(this.where.value)));
    this.legend = h('p', { class: 'hint' }, t('tokensLegend'));
    this.source = current;
    this.el = h('div', {},
      h('p', { class: 'intro' }, t('sTextIntro')),
      h('div', { class: 'row' }, this.sample.wrap, h('div', { class: 'field' }, h('span', { class: 'label-spacer' }, '\u00a0'), fileButton), this.file),
      this.about, this.textField.wrap, this.previewRow, this.busy,
      h('div', { class: 'row' }, this.tokenizer.wrap, this.vocab.wrap, h('div', { class: 'field' }, h('span', { class: 'label-spacer' }, '\u00a0'), this.applyBtn)),
      this.summary, this.whereField.wrap, this.legend, this.tokens);
    this.el.addEventListener('dragover', (e) => { if (e.dataTransfer?.types?.includes('Files')) e.preventDefault(); });
    this.el.addEventListener('drop', (e) => {
      const f = e.dataTransfer?.files?.[0];
      if (!f) return;
      e.preventDefault();
      this.takeFile(f);
    });
  }

  /** A text of the learner's own (a file, a drop, a long paste): checked and read in the worker. */
  applyOwn(what) {
    this.sample.input.value = 'custom';
    this.dirty = false;
    this.applyBtn.disabled = true;
    this.on.apply({ ...what, tokenizer: this.tokenizer.input.value, vocabSize: Number(this.vocab.input.value) });
  }

  takeFile(f) {
    // The one limit for every way in; said at once for a file (the worker checks it again).
    if (f.size > MAX_TEXT_BYTES) {
      this.on.error(this.t('fileTooBig', { name: f.name, size: formatBytes(f.size, this.n.lang), max: formatBytes(MAX_TEXT_BYTES, this.n.lang) }));
      return;
    }
    this.applyOwn({ blob: f, name: f.name });
  }

  /** Reading or tokenizing a big text: a progress bar (bytes read when known) and Cancel. */
  setBusy(on) {
    this.busy.hidden = !on;
    if (on) this.setProgress(0, null);
  }

  setProgress(loaded, total) {
    if (total) this.progress.value = Math.min(1, loaded / total);
    else this.progress.removeAttribute('value'); // indeterminate
    clear(this.progressText, total ? this.t('reading', { done: formatBytes(loaded, this.n.lang), total: formatBytes(total, this.n.lang) }) : this.t('readingNoTotal', { done: formatBytes(loaded, this.n.lang) }));
  }

  /** Clear a read-only preview to type or paste a new text. */
  editNew() {
    this.textarea.readOnly = false;
    this.textarea.value = '';
    this.previewRow.hidden = true;
    this.sample.input.value = 'custom';
    this.textarea.focus();
  }

  /** Show the (validated) tokenizer settings. */
  setState(state) {
    this.tokenizer.input.value = state.tokenizer;
    this.vocab.input.value = String(state.vocabSize);
    this.vocab.wrap.hidden = state.tokenizer !== 'bpe';
  }

  /** Show a text: info {chars, bytes, preview} from the worker; source: the state's `text`. */
  setText(info, source) {
    const partial = info.preview.length < info.chars || info.chars > PREVIEW_CHARS;
    this.textarea.value = info.preview;
    this.textarea.readOnly = partial;
    this.previewRow.hidden = !partial;
    clear(this.previewNote, partial ? this.t('previewNote', { shown: this.n.int(info.preview.length), chars: this.n.int(info.chars), size: formatBytes(info.bytes, this.n.lang) }) : '');
    this.source = source;
    this.sample.input.value = SAMPLES.includes(source) ? source : 'custom';
    clear(this.about, this.t(SAMPLES.includes(source) ? SAMPLE_STRINGS[source][1] : 'aboutCustom', { size: formatBytes(info.bytes, this.n.lang) }));
    this.dirty = false;
    this.applyBtn.disabled = true;
  }

  onSample() {
    const v = this.sample.input.value;
    if (v === 'custom') { this.textarea.focus(); return; }
    this.on.apply({ source: v, tokenizer: this.tokenizer.input.value, vocabSize: Number(this.vocab.input.value) });
  }

  onFile() {
    const f = this.file.files?.[0];
    if (!f) return;
    this.file.value = '';
    this.takeFile(f);
  }

  apply() {
    if (this.textarea.readOnly) { // a preview of a long text: only the tokenizer changed
      this.on.apply({ tokenizer: this.tokenizer.input.value, vocabSize: Number(this.vocab.input.value) });
      return;
    }
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

  /** No tokens to show (the model cannot read this text): say why instead. */
  setTokensNote(message) {
    clear(this.summary, message);
    this.tokens.replaceChildren();
    this.whereField.wrap.hidden = true;
  }

  /** A window of the text as tokens: summary {vocabSize, total, offset, end, length, tokens}. */
  setTokens(summary, chars, sampleBytes = 0) {
    const t = this.t;
    const parts = [t('tokensSummary', { chars: this.n.int(chars), tokens: this.n.int(summary.total), vocab: this.n.int(summary.vocabSize) })];
    if (sampleBytes) parts.push(t('bpeSampled', { sample: formatBytes(sampleBytes, this.n.lang) }));
    const whole = summary.offset === 0 && summary.end >= summary.length;
    if (!whole) parts.push(t('tokensWindow', { shown: this.n.int(summary.tokens.length), from: this.n.int(summary.offset), to: this.n.int(summary.end), length: this.n.int(summary.length) }));
    clear(this.summary, parts.join(' '));
    this.whereField.wrap.hidden = whole && summary.offset === 0;
    this.where.max = String(Math.max(0, summary.length - 1));
    if (this.where.getRootNode().activeElement !== this.where) this.where.value = String(summary.offset);
    const frag = document.createDocumentFragment();
    summary.tokens.forEach((tok) => {
      frag.append(h('span', { class: `tok c${tok.id % 6}`, role: 'listitem', title: `id ${tok.id}` },
        h('span', { class: 'tok-text' }, showToken(tok.text)), h('span', { class: 'tok-id' }, String(tok.id))));
      if (tok.text.includes('\n')) frag.append(h('span', { class: 'nl', 'aria-hidden': 'true' }));
    });
    this.tokens.replaceChildren(frag);
  }
}
