"""The "sampling" set: temperature softmax, inverse-CDF draws and the generation loop.

Mutation tests first: each wrong answer is written as a student would write it
(other names, loops, np.searchsorted), not copied from the known-bug table, so
a pass means the checks recognise the bug by its output.
What every set must satisfy (its notebooks, full marks, zero for the stub) is in test_every_set.py.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from course_code.grading import run_checks
from course_code.grading.limits import Limits
from course_code.grading.sets import get_set
from course_code.grading.sets.sampling import MARGIN, _generate

from .helpers import REPO, assert_recognised, cell_text, executed_source, unexercised_bugs

SOURCE = REPO / "exercises" / "source" / "sampling.ipynb"
STUDENT = REPO / "exercises" / "sampling.ipynb"
FULL_MARKS = {"softmax_with_temperature": 2, "inverse_cdf_sample": 2, "sample_char_rnn": 4}
LIMITS = Limits(timeout_seconds=5.0)
SOFTMAX, DRAW, LOOP = FULL_MARKS

GOOD_SOFTMAX = ("def softmax_with_temperature(logits, temperature):\n"
                "    z = logits / temperature\n    z = z - np.max(z, axis=1, keepdims=True)\n"
                "    return np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)\n")
GOOD_DRAW = ("def inverse_cdf_sample(probabilities, uniforms):\n"
             "    out = np.zeros(len(uniforms), dtype=np.int64)\n"
             "    for n in range(len(uniforms)):\n"
             "        c = np.cumsum(probabilities[n])\n"
             "        out[n] = min(np.searchsorted(c, uniforms[n], side='right'), len(c) - 1)\n"
             "    return out\n")


def _loop(read="cur", state="h", logits="(h @ W_hy.T + b_y) / temperature",
          draw="inverse_cdf_sample(softmax_with_temperature(logits * temperature, temperature), uniforms[:, s])",
          store="nxt", start="h0") -> str:
    return ("def sample_char_rnn(embedding, W_xh, W_hh, b_h, W_hy, b_y, h0, first_ids, temperature, uniforms):\n"
            "    N, S = uniforms.shape\n    result = np.zeros((N, S), dtype=np.int64)\n"
            f"    cur, h = first_ids, {start}\n"
            "    for s in range(S):\n"
            f"        h = np.tanh(embedding[{read}] @ W_xh.T + {state} @ W_hh.T + b_h)\n"
            f"        logits = {logits}\n        nxt = {draw}\n"
            f"        result[:, s] = {store}\n        cur = nxt\n"
            "    return result\n")


# (question, answer cell, name of the known bug it must be recognised as)
BUGS = [
    (SOFTMAX, GOOD_SOFTMAX.replace("logits / temperature", "logits * temperature"), "temperature multiplies"),
    (SOFTMAX, GOOD_SOFTMAX.replace("logits / temperature", "logits"), "temperature ignored"),
    (SOFTMAX, GOOD_SOFTMAX.replace("    z = z - np.max(z, axis=1, keepdims=True)\n", ""),
     "no max subtraction (overflow)"),
    (SOFTMAX, "def softmax_with_temperature(logits, temperature):\n"
              "    p = np.exp(logits - logits.max(axis=-1, keepdims=True))\n"
              "    p = p / p.sum(axis=-1, keepdims=True)\n    return p ** (1.0 / temperature)\n",
     "power of the probabilities, not renormalised"),
    (SOFTMAX, GOOD_SOFTMAX.replace("np.sum(np.exp(z), axis=1", "np.sum(np.exp(z), axis=0"),
     "normalised over the batch axis"),
    (SOFTMAX, GOOD_SOFTMAX.replace(" / np.sum(np.exp(z), axis=1, keepdims=True)", ""), "not normalised"),
    (DRAW, "def inverse_cdf_sample(probabilities, uniforms):\n    return np.argmax(probabilities, axis=1)\n",
     "argmax instead of a draw"),
    (DRAW, GOOD_DRAW.replace("np.cumsum(probabilities[n])", "probabilities[n]").replace(
        "min(np.searchsorted(c, uniforms[n], side='right'), len(c) - 1)", "np.argmax(c > uniforms[n])"),
     "probabilities not accumulated"),
    (DRAW, "def inverse_cdf_sample(probabilities, uniforms):\n"
           "    c = np.cumsum(probabilities, axis=0)\n"
           "    return np.minimum((c <= uniforms[:, None]).sum(axis=1), probabilities.shape[1] - 1)\n",
     "cumulative sum over the batch axis"),
    (DRAW, "def inverse_cdf_sample(probabilities, uniforms):\n"
           "    return (np.cumsum(probabilities, axis=1) > uniforms.reshape(-1, 1)).sum(axis=1)\n",
     "counted the classes above u"),
    (LOOP, _loop(read="first_ids"), "sample not fed back"),
    (LOOP, _loop(state="h0"), "hidden state not carried"),
    (LOOP, _loop(start="np.zeros_like(h0)"), "h0 ignored"),
    (LOOP, _loop(logits="h @ W_hy.T + b_y"), "temperature ignored"),
    (LOOP, _loop(draw="np.argmax(logits, axis=1)"), "argmax instead of a draw"),
    (LOOP, _loop(draw="inverse_cdf_sample(softmax_with_temperature(logits * temperature, temperature), "
                      "uniforms[:, 0])"), "same uniform at every step"),
    (LOOP, _loop(store="cur"), "recorded the character read, not the one drawn"),
]


def _define(source: str):
    namespace = {"np": np}
    exec(GOOD_SOFTMAX + GOOD_DRAW, namespace)  # the loop calls the student's two helpers
    exec(source, namespace)
    return namespace[re.search(r"^def (\w+)\(", source, re.MULTILINE).group(1)]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the naive softmax overflows on purpose
@pytest.mark.parametrize("question, source, bug", BUGS, ids=[f"{q}: {b}" for q, _, b in BUGS])
def test_known_bug_loses_points_and_gets_its_hint(question, source, bug):
    assert_recognised("sampling", question, run_checks(question, _define(source)), bug, FULL_MARKS[question])


def test_every_known_bug_is_exercised_by_a_student_style_mutant():
    assert unexercised_bugs("sampling", BUGS) == {("inverse_cdf_sample", "u not paired with its row")}


def test_a_row_slip_in_the_uniforms_is_caught_where_n_equals_v():
    slipped = run_checks(DRAW, _define(
        "def inverse_cdf_sample(probabilities, uniforms):\n"
        "    c = np.cumsum(probabilities, axis=1)\n"
        "    return np.minimum((c <= uniforms).sum(axis=1), probabilities.shape[1] - 1)\n"))
    assert slipped.points < FULL_MARKS[DRAW]
    assert "u not paired with its row" in slipped.message


@pytest.mark.parametrize("source", [GOOD_SOFTMAX, GOOD_DRAW, _loop()])
def test_correct_answers_written_differently_score_full_marks(source):
    name = re.search(r"^def (\w+)\(", source, re.MULTILINE).group(1)
    result = run_checks(name, _define(source))
    assert result.points == FULL_MARKS[name], result.message


def test_float_ids_get_the_integer_hint():
    result = run_checks(DRAW, _define(GOOD_DRAW.replace("dtype=np.int64", "dtype=float")))
    assert result.points < FULL_MARKS[DRAW]
    assert any("dtype int64" in t.message and "made of integers" in t.hint for t in result.tests)


def test_every_uniform_of_every_case_keeps_its_margin_from_the_boundaries():
    questions = {q.name: q for q in get_set("sampling").questions}
    for case in questions[DRAW].make_cases():
        p, u = case.args
        assert (np.abs(np.cumsum(p, axis=1) - u[:, None]) > MARGIN).all()
    for case in questions[LOOP].make_cases():
        *args, uniforms = case.args
        _, cumulatives = _generate(*args, uniforms)
        for s, cumulative in enumerate(cumulatives):
            assert (np.abs(cumulative - uniforms[:, s, None]) > MARGIN).all()


def test_the_generation_cases_exercise_more_than_one_step_and_sequence():
    cases = next(q for q in get_set("sampling").questions if q.name == LOOP).make_cases()
    assert any(c.sizes["S"] == 1 for c in cases) and max(c.sizes["S"] for c in cases) >= 8
    assert any(c.sizes["N"] == 1 for c in cases) and max(c.sizes["N"] for c in cases) >= 3


# ---- notebooks ------------------------------------------------------------------------------



def test_the_solution_notebooks_demo_generates_text_at_three_temperatures():
    pytest.importorskip("torch", reason="the demo runs the shipped torch model (make test-pythons has no torch)")
    demo = cell_text(executed_source("sampling").cells[-3])  # before grade's markdown and code cells
    assert demo.count("--- temperature") == 3
    assert all(len(block.split("\n", 1)[1].strip()) >= 150 for block in demo.split("--- temperature")[1:])
