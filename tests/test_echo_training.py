import numpy as np
import pytest

from course_code.data.echo import delayed_echo
from course_code.scratch import init_rnn_params
from course_code.training.echo_training import (
    echo_accuracy_by_step,
    memory_probe_accuracy,
    targets_inside_window,
    train_echo,
)
from course_code.sweeps import run_jobs


def test_window_of_chunks_of_four_holds_one_target_in_four():
    inside = targets_inside_window(24, 3, (4, 4))
    steps = np.arange(3, 24)
    np.testing.assert_array_equal(inside, steps % 4 == 3)  # the last step of each chunk
    assert targets_inside_window(24, 3, (1, 4)).all()
    assert not targets_inside_window(24, 3, (1, 3)).any()
    assert not targets_inside_window(24, 3, (2, 2)).any()
    assert targets_inside_window(24, 3, None).all()


def test_training_is_seeded_and_full_bptt_solves_the_echo():
    first, second = train_echo(0, steps=60), train_echo(0, steps=60)
    np.testing.assert_array_equal(first.losses, second.losses)
    assert first.eval_updates.tolist() == [0, 10, 20, 30, 40, 50, 60]
    assert first.test_accuracy_by_step.shape == (21,)
    assert first.test_accuracy > 0.99
    assert first.validation_accuracy[0] < 0.6  # untrained: about chance


def test_accuracy_by_step_of_a_perfect_and_of_a_constant_predictor():
    x, targets = delayed_echo(64, 10, 1, np.random.default_rng(0))
    params = init_rnn_params(1, 1, 2, np.random.default_rng(0))
    params.W_xh[:] = 3.0
    params.W_hh[:] = 0.0
    params.b_h[:] = 0.0
    params.W_hy[:] = 0.0
    params.b_y[:] = [1.0, 0.0]  # always class 0
    accuracy = echo_accuracy_by_step(params, x, targets, delay=1)
    np.testing.assert_allclose(accuracy, (targets[:, 1:] == 0).mean(axis=0))


def test_memory_probe_sees_a_shift_register_and_no_memory():
    shift = init_rnn_params(1, 3, 2, np.random.default_rng(0))
    shift.W_xh[:] = [[1.0], [0.0], [0.0]]
    shift.W_hh[:] = [[0, 0, 0], [1.0, 0, 0], [0, 1.0, 0]]  # h_3 holds x_{t-2}
    shift.b_h[:] = 0.0
    assert memory_probe_accuracy(shift, delay=2) == 1.0
    no_memory = init_rnn_params(1, 3, 2, np.random.default_rng(0))
    no_memory.W_hh[:] = 0.0
    assert memory_probe_accuracy(no_memory, delay=2) == pytest.approx(0.5, abs=0.05)


def test_jobs_give_the_same_results_on_two_processes_and_on_one():
    jobs = [(seed, None, 20) for seed in range(3)]
    pooled = run_jobs(train_echo, jobs, processes=2)
    serial = run_jobs(train_echo, jobs, processes=1)
    for a, b in zip(pooled, serial):
        np.testing.assert_array_equal(a.losses, b.losses)
    with pytest.raises(ValueError, match="processes must be a positive integer"):
        run_jobs(train_echo, jobs, processes=0)
