"""The package checks sizes one way: through ``course_code.shapes``.

``course_code/shapes.py`` promises that every public function checks its arguments
with the functions there, so that bad input gets one kind of message everywhere.
This test reads every module of the package with :mod:`ast` and fails, naming file
and line, on a size check written by hand instead:

* ``isinstance(x, bool)`` used to *exclude* booleans (``isinstance(x, bool) or ...``)
  in the condition of an ``if`` that raises: that is the first half of a hand-written
  "positive integer" check (a flag checked with ``not isinstance(flag, bool)`` is fine);
* ``isinstance(x, int)`` (or ``Integral``, ``np.integer``) in the same condition as a
  comparison of ``x``: a hand-written integer range check;
* ``not x > 0`` or ``not x >= 0`` as the whole condition of an ``if`` that raises: a
  hand-written positivity check of a number.

``shapes.py`` itself and the grader (``course_code/grading/``, which checks student
code its own way) are not scanned.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "course_code"
SKIPPED = ("shapes.py", "grading")

# Modules this helper's brief does not cover; the change they need is written in
# /work/handoff/S.md ("Changes needed elsewhere"). Each entry must still hold the
# pattern (test_pending_list_is_not_stale), so the list can only shrink.
PENDING: set[str] = set()

_INTEGER_TYPES = {"int", "Integral", "integer"}  # integer: np.integer


def _type_names(node: ast.expr) -> set[str]:
    """The last names of the types in ``isinstance``'s second argument."""
    items = node.elts if isinstance(node, ast.Tuple) else [node]
    names = set()
    for item in items:
        if isinstance(item, ast.Name):
            names.add(item.id)
        elif isinstance(item, ast.Attribute):
            names.add(item.attr)
    return names


def _isinstance_calls(test: ast.expr, negated: bool = False):
    """``(call, negated)`` for every ``isinstance(...)`` call in a condition."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        yield from _isinstance_calls(test.operand, not negated)
    elif isinstance(test, ast.BoolOp):
        for value in test.values:
            yield from _isinstance_calls(value, negated)
    elif (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Name)
        and test.func.id == "isinstance"
        and len(test.args) == 2
    ):
        yield test, negated
    else:
        for child in ast.iter_child_nodes(test):
            yield from _isinstance_calls(child, negated)


def _raises(body: list[ast.stmt]) -> bool:
    return any(isinstance(node, ast.Raise) for stmt in body for node in ast.walk(stmt))


def _is_zero(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Constant)
        and not isinstance(node.value, bool)
        and node.value in (0, 0.0)
    )


def _problems_in_condition(test: ast.expr) -> list[str]:
    problems = []
    calls = list(_isinstance_calls(test))
    compared = {
        ast.dump(operand)
        for node in ast.walk(test)
        if isinstance(node, ast.Compare)
        for operand in [node.left, *node.comparators]
    }
    for call, negated in calls:
        types = _type_names(call.args[1])
        if "bool" in types and not negated:
            problems.append("isinstance(..., bool) excluding booleans by hand")
        elif types & _INTEGER_TYPES and ast.dump(call.args[0]) in compared:
            problems.append(
                "isinstance(..., int) with a comparison: an integer range "
                "checked by hand"
            )
    if (
        isinstance(test, ast.UnaryOp)
        and isinstance(test.op, ast.Not)
        and isinstance(test.operand, ast.Compare)
        and len(test.operand.ops) == 1
        and isinstance(test.operand.ops[0], (ast.Gt, ast.GtE))
        and _is_zero(test.operand.comparators[0])
    ):
        problems.append("'not x > 0': a positive number checked by hand")
    return problems


def hand_written_checks(source: str) -> list[tuple[int, str]]:
    """``(line, what)`` for every hand-written size check in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.If) and _raises(node.body):
            found += [(node.lineno, what) for what in _problems_in_condition(node.test)]
    return found


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative in SKIPPED or relative.split("/")[0] in SKIPPED:
            continue
        yield relative, path


def test_no_module_checks_sizes_by_hand():
    problems = []
    for relative, path in _modules():
        if relative in PENDING:
            continue
        for line, what in hand_written_checks(path.read_text(encoding="utf-8")):
            problems.append(f"course_code/{relative}:{line}: {what}; use shapes")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("relative", sorted(PENDING))
def test_pending_list_is_not_stale(relative):
    source = (PACKAGE / relative).read_text(encoding="utf-8")
    assert hand_written_checks(source), f"{relative} is clean: remove it from PENDING"


# Checks as they were written before this test (taken from the package's history),
# and checks that are fine. The scanner must find the first and pass the second.
OLD_CHECKS = {
    "bool, Integral and < 1": """
def f(name, value):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
""",
    "a local helper": """
def _check_positive(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)
""",
    "an int range without the bool test": """
def f(num_steps):
    if not isinstance(num_steps, int) or not 2 <= num_steps <= 5:
        raise ValueError(f"num_steps must be an integer from 2 to 5, got {num_steps!r}")
""",
    "np.integer, the condition over two lines": """
def f(window):
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) \\
            or window < 1:
        raise ValueError(f"window must be a positive integer, got {window!r}")
""",
    "a multiple without the bool test": """
def f(updates, eval_every):
    if not isinstance(updates, int) or updates < eval_every or updates % eval_every:
        raise ValueError("updates must be a positive multiple of eval_every")
""",
    "a positive number": """
def f(learning_rate):
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be positive, got {learning_rate!r}")
""",
    "inside a method, in a loop": """
class A:
    def __init__(self, **sizes):
        for name, value in sizes.items():
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \\
                    or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
""",
}

FINE_CHECKS = {
    "through shapes": """
def f(k, rate):
    k = check_positive_int("k", k)
    check_positive_real("rate", rate)
""",
    "a flag must be a bool": """
def f(bidirectional):
    if not isinstance(bidirectional, bool):
        raise TypeError(f"bidirectional must be True or False, got {bidirectional!r}")
""",
    "a divisor after check_positive_int": """
def f(E, num_heads):
    num_heads = check_positive_int("num_heads", num_heads, what="a divisor")
    if E % num_heads:
        raise ValueError(f"num_heads must be a positive divisor of E={E}")
""",
    "an isinstance that does not raise": """
def f(value):
    if isinstance(value, bool) or value < 1:
        return None
""",
}


@pytest.mark.parametrize("name", sorted(OLD_CHECKS))
def test_the_scanner_finds_the_old_checks(name):
    assert hand_written_checks(OLD_CHECKS[name])


@pytest.mark.parametrize("name", sorted(FINE_CHECKS))
def test_the_scanner_passes_checks_through_shapes(name):
    assert hand_written_checks(FINE_CHECKS[name]) == []
