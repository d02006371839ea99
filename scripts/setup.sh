#!/usr/bin/env bash
# Installs what gradlab's build and tests need on Debian 12 (run as root), skipping what is
# already there so a second run is quick. Sourced by scripts/serve.sh and scripts/test.sh.
set -euo pipefail

GRADLAB_APT_PACKAGES=(cmake ninja-build g++ clang libclang-rt-14-dev libgtest-dev libeigen3-dev
                      emscripten chromium python3)
# Node.js and npm are often installed from elsewhere (NodeSource's nodejs bundles npm, and then
# Debian's npm package cannot be installed beside it), so they are asked for only when the
# commands are missing.
GRADLAB_APT_COMMANDS=(node:nodejs npm:npm)

gradlab_missing_packages() {
  local missing=()
  for p in "${GRADLAB_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  for entry in "${GRADLAB_APT_COMMANDS[@]}"; do
    command -v "${entry%%:*}" >/dev/null 2>&1 || missing+=("${entry#*:}")
  done
  echo "${missing[@]:-}"
}

gradlab_install_deps() {
  local missing
  missing=$(gradlab_missing_packages)
  if [ -n "$missing" ]; then
    echo "gradlab: installing Debian packages: $missing"
    if [ "$(id -u)" != 0 ]; then
      echo "gradlab: run as root (or install these packages yourself): $missing" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
  if [ -f package-lock.json ] && [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    echo "gradlab: installing npm packages from package-lock.json"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}
