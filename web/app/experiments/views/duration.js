// A duration as a person reads it, in the lab's language and number format: milliseconds,
// seconds, minutes, hours, days or years (estimate.js humanDuration picks the unit).
import { fmtInt, fmtSig, fmtSci } from '../../dom.js';
import { humanDuration } from '../estimate.js';

/** t: the view's string lookup (its 'lang' entry names the number format). */
export function durationText(t, seconds) {
  const lang = t('lang');
  const x = humanDuration(seconds);
  if (x.unit === 'lessThanMs') return t('unit_lessThanMs');
  let value = Number.isInteger(x.value) ? fmtInt(x.value, lang) : fmtSig(x.value, 3, lang);
  if (!x.scale && x.value >= 1e6) value = fmtSci(x.value, 2, lang); // beyond "trillion years"

  const unit = t(`unit_${x.unit}`);
  return x.scale ? `${value} ${t(x.scale)} ${unit}` : `${value} ${unit}`;
}
