"""What came back from the student's function, and the verdicts on it: plain records.

An :class:`Outcome` is what one call produced, as the child described it (read
with every field checked); a :class:`TestResult` is the verdict on one case or one
property; a :class:`QuestionResult` is a question's points, status and tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Outcome", "QuestionResult", "TestResult"]


@dataclass
class Outcome:
    """What one call of the student's function produced, as described by :mod:`child`.

    ``kind`` is one of ``array``, ``scalar`` (with ``array``), ``wrong_type``,
    ``raised``, ``exit``, ``missing`` (no such function), ``crashed`` (the
    child process died, timed out or printed too much; ``detail`` says which)
    or ``tuple`` (a multi-output question's tuple, one outcome per item in ``items``).
    """

    kind: str
    array: np.ndarray | None = None
    type_name: str = ""
    length: int | None = None
    exception: str = ""
    detail: str = ""
    where: str = ""
    cell_problems: list = field(default_factory=list)
    items: list = field(default_factory=list)

    @classmethod
    def from_meta(cls, meta, array) -> "Outcome":
        """Build from the child's JSON description, keeping only well-typed fields.

        ``array`` is the returned array, or for a ``tuple`` the list of its items' arrays.
        """
        if not isinstance(meta, dict):
            return cls("crashed", detail="the grader could not read what your code returned")
        if meta.get("kind") == "tuple":
            items = meta.get("items")
            if not isinstance(items, list) or not isinstance(array, list) or len(items) != len(array):
                return cls("crashed", detail="the grader could not read the arrays your code returned")
            return cls("tuple", items=[cls.from_meta(m, a) for m, a in zip(items, array)])
        if isinstance(array, list):
            return cls("crashed", detail="the grader could not read what your code returned")

        def text(key):
            value = meta.get(key, "")
            return value[:500] if isinstance(value, str) else ""

        kind = text("kind")
        if kind not in {"array", "scalar", "wrong_type", "raised", "exit", "missing"}:
            return cls("crashed", detail="the grader could not read what your code returned")
        if kind in {"array", "scalar"} and array is None:
            return cls("crashed", detail="the grader could not read the array your code returned")
        length = meta.get("length")
        problems = meta.get("cell_problems", [])
        problems = [p for p in problems if isinstance(p, dict)][:5] if isinstance(problems, list) else []
        return cls(kind, array, text("type_name"), length if isinstance(length, int) else None,
                   text("exception"), text("detail"), text("where"), problems)


@dataclass
class TestResult:
    """The verdict on one test: a case or a property."""

    label: str
    passed: bool
    message: str
    hint: str = ""
    bug: str = ""
    candidates: tuple[str, ...] = ()  # every known bug whose output this result equals
    fallback: str = ""  # the hint to show if no candidate is confirmed by the other tests
    compared: bool = False  # the result was an array (or arrays) compared with the reference's


@dataclass
class QuestionResult:
    """The verdict on one question: points, a status, a one-line message and the tests."""

    name: str
    points: float
    max_points: float
    status: str  # passed | partial | failed | not attempted | flagged | error
    message: str
    tests: list[TestResult] = field(default_factory=list)
