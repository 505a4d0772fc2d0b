"""Execute chapter notebooks in place, storing the outputs readers see and nbval checks.

Usage::

    .venv/bin/python tools/execute_notebooks.py chapters/vanilla_rnn.ipynb [...]

Run it after editing a notebook (``make notebooks`` runs it on every chapter).
Each notebook runs in its own folder with the ``python3`` kernel, and is
rewritten only if it executed without error and its content changed: no
execution timestamps are recorded and cell ids are kept, so re-running a
notebook whose outputs did not change leaves its file byte-identical.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

CELL_TIMEOUT_SECONDS = 120


def execute(path: Path, cell_timeout: float = CELL_TIMEOUT_SECONDS) -> tuple[float, bool]:
    """Run one notebook in place; return the seconds it took and whether the file changed."""
    before = path.read_text(encoding="utf-8")
    notebook = nbformat.reads(before, as_version=4)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(
        notebook,
        timeout=cell_timeout,
        kernel_name="python3",
        record_timing=False,  # no per-cell timestamps: they would change the file on every run
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    # One stdout block per cell, however the kernel happened to flush it.
    notebook, _ = CoalesceStreamsPreprocessor().preprocess(notebook, {})
    for cell in notebook.cells:  # timestamps an earlier run may have stored
        cell.metadata.pop("execution", None)
    after = nbformat.writes(notebook) + "\n"
    changed = after != before
    if changed:
        path.write_text(after, encoding="utf-8")
    return elapsed, changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument(
        "--cell-timeout", type=float, default=CELL_TIMEOUT_SECONDS,
        help=f"seconds one cell may run (default {CELL_TIMEOUT_SECONDS}; raise it on a busy machine)",
    )
    args = parser.parse_args(argv)
    for path in args.notebooks:
        elapsed, changed = execute(path, args.cell_timeout)
        outcome = "rewritten" if changed else "unchanged"
        print(f"{path}: executed in {elapsed:.1f} s, {outcome}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
