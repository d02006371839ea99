#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build, and run every test there is
# (ctest labels: unit, conformance, asan, fuzz, wasm, browser). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
gradlab_install_deps

JOBS="$(nproc)"
echo "== native build"
cmake --preset native >/dev/null
cmake --build --preset native -j "$JOBS"
echo "== native tests (unit, conformance)"
ctest --preset native -j "$JOBS" --timeout 900

echo "== asan build (AddressSanitizer + UBSan)"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$JOBS"
echo "== asan tests"
ctest --preset asan -j "$JOBS" --timeout 1800

echo "== fuzz build (clang: libFuzzer + ASan + UBSan) and tests (fuzz regressions, 60 s of fuzzing)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$JOBS"
ctest --preset fuzz --timeout 600

echo "== wasm build (Debian emscripten: the Embind module, its worker and the page)"
cmake --preset wasm >/dev/null
cmake --build --preset wasm -j "$JOBS"
echo "== wasm tests (wasm: the module and worker under node; browser: the page in Chromium)"
# One at a time: the Stop-within-200-ms checks measure wall time.
ctest --preset wasm --timeout 1200
