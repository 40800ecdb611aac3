// Section 4's requests (no DOM of its own): the prediction bars for the prompt, sampled
// continuations with their longest copy from the text, and while training a sample every few
// seconds (char-rnn style) — each at most one at a time, so a slow worker never piles them up.
import { h, clear } from '../dom.js';

const PREDICT_MS = 600;         // live prediction bars while training
const SAMPLE_MS = 6000;         // a sample of the model's writing while it trains
const SAMPLE_TOKENS = 120;

export class PredictFeed {
  /** session: LabSession; view(): the current PredictView (a re-render makes a new one); fail(message) */
  constructor(session, view, fail) {
    this.session = session;
    this.view = view;
    this.fail = fail;
    this.lastPredict = 0;
    this.lastSample = 0;
  }

  /** While training: the bars, when they are due. */
  refreshIfDue(now) { if (now - this.lastPredict > PREDICT_MS) this.refresh(); }

  /** While training (at `step`): a sample, when one is due. */
  sampleIfDue(now, step) { if (now - this.lastSample > SAMPLE_MS) this.liveSample(step); }

  async refresh() {
    const s = this.session;
    if (!s.info) return;
    if (this.busy) { this.again = true; return; }
    this.busy = true;
    this.lastPredict = performance.now();
    try {
      const list = await s.client.call('predict', { prompt: s.prompt(), topK: s.state.topK });
      this.view().setPredictions(list);
    } catch (e) {
      clear(this.view().bars, h('p', { class: 'message error' }, e.message));
    } finally {
      this.busy = false;
      if (this.again) { this.again = false; this.refresh(); }
    }
  }

  /** The Generate button: a continuation of the prompt, and how much of it is copied from the text. */
  async generate({ temperature, topK, n }) {
    const s = this.session;
    if (!s.info) return;
    try {
      const text = await s.client.call('generate', { prompt: s.prompt(), n, opts: { temperature, topK, seed: s.state.seed } });
      this.view().setGenerated(s.prompt(), text);
      this.view().setCopy(await s.client.call('longestCopy', { sample: text }));
    } catch (e) { this.fail(e.message); }
  }

  /** While training: what the model writes now, and how much of it is copied from the text. */
  async liveSample(step) {
    if (this.sampleBusy) return;
    this.sampleBusy = true;
    this.lastSample = performance.now();
    const s = this.session;
    try {
      const st = s.state;
      const text = await s.client.call('generate', { prompt: s.prompt(), n: SAMPLE_TOKENS, opts: { temperature: st.temperature, topK: st.topK, seed: st.seed + step } });
      const copy = await s.client.call('longestCopy', { sample: text });
      this.view().addLiveSample(step, s.prompt(), text, copy);
    } catch { /* a new model or a stopped worker: the next sample will do */ } finally { this.sampleBusy = false; }
  }
}
