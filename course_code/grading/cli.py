"""The command line: ``grade`` one notebook or a folder, ``exercises generate`` student versions.

Exit status: 0 whenever grading ran, whatever the score; 2 when it could not
run (missing file, not a notebook, unknown set, bad arguments); 1 for
``exercises generate --check`` when a student notebook is out of date.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from course_code.grading.grade import GradingError, grade_batch, grade_notebook
from course_code.grading.notebook import generate_student_notebooks
from course_code.grading.report import format_report, gradescope_results, result_to_dict, write_gradebook
from course_code.grading.runner import Limits

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m course_code", description="The course's exercise tools.")
    commands = parser.add_subparsers(dest="command", required=True)

    grade = commands.add_parser("grade", help="grade a notebook, or a folder of submissions with --batch")
    grade.add_argument("notebook", nargs="?", type=Path, help="the notebook to grade, e.g. exercises/rnn_forward.ipynb")
    grade.add_argument("--batch", type=Path, metavar="DIR", help="grade every .ipynb in DIR (one per student)")
    grade.add_argument("--set", dest="set_name", help="exercise set (default: from the notebook's metadata)")
    grade.add_argument("--json", type=Path, metavar="FILE", help="also write the grade as JSON (single notebook)")
    grade.add_argument("--csv", type=Path, metavar="FILE", help="with --batch: the gradebook (default DIR/gradebook.csv)")
    grade.add_argument("--gradescope", type=Path, metavar="PATH",
                       help="write Gradescope results.json: a file for one notebook, a folder with --batch")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="processes at a time")
    grade.add_argument("--timeout", type=float, default=Limits.timeout_seconds, help="seconds per question")
    grade.add_argument("--quiet", action="store_true", help="only the table, no per-test details")

    exercises = commands.add_parser("exercises", help="instructor tools for the exercise notebooks")
    actions = exercises.add_subparsers(dest="action", required=True)
    generate = actions.add_parser("generate", help="write the student notebooks from the solution sources")
    generate.add_argument("--source-dir", type=Path, default=Path("exercises/source"))
    generate.add_argument("--output-dir", type=Path, default=Path("exercises"))
    generate.add_argument("--check", action="store_true", help="write nothing; exit 1 if a student notebook is stale")
    return parser


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _grade_one(args, limits: Limits) -> int:
    try:
        result = grade_notebook(args.notebook, args.set_name, limits, jobs=args.jobs)
    except GradingError as error:
        print(f"Could not grade: {error}", file=sys.stderr)
        return 2
    print(format_report(result, details=not args.quiet))
    if args.json:
        _write_json(args.json, result_to_dict(result))
    if args.gradescope:
        _write_json(args.gradescope, gradescope_results(result))
    return 0


def _grade_many(args, limits: Limits) -> int:
    if not args.batch.is_dir():
        print(f"Could not grade: {args.batch} is not a folder", file=sys.stderr)
        return 2
    start = time.perf_counter()
    results = grade_batch(args.batch, args.set_name, limits, jobs=args.jobs)
    gradebook = args.csv or args.batch / "gradebook.csv"
    write_gradebook(results, gradebook)
    for result in results:
        line = f"{Path(result.notebook).name}: {result.score:g}/{result.max_score:g}"
        print(line + (f"  (could not grade: {result.error})" if result.error else ""))
        if args.gradescope:
            _write_json(args.gradescope / f"{Path(result.notebook).stem}.json", gradescope_results(result))
    print(f"{len(results)} submissions graded in {time.perf_counter() - start:.1f} s; gradebook: {gradebook}")
    return 0


def _generate(args) -> int:
    try:
        results = generate_student_notebooks(args.source_dir, args.output_dir, check_only=args.check)
    except ValueError as error:
        print(f"Could not generate: {error}", file=sys.stderr)
        return 2
    if not results:
        print(f"No source notebooks in {args.source_dir}", file=sys.stderr)
        return 2
    for path, differs in results:
        state = ("OUT OF DATE" if args.check else "written") if differs else "up to date"
        print(f"{path}: {state}")
    return 1 if args.check and any(d for _, d in results) else 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "exercises":
        return _generate(args)
    if (args.notebook is None) == (args.batch is None):
        print("grade: give either a notebook or --batch DIR", file=sys.stderr)
        return 2
    limits = Limits(timeout_seconds=args.timeout)
    return _grade_many(args, limits) if args.batch else _grade_one(args, limits)
