#!/usr/bin/env node
// `npm run bench`: how fast the lab trains, against TensorFlow.js and against the machine's limit.
//
// In one run, single thread, in node:
//  1. our wasm engine trains bench-small and bench-medium (AdamW, no clipping, lr 1e-3): tokens/s
//     and model GFLOP/s, FLOPs/step = B·T·(6·N + 12·L·T·C) with N = L·12·C² + V·C;
//  2. the native engine's training-step benchmarks (build/lab_bench), when it has them;
//  3. the same model in TensorFlow.js (wasm backend, SIMD, one thread), initialised from our
//     checkpoint and trained on the same batches: the loss curves must agree, and its steps are timed;
//  4. a compute-bound wasm SIMD mul+add loop: the peak the model's GFLOP/s is compared with;
//  5. the gzip size of the engine (.wasm + .mjs) against the 150 KB budget;
//  6. data-parallel training (wasm/parallel.mjs) with 1 and 2 worker threads on bench-medium and
//     nanoGPT's CPU config: tokens/s and the speed-up of 2 workers over 1.
// Prints a table and writes tests/artifacts/bench.json. Nothing here asserts a speed; the exit code
// is 1 only if the two engines do not learn the same way (or something fails to run).
import { readFileSync, writeFileSync, mkdirSync, existsSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEngine } from '../../wasm/lab.mjs';
import { parseSafetensors } from './safetensors.mjs';
import { loadTfjsWasm, TfjsGpt } from './tfjs-gpt.mjs';
import { measureWasmSimdPeak } from './wasm-peak.mjs';
import { createParallelTrainer, spawnNodeReplica } from '../../wasm/parallel.mjs';
import { CHUNK_SECONDS, CONFIGS, LAB_TIMED_SECONDS, OPTIM, benchText, flopsPerStep, timeLabWasm, trainerSettings } from './lab-timing.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = path.join(root, 'tests', 'artifacts', 'bench.json');
const NATIVE_BENCH = process.env.LAB_BENCH ?? path.join(root, 'build', 'lab_bench');  // env: for another build dir
const SIZE_BUDGET = 150 * 1024;  // .wasm + .mjs, gzip -9

// Data-parallel runs: bench-medium and the nanoGPT config, on 1, 2 and all of the machine's cores.
const PARALLEL_CONFIGS = [CONFIGS[1], CONFIGS[2]];
const PARALLEL_WORKERS = [...new Set([1, 2, os.availableParallelism()])].sort((a, b) => a - b);
// Time budgets (seconds) of the learning comparison; the whole run stays ~1–3 minutes.
const CURVE_STEPS = { 'bench-small': 30, 'bench-medium': 10 };       // the learning comparison
const TFJS_SECONDS = { xnnpack: { 'bench-small': 20, 'bench-medium': 20 }, plain: { 'bench-small': 8, 'bench-medium': 10 } };
// Agreement: same weights, same batches, same math in float32 ⇒ the first loss equal to rounding,
// the curves within a small relative gap (Adam's first steps amplify rounding a little).
const FIRST_LOSS_TOL = 1e-3;
const CURVE_REL_TOL = 0.01;

const fmt = (x, digits = 0) => (x == null || !Number.isFinite(x) ? '—'
  : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const log = (...a) => console.error(...a);

/** mulberry32: a small seeded PRNG, so the batch sequence is the same on every run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` fixed batches: slices of B·T+1 characters, which the engine's stepOnText cuts into exactly
 * B windows of T+1 tokens (stride T), and the same [B,T] inputs/targets as token ids for TensorFlow.js.
 */
function fixedBatches(text, vocab, cfg, count) {
  const id = new Map(vocab.map((ch, i) => [ch, i]));
  const need = cfg.B * cfg.T + 1;
  const rand = prng(0xbe7c4);
  const batches = [];
  for (let s = 0; s < count; ++s) {
    const off = Math.floor(rand() * (text.length - need));
    const slice = text.slice(off, off + need);
    const ids = Array.from(slice, (ch) => {
      if (!id.has(ch)) throw new Error(`character ${JSON.stringify(ch)} is not in the model's vocabulary`);
      return id.get(ch);
    });
    const inputs = new Int32Array(cfg.B * cfg.T), targets = new Int32Array(cfg.B * cfg.T);
    for (let b = 0; b < cfg.B; ++b) {
      for (let t = 0; t < cfg.T; ++t) {
        inputs[b * cfg.T + t] = ids[b * cfg.T + t];
        targets[b * cfg.T + t] = ids[b * cfg.T + t + 1];
      }
    }
    batches.push({ slice, inputs, targets });
  }
  return batches;
}

/**
 * Tokens/s with `workers` replica threads (1 = the plain trainer in this thread, what the CLI's
 * --workers 1 runs), timed like timeLabWasm after a warm-up; busySeconds: the time the workers
 * spent computing, summed over them (1 worker: the engine's own time).
 */
async function timeParallel(engine, text, cfg, workers) {
  const t = workers === 1 ? engine.createTrainer(text, trainerSettings(cfg))
    : await createParallelTrainer({ spawn: spawnNodeReplica, workers, text, settings: trainerSettings(cfg) });
  try {
    await t.train(3);
    let steps = 0, seconds = 0, busySeconds = 0;
    while (seconds < LAB_TIMED_SECONDS) {
      const t0 = performance.now();
      const r = await t.train(5);
      if (r.diverged) throw new Error(`${cfg.name}, ${workers} workers: training diverged: ${r.diverged.message}`);
      seconds += (performance.now() - t0) / 1000;
      busySeconds += r.busySeconds ? r.busySeconds.reduce((a, b) => a + b, 0) : r.seconds;
      steps += 5;
    }
    return { config: cfg.name, workers, steps, seconds, busySeconds, tokensPerSecond: (steps * cfg.B * cfg.T) / seconds };
  } finally {
    await t.dispose();
  }
}

/** The native engine's training-step benchmarks, if build/lab_bench has any. */
function timeLabNative() {
  if (!existsSync(NATIVE_BENCH)) return { rows: [], note: 'build/lab_bench is not built (cmake --build build): native skipped' };
  let names;
  try {
    names = execFileSync(NATIVE_BENCH, ['--benchmark_list_tests=true'], { encoding: 'utf8', timeout: 30000 })
      .split('\n').map((s) => s.trim()).filter(Boolean);
  } catch (e) {
    return { rows: [], note: `build/lab_bench --benchmark_list_tests failed: ${String(e.message).split('\n')[0]}` };
  }
  const isTrain = (n) => /train/i.test(n);
  const train = names.filter(isTrain);
  if (!train.length) return { rows: [], note: 'build/lab_bench has no training-step benchmark (only kernel ones): native skipped' };
  let json;
  try {
    const out = execFileSync(NATIVE_BENCH, ['--benchmark_filter=[Tt]rain', '--benchmark_format=json', '--benchmark_min_time=2'],
      { encoding: 'utf8', timeout: 180000, maxBuffer: 64 << 20 });
    json = JSON.parse(out);
  } catch (e) {
    return { rows: [], note: `build/lab_bench training benchmarks failed: ${String(e.message).split('\n')[0]}` };
  }
  const unit = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1 };
  const rows = [];
  for (const b of json.benchmarks ?? []) {
    if (b.run_type === 'aggregate' || b.error_occurred) continue;
    const name = String(b.name);
    const cfg = CONFIGS.find((c) => name.toLowerCase().includes(c.name.replace('bench-', '')))
      ?? CONFIGS.find((c) => new RegExp(`\\bT:${c.T}\\b`).test(name) && new RegExp(`\\bC:${c.C}\\b`).test(name));
    if (!cfg) continue;
    const secondsPerStep = b.real_time * (unit[b.time_unit] ?? 1e-9);
    const tokensPerSecond = b.tokens_per_second ?? b['tokens/s'] ?? b.items_per_second ?? (cfg.B * cfg.T) / secondsPerStep;
    rows.push({ config: cfg.name, engine: 'lab native', benchmark: name, steps: b.iterations, seconds: secondsPerStep * b.iterations, tokensPerSecond });
  }
  const note = rows.length ? null : `build/lab_bench training benchmarks (${train.join(', ')}) name no known config: native skipped`;
  return { rows, note };
}

/** Our engine on the fixed batches, one stepOnText per batch: the reference loss curve. */
function labCurve(engine, text, cfg, steps) {
  const trainer = engine.createTrainer(text, trainerSettings(cfg));
  try {
    const info = trainer.info();
    if (info.config.vocab_size !== cfg.V) throw new Error(`${cfg.name}: vocab_size ${info.config.vocab_size}, expected ${cfg.V}`);
    const checkpoint = parseSafetensors(trainer.exportCheckpoint(false));
    const batches = fixedBatches(text, trainer.vocab(), cfg, steps);
    const B = trainer.countTokens(batches[0].slice);
    if (B !== cfg.B * cfg.T + 1) throw new Error(`${cfg.name}: a batch slice has ${B} tokens, expected ${cfg.B * cfg.T + 1}`);
    const losses = [];
    const t0 = performance.now();
    for (const b of batches) losses.push(trainer.stepOnText(b.slice));
    return { checkpoint, batches, losses, seconds: (performance.now() - t0) / 1000, config: info.config };
  } finally {
    trainer.dispose();
  }
}

/** TensorFlow.js from the same weights on the same batches, for up to `budget` seconds of steps. */
function tfjsRun(tfjs, ref, cfg, arrangement, budget) {
  const model = new TfjsGpt(tfjs.tf, ref.config, ref.checkpoint.tensors, { arrangement, ...OPTIM });
  try {
    const losses = [], times = [];
    const tensorsBefore = tfjs.tf.memory().numTensors;
    let tensorsAfterFirst = 0;
    for (const b of ref.batches) {
      const t0 = performance.now();
      losses.push(model.step(b.inputs, b.targets, cfg.B, cfg.T));
      times.push((performance.now() - t0) / 1000);
      if (losses.length === 1) tensorsAfterFirst = tfjs.tf.memory().numTensors;
      const spent = times.reduce((a, x) => a + x, 0);
      if (losses.length >= 3 && spent > budget) break;
    }
    const leak = tfjs.tf.memory().numTensors - tensorsAfterFirst;
    // The first step creates Adam's moments and XNNPACK's operators: excluded from the timing.
    const timed = times.slice(1);
    const seconds = timed.reduce((a, x) => a + x, 0);
    return {
      engine: `tfjs-wasm-simd-1-thread, ${arrangement === 'xnnpack' ? 'XNNPACK-arranged' : 'plain ops'}`,
      arrangement, steps: timed.length, seconds, tokensPerSecond: (timed.length * cfg.B * cfg.T) / seconds,
      losses, params: model.paramCount, tensorsBefore, tensorLeakPerRun: leak,
    };
  } finally {
    model.dispose();
  }
}

function compareCurves(lab, other) {
  const n = Math.min(lab.length, other.length);
  let maxRel = 0, maxAbs = 0;
  for (let i = 0; i < n; ++i) {
    const d = Math.abs(other[i] - lab[i]);
    maxAbs = Math.max(maxAbs, d);
    maxRel = Math.max(maxRel, d / Math.abs(lab[i]));
  }
  const firstDiff = Math.abs(other[0] - lab[0]);
  const agree = n >= 1 && firstDiff <= FIRST_LOSS_TOL && maxRel <= CURVE_REL_TOL;
  return { steps: n, firstLab: lab[0], firstOther: other[0], firstDiff, lastLab: lab[n - 1], lastOther: other[n - 1], maxAbs, maxRel, agree };
}

function engineSize() {
  const dist = path.join(root, 'wasm', 'dist');
  const files = ['lab-core.wasm', 'lab-core.mjs'].map((f) => {
    const bytes = readFileSync(path.join(dist, f));
    return { file: `wasm/dist/${f}`, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, mtime: statSync(path.join(dist, f)).mtime.toISOString() };
  });
  const gzip = files.reduce((a, f) => a + f.gzip, 0);
  return { files, gzip, budget: SIZE_BUDGET, withinBudget: gzip <= SIZE_BUDGET };
}

function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (align[i] === 'r' ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main() {
  const started = performance.now();
  const load0 = os.loadavg()[0];
  const text = benchText(65);
  log(`bench text: ${text.length} characters, 65 distinct`);

  const peakStart = await measureWasmSimdPeak(1);
  log(`wasm SIMD peak: ${fmt(peakStart.gflops, 1)} GFLOP/s (fastest of ${peakStart.calls} calls, median ${fmt(peakStart.medianGflops, 1)})`);

  const engine = await loadEngine();
  const tfjs = await loadTfjsWasm();
  log(`TensorFlow.js ${tfjs.version}, backend ${tfjs.backend}, ${tfjs.wasmFile}, SIMD ${tfjs.simd}, threads ${tfjs.threads}`);

  const results = [];
  const comparisons = [];
  for (const cfg of CONFIGS) {
    const flops = flopsPerStep(cfg);
    log(`\n${cfg.name}: V=${cfg.V} T=${cfg.T} C=${cfg.C} NH=${cfg.NH} L=${cfg.L} B=${cfg.B}, ${fmt(flops / 1e9, 3)} GFLOP/step`);
    const lab = timeLabWasm(engine, text, cfg);
    log(`  lab wasm: ${lab.steps} steps in ${fmt(lab.seconds, 2)} s`);
    results.push({ config: cfg.name, ...lab });

    if (!cfg.tfjs) continue;
    const ref = labCurve(engine, text, cfg, CURVE_STEPS[cfg.name]);
    log(`  lab wasm on ${ref.losses.length} fixed batches (stepOnText): ${ref.losses[0].toFixed(5)} → ${ref.losses.at(-1).toFixed(5)}`);
    for (const arrangement of ['xnnpack', 'plain']) {
      const r = tfjsRun(tfjs, ref, cfg, arrangement, TFJS_SECONDS[arrangement][cfg.name]);
      if (r.params !== lab.params) throw new Error(`${cfg.name}: TensorFlow.js model has ${r.params} parameters, ours ${lab.params}`);
      const cmp = compareCurves(ref.losses, r.losses);
      log(`  ${r.engine}: ${r.losses.length} steps (${r.steps} timed, ${fmt(r.seconds, 2)} s); ` +
        `first loss ${cmp.firstOther.toFixed(6)} vs ${cmp.firstLab.toFixed(6)}, max relative gap ${cmp.maxRel.toExponential(1)}` +
        `${r.tensorLeakPerRun ? `, ${r.tensorLeakPerRun} tensors leaked` : ''}`);
      results.push({ config: cfg.name, ...r });
      comparisons.push({ config: cfg.name, engine: r.engine, labLosses: ref.losses.slice(0, r.losses.length), tfjsLosses: r.losses, ...cmp });
    }
  }
  const parallel = [];
  for (const cfg of PARALLEL_CONFIGS) {
    for (const workers of PARALLEL_WORKERS) {
      const r = await timeParallel(engine, text, cfg, workers);
      r.speedup = r.tokensPerSecond / (parallel.find((x) => x.config === cfg.name && x.workers === 1)?.tokensPerSecond ?? r.tokensPerSecond);
      log(`  ${cfg.name}, ${workers} worker${workers > 1 ? 's' : ''}: ${fmt(r.tokensPerSecond)} tokens/s (${fmt(r.speedup, 2)}×)`);
      parallel.push(r);
    }
  }
  log('\nnative training-step benchmarks (build/lab_bench)…');
  const native = timeLabNative();
  results.push(...native.rows);
  // The peak again at the end: the best of both is the least disturbed by other processes.
  const peakEnd = await measureWasmSimdPeak(1);
  const peak = peakEnd.gflops > peakStart.gflops ? peakEnd : peakStart;
  log(`wasm SIMD peak again: ${fmt(peakEnd.gflops, 1)} GFLOP/s; using ${fmt(peak.gflops, 1)}`);

  // Derived columns.
  for (const r of results) {
    const cfg = CONFIGS.find((c) => c.name === r.config);
    r.flopsPerStep = flopsPerStep(cfg);
    r.gflops = (r.tokensPerSecond / (cfg.B * cfg.T)) * r.flopsPerStep / 1e9;
    r.percentOfPeak = (100 * r.gflops) / peak.gflops;
    if (r.bestChunkTokensPerSecond) r.bestPercentOfPeak = (r.percentOfPeak * r.bestChunkTokensPerSecond) / r.tokensPerSecond;
  }
  const tfjsBest = (config) => results.filter((r) => r.config === config && r.arrangement)
    .reduce((best, r) => (!best || r.tokensPerSecond > best.tokensPerSecond ? r : best), null);
  for (const r of results) {
    if (r.arrangement || !CONFIGS.find((c) => c.name === r.config).tfjs) continue;
    const ofArr = (a) => results.find((x) => x.config === r.config && x.arrangement === a);
    r.vsTfjs = {
      best: r.tokensPerSecond / tfjsBest(r.config).tokensPerSecond,
      xnnpack: r.tokensPerSecond / ofArr('xnnpack').tokensPerSecond,
      plain: r.tokensPerSecond / ofArr('plain').tokensPerSecond,
    };
  }
  const size = engineSize();
  const load1 = os.loadavg()[0];
  const cpus = os.cpus();

  // Report.
  const rows = results.map((r) => [
    r.config, r.engine, fmt(r.tokensPerSecond), fmt(r.gflops, 2), `${fmt(r.percentOfPeak, 1)} %`,
    r.bestPercentOfPeak ? `${fmt(r.bestPercentOfPeak, 1)} %` : '',
    r.vsTfjs ? `${fmt(r.vsTfjs.xnnpack, 1)}× / ${fmt(r.vsTfjs.plain, 1)}×` : '',
  ]);
  console.log(`\nTraining speed, one thread, node ${process.versions.node}, ${cpus[0]?.model ?? 'unknown CPU'} (${cpus.length} CPUs), ` +
    `load average ${load0.toFixed(1)} → ${load1.toFixed(1)}`);
  console.log(`Peak: compute-bound wasm SIMD f32x4 mul+add loop = ${fmt(peak.gflops, 1)} GFLOP/s ` +
    `(${peak.flopsPerIteration} flops/iteration, fastest of ${peak.calls} calls of ~0.1 s, at the start and the end of the run)`);
  console.log(`FLOPs/step = B·T·(6·N + 12·L·T·C), N = L·12·C² + V·C: ` +
    `${CONFIGS.map((c) => `${c.name} ${fmt(flopsPerStep(c) / 1e9, 3)} G`).join(', ')}\n`);
  console.log(table(['config', 'engine', 'tokens/s', 'GFLOP/s', '% of peak', `fastest ${CHUNK_SECONDS} s`, 'lab ÷ tfjs (XNNPACK-arranged / plain)'], rows,
    ['l', 'l', 'r', 'r', 'r', 'r', 'r']));
  if (native.note) console.log(`\n${native.note}`);

  console.log('\nSame weights, same batches (TensorFlow.js vs our engine\'s stepOnText, AdamW = Adam, no clipping):');
  console.log(table(['config', 'engine', 'steps', 'first loss tfjs', 'first loss lab', 'last tfjs', 'last lab', 'max |Δ|', 'max |Δ|/lab', 'agree'],
    comparisons.map((c) => [c.config, c.engine, c.steps, c.firstOther.toFixed(6), c.firstLab.toFixed(6), c.lastOther.toFixed(6),
      c.lastLab.toFixed(6), c.maxAbs.toExponential(1), c.maxRel.toExponential(1), c.agree ? 'yes' : 'NO']),
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']));
  console.log(`(agree = first loss within ${FIRST_LOSS_TOL}, every step within ${100 * CURVE_REL_TOL} %)`);

  // Per worker: the share of the peak each worker's core reaches (efficiency = speed-up ÷ workers),
  // over the wall time and over the time the workers computed (the rest is their waits: for the
  // slowest slice of each step, and for the messages).
  for (const r of parallel) {
    const cfg = CONFIGS.find((c) => c.name === r.config);
    const gflop = (r.steps * flopsPerStep(cfg)) / 1e9;
    r.efficiency = r.speedup / r.workers;
    r.percentOfPeakPerWorker = (100 * gflop / r.seconds / r.workers) / peak.gflops;
    r.percentOfPeakPerWorkerComputing = (100 * gflop / r.busySeconds) / peak.gflops;
  }
  console.log(`\nData-parallel training (wasm/parallel.mjs; 1 = the plain trainer, more = replica worker threads; ` +
    `this machine has ${os.availableParallelism()} cores):`);
  console.log(table(['config', 'workers', 'tokens/s', 'speed-up', 'efficiency', '% of peak per worker', 'while computing'],
    parallel.map((r) => [r.config, r.workers, fmt(r.tokensPerSecond), `${fmt(r.speedup, 2)}×`, `${fmt(100 * r.efficiency)} %`,
      `${fmt(r.percentOfPeakPerWorker, 1)} %`, `${fmt(r.percentOfPeakPerWorkerComputing, 1)} %`]), ['l', 'r', 'r', 'r', 'r', 'r', 'r']));
  console.log('(while computing: over the time the workers spent in the engine, without their waits for each other and for messages)');
  if (cpus.length < Math.max(...PARALLEL_WORKERS)) console.log(`(only ${cpus.length} CPU: the workers share it)`);

  console.log(`\nEngine size (gzip -9): ${size.files.map((f) => `${path.basename(f.file)} ${fmt(f.gzip)} B`).join(' + ')} = ` +
    `${fmt(size.gzip / 1024, 1)} KiB of the 150 KiB budget (${size.withinBudget ? 'within' : 'OVER'})`);
  if (load1 > cpus.length || load0 > cpus.length) {
    console.log(`Note: the machine was busy (load average above ${cpus.length}): every speed here is a lower bound.`);
  }
  console.log(`lab wasm, one thread, of the measured wasm SIMD peak (mean of ${LAB_TIMED_SECONDS} s; fastest ${CHUNK_SECONDS} s, as the peak is the fastest of its calls): ` +
    `${results.filter((r) => r.engine === 'lab wasm').map((r) => `${r.config} ${fmt(r.percentOfPeak, 1)} % (${fmt(r.bestPercentOfPeak, 1)} %)`).join(', ')}.`);

  const report = {
    date: new Date().toISOString(),
    node: process.versions.node,
    cpu: cpus[0]?.model ?? null,
    cpus: cpus.length,
    loadAverage: { start: load0, end: load1 },
    tfjs: { version: tfjs.version, backend: tfjs.backend, wasmFile: tfjs.wasmFile, simd: tfjs.simd, threads: tfjs.threads },
    configs: CONFIGS.map((c) => ({ ...c, flopsPerStep: flopsPerStep(c) })),
    optimizer: OPTIM,
    peak: { gflops: peak.gflops, flopsPerIteration: peak.flopsPerIteration, start: peakStart, end: peakEnd },
    results,
    native: { note: native.note },
    comparisons,
    parallel: { configs: PARALLEL_CONFIGS, results: parallel },
    size,
    seconds: (performance.now() - started) / 1000,
  };
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nWrote ${path.relative(root, OUT)} (${fmt(report.seconds, 0)} s in all).`);
  if (!comparisons.every((c) => c.agree)) {
    console.log('FAIL: TensorFlow.js and our engine do not learn the same way from the same weights (see the table above).');
    process.exitCode = 1;
  }
}

// The Emscripten module installs a rethrowing uncaughtException handler: report errors here instead.
main().catch((e) => {
  console.error(`bench failed: ${e?.stack ?? e}`);
  process.exitCode = 1;
});
