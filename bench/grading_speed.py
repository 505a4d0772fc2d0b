"""How fast the grader grades a class, in its sandbox and without it.

    .venv/bin/python bench/grading_speed.py [--submissions 50] [--jobs 2] [--repeats 3]

Builds, in a temporary folder, a class of mixed submissions (correct, untouched
stub, one answer wrong, half the answers raising, a syntax error, a file that is
not a notebook) of one set and of all seven sets, then times

* the batch of one set and the batch of all sets, ``--jobs`` submissions at a time,
* one set's solution graded alone,

at the strongest isolation this machine has (bubblewrap here) and in a plain
process, and prints seconds per submission and the ratio sandboxed / unsandboxed.
Targets (issue 14): at most 1 s per submission on 2 cores, one set alone in at most 3 s.
Not a test: it prints a table. Read the ratios; absolute times on a shared machine vary.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from course_code.grading.grade import grade_batch, grade_notebook, new_secret  # noqa: E402
from course_code.grading.isolation import choose_isolation  # noqa: E402
from course_code.grading.notebook import strip_solutions  # noqa: E402
from course_code.grading.sets import SETS  # noqa: E402

KINDS = ("correct", "stub", "one wrong", "half raising", "syntax error", "not a notebook")


def _variant(set_name: str, kind: str) -> bytes:
    source = REPO / "exercises" / "source" / f"{set_name}.ipynb"
    if kind == "stub":
        return (REPO / "exercises" / f"{set_name}.ipynb").read_bytes()
    if kind == "not a notebook":
        return b"\x00 this file was saved from a word processor"
    notebook = json.loads(source.read_text(encoding="utf-8"))
    regions = 0
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if "### BEGIN SOLUTION" not in text:
            continue
        if kind == "one wrong" and regions == 0:
            text = strip_solutions(text, ["return None"])
        elif kind == "half raising" and regions % 2 == 0:
            text = strip_solutions(text, ["raise ValueError('not finished')"])
        elif kind == "syntax error" and regions == 0:
            text = text.replace("### BEGIN SOLUTION", "this is not python (")
        regions += 1
        cell["source"] = text
    return json.dumps(notebook).encode("utf-8")


def make_class(folder: Path, set_names: list[str], count: int) -> None:
    folder.mkdir(parents=True)
    pairs = itertools.cycle(itertools.product(KINDS, set_names))
    for i in range(count):
        kind, set_name = next(pairs)
        (folder / f"student{i:03d}_{set_name}.ipynb").write_bytes(_variant(set_name, kind))


def _timed(function):
    """``(wall seconds, CPU seconds of this grading process)``. The children's CPU is not shown: processes
    inside bubblewrap's PID namespace are reaped by its own init, so the kernel never adds them to ours."""
    cpu = time.process_time()
    start = time.perf_counter()
    function()
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3, help="one set alone: best of this many runs")
    args = parser.parse_args()
    sandbox, plain = choose_isolation("auto"), choose_isolation("process")
    secret = new_secret()
    print(f"isolation: {sandbox.label}; {args.submissions} submissions per batch, --jobs {args.jobs}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as tmp:
        one_set = Path(tmp) / "one_set"
        all_sets = Path(tmp) / "all_sets"
        make_class(one_set, ["rnn_forward"], args.submissions)
        make_class(all_sets, sorted(SETS), args.submissions)
        for label, folder in (("50 mixed, one set (rnn_forward)", one_set), ("50 mixed, all seven sets", all_sets)):
            label = label.replace("50", str(args.submissions))
            times = {}
            for isolation in (sandbox, plain):
                results = []
                wall, cpu = _timed(lambda: results.extend(
                    grade_batch(folder, jobs=args.jobs, isolation=isolation, secret=secret)))
                assert len(results) == args.submissions
                times[isolation.level] = (wall, cpu)
            rows.append((label, times))
        source = REPO / "exercises" / "source" / "rnn_forward.ipynb"
        alone = {}
        for isolation in (sandbox, plain):
            best = min((_timed(lambda: grade_notebook(source, isolation=isolation, secret=secret))
                        for _ in range(args.repeats)), key=lambda t: t[0])
            alone[isolation.level] = best
    width = 36
    print(f"\n{'batch':<{width}} {'isolation':<11} {'wall s':>7} {'s/subm.':>8} {'grader CPU s':>12}")
    for label, times in rows:
        for level, (wall, cpu) in times.items():
            print(f"{label:<{width}} {level:<11} {wall:7.2f} {wall / args.submissions:8.3f} {cpu:12.2f}")
        ratio = times[sandbox.level][0] / times[plain.level][0]
        print(f"{'':<{width}} ratio {sandbox.level} / process: {ratio:.2f}x   (target: <= 1 s per submission)")
    print(f"\n{'one set alone (rnn_forward solution)':<{width}} ", end="")
    print(", ".join(f"{level} {wall:.2f} s" for level, (wall, _) in alone.items()), end="")
    print(f"; ratio {alone[sandbox.level][0] / alone[plain.level][0]:.2f}x   (target: <= 3 s)")


if __name__ == "__main__":
    main()
