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

/** Validation checks needed before the page says what the curves mean. */
export const VERDICT_POINTS = 3;
const FLAT = 0.01; // a change of the loss smaller than this (nats) counts as flat
const RISE = 0.02; // validation this far above its best, with training still falling: memorizing

/**
 * What a run's validation checks say: {key} of a verdict string, with the steps and losses it
 * was read from. Memorizing: validation has risen from its best while training kept falling;
 * otherwise the trend over the last VERDICT_POINTS checks. val: [{step, valLoss, trainLoss}].
 */
export function lossVerdict(val) {
  const pts = val.filter((p) => Number.isFinite(p.valLoss) && Number.isFinite(p.trainLoss));
  if (pts.length < VERDICT_POINTS) return { key: 'verdictWait', n: pts.length };
  const b = pts.at(-1);
  const best = pts.reduce((x, p) => (p.valLoss < x.valLoss ? p : x));
  const memorizing = b.valLoss - best.valLoss > RISE && b.trainLoss < best.trainLoss - FLAT;
  const a = memorizing ? best : pts.at(-VERDICT_POINTS);
  const dv = b.valLoss - a.valLoss, dt = b.trainLoss - a.trainLoss;
  let key;
  if (memorizing || (dt < -FLAT && dv > FLAT)) key = 'verdictMemorizing';
  else if (dt < -FLAT && dv < -FLAT) key = 'verdictLearning';
  else if (Math.abs(dt) <= FLAT && Math.abs(dv) <= FLAT) key = 'verdictFlat';
  else if (dv > FLAT) key = 'verdictRising';
  else key = 'verdictMixed';
  return { key, from: a.step, to: b.step, v0: a.valLoss, v1: b.valLoss, t0: a.trainLoss, t1: b.trainLoss };
}
