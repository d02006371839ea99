#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build everything (the native CLI, then the
# wasm preset, which builds the module, its worker and the page into build/wasm/site/), and
# serve the page on 127.0.0.1. Usage: scripts/serve.sh [PORT]   (default 8000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
gradlab_install_deps

PORT="${1:-8000}"
JOBS="$(nproc)"
cmake --preset native >/dev/null
cmake --build --preset native -j "$JOBS"
echo "gradlab: native build ready: build/native/gradlab run FILE.py"

cmake --preset wasm >/dev/null
cmake --build --preset wasm -j "$JOBS"
SITE=build/wasm/site
if [ ! -f "$SITE/index.html" ] || [ ! -f "$SITE/worker.mjs" ]; then
  echo "gradlab: $SITE is incomplete (no page or no worker); see the build output above" >&2
  exit 1
fi
echo "gradlab: serving http://127.0.0.1:${PORT}/  (Ctrl+C stops)"
exec python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$SITE"
