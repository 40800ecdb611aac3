// A compute-bound WebAssembly SIMD loop: the ceiling any f32 kernel in wasm can reach on this
// machine (one thread). The module is assembled here from its bytes, so nothing is fetched or built.
//
// (func (export "run") (param $n i32) (result f32)
//   ACC (12) independent f32x4 accumulators; per iteration, UNROLL (2) times over all of them:
//       acc_i = f32x4.add(f32x4.mul(acc_i, m), c)        ; 4 lanes × (1 mul + 1 add) = 8 flops
//   until $n iterations are done; returns a lane of the sum of all accumulators (keeps them live).
// m = 0.9999, c = 1e-4: every lane converges to 1, far from overflow and denormals.
//
// Independent chains hide the mul→add latency: ACC = 12 chains + m + c = 14 of the 16 vector
// registers x64 has, so nothing spills. Measured on the 2-core AMD EPYC dev machine: 4 chains give
// ~40 % of 12 chains, 8 chains ~70 %; 14 or more chains are slower (likely register spills).

const ACC = 12;
const UNROLL = 2;
/** Floating-point operations per loop iteration: chains·unroll pairs × 4 lanes × (mul + add). */
const flopsPerIteration = (chains, unroll) => chains * unroll * 4 * 2;

function uleb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function f32Bytes(x) {
  return [...new Uint8Array(new Float32Array([x]).buffer)];
}

function section(id, payload) {
  return [id, ...uleb(payload.length), ...payload];
}

const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;
const op = {
  localGet: (i) => [0x20, ...uleb(i)],
  localSet: (i) => [0x21, ...uleb(i)],
  localTee: (i) => [0x22, ...uleb(i)],
  f32Const: (x) => [0x43, ...f32Bytes(x)],
  i32Const1: [0x41, 0x01],
  i32Sub: [0x6b],
  f32x4Splat: [0xfd, ...uleb(0x13)],
  f32x4ExtractLane0: [0xfd, ...uleb(0x1f), 0x00],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  loop: [0x03, 0x40],
  brIf0: [0x0d, 0x00],
  end: [0x0b],
};

/** The module's bytes. Local 0 = $n; locals 1..chains = accumulators, then m, then c. */
export function peakModuleBytes(chains = ACC, unroll = UNROLL) {
  const n = 0, m = chains + 1, c = chains + 2;
  const acc = (i) => 1 + i;
  const body = [];
  body.push(...op.f32Const(0.9999), ...op.f32x4Splat, ...op.localSet(m));
  body.push(...op.f32Const(1e-4), ...op.f32x4Splat, ...op.localSet(c));
  for (let i = 0; i < chains; ++i) body.push(...op.f32Const(1 + i / 64), ...op.f32x4Splat, ...op.localSet(acc(i)));
  body.push(...op.loop);
  for (let u = 0; u < unroll; ++u) {
    for (let i = 0; i < chains; ++i) {
      body.push(...op.localGet(acc(i)), ...op.localGet(m), ...op.f32x4Mul, ...op.localGet(c), ...op.f32x4Add,
        ...op.localSet(acc(i)));
    }
  }
  body.push(...op.localGet(n), ...op.i32Const1, ...op.i32Sub, ...op.localTee(n), ...op.brIf0, ...op.end);
  body.push(...op.localGet(acc(0)));
  for (let i = 1; i < chains; ++i) body.push(...op.localGet(acc(i)), ...op.f32x4Add);
  body.push(...op.f32x4ExtractLane0, ...op.end);

  const locals = [0x01, ...uleb(chains + 2), V128];  // one group: chains + 2 locals of type v128
  const func = [...locals, ...body];
  const name = [...new TextEncoder().encode('run')];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,                    // "\0asm", version 1
    ...section(1, [0x01, 0x60, 0x01, I32, 0x01, F32]),                    // type: (i32) -> f32
    ...section(3, [0x01, 0x00]),                                          // function 0 has type 0
    ...section(7, [0x01, ...uleb(name.length), ...name, 0x00, 0x00]),   // export "run" = func 0
    ...section(10, [0x01, ...uleb(func.length), ...func]),               // code
  ]);
}

/**
 * Runs the loop for about `seconds` in calls of ~0.1 s, after a warm-up that lets V8 tier the
 * function up from Liftoff to TurboFan, and keeps the fastest call (the least disturbed by
 * other processes on a shared machine).
 * @returns {{gflops:number, medianGflops:number, flopsPerIteration:number, iterations:number, calls:number,
 *   seconds:number, checksum:number}}
 */
export async function measureWasmSimdPeak(seconds = 1, { chains = ACC, unroll = UNROLL } = {}) {
  const FLOPS_PER_ITERATION = flopsPerIteration(chains, unroll);
  const { instance } = await WebAssembly.instantiate(peakModuleBytes(chains, unroll));
  const run = instance.exports.run;
  let iters = 1 << 12;
  const warmEnd = performance.now() + 250;
  while (performance.now() < warmEnd) run(iters);
  // Calibrate to ~0.1 s per call.
  for (;;) {
    const t0 = performance.now();
    run(iters);
    const dt = (performance.now() - t0) / 1000;
    if (dt > 0.02) { iters = Math.max(1, Math.round(iters * 0.1 / dt)); break; }
    iters *= 2;
  }
  const rates = [];
  let checksum = 0, total = 0;
  while (total < seconds || rates.length < 3) {
    const t0 = performance.now();
    checksum = run(iters);
    const dt = (performance.now() - t0) / 1000;
    total += dt;
    rates.push((FLOPS_PER_ITERATION * iters) / dt / 1e9);
  }
  rates.sort((a, b) => a - b);
  return {
    gflops: rates[rates.length - 1],
    medianGflops: rates[rates.length >> 1],
    flopsPerIteration: FLOPS_PER_ITERATION,
    iterations: iters,
    calls: rates.length,
    seconds: total,
    checksum,
  };
}
