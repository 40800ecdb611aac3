// Shared bits for the node tests: the engine, the sample text, the CLI runner.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const samplePath = path.join(repo, 'web/samples/facts.txt');
export const sampleText = readFileSync(samplePath, 'utf8');

/** Settings small enough for quick tests, big enough to learn. */
export const small = { nLayer: 2, nHead: 4, nEmbd: 32, blockSize: 32, batchSize: 8, lr: 3e-3, seed: 7 };

/** Runs `node wasm/cli.mjs ...args`; returns {code, stdout, stderr, json (last stdout line parsed)}. */
export function cli(args, opts = {}) {
  const r = spawnSync(process.execPath, [path.join(repo, 'wasm/cli.mjs'), ...args], {
    encoding: 'utf8', cwd: opts.cwd ?? repo, timeout: 120000,
  });
  const lines = r.stdout.trim().split('\n').filter(Boolean);
  let json = null;
  try { json = JSON.parse(lines[lines.length - 1]); } catch { /* not JSON */ }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

/** Entropy (nats) of the unigram distribution of the text's characters: what a model that ignores context reaches. */
export function unigramEntropy(text) {
  const counts = new Map();
  const chars = [...text];
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) { const p = n / chars.length; h -= p * Math.log(p); }
  return h;
}

/** Asserts the CLI's refusal contract: exit 2 and exactly one stderr line `error: …` matching re. */
export function expectError(r, re) {
  assert.equal(r.code, 2, `exit 2, got ${r.code}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0], /^error: /);
  assert.match(lines[0], re);
}

/** A .safetensors file's header (parsed JSON) and data section (a copy). */
export function splitSafetensors(bytes) {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.slice(8 + n) };
}

/** A .safetensors file from a header (an object, or JSON text taken as is) and a data section. */
export function joinSafetensors(header, data) {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}
