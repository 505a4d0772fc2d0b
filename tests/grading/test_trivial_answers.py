"""Answers that do no work score nothing, on every question of every set, on public and hidden inputs.

A trivial answer here is given more than any student has: the exact shape and
dtype of the right answer on each case. It returns zeros, ones, a constant,
one of its inputs (the first of the right shape, else the first), a uniform
distribution over the last axis, or random numbers. Properties every correct
answer has (rows summing to 1, a non-negative loss) hold for some of these, so
this also tests that a property earns points only beside a correct value.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_code.grading.child import capture_call
from course_code.grading.outcomes import Outcome
from course_code.grading.scoring import grade_outcomes, guessable
from course_code.grading.sets import SETS

QUESTIONS = [(s.name, q.name) for s in SETS.values() for q in s.questions]
SECRETS = (None, 12345, 2**62 + 7)


def _like(reference: np.ndarray, args, kind: str, rng) -> np.ndarray:
    reference = np.asarray(reference)
    if kind == "zeros":
        return np.zeros_like(reference)
    if kind == "ones":
        return np.ones_like(reference)
    if kind == "constant":
        return np.full_like(reference, 3 if reference.dtype.kind in "iu" else 0.25)
    if kind == "input":
        same = [np.asarray(a) for a in args if np.shape(a) == reference.shape and np.asarray(a).dtype == reference.dtype]
        return (same or [np.asarray(args[0])])[0].copy()
    if kind == "uniform":
        if reference.ndim == 0 or reference.dtype.kind in "iu":
            return np.zeros_like(reference)
        return np.full_like(reference, 1.0 / reference.shape[-1])
    if reference.dtype.kind in "iu":
        return rng.integers(0, max(int(np.max(reference, initial=0)), 1) + 1, reference.shape).astype(reference.dtype)
    return rng.normal(size=reference.shape).astype(reference.dtype)


def _trivial(question, kind: str):
    rng = np.random.default_rng(0)

    def answer(*args):
        want = question.reference(*[np.copy(a) for a in args])
        if question.outputs:
            return tuple(_like(w, args, kind, rng) for w in want)
        return _like(want, args, kind, rng)

    return answer


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("secret", SECRETS, ids=["public", "secret-a", "secret-b"])
@pytest.mark.parametrize("set_name, name", QUESTIONS, ids=[f"{s}-{q}" for s, q in QUESTIONS])
def test_trivial_answers_score_zero(set_name, name, secret):
    question = SETS[set_name].question(name)
    cases = question.cases(secret)
    scored = {}
    for kind in ("zeros", "ones", "constant", "input", "uniform", "random"):
        func = _trivial(question, kind)
        outcomes = [Outcome.from_meta(*capture_call(func, [a.copy() for a in c.args], len(question.outputs)))
                    for c in cases]
        result = grade_outcomes(question, cases, outcomes)
        if result.points:
            scored[kind] = (result.points, [t.label for t in result.tests if t.passed])
    assert scored == {}


@pytest.mark.parametrize("secret", SECRETS, ids=["public", "secret-a", "secret-b"])
@pytest.mark.parametrize("set_name, name", QUESTIONS, ids=[f"{s}-{q}" for s, q in QUESTIONS])
def test_every_question_has_inputs_that_need_real_work_and_the_reference_passes(set_name, name, secret):
    question = SETS[set_name].question(name)
    cases = question.cases(secret)
    expected = [question.reference(*[a.copy() for a in c.args]) for c in cases]
    expected = [tuple(np.asarray(e) for e in w) if question.outputs else np.asarray(w) for w in expected]
    assert sum(not guessable(c, e) for c, e in zip(cases, expected)) >= 2
    outcomes = [Outcome.from_meta(*capture_call(question.reference, [a.copy() for a in c.args], len(question.outputs)))
                for c in cases]
    assert grade_outcomes(question, cases, outcomes).points == question.points


def test_hidden_inputs_differ_from_the_public_ones_and_keep_their_shapes():
    for exercise_set in SETS.values():
        for question in exercise_set.questions:
            public, hidden = question.cases(None), question.cases(987654321)
            assert len(public) == len(hidden)
            assert [[np.shape(a) for a in c.args] for c in public] == [[np.shape(a) for a in c.args] for c in hidden]
            differ = any(not np.array_equal(a, b) for c, d in zip(public, hidden) for a, b in zip(c.args, d.args))
            assert differ, f"{question.name}: the secret changes no input"
            assert question.cases(987654321)[0].args[0].tolist() == hidden[0].args[0].tolist()  # reproducible
