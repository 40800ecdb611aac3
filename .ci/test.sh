#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything, runs every test.
#   1. native core tests (GoogleTest under ctest)
#   2. the same tests under AddressSanitizer + UndefinedBehaviorSanitizer, with SSE2 kernels
#   3. libFuzzer targets, each for a bounded time, on the corpus kept in tests/fuzz/corpus
#   4. the wasm module and the CLI in node (node:test)
#   5. the page in headless Chromium (playwright-core, node:test)
#   6. the page in Firefox and WebKit (firefox-esr over WebDriver BiDi; WebKitGTK's MiniBrowser
#      through WebKitWebDriver, under Xvfb; node:test)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
FUZZ_SECONDS=${FUZZ_SECONDS:-20}

section() { printf '\n=== %s ===\n' "$1"; }

section "install"
bash .ci/install.sh --with-tests

section "build (native + wasm)"
bash .ci/build.sh --native

section "native tests"
ctest --test-dir build --output-on-failure -j"$jobs"

section "native tests under ASan + UBSan, with SSE2 kernels"
# SSE2 (4 lanes, as in wasm): the kernels' 4-lane paths (4×4 transposes) run against their
# scalar twins here too, where the build above has AVX2's 8 lanes.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLAB_SANITIZE=ON -DLAB_NATIVE_AVX2=OFF >/dev/null
cmake --build build-asan -j"$jobs" --target lab_tests
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j"$jobs"

if compgen -G "tests/fuzz/fuzz_*.cpp" >/dev/null; then
  section "fuzzing (${FUZZ_SECONDS}s per target)"
  CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLAB_FUZZ=ON \
    -DCMAKE_CXX_COMPILER=clang++ >/dev/null
  cmake --build build-fuzz -j"$jobs"
  for src in tests/fuzz/fuzz_*.cpp; do
    name=$(basename "$src" .cpp)
    corpus="tests/fuzz/corpus/${name#fuzz_}"
    mkdir -p "$corpus"
    work=$(mktemp -d)
    echo "$name: ${FUZZ_SECONDS}s on $corpus"
    ./build-fuzz/"$name" -max_total_time="$FUZZ_SECONDS" -max_len=65536 -rss_limit_mb=2048 "$work" "$corpus" 2>&1 | tail -n 2
    rm -rf "$work"
  done
fi

section "wasm module and CLI (node)"
node --test tests/node/

section "page (headless Chromium)"
node --test tests/browser/

section "page (Firefox and WebKit)"
# One browser at a time: run side by side, Firefox and WebKit (each training in its workers) share
# the 2 cores of a small CI machine, and a wait for a run in one timed out now and then (4 of 7
# CI runs: the optimizer race, the book's first steps, a WebKit page "crash or hang").
xvfb-run -a node --test --test-concurrency=1 tests/engines/

echo
echo "all tests passed"
