#!/usr/bin/env bash
# Install what the browser test of the website (tests/site/) needs beyond the Python dev extras:
# Debian's Chromium at /usr/bin/chromium. Idempotent: does nothing when Chromium is there.
#
# Playwright (the Python package) comes with the dev extras, pinned in constraints.txt. It
# drives this Chromium through `executable_path`; `playwright install` is never run (browser
# downloads are not possible on the course's machines, and not needed).
#
# Usage: bash tools/site_deps.sh [path/to/python]   (python defaults to .venv/bin/python)
set -euo pipefail

CHROMIUM=/usr/bin/chromium
PYTHON=${1:-.venv/bin/python}

if [ ! -x "$CHROMIUM" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "site_deps.sh: $CHROMIUM is missing and this is not root." >&2
        echo "Install Debian's Chromium, then run this again:" >&2
        echo "    sudo apt-get update && sudo apt-get install -y chromium" >&2
        exit 1
    fi
    echo "site_deps.sh: installing Debian's chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends chromium
fi

# Chromium's launcher script prints shell noise on some machines; ask the binary itself.
echo "site_deps.sh: $("$CHROMIUM" --version 2>/dev/null | tail -n 1)"

if [ -x "$PYTHON" ]; then
    if ! "$PYTHON" -c "import playwright" 2>/dev/null; then
        echo "site_deps.sh: the Python package playwright is missing from $PYTHON:" >&2
        echo "    run 'make env' (it is in the dev extras)" >&2
        exit 1
    fi
    echo "site_deps.sh: playwright $("$PYTHON" -c 'from importlib.metadata import version; print(version("playwright"))')"
fi
