// Strict option parsing for the CLI: every value is checked and a bad one is named, with what is allowed.
// A spec maps an option name to its type, or to {type, help, setting, …} (the command reads the extra keys):
//   'string' | 'file' (must exist) | 'outfile' (its folder must take a new file) | 'bool' (--x / --no-x)
//   ['enum', a, b, …] | ['int', lo, hi] | ['num', lo, hi] | ['num', lo, hi, 'open'] (hi excluded)
//   ['pos'] (> 0) | ['nonneg'] (≥ 0) | ['limit', row] (a row of engine.limits(): {min, max, integer, minOpen, maxOpen, range})
import { closeSync, openSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';

export class UsageError extends Error {}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const typeOf = (entry) => (entry && typeof entry === 'object' && !Array.isArray(entry) ? entry.type : entry);

/** Throws a UsageError unless a new file can be written at `file` (tried for real: root ignores permission bits). */
export function checkWritable(name, file) {
  if (file === '') throw new UsageError(`--${name} needs a file name, got ""`);
  let st = null;
  try { st = statSync(file); } catch { /* a new file */ }
  if (st?.isDirectory()) throw new UsageError(`--${name}: "${file}" is a folder; give a file name`);
  const dir = path.dirname(path.resolve(file));
  let dst = null;
  try { dst = statSync(dir); } catch { /* reported below */ }
  if (!dst) throw new UsageError(`--${name}: folder "${dir}" does not exist`);
  if (!dst.isDirectory()) throw new UsageError(`--${name}: "${dir}" is not a folder`);
  try {
    closeSync(openSync(file, 'a'));
    if (!st) unlinkSync(file);
  } catch (e) {
    throw new UsageError(`--${name}: cannot write "${file}" (${e.code ?? e.message})`);
  }
  return file;
}

function checkNumber(name, raw, kind, args) {
  if (!NUMBER.test(raw)) throw new UsageError(`--${name} must be a number, got "${raw}"`);
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new UsageError(`--${name} must be a finite number, got "${raw}"`);
  const [lo, hi, open] = args;
  if (kind === 'int') {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new UsageError(`--${name} must be a whole number between ${lo} and ${hi}, got "${raw}"`);
  } else if (kind === 'num') {
    if (v < lo || (open ? v >= hi : v > hi)) {
      throw new UsageError(`--${name} must be at least ${lo} and ${open ? 'below' : 'at most'} ${hi}, got "${raw}"`);
    }
  } else if (kind === 'limit') {
    const [l] = args;
    const ok = (!l.integer || Number.isInteger(v)) && (l.minOpen ? v > l.min : v >= l.min) && (l.maxOpen ? v < l.max : v <= l.max);
    if (!ok) throw new UsageError(`--${name} must be ${l.integer ? 'a whole number ' : ''}${l.range}, got "${raw}"`);
  } else if (kind === 'pos' && !(v > 0)) {
    throw new UsageError(`--${name} must be greater than 0, got "${raw}"`);
  } else if (kind === 'nonneg' && !(v >= 0)) {
    throw new UsageError(`--${name} must be 0 or more, got "${raw}"`);
  }
  return v;
}

function checkValue(name, raw, type) {
  if (type === 'string') return raw;
  if (type === 'outfile') return checkWritable(name, raw);
  if (type === 'bool') {
    if (raw !== 'true' && raw !== 'false') throw new UsageError(`--${name} must be true or false, got "${raw}"`);
    return raw === 'true';
  }
  if (type === 'file') {
    let st;
    try { st = statSync(raw); } catch { throw new UsageError(`--${name}: file "${raw}" does not exist`); }
    if (!st.isFile()) throw new UsageError(`--${name}: "${raw}" is not a file`);
    return raw;
  }
  const [kind, ...args] = type;
  if (kind === 'enum') {
    if (!args.includes(raw)) throw new UsageError(`--${name} must be one of ${args.join(', ')}; got "${raw}"`);
    return raw;
  }
  return checkNumber(name, raw, kind, args);
}

/** Parses ["--steps", "10", "--lr=0.1", "--no-bias", …] against a spec (see the top of this file). */
export function parseArgs(argv, spec, allowPositional = false) {
  const options = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      if (allowPositional) { positional.push(arg); continue; }
      throw new UsageError(`unexpected argument "${arg}"; options start with --`);
    }
    let name = arg.slice(2);
    let value;
    const eq = name.indexOf('=');
    if (eq >= 0) { value = name.slice(eq + 1); name = name.slice(0, eq); }
    if (value === undefined && name.startsWith('no-') && typeOf(spec[name.slice(3)]) === 'bool') {
      name = name.slice(3);
      value = 'false';
    }
    if (!(name in spec)) {
      const allowed = Object.keys(spec).map((k) => `--${k}`).join(', ');
      throw new UsageError(`unknown option --${name}; allowed: ${allowed || 'none'}`);
    }
    const type = typeOf(spec[name]);
    // A bool takes `--x`, `--no-x`, `--x=false` or `--x false`.
    if (value === undefined && type === 'bool') value = i + 1 < argv.length && !argv[i + 1].startsWith('--') ? argv[++i] : 'true';
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
      value = argv[++i];
    }
    if (name in options) throw new UsageError(`--${name} is given twice`);
    options[name] = checkValue(name, value, type);
  }
  return { options, positional };
}
