"""The "gradients" set: clipping, Jacobian norms through time, the eigenvalue prediction.

Each wrong answer below is written the way a student would write it (loops,
other names, other NumPy calls), not copied from the known-bug table, so a
pass means the checks recognise the bug by its output.
What every set must satisfy (its notebooks, full marks, zero for the stub) is in test_every_set.py.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from course_code.grading import run_checks
from course_code.grading.grade import grade_notebook
from course_code.grading.limits import Limits
from course_code.grading.sets import get_set
from course_code.scratch.clipping import clip_by_global_norm as course_clip
from course_code.scratch.jacobians import gradient_fate, hidden_jacobian_norms

from .helpers import REPO, assert_recognised, unexercised_bugs

SOURCE = REPO / "exercises" / "source" / "gradients.ipynb"
STUDENT = REPO / "exercises" / "gradients.ipynb"
FULL_MARKS = {"clip_by_global_norm": 3, "jacobian_norms": 4, "predict_gradient_fate": 3}
LIMITS = Limits(timeout_seconds=5.0)
CLIP, JAC, FATE = "clip_by_global_norm", "jacobian_norms", "predict_gradient_fate"

HEADER = {
    CLIP: "def clip_by_global_norm(dW_xh, dW_hh, db_h, max_norm):\n",
    JAC: "def jacobian_norms(x, h0, W_xh, W_hh, b_h):\n",
    FATE: "def predict_gradient_fate(W_hh):\n",
}

# ---- student-style answers ---------------------------------------------------------------


def _clip(norm: str = "np.sqrt(np.sum(dW_xh ** 2) + np.sum(dW_hh ** 2) + np.sum(db_h ** 2))",
          factor: str = "min(1.0, max_norm / total) if total > 0 else 1.0") -> str:
    return (f"    total = {norm}\n    factor = {factor}\n"
            "    return dW_xh * factor, dW_hh * factor, db_h * factor\n")


PER_PARAMETER = ("    out = []\n    for g in (dW_xh, dW_hh, db_h):\n        n = np.linalg.norm(g)\n"
                 "        out.append(g * max_norm / n if n > max_norm else g.copy())\n    return tuple(out)\n")


def _jacobian(step: str = "np.diag(1 - h ** 2) @ W_hh", accumulate: str = "P = P @ J[k]",
              measure: str = "np.linalg.norm(P, 2)", after: str = "") -> str:
    return ("    T = x.shape[0]\n    H = h0.shape[0]\n    J = []\n    h = h0.copy()\n"
            "    for t in range(T):\n        h_prev = h\n"
            "        h = np.tanh(W_xh @ x[t] + W_hh @ h + b_h)\n"
            f"        J.append({step})\n"
            "    out = np.zeros(T + 1)\n    out[T] = 1.0\n    P = np.eye(H)\n"
            "    for k in range(T - 1, -1, -1):\n        before = P\n"
            f"        {accumulate}\n        out[k] = {measure}\n"
            f"{after}    return out\n")


def _fate(radius: str = "np.abs(np.linalg.eigvals(W_hh)).max()",
          verdict: str = "-1 if r < 1 - 1e-6 else (1 if r > 1 + 1e-6 else 0)") -> str:
    return f"    r = float({radius})\n    v = {verdict}\n    return r, v\n"


# (question, body, name of the known bug it must be recognised as)
BUGS = [
    (CLIP, PER_PARAMETER, "each parameter clipped on its own"),
    (CLIP, _clip(factor="max_norm / total"), "always rescaled to max_norm"),
    (CLIP, "    return tuple(np.minimum(np.maximum(g, -max_norm), max_norm) for g in (dW_xh, dW_hh, db_h))\n",
     "clipped element-wise"),
    (CLIP, _clip(norm="np.linalg.norm(dW_xh) + np.linalg.norm(dW_hh) + np.linalg.norm(db_h)"),
     "norm as the sum of the parameters' norms"),
    (CLIP, _clip(norm="max(np.linalg.norm(dW_xh), np.linalg.norm(dW_hh), np.linalg.norm(db_h))"),
     "norm of the largest parameter only"),
    (CLIP, _clip(norm="np.sqrt(np.sum(dW_xh ** 2) + np.sum(dW_hh ** 2))"), "bias left out of the global norm"),
    (CLIP, _clip(norm="np.sum(dW_xh ** 2) + np.sum(dW_hh ** 2) + np.sum(db_h ** 2)"), "squared norm (no square root)"),
    (CLIP, _clip(factor="total / max_norm if total > max_norm else 1.0"), "scale factor inverted"),
    (CLIP, "    n = np.sqrt(sum((g ** 2).sum() for g in (dW_xh, dW_hh, db_h)))\n"
           "    return tuple(g / n * min(n, max_norm) for g in (dW_xh, dW_hh, db_h))\n", "division by a zero norm"),
    (JAC, _jacobian(step="W_hh.copy()"), "tanh derivative left out"),
    (JAC, _jacobian(measure="np.linalg.norm(P)"), "Frobenius norm"),
    (JAC, _jacobian(measure="np.abs(np.linalg.eigvals(P)).max()"), "spectral radius instead of the norm"),
    (JAC, _jacobian(accumulate="P = J[k] @ P"), "product multiplied in the wrong order"),
    (JAC, _jacobian(step="W_hh @ np.diag(1 - h ** 2)"), "derivative on the wrong side of W_hh"),
    (JAC, _jacobian(step="np.diag(1 - h ** 2) @ W_hh.T"), "W_hh transposed"),
    (JAC, _jacobian(step="np.diag(1 - h_prev ** 2) @ W_hh"), "tanh derivative at the previous state"),
    (JAC, _jacobian(step="np.diag(1 - h) @ W_hh"), "tanh derivative as 1 - h"),
    (JAC, _jacobian(measure="np.linalg.norm(before, 2)"), "off by one step"),
    (JAC, _jacobian(after="    out = out[::-1].copy()\n"), "in reverse order"),
    (FATE, _fate(radius="np.linalg.svd(W_hh, compute_uv=False)[0]"),
     "largest singular value instead of the spectral radius"),
    (FATE, _fate(radius="max(np.linalg.eigvals(W_hh).real)"), "largest eigenvalue without the absolute value"),
    (FATE, _fate(radius="min(abs(e) for e in np.linalg.eigvals(W_hh))"), "smallest |eigenvalue|"),
    (FATE, _fate(radius="np.abs(np.linalg.eigvalsh(W_hh)).max()"), "eigvalsh on a matrix that is not symmetric"),
    (FATE, _fate(verdict="1 if r < 1 - 1e-6 else (-1 if r > 1 + 1e-6 else 0)"), "verdict reversed"),
    (FATE, _fate(verdict="-1 if r < 1 else (1 if r > 1 else 0)"), "no tolerance around 1"),
]


def _define(question: str, body: str):
    namespace = {"np": np}
    exec(HEADER[question] + body, namespace)
    return namespace[question]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # 0 / 0 on purpose
@pytest.mark.parametrize("question, body, bug", BUGS, ids=[f"{q}: {b}" for q, _, b in BUGS])
def test_known_bug_loses_points_and_gets_its_hint(question, body, bug):
    assert_recognised("gradients", question, run_checks(question, _define(question, body)), bug, FULL_MARKS[question])


def test_every_known_bug_is_exercised_by_a_student_style_mutant():
    assert unexercised_bugs("gradients", BUGS) == set()


@pytest.mark.parametrize("question", [CLIP, JAC, FATE])
def test_a_correct_answer_written_differently_scores_full_marks(question):
    body = {
        CLIP: ("    flat = np.concatenate([dW_xh.ravel(), dW_hh.ravel(), db_h.ravel()])\n"
               "    n = np.linalg.norm(flat)\n    if n <= max_norm:\n"
               "        return dW_xh.copy(), dW_hh.copy(), db_h.copy()\n"
               "    return dW_xh * (max_norm / n), dW_hh * (max_norm / n), db_h * (max_norm / n)\n"),
        JAC: _jacobian(step="(1 - h ** 2)[:, None] * W_hh"),
        FATE: _fate(),
    }[question]
    result = run_checks(question, _define(question, body))
    assert result.status == "passed" and result.points == FULL_MARKS[question], result.message


def test_references_are_the_course_functions():
    """The set grades against course_code's tools, which the chapter uses."""
    clip, jac, fate = (get_set("gradients").question(n) for n in (CLIP, JAC, FATE))
    for case in clip.make_cases():
        expected = course_clip(list(case.args[:3]), float(case.args[3]))[0]
        for a, b in zip(clip.reference(*case.args), expected):
            np.testing.assert_array_equal(a, b)
    for case in jac.make_cases():
        np.testing.assert_array_equal(jac.reference(*case.args), hidden_jacobian_norms(*case.args, "tanh"))
    for case in fate.make_cases():
        radius, verdict = fate.reference(*case.args)
        truth = gradient_fate(case.args[0])
        assert radius == truth.radius and verdict == (-1 if truth.vanishes else 1 if truth.explodes else 0)


def test_cases_cover_the_edge_shapes_and_the_three_verdicts():
    clip, jac, fate = (get_set("gradients").question(n) for n in (CLIP, JAC, FATE))
    assert any(c.sizes["H"] == 1 and c.sizes["D"] == 1 for c in clip.make_cases())
    assert any(not np.any(c.args[0]) for c in clip.make_cases())  # all-zero gradients
    assert {c.sizes["T"] for c in jac.make_cases()} >= {1} and any(c.sizes["H"] == 1 for c in jac.make_cases())
    assert {fate.reference(*c.args)[1] for c in fate.make_cases()} == {-1, 0, 1}


def test_the_clipping_property_catches_a_changed_direction():
    q = get_set("gradients").question(CLIP)
    prop = q.properties[0]
    case = q.make_cases()[0]
    right = tuple(np.asarray(a) for a in q.reference(*case.args))
    assert prop.problem(right, case) is None
    bent = (right[0] * 0.5,) + right[1:]
    assert "one and the same positive factor" in prop.problem(bent, case)


def test_a_bool_verdict_is_refused_with_a_message():
    body = "    r = float(np.abs(np.linalg.eigvals(W_hh)).max())\n    return r, r > 1\n"
    result = run_checks(FATE, _define(FATE, body))
    assert result.points < FULL_MARKS[FATE]


# ---- notebooks -----------------------------------------------------------------------------


def test_a_wrong_answer_in_a_notebook_is_named_by_the_isolated_grader(tmp_path):
    notebook = json.loads(SOURCE.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and re.search(rf"^def {CLIP}\(", source, re.MULTILINE):
            cell["source"] = HEADER[CLIP] + PER_PARAMETER
    path = tmp_path / "student.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    graded = {q.name: q for q in grade_notebook(path, limits=LIMITS).questions}
    assert graded[CLIP].points < 3 and "each parameter clipped on its own" in graded[CLIP].message
    assert graded[JAC].points == 4 and graded[FATE].points == 3

