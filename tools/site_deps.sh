#!/usr/bin/env bash
# Make sure the browser test of the website (tests/site/) and `make pdf` have a Chromium.
# The test uses the first one found, in this order (tests/site/site_harness.py, find_chromium):
#   1. the CHROMIUM variable, a path to a Chromium or Chrome binary;
#   2. Debian's package, /usr/bin/chromium;
#   3. Playwright's own browser (`python -m playwright install chromium` downloads it).
# When none is there: as root on Debian/Ubuntu this installs Debian's chromium with apt-get;
# otherwise it prints the one command that installs one, and fails. Idempotent.
#
# Playwright (the Python package) comes with the dev extras, pinned in constraints.txt.
#
# Usage: bash tools/site_deps.sh [path/to/python]   (python defaults to .venv/bin/python)
set -euo pipefail

DEBIAN_CHROMIUM=/usr/bin/chromium
PYTHON=${1:-.venv/bin/python}

if [ -x "$PYTHON" ] && ! "$PYTHON" -c "import playwright" 2>/dev/null; then
    echo "site_deps.sh: the Python package playwright is missing from $PYTHON:" >&2
    echo "    run 'make env' (it is in the dev extras)" >&2
    exit 1
fi

playwright_chromium() {
    # The path where Playwright keeps its own Chromium, if that browser has been downloaded.
    [ -x "$PYTHON" ] || return 0
    "$PYTHON" - <<'EOF' 2>/dev/null || true
import os
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    path = p.chromium.executable_path
    if os.access(path, os.X_OK):
        print(path)
EOF
}

found=""
if [ -n "${CHROMIUM:-}" ]; then
    if [ -x "$CHROMIUM" ]; then
        found=$CHROMIUM
    else
        echo "site_deps.sh: CHROMIUM=$CHROMIUM is not an executable file; looking further" >&2
    fi
fi
if [ -z "$found" ] && [ -x "$DEBIAN_CHROMIUM" ]; then
    found=$DEBIAN_CHROMIUM
fi
if [ -z "$found" ]; then
    found=$(playwright_chromium)
fi

if [ -z "$found" ]; then
    if command -v apt-get >/dev/null 2>&1; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "site_deps.sh: no Chromium found (CHROMIUM, $DEBIAN_CHROMIUM, Playwright's own). Install one with:" >&2
            echo "    sudo apt-get update && sudo apt-get install -y chromium" >&2
            exit 1
        fi
        echo "site_deps.sh: installing Debian's chromium"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends chromium
        found=$DEBIAN_CHROMIUM
    else
        echo "site_deps.sh: no Chromium found (CHROMIUM, $DEBIAN_CHROMIUM, Playwright's own). Install one with:" >&2
        echo "    $PYTHON -m playwright install chromium" >&2
        exit 1
    fi
fi

# Chromium's launcher script prints shell noise on some machines; keep the last line.
echo "site_deps.sh: $found: $("$found" --version 2>/dev/null | tail -n 1)"
if [ -x "$PYTHON" ]; then
    echo "site_deps.sh: playwright $("$PYTHON" -c 'from importlib.metadata import version; print(version("playwright"))')"
fi
