// The engine's limits table (engine.limits(), core/model/limits.hpp): the page's ranges derive
// from it (state.js). The page parses its attributes before the engine has loaded, so the bundler
// (wasm/tools/bundle.mjs) replaces this module with the table itself, read from the built engine at
// bundle time. Imported unbundled (node: tests, tools), it asks the engine directly.
const { loadEngine } = await import('../../wasm/lab.mjs');

export const ENGINE_LIMITS = (await loadEngine()).limits();
