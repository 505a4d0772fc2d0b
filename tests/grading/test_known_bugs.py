"""Mutation testing of the checks: realistic wrong answers lose points and get their own hint.

The wrong answers are written the way a student would write them (loops,
different names), not copied from the known-bug table, so a pass here means
the checks recognise the bug by its output.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_code.grading import run_checks
from course_code.grading.sets import get_set

from .helpers import FULL_MARKS, grade_points

HEADER = {
    "rnn_step_forward": "def rnn_step_forward(x, h_prev, W_xh, W_hh, b_h):\n",
    "rnn_forward": "def rnn_forward(x, h0, W_xh, W_hh, b_h):\n",
    "softmax": "def softmax(logits):\n",
    "sequence_cross_entropy": "def sequence_cross_entropy(logits, targets):\n",
}


def _loop(step_line: str, store: str = "h_t", start: str = "h0", carry: str = "h_t") -> str:
    return (f"    N, T, D = x.shape\n    out = np.zeros((N, T, h0.shape[1]))\n    h_t = {start}\n"
            f"    for t in range(T):\n        h_prev = {carry}\n        h_new = {step_line}\n"
            f"        out[:, t] = {store if store != 'h_t' else 'h_new'}\n        h_t = h_new\n    return out\n")


GOOD_STEP = "np.tanh(x[:, t] @ W_xh.T + h_prev @ W_hh.T + b_h)"

# (question, body, name of the known bug it must be recognised as)
BUGS = [
    ("rnn_step_forward", "    return np.tanh(x @ W_xh + h_prev @ W_hh.T + b_h)\n", "W_xh not transposed"),
    ("rnn_step_forward", "    return np.tanh(x @ W_xh.T + h_prev @ W_hh + b_h)\n", "W_hh not transposed"),
    ("rnn_step_forward", "    return np.tanh(np.dot(x, W_xh.T) + np.dot(h_prev, W_hh.T))\n", "missing bias b_h"),
    ("rnn_step_forward", "    z = x @ W_xh.T + h_prev @ W_hh.T + b_h\n    return z\n", "no tanh"),
    ("rnn_step_forward", "    return np.tanh(x @ W_xh.T + b_h) + h_prev @ W_hh.T\n", "tanh on the input term only"),
    ("rnn_step_forward", "    return np.tanh(x @ W_xh.T + np.tanh(h_prev) @ W_hh.T + b_h)\n", "tanh applied twice"),
    ("rnn_step_forward", "    z = x @ W_xh.T + h_prev @ W_hh.T + b_h\n    return 1 / (1 + np.exp(-z))\n",
     "sigmoid instead of tanh"),
    ("rnn_step_forward", "    return np.tanh(x @ W_xh.T + b_h)\n", "previous state ignored"),
    ("rnn_forward", _loop(GOOD_STEP, carry="h0"), "hidden state not carried"),
    ("rnn_forward", _loop(GOOD_STEP, start="np.zeros_like(h0)"), "h0 ignored"),
    ("rnn_forward", _loop(GOOD_STEP, store="h_prev"), "off by one in time"),
    ("rnn_forward", _loop("np.tanh(x[:, t] @ W_xh.T + h_prev @ W_hh + b_h)"), "W_hh not transposed"),
    ("rnn_forward", _loop("np.tanh(x[:, t] @ W_xh.T + h_prev @ W_hh.T)"), "missing bias b_h"),
    ("rnn_forward", _loop("x[:, t] @ W_xh.T + h_prev @ W_hh.T + b_h"), "no tanh"),
    ("rnn_forward", _loop("np.tanh(x[:, t] @ W_xh + h_prev @ W_hh.T + b_h)"), "W_xh not transposed"),
    ("softmax", "    e = np.exp(logits)\n    return e / np.sum(e, axis=-1, keepdims=True)\n",
     "no max subtraction (overflow)"),
    ("softmax", "    e = np.exp(logits - np.max(logits))\n    return e / e.sum(axis=-1, keepdims=True)\n",
     "global max subtracted"),
    ("softmax", "    e = np.exp(logits - logits.max(axis=-1, keepdims=True))\n    return e / e.sum(axis=0, keepdims=True)\n",
     "normalised over the batch axis"),
    ("softmax", "    e = np.exp(logits - logits.max(axis=-1, keepdims=True))\n    return e / e.sum(axis=1, keepdims=True)\n",
     "normalised over the time axis"),
    ("softmax", "    e = np.exp(logits - logits.max(axis=-1, keepdims=True))\n    return e / e.sum()\n",
     "normalised over the whole array"),
    ("softmax", "    m = logits.max(axis=-1, keepdims=True)\n"
                "    return logits - m - np.log(np.exp(logits - m).sum(axis=-1, keepdims=True))\n",
     "returned log-probabilities"),
    ("softmax", "    return np.exp(logits - logits.max(axis=-1, keepdims=True))\n", "not normalised"),
]

LOG_PROBS = ("    m = logits.max(axis=-1, keepdims=True)\n"
             "    log_p = logits - m - np.log(np.exp(logits - m).sum(axis=-1, keepdims=True))\n"
             "    N, T, V = logits.shape\n")
PICK = "np.array([[log_p[n, t, targets[n, t]] for t in range(T)] for n in range(N)])"
BUGS += [
    ("sequence_cross_entropy", LOG_PROBS + f"    return -{PICK}.sum()\n", "summed instead of averaged"),
    ("sequence_cross_entropy", LOG_PROBS + f"    return -{PICK}.sum() / N\n", "averaged over the batch only"),
    ("sequence_cross_entropy", LOG_PROBS + f"    return -{PICK}.sum() / T\n", "averaged over time only"),
    ("sequence_cross_entropy", LOG_PROBS + f"    return -np.exp({PICK}).mean()\n", "log forgotten"),
    ("sequence_cross_entropy", LOG_PROBS + f"    return {PICK}.mean()\n", "minus sign forgotten"),
    ("sequence_cross_entropy", LOG_PROBS + "    return -log_p.mean()\n", "mean over all classes"),
    ("sequence_cross_entropy", LOG_PROBS + "    return -log_p[:, :, targets].mean()\n", "wrong fancy indexing"),
    ("sequence_cross_entropy", LOG_PROBS + "    return -log_p.max(axis=2).mean()\n", "predicted class instead of target"),
    ("sequence_cross_entropy", "    p = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)\n"
                               "    picked = np.take_along_axis(p, targets[..., None], axis=-1)\n"
                               "    return float(-np.log(picked).mean())\n",
     "no max subtraction (overflow)"),
]


def _body(question: str, bug: str) -> str:
    return next(body for q, body, b in BUGS if (q, b) == (question, bug))


def _define(question: str, body: str):
    namespace = {"np": np}
    exec(HEADER[question] + body, namespace)
    return namespace[question]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the student-style mutants overflow on purpose
@pytest.mark.parametrize("question, body, bug", BUGS, ids=[f"{q}: {b}" for q, _, b in BUGS])
def test_known_bug_loses_points_and_gets_its_hint(question, body, bug):
    result = run_checks(question, _define(question, body))
    assert result.points < FULL_MARKS[question]
    assert result.status in {"partial", "failed"}
    known = {b.name: b.hint for b in get_set("rnn_forward").question(question).known_bugs}
    assert bug in result.message
    assert any(t.hint == known[bug] for t in result.tests if not t.passed)


def test_every_known_bug_is_exercised_by_a_student_style_mutant():
    exercised = {(q, b) for q, _, b in BUGS}
    declared = {(q.name, b.name) for q in get_set("rnn_forward").questions for b in q.known_bugs}
    assert declared - exercised == set()


def test_every_known_bug_differs_from_the_reference_on_some_case():
    for question in get_set("rnn_forward").questions:
        cases = question.make_cases()
        for bug in question.known_bugs:
            differs = False
            for case in cases:
                with np.errstate(all="ignore"):
                    try:
                        wrong = np.asarray(bug.compute(*case.args), dtype=float)
                    except Exception:
                        differs = True
                        continue
                right = question.reference(*case.args)
                if wrong.shape != right.shape or not np.allclose(wrong, right, equal_nan=True):
                    differs = True
            assert differs, f"{question.name}: {bug.name} is never distinguishable"


def test_transposed_input_weights_with_h_not_d_give_a_shape_hint():
    result = run_checks("rnn_step_forward", _define("rnn_step_forward", _body("rnn_step_forward", "W_xh not transposed")))
    raised = [t for t in result.tests if t.message.startswith("raised ValueError")]
    assert raised and all("rows @ W.T" in t.hint for t in raised)


def test_known_bug_hints_survive_the_isolated_grader(submission):
    path = submission({
        "softmax": HEADER["softmax"] + _body("softmax", "no max subtraction (overflow)"),
        "sequence_cross_entropy": HEADER["sequence_cross_entropy"] + _body("sequence_cross_entropy",
                                                                           "summed instead of averaged"),
    })
    points, result = grade_points(path)
    graded = {q.name: q for q in result.questions}
    assert 0 < points["softmax"] < 2 and "no max subtraction (overflow)" in graded["softmax"].message
    assert points["sequence_cross_entropy"] < 3 and "summed instead of averaged" in graded["sequence_cross_entropy"].message
    assert points["rnn_forward"] == 3
