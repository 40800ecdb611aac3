// Reading a training text off the page thread (the training worker runs this): from a URL, a
// file (Blob) or a string, with the size limit checked before anything big is read, UTF-8
// checked strictly (no silent U+FFFD), progress reported as it streams, and a cancel that stops it.
// No DOM. Errors are one-line messages naming the value and the limit.
import { MAX_TEXT_BYTES, MIN_TEXT_CHARS, formatBytes } from './text-limits.js';

export class TextReadError extends Error {}

/** Number of Unicode code points (what the lab calls characters) in `text`. */
export function countChars(text) {
  let pairs = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) { pairs += 1; i += 1; }
  }
  return text.length - pairs;
}

const tooBig = (what, bytes) => new TextReadError(
  `${what} is too big (${formatBytes(bytes)}); the lab takes texts of at most ${formatBytes(MAX_TEXT_BYTES)}: use a part of it`);

/**
 * @param {{text?: string, url?: string, blob?: Blob, name?: string}} source
 * @param {{onProgress?: (loaded: number, total: number|null) => void, cancelled?: () => boolean}} [opts]
 * @returns {Promise<{text: string, bytes: number}>}
 */
export async function readText(source, { onProgress = () => {}, cancelled = () => false } = {}) {
  let text;
  let bytes;
  if (typeof source?.text === 'string') {
    text = source.text;
    // A string's UTF-8 size is at least its length; count exactly only when it could be over.
    bytes = text.length * 3 <= MAX_TEXT_BYTES ? text.length : new TextEncoder().encode(text).length;
    if (bytes > MAX_TEXT_BYTES) throw tooBig('The text', bytes);
  } else if (typeof source?.url === 'string') {
    const res = await fetch(source.url);
    if (!res.ok) throw new TextReadError(`HTTP ${res.status}`);
    const total = Number(res.headers.get('Content-Length')) || null;
    if (total && total > MAX_TEXT_BYTES) {
      res.body?.cancel();
      throw tooBig(`The text at ${source.url}`, total);
    }
    ({ text, bytes } = await decodeStream(res.body, total, `The text at ${source.url}`, onProgress, cancelled));
  } else if (source?.blob instanceof Blob) {
    const name = source.name ? `"${source.name}"` : 'The file';
    if (source.blob.size > MAX_TEXT_BYTES) throw tooBig(name, source.blob.size);
    ({ text, bytes } = await decodeStream(source.blob.stream(), source.blob.size, name, onProgress, cancelled));
  } else {
    throw new TextReadError('a text source is {text}, {url} or {blob}');
  }
  if (text.includes('\u0000')) throw new TextReadError('That does not look like plain text (it holds NUL bytes): open a .txt file');
  if (text.trim().length < MIN_TEXT_CHARS) throw new TextReadError(`The text is too short to train on (need at least ${MIN_TEXT_CHARS} characters)`);
  return { text, bytes };
}

async function decodeStream(stream, total, what, onProgress, cancelled) {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parts = [];
  const reader = stream.getReader();
  let loaded = 0;
  let lastReport = 0;
  try {
    for (;;) {
      if (cancelled()) throw new TextReadError('cancelled');
      const { done, value } = await reader.read();
      if (done) break;
      loaded += value.length;
      if (loaded > MAX_TEXT_BYTES) throw tooBig(what, total ?? loaded);
      try {
        parts.push(decoder.decode(value, { stream: true }));
      } catch {
        throw new TextReadError(`${what} is not UTF-8 text (an invalid byte sequence within bytes ${loaded - value.length}–${loaded}): save it as UTF-8`);
      }
      if (loaded - lastReport >= 1 << 20) { lastReport = loaded; onProgress(loaded, total); }
    }
    try { parts.push(decoder.decode()); } catch { throw new TextReadError(`${what} is not UTF-8 text (it ends inside a character): save it as UTF-8`); }
  } catch (e) {
    reader.cancel().catch(() => {}); // stop the download or file read
    throw e;
  }
  onProgress(loaded, total);
  // A leading byte-order mark is not part of the text.
  const text = parts.join('');
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, bytes: loaded };
}
