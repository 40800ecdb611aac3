#!/usr/bin/env node
// `node tests/bench/compare.mjs OLD NEW [--config bench-small] [--rounds 4] [--seconds 6]`:
// which of two builds of the engine trains faster, on this machine, now. OLD and NEW are
// checkouts whose engine is built (wasm/dist), e.g.
//   git worktree add /tmp/old <commit> && (cd /tmp/old && bash .ci/build.sh)
// A VM's speed drifts by a few per cent over minutes to hours, more than one kernel change gains,
// so two separate `npm run bench` runs cannot tell such builds apart. Here every round times both,
// each in a fresh node process, the way `npm run bench` times a config (lab-timing.mjs), the
// first of the pair alternating: the drift hits both alike. Prints tokens/s per run, the means
// and NEW ÷ OLD; nothing here asserts a speed. Bad arguments: exit 2 and one `error:` line.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CONFIGS, LAB_TIMED_SECONDS, benchText, timeLabWasm } from './lab-timing.mjs';

const SELF = fileURLToPath(import.meta.url);
const ROUNDS = { default: 4, min: 1, max: 100 };
const SECONDS = { min: 0.5, max: 60 };
const fmt = (x) => Math.round(x).toLocaleString('en-US');

class UsageError extends Error {}

function parse(argv) {
  const dirs = [];
  const o = { config: 'bench-small', rounds: ROUNDS.default, seconds: LAB_TIMED_SECONDS };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (!a.startsWith('--')) { dirs.push(a); continue; }
    const v = argv[++i];
    if (v === undefined) throw new UsageError(`${a} needs a value`);
    if (a === '--config') {
      if (!CONFIGS.some((c) => c.name === v)) throw new UsageError(`--config ${v}: allowed are ${CONFIGS.map((c) => c.name).join(', ')}`);
      o.config = v;
    } else if (a === '--rounds') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < ROUNDS.min || n > ROUNDS.max) throw new UsageError(`--rounds ${v}: a whole number from ${ROUNDS.min} to ${ROUNDS.max}`);
      o.rounds = n;
    } else if (a === '--seconds') {
      const n = Number(v);
      if (!Number.isFinite(n) || n < SECONDS.min || n > SECONDS.max) throw new UsageError(`--seconds ${v}: a number from ${SECONDS.min} to ${SECONDS.max}`);
      o.seconds = n;
    } else {
      throw new UsageError(`unknown option ${a}; allowed: --config, --rounds, --seconds`);
    }
  }
  if (dirs.length !== 2) throw new UsageError(`two checkouts are needed (OLD NEW), got ${dirs.length}: usage: node tests/bench/compare.mjs OLD NEW [--config NAME] [--rounds N] [--seconds S]`);
  o.builds = dirs.map((d, k) => {
    const dir = path.resolve(d);
    const name = k === 0 ? 'OLD' : 'NEW';
    if (!existsSync(path.join(dir, 'wasm', 'lab.mjs')) || !existsSync(path.join(dir, 'wasm', 'dist', 'lab-core.wasm'))) {
      throw new UsageError(`${name} ${d}: no built engine there (wasm/lab.mjs and wasm/dist/lab-core.wasm); run \`bash .ci/build.sh\` in it`);
    }
    return { name, dir };
  });
  return o;
}

/** One timed run in this process (the child side): tokens/s of `config` with the engine in `dir`. */
async function child(dir, config, seconds) {
  const { loadEngine } = await import(pathToFileURL(path.join(dir, 'wasm', 'lab.mjs')).href);
  const engine = await loadEngine();
  const r = timeLabWasm(engine, benchText(65), CONFIGS.find((c) => c.name === config), seconds);
  console.log(JSON.stringify({ tokensPerSecond: r.tokensPerSecond }));
}

function timeIn(build, o) {
  try {
    const out = execFileSync(process.execPath, [SELF, '--child', build.dir, o.config, String(o.seconds)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: (o.seconds + 120) * 1000 });
    return JSON.parse(out.trim().split('\n').at(-1)).tokensPerSecond;
  } catch (e) {
    const why = String(e.stderr || e.message).trim().split('\n').filter(Boolean).at(-1);
    throw new Error(`${build.name} (${build.dir}) failed: ${why}`);
  }
}

function main(o) {
  const [oldB, newB] = o.builds;
  console.log(`${o.config}, ${o.rounds} rounds of ${o.seconds} s per build, alternating (OLD ${oldB.dir}, NEW ${newB.dir})`);
  console.log('round  OLD tokens/s  NEW tokens/s');
  const sums = { OLD: 0, NEW: 0 };
  for (let r = 0; r < o.rounds; ++r) {
    const got = {};
    for (const b of r % 2 === 0 ? [oldB, newB] : [newB, oldB]) got[b.name] = timeIn(b, o);
    sums.OLD += got.OLD;
    sums.NEW += got.NEW;
    console.log(`${String(r + 1).padEnd(5)}  ${fmt(got.OLD).padStart(12)}  ${fmt(got.NEW).padStart(12)}`);
  }
  const mOld = sums.OLD / o.rounds, mNew = sums.NEW / o.rounds;
  console.log(`mean   ${fmt(mOld).padStart(12)}  ${fmt(mNew).padStart(12)}  NEW ÷ OLD = ${(mNew / mOld).toFixed(3)}`);
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  // The Emscripten module installs a rethrowing uncaughtException handler: report errors here.
  child(argv[1], argv[2], Number(argv[3])).catch((e) => { console.error(`error: ${e?.message ?? e}`); process.exitCode = 1; });
} else {
  try {
    main(parse(argv));
  } catch (e) {
    console.error(`error: ${e.message}`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  }
}
