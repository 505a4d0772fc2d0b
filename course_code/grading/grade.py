"""Grade a notebook, or a folder of them: static checks, one isolated run, then the checks.

The notebook file is read once, as bytes, and never opened for writing. Every
error is caught where it happens: a question the grader fails on becomes that
question's ``error``, a submission it fails on becomes a row with 0 and the
reason, so one submission never stops a batch.
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from course_code.grading import notebook as nb
from course_code.grading.isolation import Isolation, choose_isolation
from course_code.grading.limits import Limits
from course_code.grading.outcomes import QuestionResult, TestResult
from course_code.grading.questions import ExerciseSet, Question
from course_code.grading.runner import run_notebook
from course_code.grading.scoring import grade_outcomes
from course_code.grading.sets import SETS, get_set
from course_code.grading.static import find_function, reference_use

__all__ = ["GradingError", "SetResult", "grade_batch", "grade_cells", "grade_notebook", "new_secret", "resolve_set"]

PUBLIC = "public (the check cells' inputs)"
HIDDEN = "hidden (drawn from this grading run's secret seed)"


class GradingError(Exception):
    """Grading could not run at all (no such file, not a notebook, unknown set)."""


def new_secret() -> int:
    """A fresh secret seed for one grading run's hidden inputs."""
    return secrets.randbits(63)


@dataclass
class SetResult:
    """The grade of one notebook. ``error`` is set (and ``questions`` empty) if it could not be graded.

    ``isolation`` names how the student's code was kept apart, ``inputs`` whether the
    test inputs were the public ones or hidden ones, ``warnings`` what the student
    should know that cost no points (a slow cell, a set named differently by file and metadata).
    """

    notebook: str
    set_name: str
    questions: list[QuestionResult] = field(default_factory=list)
    max_score: float = 0.0
    seconds: float = 0.0
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    isolation: str = ""
    inputs: str = ""

    @property
    def score(self) -> float:
        return round(sum(q.points for q in self.questions), 2)


def _whole_question(question: Question, status: str, message: str) -> QuestionResult:
    return QuestionResult(question.name, 0.0, question.points, status, message,
                          [TestResult("static check", False, message)])


def _internal_error(question: Question, error: BaseException) -> QuestionResult:
    message = (f"the grader failed on this question ({type(error).__name__}); your notebook is unchanged. "
               "Tell your instructor.")
    return QuestionResult(question.name, 0.0, question.points, "error", message, [TestResult("grader", False, message)])


def _static_verdict(cells: list[str], question: Question) -> QuestionResult | None:
    """The verdict without running anything: a syntax error, or use of the reference; None to run it."""
    location = find_function(cells, question.name)
    if location is not None and location.syntax_error:
        return _whole_question(question, "error", location.syntax_error)
    why = reference_use(cells, question.name)
    if why:
        return _whole_question(question, "flagged",
                               f"uses the reference implementation ({why}); write the function yourself")
    return None


def grade_cells(cells: list[str], exercise_set: ExerciseSet, limits: Limits = Limits(),
                isolation: Isolation | None = None, secret: int | None = None,
                warnings: list[str] | None = None) -> list[QuestionResult]:
    """Grade every question of ``exercise_set`` on a notebook whose code cells are ``cells``.

    The cells run once, in one isolated child; ``secret`` (None: the public cases)
    draws hidden inputs. Warnings about cells are appended to ``warnings``.
    """
    verdicts: dict[int, QuestionResult] = {}
    work, cases_of = [], {}
    for j, question in enumerate(exercise_set.questions):
        try:
            verdict = _static_verdict(cells, question)
            if verdict is not None:
                verdicts[j] = verdict
                continue
            cases_of[j] = question.cases(secret)
            work.append((j, question, cases_of[j]))
        except Exception as error:
            verdicts[j] = _internal_error(question, error)
    if work:
        execution = run_notebook(cells, work, limits, isolation)
        problems = execution.cell_report.get("problems", []) if isinstance(execution.cell_report, dict) else []
        problems = [p for p in problems if isinstance(p, dict)][:5] if isinstance(problems, list) else []
        if warnings is not None:
            warnings.extend(execution.warnings)
        for j, question, cases in work:
            try:
                outcomes = execution.outcomes[j]
                for outcome in outcomes:
                    if outcome.kind == "missing":
                        outcome.cell_problems = problems
                verdicts[j] = grade_outcomes(question, cases, outcomes)
            except Exception as error:
                verdicts[j] = _internal_error(question, error)
    return [verdicts[j] for j in range(len(exercise_set.questions))]


def resolve_set(notebook, path: Path, set_name: str | None, default: str | None = None,
                warnings: list[str] | None = None) -> ExerciseSet:
    """The set to grade against: ``set_name`` if given, else the notebook's metadata, else the
    file name if it is a set's name, else ``default``.

    When the metadata and the file name name two different sets, the metadata wins
    (a notebook of another set saved under this name is graded as what it is) and a
    warning says so.
    """
    in_metadata = nb.exercise_set_name(notebook)
    by_file = path.stem if path.stem in SETS else None
    name = set_name or in_metadata or by_file or default or path.stem
    if warnings is not None and in_metadata and by_file and in_metadata != by_file:
        warnings.append(f"the file is named {path.name} but the notebook is set {in_metadata!r} (its metadata); "
                        f"it was graded as {name!r}. Did you save one set's notebook under another's name?")
    if warnings is not None and set_name and in_metadata and set_name != in_metadata:
        warnings.append(f"graded as set {set_name!r} (--set), but the notebook's metadata says {in_metadata!r}")
    try:
        return get_set(name)
    except KeyError as error:
        raise GradingError(f"{path}: {error.args[0]} (pass --set NAME)") from None


def grade_notebook(path, set_name: str | None = None, limits: Limits = Limits(), isolation: Isolation | None = None,
                   secret: int | None = None, default_set: str | None = None) -> SetResult:
    """Grade one notebook file.

    Args:
        path: the notebook.
        set_name: the exercise set (default: from the notebook's metadata or file name).
        limits: what the student's code may use.
        isolation: how to run it (default: :func:`~course_code.grading.isolation.choose_isolation`).
        secret: the grading run's secret seed for hidden inputs; None uses the public
            inputs of the check cells.
        default_set: the set to use when neither ``set_name``, metadata nor file name gives one.

    Raises:
        GradingError: if the file is missing, is not a notebook, or its set is unknown.
    """
    start = time.perf_counter()
    path = Path(path)
    isolation = isolation or choose_isolation()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise GradingError(f"cannot read {path}: {error.strerror}") from None
    try:
        notebook = nb.read_notebook(data, path.name)
    except nb.NotebookError as error:
        raise GradingError(str(error)) from None
    warnings = list(isolation.warnings)
    exercise_set = resolve_set(notebook, path, set_name, default_set, warnings)
    questions = grade_cells(nb.code_cells(notebook), exercise_set, limits, isolation, secret, warnings)
    return SetResult(str(path), exercise_set.name, questions, exercise_set.max_score, time.perf_counter() - start,
                     warnings=warnings, isolation=isolation.label, inputs=PUBLIC if secret is None else HIDDEN)


def _guess_set(path: Path) -> str | None:
    """The set a submission names (metadata or file name), without grading it; None if it names none."""
    try:
        notebook = nb.read_notebook(path.read_bytes(), path.name)
        return nb.exercise_set_name(notebook) or (path.stem if path.stem in SETS else None)
    except Exception:
        return path.stem if path.stem in SETS else None


def grade_batch(directory, set_name: str | None = None, limits: Limits = Limits(), jobs: int = 2,
                isolation: Isolation | None = None, secret: int | None = None) -> list[SetResult]:
    """Grade every ``*.ipynb`` in ``directory`` (sorted by name), ``jobs`` notebooks at a time.

    A submission that cannot be graded, for whatever reason, gets a :class:`SetResult`
    with ``error`` set and the maximum of the class's set (``set_name``, else the set most
    submissions name), so one broken file never stops the class's grading.
    """
    isolation = isolation or choose_isolation()
    paths = sorted(p for p in Path(directory).glob("*.ipynb") if p.is_file())
    if set_name:
        fallback = get_set(set_name).name
    else:
        named = Counter(n for n in map(_guess_set, paths) if n in SETS)
        fallback = named.most_common(1)[0][0] if named else (next(iter(SETS)) if len(SETS) == 1 else None)
    inputs = PUBLIC if secret is None else HIDDEN

    def one(path: Path) -> SetResult:
        start = time.perf_counter()
        try:
            return grade_notebook(path, set_name, limits, isolation, secret, default_set=fallback)
        except Exception as error:  # GradingError, or anything the grader did not foresee
            reason = str(error) if isinstance(error, GradingError) else (
                f"the grader failed on this file ({type(error).__name__}: {error})")
            name = set_name or _guess_set(path) or fallback or ""
            maximum = SETS[name].max_score if name in SETS else 0.0
            return SetResult(str(path), name, [], maximum, time.perf_counter() - start, error=reason,
                             isolation=isolation.label, inputs=inputs)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, paths))
