// The optimizer's own update of one weight, as lines of arithmetic with the model's numbers (no
// DOM). Each line: {id, formula, terms, value}: "formula = terms = value". The numbers come from
// the engine (trainer.inspectStep().weight); what is derived here (m̂, v̂, the step) is the same
// arithmetic the engine's update does, so the last line ends on the engine's new weight.

/**
 * Lines for SGD (new = w − lr·g), momentum (v = μ·v + g, new = w − lr·v) or AdamW (moments, bias
 * correction, step lr·m̂/(√v̂+ε), decoupled weight decay lr·wd·w). num formats a number.
 */
export function updateLines(w, num) {
  const lines = [];
  const n = (x, d = 5) => (x < 0 ? `(${num(x, d)})` : num(x, d)); // a term: negatives in brackets
  const wd = w.weightDecay;
  if (w.clipScale < 1) {
    lines.push({ id: 'clip', formula: 'g = g_raw × clip', terms: `${n(w.rawGrad)} × ${n(w.clipScale)}`, value: w.grad });
  }
  const step = (formula, terms) => lines.push({ id: 'step', formula: `update = ${formula}`, terms, value: -w.update, digits: 6 });
  if (w.optimizer === 'sgd') {
    if (wd > 0) step('lr·(g + wd·w)', `${n(w.lr)} × (${n(w.grad)} + ${n(wd)} × ${n(w.value, 7)})`);
    else step('lr·g', `${n(w.lr)} × ${n(w.grad)}`);
  } else if (w.optimizer === 'momentum') {
    lines.push(wd > 0
      ? { id: 'm', formula: 'v = μ·v + g + wd·w', terms: `${n(w.momentum)} × ${n(w.mBefore)} + ${n(w.grad)} + ${n(wd)} × ${n(w.value, 7)}`, value: w.mAfter }
      : { id: 'm', formula: 'v = μ·v + g', terms: `${n(w.momentum)} × ${n(w.mBefore)} + ${n(w.grad)}`, value: w.mAfter });
    step('lr·v', `${n(w.lr)} × ${n(w.mAfter)}`);
  } else {
    const mHat = w.mAfter / w.bias1;
    const vHat = w.vAfter / w.bias2;
    lines.push({ id: 'm', formula: 'm = β1·m + (1−β1)·g', terms: `${n(w.beta1)} × ${n(w.mBefore)} + ${n(1 - w.beta1)} × ${n(w.grad)}`, value: w.mAfter });
    lines.push({ id: 'v', formula: 'v = β2·v + (1−β2)·g²', terms: `${n(w.beta2)} × ${n(w.vBefore)} + ${n(1 - w.beta2)} × (${num(w.grad, 5)})²`, value: w.vAfter });
    lines.push({ id: 'bias1', formula: '1 − β1^t', terms: `1 − ${n(w.beta1)}^${w.t}`, value: w.bias1 });
    lines.push({ id: 'bias2', formula: '1 − β2^t', terms: `1 − ${n(w.beta2)}^${w.t}`, value: w.bias2 });
    lines.push({ id: 'mhat', formula: 'm̂ = m / (1 − β1^t)', terms: `${n(w.mAfter)} / ${n(w.bias1)}`, value: mHat });
    lines.push({ id: 'vhat', formula: 'v̂ = v / (1 − β2^t)', terms: `${n(w.vAfter)} / ${n(w.bias2)}`, value: vHat });
    const adam = `${n(w.lr)} × ${n(mHat)} / (√${n(vHat)} + ${n(w.eps, 2)})`;
    if (wd > 0) step('lr·m̂/(√v̂+ε) + lr·wd·w', `${adam} + ${n(w.lr)} × ${n(wd)} × ${n(w.value, 7)}`);
    else step('lr·m̂ / (√v̂ + ε)', adam);
  }
  lines.push({ id: 'new', formula: 'new = w − update', terms: `${n(w.value, 7)} − ${n(-w.update, 6)}`, value: w.newValue, digits: 7 });
  return lines;
}

/** Did this weight move against this step's own gradient (momentum or Adam's memory at work)? */
export function movedAgainstGradient(w) {
  return w.grad !== 0 && w.update !== 0 && Math.sign(w.update) === Math.sign(w.grad);
}
