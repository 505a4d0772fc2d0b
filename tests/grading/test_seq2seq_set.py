"""The "seq2seq" set: greedy decoding, additive attention scores, masked softmax and context.

Mutation tests first: each wrong answer is written as a student would write it
(other names, loops, explicit conditions), not copied from the known-bug table,
so a pass means the checks recognise the bug by its output.
What every set must satisfy (its notebooks, full marks, zero for the stub) is in test_every_set.py.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from course_code.grading import run_checks
from course_code.grading.limits import Limits
from course_code.grading.sets import get_set

from .helpers import REPO, assert_recognised, cell_text, code_sources, executed_source, unexercised_bugs

SOURCE = REPO / "exercises" / "source" / "seq2seq.ipynb"
STUDENT = REPO / "exercises" / "seq2seq.ipynb"
FULL_MARKS = {"greedy_decode": 4, "additive_attention_scores": 2, "attention_context": 3}
LIMITS = Limits(timeout_seconds=5.0)
GREEDY, SCORES, CONTEXT = FULL_MARKS

STEP = ("def decoder_step(previous_ids, h, embedding, W_xh, W_hh, b_h, W_hy, b_y):\n"
        "    h = np.tanh(embedding[previous_ids] @ W_xh.T + h @ W_hh.T + b_h)\n"
        "    return h @ W_hy.T + b_y, h\n")


def _greedy(feed="tokens", state="h", write="tokens[n]", end_check="if tokens[n] == end_id:\n"
            "                    done[n] = True", stop="all(done)") -> str:
    """A row-by-row greedy loop, written differently from the reference."""
    return ("def greedy_decode(embedding, W_xh, W_hh, b_h, W_hy, b_y, h0, start_id, end_id, max_len):\n"
            "    start_id, end_id, max_len = int(start_id), int(end_id), int(max_len)\n"
            "    N = len(h0)\n    result = np.zeros((N, max_len), dtype=np.int64)\n"
            "    inputs = np.array([start_id] * N)\n    h = h0.copy()\n    done = [False] * N\n"
            "    for t in range(max_len):\n"
            f"        logits, h = decoder_step(inputs, {state}, embedding, W_xh, W_hh, b_h, W_hy, b_y)\n"
            "        tokens = np.argmax(logits, axis=-1)\n"
            "        for n in range(N):\n"
            "            if not done[n]:\n"
            f"                result[n, t] = {write}\n"
            f"                {end_check}\n"
            f"        if {stop}:\n            break\n"
            f"        inputs = {feed}\n"
            "    return result\n")


GOOD_SCORES = ("def additive_attention_scores(query, keys, W_q, W_k, v):\n"
               "    N, S, _ = keys.shape\n    e = np.zeros((N, S))\n"
               "    for n in range(N):\n        for s in range(S):\n"
               "            e[n, s] = v @ np.tanh(W_q @ query[n] + W_k @ keys[n, s])\n"
               "    return e\n")


def _context(masked="np.where(mask, scores, -np.inf)", axis="1", weights_line="",
             context="np.einsum('ns,nsh->nh', w, keys)") -> str:
    return ("def attention_context(scores, keys, mask):\n"
            f"    z = {masked}\n"
            f"    z = np.exp(z - z.max(axis={axis}, keepdims=True))\n"
            f"    w = z / z.sum(axis={axis}, keepdims=True)\n"
            f"{weights_line}"
            f"    return w, {context}\n")


# (question, answer cell, name of the known bug it must be recognised as)
BUGS = [
    (GREEDY, _greedy(feed="inputs"), "fed its own input instead of the previous prediction"),
    (GREEDY, _greedy(state="h0"), "hidden state not carried"),
    (GREEDY, _greedy(end_check="pass").replace("if not done[n]:", "if True:"), "kept decoding after end_id"),
    (GREEDY, _greedy(write="inputs[n]"), "recorded the input, not the prediction"),
    (GREEDY, _greedy(end_check="if tokens[n] == end_id:\n                    done[n] = True\n"
                                "                    result[n, t] = 0"), "end_id not written"),
    (GREEDY, _greedy(stop="any(done)"), "stopped when the first row ended"),
    (SCORES, GOOD_SCORES.replace("np.tanh(W_q @ query[n] + W_k @ keys[n, s])", "(W_q @ query[n] + W_k @ keys[n, s])"),
     "no tanh"),
    (SCORES, GOOD_SCORES.replace("W_q @ query[n] + ", ""), "query left out"),
    (SCORES, GOOD_SCORES.replace("v @ np.tanh(W_q @ query[n] + W_k @ keys[n, s])",
                                 "np.sum(np.tanh(W_q @ query[n] + W_k @ keys[n, s]))"), "summed instead of weighted by v"),
    (CONTEXT, _context(axis="0"), "softmax over the wrong axis"),
    (CONTEXT, _context(masked="scores"), "padding not masked"),
    (CONTEXT, _context(masked="scores", weights_line="    w = w * mask\n"), "masked after the softmax, not renormalised"),
    (CONTEXT, _context(context="(np.where(mask, scores, 0)[:, :, None] * keys).sum(axis=1)"),
     "context from the scores, not the weights"),
]


def _define(source: str):
    namespace = {"np": np}
    exec(STEP, namespace)
    exec(source, namespace)
    return namespace[re.search(r"^def (\w+)\(", source, re.MULTILINE).group(1)]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("question, source, bug", BUGS, ids=[f"{q}: {b}" for q, _, b in BUGS])
def test_known_bug_loses_points_and_gets_its_hint(question, source, bug):
    assert_recognised("seq2seq", question, run_checks(question, _define(source)), bug, FULL_MARKS[question])


def test_every_known_bug_is_exercised_by_a_student_style_mutant():
    assert unexercised_bugs("seq2seq", BUGS) == set()


@pytest.mark.parametrize("source", [_greedy(), GOOD_SCORES, _context(),
                                    _context(masked="np.where(mask, scores, -1e300)", axis="-1")])
def test_correct_answers_written_differently_score_full_marks(source):
    name = re.search(r"^def (\w+)\(", source, re.MULTILINE).group(1)
    result = run_checks(name, _define(source))
    assert result.points == FULL_MARKS[name], result.message


def test_greedy_cases_have_rows_that_end_early_and_rows_that_run_to_max_len():
    question = next(q for q in get_set("seq2seq").questions if q.name == GREEDY)
    cases = question.make_cases()
    assert any(c.sizes["N"] == 1 for c in cases) and any(c.sizes["max_len"] == 1 for c in cases)
    early = full = 0
    for case in cases:
        out = question.reference(*case.args)
        end_id, max_len = int(case.args[-2]), int(case.args[-1])
        for row in out:
            ends = np.flatnonzero(row == end_id)
            early += int(len(ends) > 0 and ends[0] < max_len - 1)
            full += int(len(ends) == 0)
    assert early >= 3 and full >= 3


def test_attention_cases_have_padding_and_a_real_position_in_every_column():
    question = next(q for q in get_set("seq2seq").questions if q.name == CONTEXT)
    cases = question.make_cases()
    assert any(c.sizes["N"] == c.sizes["S"] for c in cases) and any(c.sizes["S"] == 1 for c in cases)
    assert sum(int((~c.args[2]).sum()) for c in cases) >= 5
    assert all(c.args[2].any(axis=0).all() and c.args[2].any(axis=1).all() for c in cases)


# ---- notebooks ------------------------------------------------------------------------------



def test_the_student_notebook_keeps_the_given_decoder_step():
    assert any("def decoder_step(" in code for code in code_sources(STUDENT))


def test_the_solution_notebooks_demo_masks_the_padding():
    demo = cell_text(executed_source("seq2seq").cells[-3])  # before grade's markdown and code cells
    assert "row sums: [1. 1.]" in demo and demo.count(" 0.   ") + demo.count(" 0.]") >= 2
