"""The check cell of a notebook: ``check("softmax", softmax)`` prints instant feedback.

It runs the same tests as the command-line grader, with the same messages,
but in the notebook's own process for speed, on the public test inputs: it is
feedback for the student, not the grade. The grade comes from ``grade()`` in the
notebook's last cell (or ``python -m course_code grade``), which runs the code in
an isolated process, on hidden inputs of the same kinds.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from course_code.grading.case_checks import TOLERANCE_NOTE
from course_code.grading.child import capture_call
from course_code.grading.outcomes import Outcome, QuestionResult, TestResult
from course_code.grading.report import format_question
from course_code.grading.scoring import grade_outcomes
from course_code.grading.sets import find_question
from course_code.grading.static import reference_use

__all__ = ["check", "grade", "run_checks"]


def _reference_use(func) -> str:
    if getattr(func, "__module__", "") and str(func.__module__).split(".")[0] == "course_code":
        return f"it is {func.__module__}.{getattr(func, '__name__', '?')} itself"
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return ""
    name = getattr(func, "__name__", "")
    return reference_use([source], name) if name else ""


def run_checks(name: str, func) -> QuestionResult:
    """Run question ``name``'s tests on ``func`` in this process; return the result."""
    question = find_question(name)
    why = _reference_use(func)
    if why:
        message = f"uses the reference implementation ({why}); write the function yourself"
        return QuestionResult(name, 0.0, question.points, "flagged", message,
                              [TestResult("static check", False, message)])
    cases = question.make_cases()
    outcomes = [Outcome.from_meta(*capture_call(func, [a.copy() for a in case.args], len(question.outputs)))
                for case in cases]
    return grade_outcomes(question, cases, outcomes)


def check(name: str, func) -> None:
    """Print pass/fail for each test of question ``name`` on your function ``func``.

    Example (the check cell after each exercise)::

        check("rnn_step_forward", rnn_step_forward)
    """
    try:
        result = run_checks(name, func)
    except KeyError as error:
        print(f"check: {error.args[0]}")
        return
    print(format_question(result))
    if result.status == "passed":
        print("Well done!")
    elif result.status in ("partial", "failed"):
        print(TOLERANCE_NOTE)


def _this_notebook() -> Path | None:
    """The notebook this kernel runs, as JupyterLab tells its kernels (``JPY_SESSION_NAME``), if it does."""
    name = os.environ.get("JPY_SESSION_NAME", "")
    path = Path(name) if name.endswith(".ipynb") else None
    return path if path is not None and path.is_file() else None


def grade(notebook: str | os.PathLike | None = None, *extra: str) -> int:
    """Grade a saved notebook with this kernel's own Python, and print the report.

    Run it in the last cell, after saving: ``grade("rnn_forward.ipynb")``. The
    grader runs in a new process of ``sys.executable`` (the interpreter of this
    kernel, so the course's environment, whatever ``python`` means in a terminal)
    and reads the file as saved on disk. With no argument it grades the notebook
    JupyterLab says this kernel belongs to. ``extra`` arguments go to
    ``python -m course_code grade`` (e.g. ``"--quiet"``). Returns the exit status.
    """
    path = Path(notebook) if notebook is not None else _this_notebook()
    if path is None:
        print('grade: give the notebook\'s file name, e.g. grade("rnn_forward.ipynb"), after saving it')
        return 2
    run = subprocess.run([sys.executable, "-m", "course_code", "grade", str(path), *extra],
                         capture_output=True, text=True, check=False)
    print(run.stdout + run.stderr, end="")
    return run.returncode
