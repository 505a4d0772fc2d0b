#!/usr/bin/env bash
# Install what the exercise grader's sandbox needs: bubblewrap (`bwrap`), with which
# `python -m course_code grade` runs each submission in new PID, mount, network, IPC and user
# namespaces, seeing only the Python runtime and NumPy. Idempotent: does nothing when bwrap is there.
#
# Elsewhere: Fedora `dnf install bubblewrap`, Arch `pacman -S bubblewrap`, Alpine `apk add bubblewrap`.
# macOS and Windows have no bubblewrap: the grader then runs each submission in a separate, limited
# process (enough for students checking their own work; for grading a class, use a Linux machine or
# container). Inside Docker without user namespaces (Gradescope), bwrap cannot start; the grader then
# falls back to a dedicated unprivileged user when it runs as root (see chapters/exercises_guide.md).
#
# Usage: bash tools/grader_deps.sh [path/to/python]   (python defaults to .venv/bin/python)
set -euo pipefail

PYTHON=${1:-.venv/bin/python}

if ! command -v bwrap >/dev/null 2>&1; then
    if [ "$(uname -s)" != "Linux" ]; then
        echo "grader_deps.sh: bubblewrap exists only on Linux; the grader will use a plain process here." >&2
        exit 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        # Not fatal: the grader then uses a plain process (fine for checking one's own work), and the
        # tests that need the sandbox skip, saying why. Grading a class needs the sandbox.
        echo "grader_deps.sh: bwrap is missing and this is not root, so the grader has no sandbox here." >&2
        echo "To grade a class, install bubblewrap:  sudo apt-get update && sudo apt-get install -y bubblewrap" >&2
        exit 0
    fi
    if command -v apt-get >/dev/null 2>&1; then
        echo "grader_deps.sh: installing Debian's bubblewrap"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends bubblewrap
    else
        echo "grader_deps.sh: no apt-get here; install the bubblewrap package with this system's package manager" >&2
        exit 1
    fi
fi
echo "grader_deps.sh: $(bwrap --version)"

# Which isolation the grader will use on this machine (bubblewrap, dedicated user, or plain process).
if [ -x "$PYTHON" ]; then
    "$PYTHON" -c "from course_code.grading.isolation import choose_isolation as c; print('grader_deps.sh: isolation:', c().label)"
fi
