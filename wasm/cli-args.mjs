// Strict option parsing for the CLI: every value is checked and a bad one is named, with what is allowed.
import { statSync } from 'node:fs';

export class UsageError extends Error {}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function checkValue(name, raw, spec) {
  if (spec === 'string') return raw;
  if (spec === 'file') {
    let st;
    try { st = statSync(raw); } catch { throw new UsageError(`--${name}: file "${raw}" does not exist`); }
    if (!st.isFile()) throw new UsageError(`--${name}: "${raw}" is not a file`);
    return raw;
  }
  const [kind, ...args] = spec;
  if (kind === 'enum') {
    if (!args.includes(raw)) throw new UsageError(`--${name} must be one of ${args.join(', ')}; got "${raw}"`);
    return raw;
  }
  if (!NUMBER.test(raw)) throw new UsageError(`--${name} must be a number, got "${raw}"`);
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new UsageError(`--${name} must be a finite number, got "${raw}"`);
  if (kind === 'int') {
    const [lo, hi] = args;
    if (!Number.isInteger(v) || v < lo || v > hi) throw new UsageError(`--${name} must be a whole number between ${lo} and ${hi}, got "${raw}"`);
  } else if (kind === 'pos' && !(v > 0)) {
    throw new UsageError(`--${name} must be greater than 0, got "${raw}"`);
  } else if (kind === 'nonneg' && !(v >= 0)) {
    throw new UsageError(`--${name} must be 0 or more, got "${raw}"`);
  }
  return v;
}

/** Parses ["--steps", "10", "--lr=0.1", …] against spec {name: 'string'|'file'|[kind, …]}. */
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
    if (!(name in spec)) {
      const allowed = Object.keys(spec).map((k) => `--${k}`).join(', ');
      throw new UsageError(`unknown option --${name}; allowed: ${allowed || 'none'}`);
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
      value = argv[++i];
    }
    if (name in options) throw new UsageError(`--${name} is given twice`);
    options[name] = checkValue(name, value, spec[name]);
  }
  return { options, positional };
}
