#!/usr/bin/env bash
# The README's start command: installs what is missing, builds the engine, serves the lab.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install.sh
bash .ci/build.sh
exec node wasm/cli.mjs serve "$@"
