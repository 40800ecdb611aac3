// Section 6's actions: show that generating leaves the weights as they are, and that one training
// step changes them (a fingerprint of the weights before and after).
export class InferActions {
  /** session: LabSession; view(): the current InferView; lab: {fail(message), refreshPredict(), refreshPairs()} */
  constructor(session, view, lab) {
    this.session = session;
    this.view = view;
    this.lab = lab;
  }

  async generate() {
    const s = this.session;
    if (!s.info || s.running) return;
    try {
      const before = await s.client.call('fingerprint');
      const text = await s.client.call('generate', { prompt: s.prompt(), n: 40, opts: { temperature: s.state.temperature, topK: s.state.topK, seed: s.state.seed } });
      const after = await s.client.call('fingerprint');
      this.view().showCompare(before, after, s.prompt() + text);
    } catch (e) { this.lab.fail(e.message); }
  }

  /** One training step between two fingerprints (in the session's queue of actions). */
  trainStep() { return this.session.serial(() => this.doTrainStep()); }

  async doTrainStep() {
    const s = this.session;
    if (!s.info || s.running) return;
    try {
      const before = await s.client.call('fingerprint');
      await s.trainSteps(1);
      const after = await s.client.call('fingerprint');
      this.view().showCompare(before, after, '');
      this.lab.refreshPredict();
      this.lab.refreshPairs();
    } catch (e) { this.lab.fail(e.message); }
  }

  async refreshFingerprint() {
    try { this.view().setFingerprint(await this.session.client.call('fingerprint')); } catch { /* shown elsewhere */ }
  }
}
