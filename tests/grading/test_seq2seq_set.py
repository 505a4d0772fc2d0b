"""The "seq2seq" set: greedy decoding, additive attention scores, masked softmax and context.

Mutation tests first: each wrong answer is written as a student would write it
(other names, loops, explicit conditions), not copied from the known-bug table,
so a pass means the checks recognise the bug by its output. Then the cases, the
solution and stub notebooks, and the generated student notebook.
"""

from __future__ import annotations

import json
import re

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from course_code.grading import run_checks
from course_code.grading.grade import grade_notebook
from course_code.grading.notebook import notebook_text, student_version
from course_code.grading.runner import Limits
from course_code.grading.sets import get_set

from .helpers import REPO, sha256

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


def _known_hints(question: str) -> dict[str, str]:
    return {bug.name: bug.hint for bug in next(q for q in get_set("seq2seq").questions if q.name == question).known_bugs}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("question, source, bug", BUGS, ids=[f"{q}: {b}" for q, _, b in BUGS])
def test_known_bug_loses_points_and_gets_its_hint(question, source, bug):
    result = run_checks(question, _define(source))
    assert result.points < FULL_MARKS[question], result.message
    assert bug in result.message
    assert any(t.hint == _known_hints(question)[bug] for t in result.tests if not t.passed)


def test_every_known_bug_is_exercised_by_a_student_style_mutant():
    for question in FULL_MARKS:
        assert set(_known_hints(question)) == {bug for q, _, bug in BUGS if q == question}


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


def test_solution_scores_full_marks_in_the_isolated_grader_and_is_not_changed():
    before = sha256(SOURCE)
    result = grade_notebook(SOURCE, limits=LIMITS)
    assert {q.name: q.points for q in result.questions} == FULL_MARKS
    assert sha256(SOURCE) == before


def test_untouched_student_notebook_scores_zero():
    result = grade_notebook(STUDENT, limits=LIMITS)
    assert {q.name: q.points for q in result.questions} == dict.fromkeys(FULL_MARKS, 0)
    assert all(q.status == "not attempted" for q in result.questions)


def test_committed_student_notebook_equals_the_generators_output():
    generated = notebook_text(student_version(nbformat.reads(SOURCE.read_text(encoding="utf-8"), as_version=4)))
    assert STUDENT.read_text(encoding="utf-8") == generated


def test_student_notebook_contains_no_solution_code_but_keeps_the_step_function():
    solution, inside = [], False
    for cell in json.loads(SOURCE.read_text(encoding="utf-8"))["cells"]:
        for line in "".join(cell["source"]).split("\n"):
            if "### BEGIN SOLUTION" in line or "### END SOLUTION" in line:
                inside = "BEGIN" in line
            elif inside and line.strip():
                solution.append(line.strip())
    assert len(solution) >= 15
    notebook = json.loads(STUDENT.read_text(encoding="utf-8"))
    student_code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    assert [line for line in solution if line in student_code and line != "return h @ W_hy.T + b_y, h"] == []
    assert student_code.count("raise NotImplementedError()") == 3
    assert "def decoder_step(" in student_code
    assert notebook["metadata"]["course_exercise"] == {"set": "seq2seq"}


def test_executed_solution_notebook_passes_its_checks_and_masks_the_demo():
    notebook = nbformat.read(SOURCE, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}).execute()
    checks = [c for c in notebook.cells if c.cell_type == "code" and c.source.startswith("check(")]
    assert len(checks) == 3
    for cell in checks:
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert ": passed" in text and "[FAIL]" not in text, text
    demo = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    assert "row sums: [1. 1.]" in demo and demo.count(" 0.   ") + demo.count(" 0.]") >= 2
