"""The "bidirectional" set: reversal within lengths, the bidirectional wrapper, padded batches, masked loss.

Each wrong answer is written the way a student would write it (loops, other
names), not copied from the known-bug table, so a pass means the checks
recognise the bug by its output.
What every set must satisfy (its notebooks, full marks, zero for the stub) is in test_every_set.py.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from course_code.grading import run_checks
from course_code.grading.grade import grade_notebook
from course_code.grading.limits import Limits
from course_code.grading.sets import get_set
from course_code.grading.sets.bidirectional import run_rnn

from .helpers import REPO, assert_recognised, code_sources, unexercised_bugs

SOURCE = REPO / "exercises" / "source" / "bidirectional.ipynb"
STUDENT = REPO / "exercises" / "bidirectional.ipynb"
FULL_MARKS = {"reverse_padded": 2, "bidirectional_rnn": 3, "bidirectional_rnn_padded": 3, "masked_cross_entropy": 2}
LIMITS = Limits(timeout_seconds=5.0)
REV, BI, PAD, LOSS = FULL_MARKS

WEIGHTS = "W_xh_f, W_hh_f, b_h_f, W_xh_b, W_hh_b, b_h_b"
HEADER = {
    REV: "def reverse_padded(x, lengths):\n",
    BI: f"def bidirectional_rnn(x, {WEIGHTS}):\n",
    PAD: f"def bidirectional_rnn_padded(x, lengths, {WEIGHTS}):\n",
    LOSS: "def masked_cross_entropy(logits, targets, lengths):\n",
}


def _reverse(body_line: str = "out[n, :k] = x[n, :k][::-1]", start: str = "out = x.copy()") -> str:
    return f"    {start}\n    for n, k in enumerate(lengths):\n        {body_line}\n    return out\n"


def _bi(backward: str = "run_rnn(x[:, ::-1], W_xh_b, W_hh_b, b_h_b)[:, ::-1]",
        forward: str = "run_rnn(x, W_xh_f, W_hh_f, b_h_f)", combine: str = "np.concatenate([fw, bw], axis=2)") -> str:
    return f"    fw = {forward}\n    bw = {backward}\n    return {combine}\n"


def _padded(reverse_in: str = "rev(x)", reverse_out: str = "rev(h)", zero: bool = True) -> str:
    return ("    def rev(a):\n        b = a.copy()\n        for n, k in enumerate(lengths):\n"
            "            b[n, :k] = a[n, :k][::-1]\n        return b\n"
            "    fw = run_rnn(x, W_xh_f, W_hh_f, b_h_f)\n"
            f"    h = run_rnn({reverse_in}, W_xh_b, W_hh_b, b_h_b)\n    bw = {reverse_out}\n"
            "    y = np.concatenate([fw, bw], axis=-1)\n"
            + ("    for n, k in enumerate(lengths):\n        y[n, k:] = 0.0\n" if zero else "")
            + "    return y\n")


def _loss(total: str = "(losses * real).sum() / real.sum()", stable: bool = True) -> str:
    if stable:
        log_p = ("    z = logits - logits.max(axis=2, keepdims=True)\n"
                 "    log_p = z - np.log(np.exp(z).sum(axis=2, keepdims=True))\n")
    else:
        log_p = "    log_p = np.log(np.exp(logits) / np.exp(logits).sum(axis=2, keepdims=True))\n"
    return (log_p + "    N, T, V = logits.shape\n    losses = np.zeros((N, T))\n"
            "    for n in range(N):\n        for t in range(T):\n            losses[n, t] = -log_p[n, t, targets[n, t]]\n"
            "    real = np.zeros((N, T))\n    for n in range(N):\n        real[n, :lengths[n]] = 1.0\n"
            f"    return {total}\n")


# (question, body, name of the known bug it must be recognised as)
BUGS = [
    (REV, "    return x[:, ::-1]\n", "whole rows reversed, padding included"),
    (REV, "    return np.flip(x, axis=0)\n", "reversed along the batch axis"),
    (REV, _reverse(start="out = np.zeros_like(x)"), "padding zeroed"),
    (REV, _reverse(body_line="out[n, :k] = x[n, :k]"), "not reversed"),
    (BI, _bi(backward="run_rnn(np.flip(x, 1), W_xh_b, W_hh_b, b_h_b)"), "backward outputs not re-reversed"),
    (BI, _bi(backward="run_rnn(x, W_xh_b, W_hh_b, b_h_b)"), "backward direction not reversed"),
    (BI, _bi(combine="np.concatenate([bw, fw], axis=-1)"), "directions in the wrong order"),
    (BI, _bi(backward="run_rnn(x[:, ::-1], W_xh_f, W_hh_f, b_h_f)[:, ::-1]"), "forward weights used for both directions"),
    (BI, _bi(forward="run_rnn(x, W_xh_b, W_hh_b, b_h_b)"), "backward weights used for both directions"),
    (BI, _bi(combine="fw + bw"), "directions summed, not concatenated"),
    (BI, _bi(backward="run_rnn(x[::-1], W_xh_b, W_hh_b, b_h_b)[::-1]"), "backward direction not reversed"),
    (PAD, _padded(reverse_in="x[:, ::-1]", reverse_out="h[:, ::-1]"), "padding read first by the backward direction"),
    (PAD, _padded(reverse_out="h"), "backward outputs not re-reversed"),
    (PAD, _padded(zero=False), "padded steps not zeroed"),
    (PAD, _padded(reverse_in="x", reverse_out="h"), "backward direction not reversed"),
    (LOSS, _loss(total="losses.mean()"), "padding not masked"),
    (LOSS, _loss(total="(losses * real).sum() / (N * T)"), "divided by N * T, padding included"),
    (LOSS, _loss(total="np.mean((losses * real).sum(axis=1) / lengths)"), "mean of the per-sequence means"),
    (LOSS, _loss(total="(losses * real).sum()"), "summed, not averaged"),
    (LOSS, _loss(stable=False), "no max subtraction (overflow)"),
]


def _body(question: str, bug: str) -> str:
    return next(body for q, body, b in BUGS if (q, b) == (question, bug))


def _define(question: str, body: str):
    namespace = {"np": np, "run_rnn": run_rnn}
    exec(HEADER[question] + body, namespace)
    return namespace[question]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the naive softmax overflows on purpose
@pytest.mark.parametrize("question, body, bug", BUGS, ids=[f"{q}: {b}" for q, _, b in BUGS])
def test_known_bug_loses_points_and_gets_its_hint(question, body, bug):
    assert_recognised("bidirectional", question, run_checks(question, _define(question, body)), bug, FULL_MARKS[question])


def test_every_known_bug_is_exercised_by_a_student_style_mutant():
    assert unexercised_bugs("bidirectional", BUGS) == set()


@pytest.mark.parametrize("question", list(FULL_MARKS))
def test_correct_answers_written_differently_pass(question):
    bodies = {
        REV: _reverse(),
        BI: _bi(),
        PAD: _padded(),
        LOSS: _loss(),
    }
    result = run_checks(question, _define(question, bodies[question]))
    assert result.points == FULL_MARKS[question], result.message


def test_the_padded_cases_hold_garbage_in_the_padding_and_include_full_and_unit_lengths():
    cases = get_set("bidirectional").question(PAD).make_cases()
    lengths = [list(c.args[1]) for c in cases]
    assert [1] in lengths and any(T == max(k) for T, k in zip((c.args[0].shape[1] for c in cases), lengths))
    x, k = cases[2].args[:2]
    assert np.abs(x[1, k[1]:]).min() >= 5  # far from the real inputs' scale


def test_the_reference_equals_torch_bidirectional_rnn():
    torch = pytest.importorskip("torch")
    question = get_set("bidirectional").question(BI)
    case = question.make_cases()[1]
    x, W_xh_f, W_hh_f, b_f, W_xh_b, W_hh_b, b_b = case.args
    module = torch.nn.RNN(x.shape[2], W_hh_f.shape[0], bidirectional=True, batch_first=True).double()
    state = {"weight_ih_l0": W_xh_f, "weight_hh_l0": W_hh_f, "bias_ih_l0": b_f, "bias_hh_l0": 0 * b_f,
             "weight_ih_l0_reverse": W_xh_b, "weight_hh_l0_reverse": W_hh_b, "bias_ih_l0_reverse": b_b,
             "bias_hh_l0_reverse": 0 * b_b}
    module.load_state_dict({k: torch.from_numpy(np.asarray(v)) for k, v in state.items()})
    expected = module(torch.from_numpy(x))[0].detach().numpy()
    np.testing.assert_allclose(question.reference(*case.args), expected, rtol=1e-10, atol=1e-12)


# ---- notebooks: the solution, the stub, the generated student version ------------------------


def test_a_wrapper_that_forgets_to_reverse_back_loses_points_in_the_isolated_grader(tmp_path):
    notebook = json.loads(SOURCE.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and source.startswith("def bidirectional_rnn("):
            cell["source"] = HEADER[BI] + _body(BI, "backward outputs not re-reversed")
        else:
            cell["source"] = "\n".join(line for line in source.split("\n") if "### " not in line)
    path = tmp_path / "student.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    graded = {q.name: q for q in grade_notebook(path, limits=LIMITS).questions}
    assert graded[BI].points < 3 and "backward outputs not re-reversed" in graded[BI].message
    assert graded[REV].points == 2 and graded[PAD].points == 3


def _solution_lines() -> list[str]:
    lines = []
    for cell in json.loads(SOURCE.read_text(encoding="utf-8"))["cells"]:
        inside = False
        for line in "".join(cell["source"]).split("\n"):
            if "### BEGIN SOLUTION" in line:
                inside = True
            elif "### END SOLUTION" in line:
                inside = False
            elif inside and line.strip():
                lines.append(line.strip())
    return lines


def test_the_given_rnn_equals_the_reference_used_by_the_grader():
    namespace = {"np": np}
    cell = next("".join(c["source"]) for c in json.loads(STUDENT.read_text(encoding="utf-8"))["cells"]
                if "".join(c["source"]).startswith("def run_rnn("))
    exec(cell, namespace)
    rng = np.random.default_rng(0)
    args = (rng.normal(size=(2, 4, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 5)), rng.normal(size=5))
    np.testing.assert_allclose(namespace["run_rnn"](*args), run_rnn(*args), rtol=1e-12)



def test_the_student_notebook_keeps_the_given_rnn():
    assert any("def run_rnn(x, W_xh, W_hh, b_h):" in code for code in code_sources(STUDENT))
