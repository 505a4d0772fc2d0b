"""Grade a notebook, or a folder of them: static checks, then the isolated run, then the checks.

The notebook file is read once, as bytes, and never opened for writing.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from course_code.grading import notebook as nb
from course_code.grading.checks import QuestionResult, TestResult, grade_outcomes
from course_code.grading.questions import ExerciseSet, Question
from course_code.grading.runner import Limits, run_isolated
from course_code.grading.sets import SETS, get_set
from course_code.grading.static import find_function, reference_use

__all__ = ["GradingError", "SetResult", "grade_batch", "grade_cells", "grade_notebook", "resolve_set"]


class GradingError(Exception):
    """Grading could not run at all (no such file, not a notebook, unknown set)."""


@dataclass
class SetResult:
    """The grade of one notebook. ``error`` is set (and ``questions`` empty) if it could not be graded."""

    notebook: str
    set_name: str
    questions: list[QuestionResult] = field(default_factory=list)
    max_score: float = 0.0
    seconds: float = 0.0
    error: str = ""

    @property
    def score(self) -> float:
        return round(sum(q.points for q in self.questions), 2)


def _whole_question(question: Question, status: str, message: str) -> QuestionResult:
    return QuestionResult(question.name, 0.0, question.points, status, message,
                          [TestResult("static check", False, message)])


def grade_question(cells: list[str], question: Question, limits: Limits) -> QuestionResult:
    """Grade one question of a notebook whose code cells are ``cells``."""
    location = find_function(cells, question.name)
    if location is not None and location.syntax_error:
        return _whole_question(question, "error", location.syntax_error)
    why = reference_use(cells, question.name)
    if why:
        return _whole_question(question, "flagged",
                               f"uses the reference implementation ({why}); write the function yourself")
    cases = question.make_cases()
    return grade_outcomes(question, cases, run_isolated(cells, question, cases, limits))


def grade_cells(cells: list[str], exercise_set: ExerciseSet, limits: Limits = Limits(), jobs: int = 2) -> list[QuestionResult]:
    """Grade every question of ``exercise_set``, ``jobs`` questions at a time."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda q: grade_question(cells, q, limits), exercise_set.questions))


def resolve_set(notebook, path: Path, set_name: str | None, default: str | None = None) -> ExerciseSet:
    """The set to grade against: ``set_name`` if given, else the notebook's metadata, else the
    file name if it is a set's name, else ``default``."""
    name = set_name or nb.exercise_set_name(notebook) or (path.stem if path.stem in SETS else default) or path.stem
    try:
        return get_set(name)
    except KeyError as error:
        raise GradingError(f"{path}: {error.args[0]} (pass --set NAME)") from None


def grade_notebook(path, set_name: str | None = None, limits: Limits = Limits(), jobs: int = 2,
                   default_set: str | None = None) -> SetResult:
    """Grade one notebook file.

    Raises:
        GradingError: if the file is missing, is not a notebook, or its set is unknown.
    """
    start = time.perf_counter()
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise GradingError(f"cannot read {path}: {error.strerror}") from None
    try:
        notebook = nb.read_notebook(data, str(path))
    except nb.NotebookError as error:
        raise GradingError(str(error)) from None
    exercise_set = resolve_set(notebook, path, set_name, default_set)
    questions = grade_cells(nb.code_cells(notebook), exercise_set, limits, jobs)
    return SetResult(str(path), exercise_set.name, questions, exercise_set.max_score, time.perf_counter() - start)


def grade_batch(directory, set_name: str | None = None, limits: Limits = Limits(), jobs: int = 2) -> list[SetResult]:
    """Grade every ``*.ipynb`` in ``directory`` (sorted by name), ``jobs`` notebooks at a time.

    A submission that cannot be graded gets a :class:`SetResult` with ``error``
    set, so one broken file never stops the class's grading.
    """
    paths = sorted(p for p in Path(directory).glob("*.ipynb") if p.is_file())
    fallback = get_set(set_name) if set_name else (next(iter(SETS.values())) if len(SETS) == 1 else None)

    def one(path: Path) -> SetResult:
        try:
            return grade_notebook(path, set_name, limits, jobs=1, default_set=fallback.name if fallback else None)
        except GradingError as error:
            name = fallback.name if fallback else (set_name or "")
            return SetResult(str(path), name, [], fallback.max_score if fallback else 0.0, error=str(error))

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, paths))
