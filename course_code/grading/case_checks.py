"""Compare the student's output on one case with the reference's, and say what is wrong.

Everything here runs in the grading process, on plain arrays: the student's
output is compared with the reference's output on the same inputs, then with
each known bug's output (to name the mistake it looks like). A wrong result gets
a message (what was expected, what came back, where) and a hint.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from course_code.grading.outcomes import Outcome, TestResult
from course_code.grading.questions import (
    ATOL,
    RTOL,
    Case,
    KnownBug,
    Question,
    spell_shape,
)

__all__ = ["ERROR_HINTS", "TOLERANCE_NOTE", "check_case"]

TOLERANCE_NOTE = f"Values are compared in float64 with np.allclose(rtol={RTOL:g}, atol={ATOL:g})."

# Hints for exceptions, keyed by a piece of the exception's text.
ERROR_HINTS = (
    ("MemoryError", "Your code asked for more memory than the grader allows (2 GiB). Look for an array "
                    "built with a wrong, huge shape."),
    ("mismatch in its core dimension", "A matrix product's shapes do not line up: in A @ B the last axis of A "
                                       "must match the first axis of B. Weights are stored as (outputs, inputs), "
                                       "so a batch of rows is multiplied by the transpose, rows @ W.T; check each "
                                       "shape against the statement."),
    ("not aligned", "A matrix product's shapes do not line up: in A @ B the last axis of A must match the first "
                    "axis of B. Check which weight needs .T."),
    ("could not be broadcast", "Two arrays' shapes do not line up. When you divide by a sum over an axis, keep "
                               "that axis (keepdims=True); and check that each array has the shape you think."),
    ("out of bounds", "An index is past the end of an axis. Arrays are batch-first: step t of x is x[:, t]."),
    ("course_code", "course_code is not available while your code is graded: write the function yourself."),
    ("NameError", "A name is not defined. Define everything your function uses in the notebook itself "
                  "(for example `import numpy as np`)."),
)


def _where(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in index) + "]"


def _describe_error(outcome: Outcome, own_hints: tuple[tuple[str, str], ...] = ()) -> tuple[str, str]:
    message = f"raised {outcome.exception}: {outcome.detail}"
    if outcome.where:
        message += f" ({outcome.where})"
    text = f"{outcome.exception} {outcome.detail}"
    hint = next((h for key, h in (*own_hints, *ERROR_HINTS) if key in text), "")
    return message, hint


def _describe_missing(question: Question, outcome: Outcome) -> str:
    message = f"no function named {question.name} was defined when the notebook's cells ran"
    for problem in outcome.cell_problems:
        exception, detail = str(problem.get("exception", "")), str(problem.get("detail", ""))
        message += f"; a cell raised {exception}: {detail}"
        break
    return message


def _describe_wrong_type(question: Question, case: Case, outcome: Outcome) -> tuple[str, str]:
    want = spell_shape(question.output_axes, case.sizes)
    if outcome.type_name == "None":
        return "returned None", "Did you forget the `return` statement at the end of the function?"
    if outcome.type_name == "tuple" and outcome.length == 2:
        return "returned a tuple of 2 items", "Return only the result array, not a pair such as (h, cache)."
    if outcome.type_name in {"list", "tuple"}:
        return (f"returned a {outcome.type_name}, expected a NumPy array of shape {want}",
                "Build the result with NumPy operations, or convert it with np.array(...) before returning.")
    return f"returned a {outcome.type_name}, expected a NumPy array of shape {want}", ""


def _matching_bugs(question: Question, case: Case, got: np.ndarray) -> list[KnownBug]:
    """Every known bug whose output on this case equals ``got`` (NaN matching NaN)."""
    if not isinstance(got, np.ndarray) or got.dtype.kind not in "biuf":
        return []
    found = []
    for bug in question.known_bugs:
        try:
            with np.errstate(all="ignore"):
                wrong = np.asarray(bug.compute(*[a.copy() for a in case.args]), dtype=float)
                if wrong.shape == got.shape and np.allclose(got.astype(float), wrong, rtol=RTOL, atol=ATOL,
                                                            equal_nan=True):
                    found.append(bug)
        except Exception:
            continue
    return found


def _with_bugs(label: str, message: str, bugs: list[KnownBug], fallback: str = "") -> TestResult:
    """A failed test that names the first matching bug for now (:func:`~course_code.grading.scoring._settle_bugs` decides at the end)."""
    first = bugs[0] if bugs else None
    return TestResult(label, False, message, first.hint if first else fallback, first.name if first else "",
                      tuple(b.name for b in bugs), fallback)


def _shape_hint(question: Question, expected: tuple, got: tuple) -> str:
    if not expected:
        return "Return a single number: the mean of the per-step losses (for example losses.mean())."
    if sorted(expected) == sorted(got) and expected != got:
        if question.output_axes[:2] == ("N", "T") and got[:2] == expected[1::-1]:
            return "Your result looks time-first (T, N, ...). The course is batch-first: step t goes to [:, t]."
        return "Your result has the right sizes in the wrong order: a transpose somewhere?"
    return ""


def check_case(question: Question, case: Case, outcome: Outcome, expected: np.ndarray) -> TestResult:
    """Compare one outcome with the reference's ``expected`` array; name the bug it looks like."""
    label = case.label
    if outcome.kind == "raised":
        if outcome.exception == "NotImplementedError":
            return TestResult(label, False, "not implemented yet",
                              "Replace `raise NotImplementedError` with your code.")
        message, hint = _describe_error(outcome, question.error_hints)
        return TestResult(label, False, message, hint)
    if outcome.kind == "exit":
        return TestResult(label, False, f"called {outcome.detail}",
                          "A function returns its result; it must not end the program.")
    if outcome.kind == "missing":
        return TestResult(label, False, _describe_missing(question, outcome),
                          f"Keep the line `def {question.name}(...)` from the stub, with its name unchanged.")
    if outcome.kind == "crashed":
        return TestResult(label, False, outcome.detail)
    if question.outputs:
        return _check_outputs(question, case, outcome, expected)
    if outcome.kind == "tuple":  # only multi-output questions expect one
        outcome = Outcome("wrong_type", type_name="tuple", length=len(outcome.items))
    if outcome.kind == "wrong_type":
        message, hint = _describe_wrong_type(question, case, outcome)
        return TestResult(label, False, message, hint)

    got = outcome.array
    if not isinstance(got, np.ndarray) or got.dtype.kind not in "biufc":
        return TestResult(label, False, "returned an array the grader cannot compare (not numbers)")
    if got.dtype.kind == "c":
        return TestResult(label, False, f"expected dtype {expected.dtype}, got {got.dtype}",
                          "The result holds complex numbers: take the real part or the absolute value where "
                          "the statement says so.")
    want_shape = spell_shape(question.output_axes, case.sizes)
    if outcome.kind == "scalar" and question.output_axes:
        return TestResult(label, False, f"returned a single number, expected an array of shape {want_shape}")
    if got.shape != expected.shape:
        want = want_shape if not expected.shape else f"shape {want_shape} = {expected.shape}"
        got_text = "a single number" if got.shape == () else f"an array of shape {got.shape}"
        return _with_bugs(label, f"expected {want}, got {got_text}", _matching_bugs(question, case, got),
                          _shape_hint(question, expected.shape, got.shape))  # e.g. a sum over an axis forgotten
    if got.dtype != expected.dtype:
        if np.issubdtype(expected.dtype, np.integer):
            hint = ("This answer is made of integers (ids, counts or codes): build it with dtype=np.int64 "
                    "(np.empty(..., dtype=np.int64)), or convert at the end with .astype(np.int64).")
        elif np.issubdtype(got.dtype, np.integer) or got.dtype == bool:
            hint = ("Your result holds integers, so the decimals were cut off: an output array made with "
                    "dtype=int, or np.zeros_like of an integer array?")
        else:
            hint = "Keep float64 throughout: no astype(np.float32) or dtype=np.float32."
        return TestResult(label, False, f"expected dtype {expected.dtype}, got {got.dtype}", hint)

    bad = ~np.isfinite(got) & np.isfinite(expected)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0]) if got.ndim else ()
        kind = "NaN" if np.isnan(got[bad]).any() else "inf"
        message = f"contains {kind} at {int(bad.sum())} of {got.size} positions" + (f" (first at {_where(first)})" if first else "")
        return _with_bugs(label, message, _matching_bugs(question, case, got),
                          "NaN or inf usually comes from np.exp overflowing on large numbers, or 0 / 0.")

    if not np.allclose(got, expected, rtol=RTOL, atol=ATOL):
        off = ~np.isclose(got, expected, rtol=RTOL, atol=ATOL)
        with np.errstate(all="ignore"):
            difference = np.where(off, np.abs(got - expected), -1.0)
        worst = np.unravel_index(int(difference.argmax()), got.shape)
        if got.ndim:
            message = (f"values are off at {int(off.sum())} of {got.size} positions; largest difference at "
                       f"{_where(worst)}: expected {expected[worst]:.6g}, got {got[worst]:.6g}")
        else:
            message = f"expected {float(expected):.6g}, got {float(got):.6g}"
        return _with_bugs(label, message, _matching_bugs(question, case, got))
    return TestResult(label, True, "correct")


def _item_bugs(bugs: tuple[KnownBug, ...], k: int) -> tuple[KnownBug, ...]:
    """The known bugs of a multi-output question, reduced to their ``k``-th output."""
    return tuple(KnownBug(b.name, lambda *args, f=b.compute: f(*args)[k], b.hint) for b in bugs)


def _check_outputs(question: Question, case: Case, outcome: Outcome, expected: tuple) -> TestResult:
    """Compare a multi-output question's tuple item by item; name every wrong item and its bug."""
    names = [o.name for o in question.outputs]
    wanted = f"a tuple of {len(names)} arrays ({', '.join(names)})"
    return_all = f"Return all {len(names)} arrays, in this order: return {', '.join(names)}"
    if outcome.kind != "tuple":
        if outcome.kind == "wrong_type" and outcome.type_name in {"list", "tuple"} and outcome.length is not None:
            return TestResult(case.label, False, f"returned a {outcome.type_name} of {outcome.length} items, "
                              f"expected {wanted}", return_all)
        got = {"array": "a single array", "scalar": "a single number"}.get(outcome.kind, f"a {outcome.type_name}")
        got = "None" if outcome.type_name == "None" else got
        hint = "Did you forget the `return` statement at the end of the function?" if got == "None" else return_all
        return TestResult(case.label, False, f"returned {got}, expected {wanted}", hint)
    failed, small = [], []  # small: the item is one or two integers (a verdict, say), matched by chance
    for k, (output, item, want) in enumerate(zip(question.outputs, outcome.items, expected)):
        if item.kind == "wrong_type":
            text = "None" if item.type_name == "None" else f"a {item.type_name}"
            result = TestResult(case.label, False, f"got {text}, expected a NumPy array of shape "
                                f"{spell_shape(output.axes, case.sizes)}")
        else:
            one = replace(question, output_axes=output.axes, outputs=(), known_bugs=_item_bugs(question.known_bugs, k))
            result = check_case(one, case, item, want)
        if not result.passed:
            failed.append((output.name, result))
            small.append(np.asarray(want).dtype.kind in "biu" and np.asarray(want).size <= 2)
    if not failed:
        return TestResult(case.label, True, "correct")
    first_name, first = failed[0]
    if len(failed) == 1:
        message = f"{first_name}: {first.message}"
    else:
        message = (f"{len(failed)} of {len(names)} outputs are wrong ({', '.join(n for n, _ in failed)}); "
                   f"{first_name}: {first.message}")
    hints = list(dict.fromkeys(r.hint for _, r in failed if r.hint))
    # A bug that matches only a wrong verdict-like item explains little when a wrong array is left unexplained.
    substantial = [r for (_, r), tiny in zip(failed, small) if not tiny]
    candidates = tuple(dict.fromkeys(b for r in (substantial or [r for _, r in failed]) for b in r.candidates))
    fallbacks = " ".join(dict.fromkeys(r.fallback for _, r in failed if r.fallback))
    return TestResult(case.label, False, message, " ".join(hints), candidates[0] if candidates else "",
                      candidates, fallbacks)
