"""What a graded question is: its reference, its test inputs, its known bugs and properties.

An exercise set (one notebook) is a list of :class:`Question`. Each question
names the function the student writes, the reference that computes the right
answer (from ``course_code``), a few seeded test inputs of varied shapes, the
realistic wrong answers the checks recognise, and properties every correct
output has (such as "softmax rows sum to 1").
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np

__all__ = ["ATOL", "RTOL", "Case", "ExerciseSet", "KnownBug", "Output", "Property", "Question", "case_rng",
           "spell_shape"]

RTOL = 1e-6  # relative tolerance of every value comparison (float64)
ATOL = 1e-8  # absolute tolerance

_SECRET: ContextVar[int | None] = ContextVar("grading_secret", default=None)


def case_rng(seed: int) -> np.random.Generator:
    """The random generator a set's ``make_cases`` draws one test input from.

    Outside grading (the notebook's check cells, the tests) it is seeded by
    ``seed`` alone, so the cases are public and the same every time. While
    :meth:`Question.cases` runs with a grading run's secret, the secret is mixed
    in: same shapes and the same kinds of awkward input, numbers nobody could
    have computed in advance.
    """
    secret = _SECRET.get()
    return np.random.default_rng(seed if secret is None else [int(secret), int(seed)])


@dataclass(frozen=True)
class Case:
    """One test input: the arguments and the sizes of the shape letters.

    Attributes:
        label: how the feedback names the test, e.g. ``"N=1, D=3, H=4"``.
        args: the arguments, in the order of :attr:`Question.arg_names`.
        sizes: the size of each shape letter, e.g. ``{"N": 1, "D": 3, "H": 4}``.
    """

    label: str
    args: tuple[np.ndarray, ...]
    sizes: dict[str, int]


@dataclass(frozen=True)
class KnownBug:
    """A realistic wrong answer, recognised when the student's output equals its output.

    Attributes:
        name: a few words for the score table, e.g. ``"missing bias b_h"``.
        compute: the buggy function, called with the same arguments as the reference.
        hint: one or two sentences telling the student what to look at.
    """

    name: str
    compute: Callable[..., np.ndarray]
    hint: str


@dataclass(frozen=True)
class Property:
    """Something every correct output has, checked on each well-formed output.

    ``problem(output, case)`` returns ``None`` when the property holds, else a
    sentence describing what is wrong.
    """

    name: str
    problem: Callable[[np.ndarray, Case], str | None]


@dataclass(frozen=True)
class Output:
    """One named array of a question that returns several (a tuple), e.g. ``Output("dW_hh", ("H", "H"))``."""

    name: str
    axes: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """One function the student writes.

    Attributes:
        name: the function's name, which is also the question's name.
        points: what a fully correct answer earns.
        arg_names: the parameters, in order.
        output_axes: shape letters of the result, e.g. ``("N", "T", "H")``; ``()`` for a number.
        reference: computes the right answer from the arguments.
        make_cases: builds the seeded test inputs.
        known_bugs: wrong answers recognised by their output.
        properties: checks on every well-formed output.
        outputs: for a function that returns a tuple of arrays, their names and shape
            letters, in order (``output_axes`` is then unused). The reference and the
            known bugs return tuples in the same order, and each array is compared
            on its own; a property gets the tuple.
        error_hints: ``(piece of the exception's text, hint)`` pairs tried before the
            grader's general ones, for errors whose usual cause differs in this question.
    """

    name: str
    points: float
    arg_names: tuple[str, ...]
    output_axes: tuple[str, ...]
    reference: Callable[..., np.ndarray]
    make_cases: Callable[[], list[Case]]
    known_bugs: tuple[KnownBug, ...] = ()
    properties: tuple[Property, ...] = ()
    outputs: tuple[Output, ...] = ()
    error_hints: tuple[tuple[str, str], ...] = ()

    def cases(self, secret: int | None = None) -> list[Case]:
        """The test inputs: the public ones (``secret=None``), or hidden ones drawn with ``secret``.

        Args:
            secret: a non-negative integer known only to the grader (see :func:`case_rng`).
        """
        if secret is not None and (not isinstance(secret, int) or secret < 0):
            raise ValueError(f"the grading secret must be a non-negative integer, got {secret!r}")
        token = _SECRET.set(secret)
        try:
            return self.make_cases()
        finally:
            _SECRET.reset(token)


@dataclass(frozen=True)
class ExerciseSet:
    """The questions of one notebook, and the chapter it goes with."""

    name: str
    title: str
    chapter: str
    questions: tuple[Question, ...] = field(default_factory=tuple)

    @property
    def max_score(self) -> float:
        return float(sum(q.points for q in self.questions))

    def question(self, name: str) -> Question:
        for question in self.questions:
            if question.name == name:
                return question
        raise KeyError(f"set {self.name!r} has no question {name!r}")


def spell_shape(axes: tuple[str, ...], sizes: dict[str, int]) -> str:
    """``("N", "H"), {"N": 2, "H": 4}`` -> ``"(N=2, H=4)"``; ``()`` -> ``"a single number"``."""
    if not axes:
        return "a single number"
    return "(" + ", ".join(f"{axis}={sizes[axis]}" for axis in axes) + ")"
