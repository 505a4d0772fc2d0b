"""The command line: ``grade`` one notebook or a folder, ``exercises generate`` student versions,
``exercises autograder`` a Gradescope zip.

Exit status: 0 whenever grading ran, whatever the score; 2 when it could not
run (missing file, not a notebook, unknown set, bad arguments); 1 for
``exercises generate --check`` when a student notebook is out of date.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from course_code.grading.grade import GradingError, grade_batch, grade_notebook, new_secret
from course_code.grading.isolation import IsolationError, choose_isolation
from course_code.grading.limits import Limits
from course_code.grading.notebook import generate_student_notebooks
from course_code.grading.report import (
    format_report,
    gradescope_error,
    gradescope_results,
    result_to_dict,
    write_gradebook,
    write_json,
)
from course_code.grading.sets import SETS
from course_code.grading.text import printable

__all__ = ["main"]

SECRET_VARIABLE = "COURSE_GRADER_SECRET"


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
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="submissions at a time (with --batch)")
    grade.add_argument("--timeout", type=float, default=Limits.timeout_seconds, help="seconds per question")
    grade.add_argument("--cell-timeout", type=float, default=Limits.cell_seconds, help="seconds per notebook cell")
    grade.add_argument("--quiet", action="store_true", help="only the table, no per-test details")
    grade.add_argument("--isolation", choices=("auto", "bubblewrap", "user", "process"), default=None,
                       help="how to isolate the student's code (default: $COURSE_GRADER_ISOLATION, else auto: "
                            "the strongest that works here)")
    grade.add_argument("--allow-unsandboxed", action="store_true",
                       help="with --batch: grade even without a real sandbox (recorded in the gradebook)")
    inputs = grade.add_mutually_exclusive_group()
    inputs.add_argument("--secret-file", type=Path, metavar="FILE",
                        help=f"a file holding the secret seed of the hidden inputs (default: ${SECRET_VARIABLE}, "
                             "else a new secret for this run)")
    inputs.add_argument("--public-inputs", action="store_true",
                        help="grade on the check cells' public inputs instead of hidden ones")

    exercises = commands.add_parser("exercises", help="instructor tools for the exercise notebooks")
    actions = exercises.add_subparsers(dest="action", required=True)
    generate = actions.add_parser("generate", help="write the student notebooks from the solution sources")
    generate.add_argument("--source-dir", type=Path, default=Path("exercises/source"))
    generate.add_argument("--output-dir", type=Path, default=Path("exercises"))
    generate.add_argument("--check", action="store_true", help="write nothing; exit 1 if a student notebook is stale")
    autograder = actions.add_parser("autograder", help="write the Gradescope autograder zip of one set")
    autograder.add_argument("set_name", metavar="SET", help="the exercise set, e.g. rnn_forward")
    autograder.add_argument("--output", type=Path, default=Path("."), metavar="DIR",
                            help="folder to write <SET>_autograder.zip into")
    return parser


def _secret(args) -> int | None:
    """The secret seed of the hidden inputs: --secret-file, $COURSE_GRADER_SECRET, else a new one."""
    if args.public_inputs:
        return None
    text = None
    if args.secret_file:
        text = args.secret_file.read_text(encoding="utf-8")
    elif os.environ.get(SECRET_VARIABLE):
        text = os.environ[SECRET_VARIABLE]
    if text is None:
        return new_secret()
    try:
        value = int(text.strip(), 0)
    except ValueError:
        raise ValueError("the secret seed must be a non-negative integer (in the file or the variable)") from None
    if value < 0:
        raise ValueError("the secret seed must be a non-negative integer")
    return value


def _grade_one(args, limits: Limits, isolation, secret) -> int:
    try:
        result = grade_notebook(args.notebook, args.set_name, limits, isolation, secret)
    except GradingError as error:
        print(printable(f"Could not grade: {error}"), file=sys.stderr)
        if args.gradescope:
            maximum = SETS[args.set_name].max_score if args.set_name in SETS else 0.0
            write_json(args.gradescope, gradescope_error(str(error), maximum))
        return 2
    print(format_report(result, details=not args.quiet))
    if args.json:
        write_json(args.json, result_to_dict(result))
    if args.gradescope:
        write_json(args.gradescope, gradescope_results(result))
    return 0


def _grade_many(args, limits: Limits, isolation, secret) -> int:
    if not args.batch.is_dir():
        print(f"Could not grade: {args.batch} is not a folder", file=sys.stderr)
        return 2
    note = ""
    if not isolation.real:
        if not args.allow_unsandboxed:
            print("Refusing to grade a class without a sandbox: the isolation here is "
                  f"{isolation.label}.\nInstall bubblewrap (tools/grader_deps.sh, or apt-get install bubblewrap), "
                  "or run as root with a dedicated user (see the exercises guide), or pass --allow-unsandboxed "
                  "to grade anyway (the gradebook records it).", file=sys.stderr)
            return 2
        note = "graded WITHOUT a sandbox (--allow-unsandboxed)"
    start = time.perf_counter()
    results = grade_batch(args.batch, args.set_name, limits, jobs=args.jobs, isolation=isolation, secret=secret)
    gradebook = args.csv or args.batch / "gradebook.csv"
    write_gradebook(results, gradebook, note)
    for result in results:
        line = f"{Path(result.notebook).name}: {result.score:g}/{result.max_score:g}"
        print(printable(line + (f"  (could not grade: {result.error})" if result.error else ""), False))
        if args.gradescope:
            try:
                write_json(args.gradescope / f"{Path(result.notebook).stem}.json", gradescope_results(result))
            except OSError as error:
                print(printable(f"  could not write its Gradescope file: {error}", False), file=sys.stderr)
    print(f"{len(results)} submissions graded in {time.perf_counter() - start:.1f} s "
          f"({isolation.label}); gradebook: {gradebook}")
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


def _autograder(args) -> int:
    from course_code.grading.autograder import build_autograder

    try:
        path = build_autograder(args.set_name, args.output)
    except (KeyError, ValueError, OSError) as error:
        print(f"Could not build the autograder: {error}", file=sys.stderr)
        return 2
    print(f"Gradescope autograder for set {args.set_name}: {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "exercises":
        return _autograder(args) if args.action == "autograder" else _generate(args)
    if (args.notebook is None) == (args.batch is None):
        print("grade: give either a notebook or --batch DIR", file=sys.stderr)
        return 2
    try:
        secret = _secret(args)
        isolation = choose_isolation(args.isolation)
    except (ValueError, OSError, IsolationError) as error:
        print(f"Could not grade: {error}", file=sys.stderr)
        return 2
    limits = Limits(timeout_seconds=args.timeout, cell_seconds=args.cell_timeout)
    return _grade_many(args, limits, isolation, secret) if args.batch else _grade_one(args, limits, isolation, secret)
