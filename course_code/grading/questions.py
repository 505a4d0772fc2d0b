"""What a graded question is: its reference, its test inputs, its known bugs and properties.

An exercise set (one notebook) is a list of :class:`Question`. Each question
names the function the student writes, the reference that computes the right
answer (from ``course_code``), a few seeded test inputs of varied shapes, the
realistic wrong answers the checks recognise, and properties every correct
output has (such as "softmax rows sum to 1").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["ATOL", "RTOL", "Case", "ExerciseSet", "KnownBug", "Output", "Property", "Question", "spell_shape"]

RTOL = 1e-6  # relative tolerance of every value comparison (float64)
ATOL = 1e-8  # absolute tolerance


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
