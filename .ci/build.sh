#!/usr/bin/env bash
# Builds the WebAssembly engine (wasm/dist/lab-core.{mjs,wasm}) and, with --native, the native
# engine, tests and benchmarks (build/). Incremental: a second run rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
if [[ ! -f build-wasm/CMakeCache.txt ]]; then
  emcmake cmake -S . -B build-wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build-wasm -j"$jobs"
if [[ "${1:-}" == "--native" ]]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j"$jobs"
fi
