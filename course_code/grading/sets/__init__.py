"""The registry of exercise sets: one module per notebook in ``exercises/``."""

from __future__ import annotations

from course_code.grading.questions import ExerciseSet, Question
from course_code.grading.sets.bidirectional import EXERCISE_SET as BIDIRECTIONAL
from course_code.grading.sets.bptt import EXERCISE_SET as BPTT
from course_code.grading.sets.gates import EXERCISE_SET as GATES
from course_code.grading.sets.gradients import EXERCISE_SET as GRADIENTS
from course_code.grading.sets.rnn_forward import EXERCISE_SET as RNN_FORWARD
from course_code.grading.sets.sampling import EXERCISE_SET as SAMPLING
from course_code.grading.sets.seq2seq import EXERCISE_SET as SEQ2SEQ

__all__ = ["SETS", "find_question", "get_set"]

SETS: dict[str, ExerciseSet] = {s.name: s for s in (RNN_FORWARD, BPTT, SAMPLING, BIDIRECTIONAL, GRADIENTS, SEQ2SEQ, GATES)}


def get_set(name: str) -> ExerciseSet:
    """The exercise set called ``name``; ``KeyError`` listing the known sets otherwise."""
    if name not in SETS:
        raise KeyError(f"unknown exercise set {name!r}; known sets: {', '.join(sorted(SETS))}")
    return SETS[name]


def find_question(name: str, set_name: str | None = None) -> Question:
    """The question called ``name`` (in ``set_name`` if given, else in any set)."""
    candidates = [get_set(set_name)] if set_name else list(SETS.values())
    for exercise_set in candidates:
        for question in exercise_set.questions:
            if question.name == name:
                return question
    raise KeyError(f"no exercise is called {name!r}")
