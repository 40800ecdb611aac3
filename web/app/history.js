// The loss history of one lab (no DOM): every training loss, and validation losses at the steps
// they were measured. Gives the chart a bounded number of points however long the run.

export class LossHistory {
  constructor() { this.clear(); }

  clear() {
    this.steps = [];   // step number of each training loss
    this.losses = [];
    this.val = [];     // [{step, valLoss, trainLoss}]
  }

  /** Add the per-step losses of a chunk that ended at `lastStep`. */
  addLosses(lastStep, losses) {
    const n = losses.length;
    for (let i = 0; i < n; i++) {
      this.steps.push(lastStep - n + 1 + i);
      this.losses.push(losses[i]);
    }
  }

  addVal(v) {
    if (!v || !Number.isFinite(v.valLoss)) return;
    const last = this.val.at(-1);
    if (last && last.step === v.step) return;
    if (last && v.step < last.step) this.val = this.val.filter((x) => x.step < v.step);
    this.val.push(v);
  }

  get lastLoss() { return this.losses.at(-1) ?? null; }
  get lastVal() { return this.val.at(-1)?.valLoss ?? null; }

  /** uPlot data [x, train, val] with at most maxPoints points (bucket means). */
  series(maxPoints = 600) {
    const n = this.losses.length;
    const xs = [], tr = [], va = [];
    const bucket = Math.max(1, Math.ceil(n / maxPoints));
    for (let i = 0; i < n; i += bucket) {
      let s = 0, c = 0;
      for (let j = i; j < Math.min(n, i + bucket); j++) { s += this.losses[j]; c++; }
      xs.push(this.steps[Math.min(n, i + bucket) - 1]);
      tr.push(s / c);
      va.push(null);
    }
    // Put each validation point on its own x (merged in step order) so none is lost.
    for (const v of this.val) {
      let k = xs.findIndex((x) => x >= v.step);
      if (k === -1) k = xs.length;
      if (xs[k] === v.step) { va[k] = v.valLoss; continue; }
      xs.splice(k, 0, v.step);
      tr.splice(k, 0, null);
      va.splice(k, 0, v.valLoss);
    }
    return [xs, tr, va];
  }
}
