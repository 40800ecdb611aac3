#!/usr/bin/env bash
# Installs what the lab needs on Debian 12 (as root), only what is missing:
#   build: g++ cmake emscripten + header-only xtensor/xsimd/xtl/nlohmann-json, googletest, benchmark
#   tests: chromium (driven by playwright-core), firefox-esr (puppeteer-core, WebDriver BiDi),
#          webkit2gtk-driver (WebKitGTK's MiniBrowser + WebKitWebDriver, driven by selenium-webdriver)
#          under xvfb + xauth, clang (libFuzzer), python3-torch + python3-numpy (the PyTorch interop
#          tests), npm packages from package-lock.json
# Usage: .ci/install.sh [--with-tests]
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(g++ cmake make emscripten nodejs npm libxtensor-dev libxsimd-dev xtl-dev nlohmann-json3-dev)
if [[ "${1:-}" == "--with-tests" ]]; then
  pkgs+=(googletest libgtest-dev libbenchmark-dev chromium clang libclang-rt-14-dev python3-torch python3-numpy
    firefox-esr webkit2gtk-driver xvfb xauth)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from outside Debian's archive on some images: accept working binaries.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages (uplot ships with the page; playwright-core, puppeteer-core and selenium-webdriver
# drive Debian's browsers in tests and download none).
if [[ ! -d node_modules/uplot || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
