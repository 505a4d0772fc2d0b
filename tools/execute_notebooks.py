"""Execute chapter notebooks in place, storing the outputs readers see and nbval checks.

Usage::

    .venv/bin/python tools/execute_notebooks.py chapters/vanilla_rnn.ipynb [...]

Run it after editing a notebook (``make notebooks`` runs it on every chapter).
Each notebook runs in its own folder with the ``python3`` kernel, and is
rewritten only if it executed without error and its content changed: no
execution timestamps are recorded and cell ids are kept, so re-running a
notebook whose outputs did not change leaves its file byte-identical. A cell
tagged ``nbval-ignore-output`` holds measurements (timings): when a re-run changes
only its digits, the stored output is kept (``--refresh-measurements`` stores the
new numbers), so timing jitter alone never dirties a notebook.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

CELL_TIMEOUT_SECONDS = 120
# Cells whose outputs nbval does not compare because they are measurements (timings).
MEASURED_TAG = "nbval-ignore-output"


def _digits_masked(outputs) -> str:
    """The outputs' text with every number replaced by 0; images (plots of the numbers) left out."""
    texts = []
    for output in outputs:
        data = {
            k: v
            for k, v in output.get("data", {}).items()
            if not k.startswith("image/")
        }
        texts.append(
            [output.get("output_type"), output.get("name"), output.get("text"), data]
        )
    return re.sub(r"\d+", "0", json.dumps(texts, sort_keys=True))


def keep_measurements(old: nbformat.NotebookNode, new: nbformat.NotebookNode) -> None:
    """Keep a measured cell's stored output when a re-run changed only its numbers.

    A timing printed (or plotted) in a cell tagged ``nbval-ignore-output`` differs on
    every run; rewriting it would change the file although nothing but the clock did.
    When the new output's text equals the stored one with every number masked (a
    figure's pixels are not compared), the stored one stays (``--refresh-measurements``
    stores the new numbers instead).
    """
    for old_cell, new_cell in zip(old.cells, new.cells):
        if new_cell.cell_type != "code" or MEASURED_TAG not in new_cell.metadata.get(
            "tags", []
        ):
            continue
        if old_cell.get("source") == new_cell.source and _digits_masked(
            old_cell.outputs
        ) == _digits_masked(new_cell.outputs):
            new_cell.outputs = old_cell.outputs
            new_cell.execution_count = old_cell.execution_count


def execute(
    path: Path,
    cell_timeout: float = CELL_TIMEOUT_SECONDS,
    refresh_measurements: bool = False,
) -> tuple[float, bool]:
    """Run one notebook in place; return the seconds it took and whether the file changed."""
    before = path.read_text(encoding="utf-8")
    notebook = nbformat.reads(before, as_version=4)
    stored = copy.deepcopy(notebook)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
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
    if not refresh_measurements:
        keep_measurements(stored, notebook)
    after = nbformat.writes(notebook) + "\n"
    changed = after != before
    if changed:
        path.write_text(after, encoding="utf-8")
    return elapsed, changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument(
        "--cell-timeout",
        type=float,
        default=CELL_TIMEOUT_SECONDS,
        help=f"seconds one cell may run (default {CELL_TIMEOUT_SECONDS}; raise it on a busy machine)",
    )
    parser.add_argument(
        "--refresh-measurements",
        action="store_true",
        help="store new timings even when only their digits changed (cells tagged nbval-ignore-output)",
    )
    args = parser.parse_args(argv)
    for path in args.notebooks:
        elapsed, changed = execute(path, args.cell_timeout, args.refresh_measurements)
        outcome = "rewritten" if changed else "unchanged"
        print(f"{path}: executed in {elapsed:.1f} s, {outcome}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
