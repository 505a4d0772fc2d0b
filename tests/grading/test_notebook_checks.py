"""The notebook check: its feedback reads well (every set's check cells are run in test_every_set.py)."""

from __future__ import annotations

import numpy as np
import pytest

from course_code.grading import check, run_checks
from course_code.grading.notebook import code_cells



def test_check_prints_expected_and_actual_values_and_a_hint(capsys):
    def rnn_step_forward(x, h_prev, W_xh, W_hh, b_h):
        return np.tanh(x @ W_xh.T + h_prev @ W_hh.T)

    check("rnn_step_forward", rnn_step_forward)
    text = capsys.readouterr().out
    assert "[FAIL] N=1, D=3, H=4: values are off at" in text
    assert "expected" in text and "got" in text
    assert "Hint: The bias is missing" in text
    assert "rtol=1e-06, atol=1e-08" in text
    assert "Traceback" not in text


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the naive softmax overflows on purpose
def test_check_reports_an_exception_with_the_students_own_line(capsys):
    def softmax(logits):
        total = np.exp(logits).sum(axis=-1)
        return np.exp(logits) / total

    result = run_checks("softmax", softmax)
    raised = [t for t in result.tests if t.message.startswith("raised ValueError")]
    assert raised, [t.message for t in result.tests]
    assert "return np.exp(logits) / total" in raised[0].message
    assert "keepdims=True" in raised[0].hint


def test_check_accepts_a_python_float_for_the_loss():
    def sequence_cross_entropy(logits, targets):
        m = logits.max(axis=-1, keepdims=True)
        log_p = logits - m - np.log(np.exp(logits - m).sum(axis=-1, keepdims=True))
        return float(-np.take_along_axis(log_p, targets[..., None], axis=-1).mean())

    assert run_checks("sequence_cross_entropy", sequence_cross_entropy).status == "passed"


def test_check_does_not_let_the_function_change_the_inputs_of_later_tests():
    def rnn_step_forward(x, h_prev, W_xh, W_hh, b_h):
        x *= 0  # modifies the caller's array in place
        return np.tanh(x @ W_xh.T + h_prev @ W_hh.T + b_h)

    result = run_checks("rnn_step_forward", rnn_step_forward)
    assert result.points == 0
    assert all("values are off" in t.message for t in result.tests)


def test_magics_become_pass_and_keep_line_numbers():
    notebook = {"nbformat": 4, "cells": [{"cell_type": "code", "source": "%matplotlib inline\n!ls\nx = 1"}]}
    assert code_cells(notebook) == ["pass  # %matplotlib inline\npass  # !ls\nx = 1"]
