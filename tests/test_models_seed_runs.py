"""Runs over seeds: the adding-problem and language-model runs and their summary."""

import math

import numpy as np
import pytest
import torch

from course_code.data.long_range import ADDING_BASELINE_MSE, adding_problem
from course_code.models.adding_runs import SUCCESS_MSE, adding_model, adding_run
from course_code.models.char_lm_runs import char_lm_run
from course_code.models.recurrent_regressor import last_state_regressor
from course_code.seed_summary import summarise_seeds
from course_code.sweeps import run_jobs
from course_code.training.adding_problem import train_on_adding_problem


def test_summary_counts_successes_and_treats_failures_as_worst():
    summary = summarise_seeds([0.003, 0.2, None, 0.001, float("nan")], below=0.01)
    assert (summary.successes, summary.runs) == (2, 5)
    assert (summary.median, summary.low, summary.high) == (0.2, 0.001, math.inf)
    assert str(summary) == "2 of 5 succeed, median 0.2000 (0.0010 to never)"
    even = summarise_seeds([4, 1, 3, 2], below=2.5)
    assert (even.successes, even.median) == (2, 2.5)
    with pytest.raises(ValueError, match="at least one run"):
        summarise_seeds([], below=1)


def test_success_threshold_is_a_tenth_of_the_baseline():
    assert SUCCESS_MSE == pytest.approx(1 / 60)


def test_adding_problem_with_a_window_marks_the_last_steps():
    x, y = adding_problem(50, 12, np.random.default_rng(0), window=2)
    assert x.shape == (50, 12, 2) and y.shape == (50,)
    np.testing.assert_array_equal(x[:, :, 1].sum(axis=1), 2)
    np.testing.assert_array_equal(x[:, -2:, 1], 1)
    np.testing.assert_allclose(y, x[:, -2:, 0].sum(axis=1))
    x, _ = adding_problem(200, 12, np.random.default_rng(1), window=6)
    marked = np.nonzero(x[:, :, 1])[1].reshape(200, 2)
    assert marked[:, 0].min() == 6 and marked[:, 0].max() == 8
    assert marked[:, 1].min() == 9 and marked[:, 1].max() == 11
    with pytest.raises(ValueError, match="window must be between 2 and T=5, got 6"):
        adding_problem(1, 5, np.random.default_rng(0), window=6)


def test_adding_run_equals_the_training_helper_at_every_checkpoint():
    run = adding_run("lstm_bf1", 8, 40, seed=3, batch_size=16, eval_every=20)
    for steps in (20, 40):
        model = last_state_regressor("lstm", 32, seed=3, forget_gate_bias=1.0)
        history, test_mse = train_on_adding_problem(
            model, length=8, steps=steps, batch_size=16, seed=4
        )
        assert run.mse_at(steps) == pytest.approx(test_mse, rel=1e-6)
        assert run.losses[:steps] == pytest.approx(history.losses, rel=1e-6)


def test_irnn_starts_as_an_identity_relu_rnn():
    model = adding_model("irnn", hidden_size=6, seed=0)
    core = model.core
    assert core.nonlinearity == "relu"
    torch.testing.assert_close(core.weight_hh_l0, torch.eye(6))
    assert (
        float((core.bias_ih_l0.abs().sum() + core.bias_hh_l0.abs().sum()).detach()) == 0
    )
    assert 0.03 < float(core.weight_ih_l0.detach().std()) < 0.3
    with pytest.raises(ValueError, match="model must be one of"):
        adding_model("transformer")


def test_runs_in_two_processes_equal_runs_here():
    jobs = [("rnn", 6, 20, seed) for seed in (0, 1)]
    options = {"batch_size": 8, "eval_every": 10}
    here = [adding_run(*job, **options) for job in jobs]
    pooled = run_jobs(_short_run, jobs, processes=2)
    for a, b in zip(here, pooled):
        assert a.losses == b.losses and a.test_mse == b.test_mse
    assert here[0].losses != here[1].losses


def _short_run(model, length, steps, seed):
    return adding_run(model, length, steps, seed, batch_size=8, eval_every=10)


def test_adding_run_checks_its_arguments():
    with pytest.raises(ValueError, match="task must be one of"):
        adding_run("rnn", 5, 10, 0, task="copy")
    with pytest.raises(ValueError, match="multiple of eval_every=50, got 70"):
        adding_run("rnn", 5, 70, 0)


def test_first_below_reads_the_running_mean():
    run = adding_run("rnn", 5, 10, 0, batch_size=4, eval_every=5)
    run.losses = [1.0] * 30 + [0.0] * 10
    assert run.first_below(0.75, width=4) == 32
    assert run.first_below(-1.0) is None
    assert ADDING_BASELINE_MSE / 10 == SUCCESS_MSE


def test_char_lm_run_seed_0_is_the_training_chapters_first_epoch():
    run = char_lm_run("rnn", 0, 100)
    assert run.eval_steps == [100]
    assert run.parameters == 35_870
    assert run.val_perplexity[0] == pytest.approx(7.2232, abs=5e-5)
    with pytest.raises(ValueError, match="only an LSTM has a forget gate"):
        char_lm_run("gru", 0, 100, forget_gate_bias=1.0)


def test_median_range_reports_the_median_and_the_extremes():
    from course_code.seed_summary import median_range

    assert median_range([0.5, 0.25, 1.0]) == "0.500 (0.250 to 1.000)"
    assert median_range([4, 1, 2, 3], digits=1) == "2.5 (1.0 to 4.0)"
    with pytest.raises(ValueError, match="at least one number"):
        median_range([])
