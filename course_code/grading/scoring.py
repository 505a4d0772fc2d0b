"""Score a question: settle which known bug to name, discount guessable answers, add up.

A question's score is ``points * passed tests / all tests``, over its cases
(:mod:`case_checks`) and its properties (:mod:`properties`). Two rules make the
score and the feedback honest: a known bug is named only where the other tests
confirm it (:func:`_settle_bugs`), and answers that a function doing no work
would also give earn nothing unless some other answer is right (:func:`guessable`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from course_code.grading.case_checks import check_case
from course_code.grading.outcomes import Outcome, QuestionResult, TestResult
from course_code.grading.properties import check_properties
from course_code.grading.questions import ATOL, RTOL, Case, Question

__all__ = ["BUG_SEPARATOR", "grade_outcomes", "guessable"]

BUG_SEPARATOR = "; "  # between the names of several bugs in TestResult.bug (names may hold commas)


def _settle_bugs(question: Question, tests: list[TestResult], guessable_cases: list[bool]) -> list[TestResult]:
    """Name a known bug only where the other tests confirm it; otherwise say less.

    A realistic mistake that is not in the table can give, on one input, the same
    numbers as a known bug, and its hint would then point at the wrong mistake. So
    a known bug is named (with its hint) only if it matches on at least two of the
    failed tests, or on every failed test whose result could be compared; among
    several that match, the one matching most often is named.
    """
    compared = [t for t in tests if not t.passed and t.compared]
    support: dict[str, int] = {}
    for test in compared:
        for name in test.candidates:
            support[name] = support.get(name, 0) + 1
    confirmed = {n for n, k in support.items() if k >= 2 or k == len(compared)}
    hints = {b.name: b.hint for b in question.known_bugs}
    settled = []
    for test in tests:
        if not test.candidates:
            settled.append(test)
            continue
        names = [n for n in test.candidates if n in confirmed]
        best = max((support[n] for n in names), default=0)
        chosen = [n for n in names if support[n] == best]  # the mistake that explains the most tests
        chosen = chosen if question.outputs else chosen[:1]
        hint = " ".join(dict.fromkeys(hints[n] for n in chosen if n in hints)) if chosen else test.fallback
        settled.append(replace(test, hint=hint, bug=BUG_SEPARATOR.join(chosen)))
    return settled


UNCOUNTED = "not counted: a property earns points only when some test input is answered correctly"
GUESSABLE = ("correct, but not counted: a function that does no work (zeros, a constant, its input) gives this "
             "answer too, so it counts only beside a correct answer on another input")
TRIVIAL_KINDS = ("zeros", "ones", "constant", "input", "uniform")


def _trivial_like(want: np.ndarray, args, kind: str):
    if kind == "zeros":
        return np.zeros_like(want)
    if kind == "ones":
        return np.ones_like(want)
    if kind == "input":
        return next((np.asarray(a) for a in args if np.shape(a) == want.shape), None)
    if kind == "uniform":
        return np.full(want.shape, 1.0 / want.shape[-1]) if want.ndim else None
    flat = want.reshape(-1)  # "constant": the best one is the answer's own first entry (a number is not one)
    return np.full_like(want, flat[0]) if flat.size > 1 else None


def _same(a, b) -> bool:
    try:
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and bool(np.allclose(a.astype(float), b.astype(float), rtol=RTOL, atol=ATOL))
    except Exception:
        return False


def guessable(case: Case, expected) -> bool:
    """Whether a function that does no work could give ``expected`` on ``case``.

    True when the answer (every array of a tuple) is all zeros, all ones, one
    repeated value, one of the inputs or a uniform distribution over the last
    axis, or is at most two integers (a guess has a fair chance).
    """
    wants = list(expected) if isinstance(expected, tuple) else [expected]
    if all(w.dtype.kind in "biu" and w.size <= 2 for w in wants):
        return True
    return any(all(_same(_trivial_like(w, case.args, kind), w) for w in wants) for kind in TRIVIAL_KINDS)


def _safely(check, question, case, outcome, expected) -> TestResult:
    """``check(...)``, or a failed test saying the grader could not compare (never an exception)."""
    try:
        return replace(check(question, case, outcome, expected), compared=outcome.kind in ("array", "scalar", "tuple"))
    except Exception as error:
        return TestResult(case.label, False, f"the grader could not compare this result ({type(error).__name__})")


def grade_outcomes(question: Question, cases: list[Case], outcomes: list[Outcome]) -> QuestionResult:
    """Score a question: ``points * passed tests / all tests``, with a one-line summary."""
    expected = [question.reference(*[a.copy() for a in case.args]) for case in cases]
    expected = [tuple(np.asarray(e) for e in want) if question.outputs else np.asarray(want) for want in expected]
    guesses = [guessable(c, e) for c, e in zip(cases, expected)]
    tests = _settle_bugs(question, [_safely(check_case, question, c, o, e) for c, o, e in zip(cases, outcomes, expected)],
                         guesses)
    if not any(t.passed and not g for t, g in zip(tests, guesses)):
        # Nothing that needs real work is right: answers a trivial function also gives earn nothing,
        # and neither do properties (zeros or a constant may have them).
        tests = [TestResult(t.label, False, GUESSABLE) if t.passed else t for t in tests]
        properties = [t if not t.passed else TestResult(t.label, False, UNCOUNTED)
                      for t in check_properties(question, cases, outcomes, expected)]
    else:
        properties = check_properties(question, cases, outcomes, expected)
    tests += properties
    passed = sum(t.passed for t in tests)
    points = round(question.points * passed / len(tests), 2)
    if passed == len(tests):
        return QuestionResult(question.name, float(question.points), question.points, "passed",
                              f"all {len(tests)} tests passed", tests)
    failed = [t for t in tests if not t.passed]
    if passed == 0 and all(t.message == "not implemented yet" or t.message.startswith(("not checked", UNCOUNTED))
                           for t in failed) and any(t.message == "not implemented yet" for t in failed):
        return QuestionResult(question.name, 0.0, question.points, "not attempted",
                              "not implemented yet: replace `raise NotImplementedError()` with your code", tests)
    bugs = list(dict.fromkeys(name for t in failed for name in t.bug.split(BUG_SEPARATOR) if t.bug))
    summary = f"{passed} of {len(tests)} tests passed"
    if bugs:
        summary += "; looks like: " + ", ".join(bugs)
    else:
        summary += "; first problem: " + failed[0].message
    status = "partial" if passed else "failed"
    return QuestionResult(question.name, points, question.points, status, summary, tests)
