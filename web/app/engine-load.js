// Loads the engine in a worker with its three downloads in parallel instead of one after another:
// the JS API (lab.mjs), its Emscripten glue (lab-core.mjs) and the wasm, which the browser
// compiles while it streams in (and keeps, compiled, in its cache for the next visit).
//
// Meanwhile the worker has nothing to do, so it makes the engine's memory itself and writes to
// its pages: the first touch of a page costs the OS a fault (about 4 ms per MB on our test
// machine), and a first model needs ~20 MB. Paid here, during the download, the first model is
// made and trained that much sooner. Writing zeros keeps the memory exactly as a new one is.

import { yieldNow } from './yield-now.js';

const PAGE = 65536;
// Must match -sINITIAL_MEMORY and -sMAXIMUM_MEMORY in CMakeLists.txt (else instantiation fails).
const INITIAL_BYTES = 32 * 1024 * 1024;
const MAXIMUM_BYTES = 1024 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024; // ~4 ms of faults: the worker still answers messages in between

/**
 * @param {URL} engineDir the folder with lab.mjs, lab-core.mjs and lab-core.wasm
 * @returns {() => Promise<object>} resolves with the engine (lab.mjs loadEngine), loaded once
 *   (again, as a fresh instance, after a wasm trap broke the first)
 */
export function startEngineLoad(engineDir) {
  let wasmMemory;
  try {
    wasmMemory = new WebAssembly.Memory({ initial: INITIAL_BYTES / PAGE, maximum: MAXIMUM_BYTES / PAGE });
  } catch { /* the engine makes its own (and reports it if it cannot) */ }
  let touching = !!wasmMemory;
  if (wasmMemory) touchPages(wasmMemory, () => touching);
  const wasmModule = WebAssembly.compileStreaming(fetch(new URL('lab-core.wasm', engineDir)));
  wasmModule.catch(() => {}); // lab.mjs falls back to compiling the bytes, or reports the error
  import(new URL('lab-core.mjs', engineDir).href).catch(() => {}); // lab.mjs imports it again
  const api = import(new URL('lab.mjs', engineDir).href);
  api.catch(() => {});
  let engine = null;
  let loaded = null;
  // The engine writes into its memory from the moment it is instantiated: stop before that.
  const beforeInstantiate = () => { touching = false; };
  return () => {
    if (loaded?.broken) engine = null; // after a wasm trap: lab.mjs makes a fresh instance
    engine ??= api.then((m) => m.loadEngine({ wasmModule, wasmMemory, beforeInstantiate }));
    return engine.then((e) => (loaded = e));
  };
}

async function touchPages(memory, going) {
  const bytes = new Uint8Array(memory.buffer);
  for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
    await yieldNow();
    if (!going()) return;
    bytes.fill(0, at, Math.min(bytes.length, at + CHUNK_BYTES));
  }
}
