#!/usr/bin/env bash
# Lighthouse (mobile, simulated Slow 4G + 4× CPU) on a running site: home, catalog, a product page and a
# producer page, first and repeat visit; prints a Markdown table. It does not start the site: run
# `bash .ci/dev run` (or the release server) first.
#
#   bash tests/lighthouse/run.sh [BASE_URL]      (default http://127.0.0.1:3000)
#
# The pinned npm packages (package-lock.json) are installed once into
# ${CHO_OCOP_CACHE:-~/.cache/cho-ocop}/lighthouse, again only when the lock file changes. Chrome is the
# system one (CHROME_PATH, default /usr/bin/chromium); no browser is downloaded. LH_OUT=dir keeps the
# full JSON reports.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${CHO_OCOP_CACHE:-$HOME/.cache/cho-ocop}"
DEST="$CACHE/lighthouse"

log() { echo "[lighthouse] $*" >&2; }

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || {
  log "node and npm are needed (Debian: apt-get install -y nodejs npm)"
  exit 1
}
if [ -z "${CHROME_PATH:-}" ]; then
  if [ -x /usr/bin/chromium ]; then
    export CHROME_PATH=/usr/bin/chromium
  else
    log "no Chromium: apt-get install -y chromium, or set CHROME_PATH"
    exit 1
  fi
fi

stamp="$(cat "$HERE/package.json" "$HERE/package-lock.json" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$DEST/.installed" 2>/dev/null)" != "$stamp" ] || [ ! -d "$DEST/node_modules/lighthouse" ]; then
  log "installing lighthouse into $DEST"
  rm -rf "$DEST"
  mkdir -p "$DEST"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$DEST/"
  # puppeteer-core downloads nothing; the variable guards against a full puppeteer slipping in.
  (cd "$DEST" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --silent --no-audit --no-fund >/dev/null)
  echo "$stamp" >"$DEST/.installed"
fi

export LH_MODULES="$DEST/node_modules"
exec node "$HERE/measure.mjs" "$@"
