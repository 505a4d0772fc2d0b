"""How long the course's slow steps take, measured in one run and printed as a table.

    .venv/bin/python bench/notebook_times.py [--skip-notebooks] [--skip-book] [--skip-site] [--skip-grading]

Measures:

* each chapter notebook (chapters/*.ipynb) executed by nbclient with the python3 kernel in
  its own folder, as `make notebooks` does, but on an in-memory copy: no notebook is written;
* the book build from the stored outputs, strict as in `make test` (`jupyter-book build
  -W -n --keep-going`; notebooks are not executed), into a temporary folder: the shared
  _build/ is left alone;
* the browser test of that build (`pytest -m site tests/site`, as `make site-test` runs it);
* the grading of one exercise set: `python -m course_code grade exercises/source/rnn_forward.ipynb`.

This is a measurement, not a test: it asserts nothing and exits 0 unless it cannot run at all.
Each step is run once. The course's machines are shared and noisy (2 cores; other sessions,
builds and test runs may be running at the same time), so expect differences of tens of
percent between runs; compare numbers taken in the same run, or repeat and take the minimum.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CELL_TIMEOUT_SECONDS = 600
GRADED_SET = Path("exercises/source/rnn_forward.ipynb")


def time_notebook(path: Path) -> tuple[float, str]:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)  # a copy in memory; the file is never written
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    try:
        client.execute()
        status = f"ok, {len(notebook.cells)} cells"
    except Exception as exc:  # a measurement: report and go on
        status = f"FAILED: {type(exc).__name__}: {str(exc).strip().splitlines()[-1][:80] if str(exc).strip() else ''}"
    return time.perf_counter() - start, status


ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def time_command(argv: list[str], cwd: Path, env: dict | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    output = ANSI_ESCAPE.sub("", proc.stdout + "\n" + proc.stderr)
    if proc.returncode == 0:
        totals = [line.split(None, 1)[1].strip() for line in proc.stdout.splitlines() if line.startswith("Total")]
        passed = [line.strip("= ") for line in output.splitlines() if re.match(r"^=*\s*\d+ passed", line)]
        return elapsed, "ok (exit 0)" + (f", score {totals[-1]}" if totals else "") + (f", {passed[-1]}" if passed else "")
    # The most telling line: Sphinx's warning count, pytest's failed tests, else the last line.
    warnings = [line for line in output.splitlines() if re.search(r"\b(WARNING|ERROR):", line)]
    telling = [f"{len(warnings)} Sphinx warnings, first: {warnings[0].strip()}"] if warnings else []
    telling += [line.strip() for line in output.splitlines() if line.startswith("FAILED ")]
    last = telling or [line.strip() for line in output.strip().splitlines()[-1:]] or [""]
    return elapsed, f"exit {proc.returncode}: {'; '.join(last)[:160]}"


def time_book_build(out: str) -> tuple[float, str]:
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    elapsed, status = time_command(
        [str(jupyter_book), "build", ".", "--path-output", out, "-W", "-n", "--keep-going", "--quiet"], cwd=REPO
    )
    pages = len(list(Path(out, "_build", "html").rglob("*.html")))
    return elapsed, f"{status}, {pages} html files (full strict build into a temporary folder)"


def time_site_test(out: str) -> tuple[float, str]:
    html = Path(out, "_build", "html")
    env = {**os.environ, "SITE_DIR": str(html), "SITE_SCREENSHOT_DIR": str(Path(out, "screenshots"))}
    return time_command(
        [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "-m", "site", "tests/site"],
        cwd=REPO, env=env,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-notebooks", action="store_true")
    parser.add_argument("--skip-book", action="store_true")
    parser.add_argument("--skip-site", action="store_true", help="skip the browser test of the built book")
    parser.add_argument("--skip-grading", action="store_true")
    args = parser.parse_args(argv)

    print("Course timings: one run of each step.")
    print("NOTE: these machines are shared and noisy (2 cores, other work running at the same")
    print("time): differences of tens of percent between runs are normal; this is no test.")
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    print(
        f"python {platform.python_version()} | {os.cpu_count()} CPUs | "
        f"load average {' '.join(f'{x:.2f}' if isinstance(x, float) else x for x in load)} | "
        f"{time.strftime('%Y-%m-%d %H:%M:%S')}"
    )
    print()

    rows: list[tuple[str, float, str]] = []

    def record(name: str, result: tuple[float, str]) -> None:
        rows.append((name, *result))
        print(f"  measured {name}: {result[0]:.1f} s", file=sys.stderr, flush=True)

    if not args.skip_notebooks:
        for path in sorted((REPO / "chapters").glob("*.ipynb")):
            record(f"execute {path.relative_to(REPO)}", time_notebook(path))
    if not args.skip_book:
        with tempfile.TemporaryDirectory(prefix="bench-book-") as out:
            record("jupyter-book build -W -n (stored outputs)", time_book_build(out))
            if not args.skip_site:
                record("browser test of the built site", time_site_test(out))
    if not args.skip_grading:
        record(
            f"grade {GRADED_SET}",
            time_command([sys.executable, "-m", "course_code", "grade", str(GRADED_SET)], cwd=REPO),
        )

    width = max([len(r[0]) for r in rows] + [4])
    print(f"{'step':<{width}}  {'seconds':>8}  status")
    print(f"{'-' * width}  {'-' * 8}  {'-' * 6}")
    for name, seconds, status in rows:
        print(f"{name:<{width}}  {seconds:>8.1f}  {status}")
    notebooks = [s for n, s, _ in rows if n.startswith("execute ")]
    if notebooks:
        print(f"{'all chapter notebooks':<{width}}  {sum(notebooks):>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
