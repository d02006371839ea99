#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build everything, serve the page on
# 127.0.0.1 and print its URL. Usage: scripts/serve.sh [PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
gradlab_install_deps

PORT="${1:-8000}"
cmake --preset native >/dev/null
cmake --build --preset native
echo "gradlab: native build ready: build/native/gradlab run FILE.py"

if [ -f web/build.mjs ]; then
  cmake --preset wasm >/dev/null
  cmake --build --preset wasm
  node web/build.mjs
  echo "gradlab: serving http://127.0.0.1:${PORT}/  (Ctrl+C stops)"
  exec python3 -m http.server "$PORT" --bind 127.0.0.1 --directory web/dist
else
  echo "gradlab: the page does not exist yet (web/ is empty); the native CLI is built."
fi
