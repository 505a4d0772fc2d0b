"""The "bptt" set: backward passes returning tuples of arrays, graded item by item.

Mutation tests first: each wrong answer is written the way a student would
write it (loops, other names, einsum), not copied from the known-bug table, so
a pass means the checks recognise the bug by its output. Then the tuple
protocol through the isolated runner and the finite-difference property.
What every set must satisfy (its notebooks, full marks, zero for the stub) is in test_every_set.py.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from course_code.grading import run_checks
from course_code.grading.child import capture_call
from course_code.grading.grade import grade_notebook
from course_code.grading.limits import Limits
from course_code.grading.outcomes import Outcome
from course_code.grading.scoring import grade_outcomes
from course_code.grading.sets import get_set
from course_code.grading.sets.bptt import NUMERICAL_TOLERANCE

from .helpers import REPO, assert_recognised, same_output, unexercised_bugs

SOURCE = REPO / "exercises" / "source" / "bptt.ipynb"
STUDENT = REPO / "exercises" / "bptt.ipynb"
FULL_MARKS = {"rnn_step_backward": 3, "rnn_backward": 5, "softmax_cross_entropy_backward": 2}
LIMITS = Limits(timeout_seconds=5.0)

HEADER = {
    "rnn_step_backward": "def rnn_step_backward(dh, x, h_prev, h, W_xh, W_hh):\n",
    "rnn_backward": "def rnn_backward(dh, x, h0, h, W_xh, W_hh):\n",
    "softmax_cross_entropy_backward": "def softmax_cross_entropy_backward(logits, targets):\n",
}

# ---- student-style wrong answers ----------------------------------------------------------


def _step(da: str = "dh * (1 - h ** 2)", dx: str = "da @ W_xh", dh_prev: str = "da @ W_hh",
          dW_xh: str = "da.T @ x", dW_hh: str = "da.T @ h_prev", db_h: str = "np.sum(da, axis=0)") -> str:
    return (f"    da = {da}\n    grad_x = {dx}\n    grad_h = {dh_prev}\n    gWx = {dW_xh}\n"
            f"    gWh = {dW_hh}\n    gb = {db_h}\n    return grad_x, grad_h, gWx, gWh, gb\n")


def _sequence(prev: str = "h[:, t - 1] if t > 0 else h0", g: str = "(dh[:, t] + carry) * (1 - h[:, t] ** 2)",
              accumulate: str = "dWx += g.T @ x[:, t]\n        dWh += g.T @ prev\n        db += g.sum(axis=0)",
              back: str = "W_hh", db_init: str = "np.zeros(H)", after: str = "") -> str:
    return ("    N, T, D = x.shape\n    H = h0.shape[1]\n    dx = np.zeros((N, T, D))\n"
            f"    dWx = np.zeros((H, D))\n    dWh = np.zeros((H, H))\n    db = {db_init}\n"
            "    carry = np.zeros((N, H))\n"
            "    for t in range(T - 1, -1, -1):\n"
            f"        prev = {prev}\n        g = {g}\n        dx[:, t] = g @ W_xh\n"
            f"        {accumulate}\n        carry = g @ {back}\n"
            f"{after}    return dx, carry, dWx, dWh, db\n")


PROBS = ("    z = logits - logits.max(axis=2, keepdims=True)\n"
         "    p = np.exp(z) / np.exp(z).sum(axis=2, keepdims=True)\n"
         "    N, T, V = p.shape\n    onehot = np.zeros_like(p)\n"
         "    for n in range(N):\n        for t in range(T):\n            onehot[n, t, targets[n, t]] = 1.0\n")

STEP, SEQ, LOGITS = "rnn_step_backward", "rnn_backward", "softmax_cross_entropy_backward"

# (question, body, name of the known bug it must be recognised as)
BUGS = [
    (STEP, _step(da="dh * (1 - h)"), "tanh derivative as 1 - h"),
    (STEP, _step(da="dh * (1 - np.tanh(h) ** 2)"), "tanh applied again in the derivative"),
    (STEP, _step(da="dh"), "tanh derivative forgotten"),
    (STEP, _step(da="dh * (1 - h_prev * h_prev)"), "tanh derivative at h_prev"),
    (STEP, _step(dh_prev="da @ W_hh.T"), "W_hh transposed in dh_prev"),
    (STEP, _step(dx="np.dot(da, W_xh.T)"), "W_xh transposed in dx"),
    (STEP, _step(dW_hh='np.einsum("nh,nk->kh", da, h_prev)'), "dW_hh transposed"),
    (STEP, _step(dW_xh="x.T @ da"), "dW_xh transposed"),
    (STEP, _step(dW_hh="da.T @ h"), "h instead of h_prev in dW_hh"),
    (STEP, _step(db_h="da.copy()"), "db_h not summed over the batch"),
    (STEP, _step(dW_xh="da.T @ x / x.shape[0]", dW_hh="da.T @ h_prev / x.shape[0]", db_h="da.mean(axis=0)"),
     "weight gradients averaged over the batch"),
    (SEQ, _sequence(g="dh[:, t] * (1 - h[:, t] ** 2)"), "dh not carried to the previous step"),
    (SEQ, _sequence(g="dh[:, t] * (1 - h[:, t] ** 2) + carry"), "carried gradient skips tanh"),
    (SEQ, _sequence(g="(dh[:, t] + carry) * (1 - h[:, t])"), "tanh derivative as 1 - h"),
    (SEQ, _sequence(accumulate="dWx = g.T @ x[:, t]\n        dWh = g.T @ prev\n        db = g.sum(axis=0)"),
     "weight gradients overwritten, not summed"),
    (SEQ, _sequence(accumulate="if t == T - 1:\n            dWx = g.T @ x[:, t]\n            dWh = g.T @ prev\n"
                               "            db = g.sum(axis=0)"),
     "weight gradients of the last step only"),
    (SEQ, _sequence(after="    dWx, dWh, db = dWx / T, dWh / T, db / T\n"), "weight gradients averaged over time"),
    (SEQ, _sequence(accumulate="dWx += g.T @ x[:, t]\n        dWh += prev.T @ g\n        db += g.sum(axis=0)"),
     "dW_hh transposed"),
    (SEQ, _sequence(accumulate="dWx += g.T @ x[:, t]\n        dWh += g.T @ h[:, t]\n        db += g.sum(axis=0)"),
     "h_t instead of h_(t-1) in dW_hh"),
    (SEQ, _sequence(prev="h[:, t - 1]"), "h[:, t - 1] used at t = 0"),
    (SEQ, _sequence(db_init="np.zeros((N, H))",
                    accumulate="dWx += g.T @ x[:, t]\n        dWh += g.T @ prev\n        db = db + g"),
     "db_h not summed over the batch"),
    (SEQ, _sequence(back="W_hh.T"), "W_hh transposed in the carried gradient"),
    (LOGITS, PROBS + "    return p - onehot\n", "summed instead of averaged"),
    (LOGITS, PROBS + "    return (p - onehot) / N\n", "averaged over the batch only"),
    (LOGITS, PROBS + "    return (p - onehot) / T\n", "averaged over time only"),
    (LOGITS, PROBS + "    return p / (N * T)\n", "one-hot not subtracted"),
    (LOGITS, PROBS + "    return (onehot - p) / (N * T)\n", "sign flipped"),
    (LOGITS, PROBS + "    return (p - 1) / (N * T)\n", "1 subtracted from every class"),
    (LOGITS, PROBS.replace("np.exp(z) / np.exp(z).sum", "np.exp(logits) / np.exp(logits).sum")
     + "    return (p - onehot) / (N * T)\n", "no max subtraction (overflow)"),
]


def _body(question: str, bug: str) -> str:
    return next(body for q, body, b in BUGS if (q, b) == (question, bug))


def _define(question: str, body: str):
    namespace = {"np": np}
    exec(HEADER[question] + body, namespace)
    return namespace[question]


def _known_hints(question: str) -> dict[str, str]:
    return {b.name: b.hint for b in get_set("bptt").question(question).known_bugs}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the naive softmax overflows on purpose
@pytest.mark.parametrize("question, body, bug", BUGS, ids=[f"{q}: {b}" for q, _, b in BUGS])
def test_known_bug_loses_points_and_gets_its_hint(question, body, bug):
    assert_recognised("bptt", question, run_checks(question, _define(question, body)), bug, FULL_MARKS[question])


def test_every_known_bug_is_exercised_by_a_student_style_mutant():
    assert unexercised_bugs("bptt", BUGS) == set()


def test_every_known_bug_differs_from_the_reference_on_most_cases():
    for question in get_set("bptt").questions:
        cases = question.make_cases()
        for bug in question.known_bugs:
            differs = 0
            for case in cases:
                with np.errstate(all="ignore"):
                    try:
                        wrong = bug.compute(*[a.copy() for a in case.args])
                    except Exception:
                        differs += 1
                        continue
                differs += not same_output(wrong, question.reference(*case.args))
            assert differs >= 1, f"{question.name}: {bug.name} is never distinguishable"


def test_a_transposed_dx_that_raises_gets_the_backward_shape_hint_not_the_forward_one():
    result = run_checks(STEP, _define(STEP, _body(STEP, "W_xh transposed in dx")))
    raised = [t for t in result.tests if t.message.startswith("raised ValueError")]
    assert raised and all("dx = delta @ W_xh is (N, D)" in t.hint for t in raised)
    assert "not aligned" in raised[0].message  # np.dot's wording, not matmul's: both keys are covered


def test_of_two_mistakes_in_one_answer_the_confirmed_one_is_named_and_the_other_described():
    # db_h left unsummed matches its known bug only where T = 1 (there, dh not being carried changes
    # nothing): one match is not enough to name a bug, so that test describes the shape instead.
    body = _sequence(g="dh[:, t] * (1 - h[:, t] ** 2)", db_init="np.zeros((N, H))",
                     accumulate="dWx += g.T @ x[:, t]\n        dWh += g.T @ prev\n        db = db + g")
    result = run_checks(SEQ, _define(SEQ, body))
    assert "dh not carried to the previous step" in result.message
    assert "db_h not summed over the batch" not in result.message
    assert any("db_h: expected shape (H=4) = (4,), got an array of shape (1, 4)" in t.message for t in result.tests)


def test_a_single_wrong_output_is_named_with_its_position():
    result = run_checks(STEP, _define(STEP, _body(STEP, "dW_hh transposed")))
    failed = [t for t in result.tests if not t.passed and not t.label.startswith("property")]
    assert all(t.message.startswith("dW_hh: values are off at") for t in failed), [t.message for t in failed]


# ---- tuples of arrays: the answer's form --------------------------------------------------

GOOD_STEP = _step()


@pytest.mark.parametrize("last_line, message, hint", [
    ("    return grad_x, grad_h, gWx, gWh\n", "returned a tuple of 4 items, expected a tuple of 5 arrays",
     "return dx, dh_prev, dW_xh, dW_hh, db_h"),
    ("    return gWh\n", "returned a single array, expected a tuple of 5 arrays", "Return all 5 arrays"),
    ("    pass\n", "returned None, expected a tuple of 5 arrays", "forget the `return`"),
])
def test_a_tuple_of_the_wrong_form_is_described(last_line, message, hint):
    body = GOOD_STEP.replace("    return grad_x, grad_h, gWx, gWh, gb\n", last_line)
    result = run_checks(STEP, _define(STEP, body))
    assert result.points == 0
    assert message in result.tests[0].message and hint in result.tests[0].hint


def test_a_list_of_the_five_arrays_is_accepted_and_a_bad_item_is_named():
    as_list = GOOD_STEP.replace("return grad_x, grad_h, gWx, gWh, gb", "return [grad_x, grad_h, gWx, gWh, gb]")
    assert run_checks(STEP, _define(STEP, as_list)).status == "passed"
    bad_item = GOOD_STEP.replace("return grad_x, grad_h, gWx, gWh, gb", "return grad_x, grad_h, gWx, gWh.tolist(), gb")
    result = run_checks(STEP, _define(STEP, bad_item))
    assert result.points == 0
    assert "dW_hh: got a list, expected a NumPy array of shape (H=4, H=4)" in result.tests[0].message


def test_single_output_questions_still_reject_a_tuple():
    def softmax_cross_entropy_backward(logits, targets):
        return logits, targets

    result = run_checks(LOGITS, softmax_cross_entropy_backward)
    assert result.points == 0 and "returned a tuple of 2 items" in result.tests[0].message


# ---- the finite-difference property ---------------------------------------------------------


@pytest.mark.parametrize("question", [STEP, SEQ, LOGITS])
def test_the_reference_agrees_with_finite_differences_and_a_perturbed_answer_does_not(question):
    q = get_set("bptt").question(question)
    prop = next(p for p in q.properties if p.name == "agrees with finite differences")
    for case in q.make_cases():
        right = q.reference(*[a.copy() for a in case.args])
        right = tuple(np.asarray(r) for r in right) if q.outputs else np.asarray(right)
        assert prop.problem(right, case) is None, case.label
        if q.outputs:
            wrong = right[:-1] + (right[-1] * (1 + 1e-3),)
            assert "db_h does not match the finite-difference gradient" in prop.problem(wrong, case)
        else:
            assert "relative gap" in prop.problem(right * (1 + 1e-3), case)
    assert NUMERICAL_TOLERANCE == 1e-6


def test_the_property_is_judged_in_the_grading_process_on_the_returned_arrays():
    """An answer off by a tiny, bug-free amount fails the property too, with the gap in the message."""
    q = get_set("bptt").question(SEQ)
    cases = q.make_cases()

    def rnn_backward(*args):
        dx, dh0, dW_xh, dW_hh, db_h = q.reference(*args)
        return dx, dh0, dW_xh, dW_hh * 1.01, db_h

    outcomes = [Outcome.from_meta(*capture_call(rnn_backward, list(c.args), len(q.outputs))) for c in cases]
    result = grade_outcomes(q, cases, outcomes)
    prop = next(t for t in result.tests if t.label == "property: agrees with finite differences")
    assert not prop.passed and "dW_hh does not match" in prop.message


# ---- notebooks: the solution, the stub, the isolated runner ---------------------------------


def _submission(path, answers: dict[str, str]):
    """The bptt solution notebook with the cell defining each answered function replaced; no markers."""
    notebook = json.loads(SOURCE.read_text(encoding="utf-8"))
    answers = dict(answers)
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for name in list(answers):
            if re.search(rf"^def {name}\(", source, re.MULTILINE):
                source = answers.pop(name)
        cell["source"] = "\n".join(line for line in source.split("\n") if "### " not in line)
    assert not answers
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_tuples_and_hints_survive_the_isolated_grader(tmp_path):
    path = _submission(tmp_path / "student.ipynb", {
        STEP: HEADER[STEP] + _body(STEP, "db_h not summed over the batch"),
        LOGITS: HEADER[LOGITS] + _body(LOGITS, "sign flipped"),
    })
    result = grade_notebook(path, limits=LIMITS)
    graded = {q.name: q for q in result.questions}
    step = graded[STEP]
    assert step.points < 3 and "db_h not summed over the batch" in step.message
    assert any(_known_hints(STEP)["db_h not summed over the batch"] in t.hint for t in step.tests)
    # rnn_backward calls the student's (wrong) step function, so it loses points too, by db_h only.
    assert graded[SEQ].points < 5
    assert graded[LOGITS].points < 2 and "sign flipped" in graded[LOGITS].message


def test_isolated_and_in_notebook_checks_agree_on_a_wrong_sequence_answer(tmp_path):
    body = _body(SEQ, "weight gradients averaged over time")
    path = _submission(tmp_path / "student.ipynb", {SEQ: HEADER[SEQ] + body})
    isolated = {q.name: q for q in grade_notebook(path, limits=LIMITS).questions}[SEQ]
    inline = run_checks(SEQ, _define(SEQ, body))
    assert (isolated.points, isolated.message) == (inline.points, inline.message)
    def verdicts(result):
        return [(t.passed, t.message, t.hint) for t in result.tests]

    assert verdicts(isolated) == verdicts(inline)


# ---- the generated student notebook ---------------------------------------------------------

