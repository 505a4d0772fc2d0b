"""Check a question's properties on every output that has the right shape and dtype."""

from __future__ import annotations

import numpy as np

from course_code.grading.outcomes import Outcome, TestResult
from course_code.grading.questions import Case, Question

__all__ = ["check_properties"]


def _well_formed(outcome: Outcome, want):
    """The output (a tuple for a multi-output question) if it has the reference's shapes and dtypes
    and no NaN or inf, else None."""
    if outcome.kind == "tuple":
        if not isinstance(want, tuple) or len(outcome.items) != len(want):
            return None
        items = [_well_formed(item, w) for item, w in zip(outcome.items, want)]
        return None if any(i is None for i in items) else tuple(items)
    got = outcome.array
    if got is None or isinstance(want, tuple) or got.shape != want.shape or got.dtype != want.dtype \
            or not np.isfinite(got).all():
        return None
    return got


def check_properties(question: Question, cases: list[Case], outcomes: list[Outcome],
                     expected: list[np.ndarray]) -> list[TestResult]:
    """One test per property, judged on every output of the right shape and dtype."""
    results = []
    for prop in question.properties:
        checked, problem = 0, None
        for case, outcome, want in zip(cases, outcomes, expected):
            got = _well_formed(outcome, want)
            if got is None:
                continue
            checked += 1
            try:
                with np.errstate(all="ignore"):
                    problem = prop.problem(got, case)
            except Exception as error:
                problem = f"the property could not be checked on this result ({type(error).__name__})"
            if problem:
                problem = f"{case.label}: {problem}"
                break
        if problem:
            results.append(TestResult(f"property: {prop.name}", False, problem))
        elif checked == 0:
            results.append(TestResult(f"property: {prop.name}", False, "not checked: no output of the right shape and dtype without NaN"))
        else:
            results.append(TestResult(f"property: {prop.name}", True, f"holds on {checked} outputs"))
    return results
