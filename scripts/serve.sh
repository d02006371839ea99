#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build everything (the native CLI, then the
# wasm preset, which builds the module, its worker and the page into build/wasm/site/), and
# serve the page on 127.0.0.1. Usage: scripts/serve.sh [--no-build] [PORT]   (default 8000; 0
# picks a free port). --no-build serves the site already built (GRADLAB_SITE_DIR, default
# build/wasm/site) without installing or building anything (tests/browser/trust.test.mjs).
# The page is served with its Content-Security-Policy (its meta tag) as a header too.
set -euo pipefail
cd "$(dirname "$0")/.."
NO_BUILD=0
if [ "${1:-}" = "--no-build" ]; then
  NO_BUILD=1
  shift
fi
PORT="${1:-8000}"
SITE="${GRADLAB_SITE_DIR:-build/wasm/site}"

# A static server for SITE on 127.0.0.1 that also sends the page's CSP as a header, with the
# MIME types module workers and WebAssembly need.
serve_site() {
  echo "gradlab: serving $SITE (Ctrl+C stops)"
  exec python3 - "$PORT" "$SITE" <<'PY'
import functools, http.server, re, sys
port, site = int(sys.argv[1]), sys.argv[2]
with open(f"{site}/index.html", encoding="utf-8") as f:
    m = re.search(r'http-equiv="Content-Security-Policy"\s+content="([^"]+)"', f.read())
if not m:
    sys.exit(f"gradlab: {site}/index.html has no Content-Security-Policy meta tag")
POLICY = m.group(1)

class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".mjs": "text/javascript", ".js": "text/javascript",
                      ".wasm": "application/wasm", ".svg": "image/svg+xml",
                      ".json": "application/json", ".md": "text/markdown; charset=utf-8",
                      ".woff2": "font/woff2"}
    def end_headers(self):
        # The page's policy on every response: a worker takes its policy from its own script's
        # response, so worker.mjs gets it too (the module is linked with -sDYNAMIC_EXECUTION=0,
        # so Embind's glue needs no eval).
        self.send_header("Content-Security-Policy", POLICY)
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=site))
print(f"gradlab: serving http://127.0.0.1:{server.server_address[1]}/", flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
PY
}

if [ "$NO_BUILD" = 1 ]; then
  serve_site
fi
source scripts/setup.sh
gradlab_install_deps

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
serve_site
