"""The "gates" set: LSTM step forward and backward, the LSTM over a sequence, the GRU step.

Mutation tests first: each wrong answer is written the way a student would
write it (other names, loops, slicing by hand), not copied from the known-bug
table, so a pass means the checks recognise the bug by its output.
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

from .helpers import REPO, assert_recognised, same_output, unexercised_bugs

SOURCE = REPO / "exercises" / "source" / "gates.ipynb"
STUDENT = REPO / "exercises" / "gates.ipynb"
FULL_MARKS = {"lstm_step_forward": 3, "lstm_forward": 2, "lstm_step_backward": 4, "gru_step_forward": 3}
LIMITS = Limits(timeout_seconds=5.0)

HEADER = {
    "lstm_step_forward": "def lstm_step_forward(x, h_prev, c_prev, W_x, W_h, b):\n",
    "lstm_forward": "def lstm_forward(x, h0, c0, W_x, W_h, b):\n",
    "lstm_step_backward": "def lstm_step_backward(dh, dc, x, h_prev, c_prev, gates, c, W_x, W_h):\n",
    "gru_step_forward": "def gru_step_forward(x, h_prev, W_x, W_h, b_x, b_h):\n",
}
STEP, SEQ, BACK, GRU = HEADER

# ---- student-style wrong answers ----------------------------------------------------------

SIG = "    sig = lambda v: 1.0 / (1.0 + np.exp(-v))\n"


def _step(order=("ai", "af", "ag", "ao"), g="np.tanh(ag)", c="f * c_prev + i * g", h="o * np.tanh(c)") -> str:
    return (SIG + "    H = c_prev.shape[1]\n    a = x @ W_x.T + h_prev @ W_h.T + b\n"
            f"    {', '.join(order)} = a[:, :H], a[:, H:2*H], a[:, 2*H:3*H], a[:, 3*H:]\n"
            f"    i, f, o = sig(ai), sig(af), sig(ao)\n    g = {g}\n    c = {c}\n    h = {h}\n    return h, c\n")


def _sequence(update: str = "c = f * c + i * g", carry: str = "hh, c = h_new, c") -> str:
    return (SIG + "    N, T, D = x.shape\n    H = h0.shape[1]\n    out = np.zeros((N, T, H))\n"
            "    hh, c, g_old = h0.copy(), c0.copy(), np.zeros((N, H))\n"
            "    for t in range(T):\n"
            "        a = x[:, t] @ W_x.T + hh @ W_h.T + b\n"
            "        i, f, o = sig(a[:, :H]), sig(a[:, H:2*H]), sig(a[:, 3*H:])\n"
            "        g = np.tanh(a[:, 2*H:3*H])\n"
            f"        {update}\n        h_new = o * np.tanh(c)\n        out[:, t] = h_new\n"
            f"        {carry}\n        g_old = g\n"
            "    return out, c\n")


def _backward(cell="dc + dh * o * (1 - np.tanh(c) ** 2)", dg="cell * i * (1 - g * g)",
              order="[di, df, dg, do]", dc_prev="cell * f", db="da.sum(axis=0)") -> str:
    return ("    H = c.shape[1]\n    i, f, g, o = (gates[:, k * H:(k + 1) * H] for k in range(4))\n"
            f"    cell = {cell}\n"
            "    di = cell * g * i * (1 - i)\n    df = cell * c_prev * f * (1 - f)\n"
            f"    dg = {dg}\n    do = dh * np.tanh(c) * o * (1 - o)\n"
            f"    da = np.concatenate({order}, axis=1)\n"
            f"    return da @ W_x, da @ W_h, {dc_prev}, da.T @ x, da.T @ h_prev, {db}\n")


def _gru(r_rows="0:H", z_rows="H:2*H", n="np.tanh(xn + r * hn)", h="(1 - z) * n + z * h_prev") -> str:
    return (SIG + "    H = h_prev.shape[1]\n    X = x @ W_x.T + b_x\n    Hh = h_prev @ W_h.T + b_h\n"
            f"    r = sig(X[:, {r_rows}] + Hh[:, {r_rows}])\n    z = sig(X[:, {z_rows}] + Hh[:, {z_rows}])\n"
            "    xn, hn = X[:, 2*H:], Hh[:, 2*H:]\n"
            f"    n = {n}\n    return {h}\n")


BUGS = [
    (STEP, _step(order=("af", "ai", "ag", "ao")), "gate blocks i and f swapped"),
    (STEP, _step(order=("ai", "af", "ao", "ag")), "gate blocks g and o swapped"),
    (STEP, _step(order=("ai", "ag", "af", "ao")), "gate blocks in the order i, g, f, o"),
    (STEP, _step(c="f * c_prev + i * c_prev"), "previous cell written instead of the candidate"),
    (STEP, _step(c="f * h_prev + i * g"), "forget gate applied to the hidden state"),
    (STEP, _step(h="o * c"), "tanh missing on the cell before the output gate"),
    (STEP, _step(g="sig(ag)"), "sigmoid for the candidate"),
    (STEP, _step(h="o * np.tanh(c_prev)"), "hidden state from the previous cell"),
    (SEQ, _sequence(update="c = f * c + i * g_old"), "cell update with the previous step's candidate"),
    (SEQ, _sequence(carry="c = c"), "hidden state not carried"),
    (SEQ, _sequence(update="c = f * c0 + i * g", carry="hh = h_new"), "cell state not carried"),
    (BACK, _backward(cell="dc"), "gradient from h not added to the cell"),
    (BACK, _backward(cell="dc + dh * o"), "tanh derivative missing on the path from h to c"),
    (BACK, _backward(dg="cell * i * g * (1 - g)"), "sigmoid derivative used for the candidate"),
    (BACK, _backward(dc_prev="cell"), "forget gate missing from dc_prev"),
    (BACK, _backward(dc_prev="dc * f"), "dc_prev from the incoming dc only"),
    (BACK, _backward(order="[di, df, do, dg]"), "gate blocks of da in another order"),
    (BACK, _backward(db="da"), "db not summed over the batch"),
    (GRU, _gru(h="z * n + (1 - z) * h_prev"), "z and 1 - z swapped"),
    (GRU, _gru(n="np.tanh(xn + (r * h_prev) @ W_h[2*H:].T + b_h[2*H:])"),
     "reset gate applied before the product (Cho et al.'s form)"),
    (GRU, _gru(n="np.tanh(xn + r * (hn - b_h[2*H:]) + b_h[2*H:])"), "reset gate does not scale b_hn"),
    (GRU, _gru(n="np.tanh(xn + hn)"), "reset gate missing"),
    (GRU, _gru(r_rows="H:2*H", z_rows="0:H"), "blocks r and z swapped"),
    (GRU, _gru(n="sig(xn + r * hn)"), "sigmoid for the candidate"),
]


def _define(question: str, body: str):
    namespace = {"np": np}
    exec(HEADER[question] + body, namespace)
    return namespace[question]


@pytest.mark.parametrize("question, body, bug", BUGS, ids=[f"{q}: {b}" for q, _, b in BUGS])
def test_known_bug_loses_points_and_gets_its_hint(question, body, bug):
    assert_recognised("gates", question, run_checks(question, _define(question, body)), bug, FULL_MARKS[question])


def test_the_student_style_correct_answers_pass():
    for question, body in [(STEP, _step()), (SEQ, _sequence()), (BACK, _backward()), (GRU, _gru())]:
        result = run_checks(question, _define(question, body))
        assert result.status == "passed" and result.points == FULL_MARKS[question], (question, result.message)


def test_every_known_bug_is_exercised_by_a_student_style_mutant():
    assert unexercised_bugs("gates", BUGS) == set()


def test_every_known_bug_differs_from_the_reference_on_most_cases():
    for question in get_set("gates").questions:
        cases = question.make_cases()
        for bug in question.known_bugs:
            differs = sum(not same_output(bug.compute(*[a.copy() for a in case.args]), question.reference(*case.args))
                          for case in cases)
            assert differs >= len(cases) - 1, f"{question.name}: {bug.name} differs on {differs} of {len(cases)}"


def test_cases_include_a_batch_of_one_a_single_step_and_a_square_case():
    for question in get_set("gates").questions:
        sizes = [case.sizes for case in question.make_cases()]
        assert any(s["N"] == 1 for s in sizes)
        assert any(s["D"] == s["H"] for s in sizes)
    assert any(case.sizes["T"] == 1 for case in get_set("gates").question(SEQ).make_cases())


def test_the_finite_difference_property_accepts_the_reference_and_rejects_a_perturbed_answer():
    q = get_set("gates").question(BACK)
    prop = next(p for p in q.properties if p.name == "agrees with finite differences")
    for case in q.make_cases():
        right = tuple(np.asarray(r) for r in q.reference(*[a.copy() for a in case.args]))
        assert prop.problem(right, case) is None, case.label
        wrong = right[:2] + (right[2] * (1 + 1e-3),) + right[3:]
        assert "dc_prev does not match the finite-difference gradient" in prop.problem(wrong, case)


def test_the_gru_property_rejects_a_state_outside_its_range():
    q = get_set("gates").question(GRU)
    prop = q.properties[0]
    case = q.make_cases()[1]
    right = q.reference(*case.args)
    assert prop.problem(right, case) is None
    assert "weighted average" in prop.problem(right + 3.0, case)


# ---- notebooks: the solution, the stub, the student version ---------------------------------


def test_a_wrong_answer_in_a_notebook_is_named_by_the_isolated_grader(tmp_path):
    notebook = json.loads(SOURCE.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and re.search(r"^def gru_step_forward\(", source, re.MULTILINE):
            cell["source"] = HEADER[GRU] + _gru(h="z * n + (1 - z) * h_prev")
        else:
            cell["source"] = "\n".join(line for line in source.split("\n") if "### " not in line)
    path = tmp_path / "student.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    graded = {q.name: q for q in grade_notebook(path, limits=LIMITS).questions}
    assert graded[GRU].points < 3 and "z and 1 - z swapped" in graded[GRU].message
    assert graded[STEP].points == 3 and graded[BACK].points == 4

