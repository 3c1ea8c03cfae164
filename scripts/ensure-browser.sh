#!/usr/bin/env bash
# Find a Chromium for the browser tests (Playwright), or fetch one, and say what was done.
# Order: $ZHENGWU_CHROMIUM; a chromium already installed (Debian's /usr/bin/chromium, or
# chromium / chromium-browser / google-chrome on PATH); Playwright's own download from an
# earlier run (under $PLAYWRIGHT_BROWSERS_PATH, default ~/.cache/ms-playwright); Debian's
# package (apt-get, when we are root); Playwright's download (`playwright install chromium`).
# The path found is written to $ZHENGWU_BROWSER_PATH_FILE (default var/chromium-path), which
# tests/browser/conftest.py reads. Never fails `make test`: when nothing works the browser
# tests skip, saying why.
#
# Overrides (tests/test_ensure_browser.py drives every branch with them): PY (the Python that
# has Playwright), ZHENGWU_SYSTEM_CHROMIUM (Debian's path, default /usr/bin/chromium; also
# where apt-get's package must appear), PATH (apt-get, id, chromium…).
set -uo pipefail
PY=${PY:-.venv/bin/python}
OUT=${ZHENGWU_BROWSER_PATH_FILE:-var/chromium-path}
SYSTEM=${ZHENGWU_SYSTEM_CHROMIUM:-/usr/bin/chromium}
mkdir -p "$(dirname "$OUT")"

say() { echo "ensure-browser: $*"; }
works() { [ -n "$1" ] && [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }
found() { echo "$1" >"$OUT"; say "$2: $1 ($("$1" --version 2>/dev/null | head -1)) → $OUT"; exit 0; }

if [ -n "${ZHENGWU_CHROMIUM:-}" ]; then
  works "$ZHENGWU_CHROMIUM" && found "$ZHENGWU_CHROMIUM" "using ZHENGWU_CHROMIUM"
  say "ZHENGWU_CHROMIUM=$ZHENGWU_CHROMIUM does not run; looking further"
fi
for candidate in "$SYSTEM" "$(command -v chromium 2>/dev/null)" \
    "$(command -v chromium-browser 2>/dev/null)" "$(command -v google-chrome 2>/dev/null)"; do
  works "$candidate" && found "$candidate" "found an installed browser"
done

playwright_chromium() {
  "$PY" - <<'PYEOF' 2>/dev/null
from playwright.sync_api import sync_playwright
with sync_playwright() as pw:
    print(pw.chromium.executable_path)
PYEOF
}
bundled=$(playwright_chromium)
works "$bundled" && found "$bundled" "found Playwright's downloaded Chromium"

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  say "no browser found: installing Debian's chromium with apt-get (root, apt available)"
  if { apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 ||
       { apt-get update -qq >/dev/null 2>&1 &&
         apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; }; } &&
     works "$SYSTEM"; then
    found "$SYSTEM" "installed Debian's chromium"
  fi
  say "apt-get could not install chromium"
elif command -v apt-get >/dev/null 2>&1; then
  say "no browser found; apt-get is there but we are not root: not using it"
fi

say "downloading Playwright's Chromium ($PY -m playwright install chromium)"
if "$PY" -m playwright install chromium >/dev/null 2>&1; then
  bundled=$(playwright_chromium)
  works "$bundled" && found "$bundled" "downloaded Playwright's Chromium"
  say "Playwright's download finished but its Chromium does not run (missing system libraries?"
  say "try: $PY -m playwright install-deps chromium)"
else
  say "Playwright's download failed (no network access to its CDN?)"
fi
rm -f "$OUT"
say "NO BROWSER: neither an installed chromium, nor apt-get (as root), nor Playwright's download"
say "worked. The browser tests (-m browser) will be SKIPPED. Install chromium and re-run."
exit 0
