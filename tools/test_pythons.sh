#!/usr/bin/env bash
# The torch-free part of the test suite on every other supported CPython this machine has.
#
#   bash tools/test_pythons.sh [VERSION ...]      (default: 3.12 3.13; `make test-pythons`)
#
# For each version it looks for an interpreter (python3.X on the PATH, then pyenv's), resolves
# the whole constraints file for that Python with pip (a dry run: every pinned version must
# exist for it), creates .venv-3.X with the torch-free dependencies at their pinned versions and
# the course installed editable without its dependencies, and runs pytest on tests/ without the
# browser test. Test modules that need torch are reported as skipped (tests/conftest.py), so
# what runs is the NumPy code, the data and the grader, plus the check that the shipped corpus
# and the character model's vocabulary agree (tests/test_shipped_data.py).
# A version with no interpreter here is skipped with a message; any failure fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."

versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(3.12 3.13)
# What the torch-free tests import. Versions come from constraints.txt.
TORCH_FREE="numpy matplotlib tqdm pytest pytest-xdist nbformat nbclient nbconvert ipykernel"

find_python() {
    local version=$1 candidate
    for candidate in "python$version" $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/python"$version" 2>/dev/null | sort -V -r); do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys, venv' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

status=0
tested=()
skipped=()
for version in "${versions[@]}"; do
    start=$(date +%s)
    if ! python=$(find_python "$version"); then
        echo "test-pythons: no CPython $version on this machine (not on the PATH, not in pyenv): skipped"
        skipped+=("$version")
        continue
    fi
    echo "test-pythons: CPython $version at $python ($("$python" -c 'import platform; print(platform.python_version())'))"
    venv=".venv-$version"
    if ! "$python" -m pip install --quiet --dry-run --ignore-installed -c constraints.txt ".[dev]" >"/tmp/test-pythons-resolve-$version.log" 2>&1; then
        echo "test-pythons: constraints.txt does not resolve for Python $version:"
        tail -n 20 "/tmp/test-pythons-resolve-$version.log"
        status=1
        continue
    fi
    echo "test-pythons: constraints.txt resolves for Python $version (pip --dry-run of .[dev])"
    if [ ! -x "$venv/bin/python" ]; then
        "$python" -m venv "$venv" || { status=1; continue; }
    fi
    # shellcheck disable=SC2086
    if ! { "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -c constraints.txt $TORCH_FREE \
           && "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e . ; }; then
        echo "test-pythons: could not install the torch-free environment for Python $version"
        status=1
        continue
    fi
    if "$venv/bin/python" -c 'import torch' 2>/dev/null; then
        echo "test-pythons: $venv has torch installed; it must stay torch-free" >&2
        status=1
        continue
    fi
    OMP_NUM_THREADS=1 "$venv/bin/python" -m pytest -q -n 2 -p no:cacheprovider -m "not site" tests --ignore=tests/site \
        -o addopts="" -rs --no-header 2>&1 | tee "/tmp/test-pythons-$version.log" | grep -v "^SKIPPED" | tail -n 15
    result=${PIPESTATUS[0]}
    echo "test-pythons: Python $version: $(grep -c '^SKIPPED' "/tmp/test-pythons-$version.log") skipped (they need torch or Sphinx, which this environment leaves out); $(( $(date +%s) - start )) s"
    [ "$result" -eq 0 ] || status=1
    tested+=("$version")
done
echo "test-pythons: tested ${tested[*]:-none}; skipped ${skipped[*]:-none}"
exit $status
