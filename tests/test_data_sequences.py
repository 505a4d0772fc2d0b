"""Tests of course_code.data: padding and masks, toy task batches, forecasters."""

import numpy as np
import pytest

from course_code.data import (
    TASKS,
    arithmetic_progression,
    fit_window_linear,
    last_difference_forecast,
    last_steps,
    length_mask,
    mean_forecast,
    median_forecast,
    pad_sequences,
    progression_rnn_params,
    sliding_windows,
    task_example,
    window_linear_forecast,
)
from course_code.scratch.rnn import output_layer, rnn_forward

# ---------------------------------------------------------------- pad_sequences


def test_pad_sequences_values_lengths_and_padding():
    a = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    b = np.array([[7.0, 8.0]])
    padded, lengths = pad_sequences([a, b], padding_value=-1.0)
    expected = np.array(
        [
            [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]],
            [[7.0, 8.0], [-1.0, -1.0], [-1.0, -1.0]],
        ]
    )
    assert padded.shape == (2, 3, 2)
    np.testing.assert_array_equal(padded, expected)
    np.testing.assert_array_equal(lengths, [3, 1])
    assert np.issubdtype(lengths.dtype, np.integer)


def test_pad_sequences_keeps_float32_and_turns_integers_into_float64():
    padded, _ = pad_sequences([np.zeros((2, 1), dtype=np.float32)])
    assert padded.dtype == np.float32
    padded, _ = pad_sequences([np.array([[1], [2]]), np.array([[3]])])
    assert padded.dtype == np.float64
    np.testing.assert_array_equal(padded[..., 0], [[1.0, 2.0], [3.0, 0.0]])


def test_pad_sequences_does_not_alias_its_inputs():
    a = np.ones((2, 1))
    padded, _ = pad_sequences([a])
    padded[0, 0, 0] = 5.0
    assert a[0, 0] == 1.0


@pytest.mark.parametrize(
    "sequences, match",
    [
        ([], "at least one sequence"),
        ([np.zeros(3)], r"series\[:, None\]"),
        ([np.zeros((2, 2, 2))], r"\(T_n, D\)"),
        ([np.zeros((2, 2)), np.zeros((2, 3))], "D=3 where D=2"),
        ([np.zeros((0, 2))], "at least one time step"),
        ([np.array([["a"], ["b"]])], "numbers"),
    ],
)
def test_pad_sequences_rejects_bad_sequences(sequences, match):
    with pytest.raises(ValueError, match=match):
        pad_sequences(sequences)


@pytest.mark.parametrize("padding_value", ["0", None, True])
def test_pad_sequences_rejects_bad_padding_value(padding_value):
    with pytest.raises(ValueError, match="padding_value"):
        pad_sequences([np.zeros((1, 1))], padding_value=padding_value)


# ---------------------------------------------------------------- length_mask


def test_length_mask_marks_the_real_steps():
    mask = length_mask(np.array([3, 1, 0]), 4)
    expected = np.array(
        [
            [True, True, True, False],
            [True, False, False, False],
            [False, False, False, False],
        ]
    )
    assert mask.dtype == bool
    np.testing.assert_array_equal(mask, expected)


def test_length_mask_agrees_with_pad_sequences():
    rng = np.random.default_rng(3)
    sequences = [rng.standard_normal((T, 2)) for T in (4, 7, 1)]
    padded, lengths = pad_sequences(sequences, padding_value=np.nan)
    mask = length_mask(lengths, padded.shape[1])
    np.testing.assert_array_equal(mask, ~np.isnan(padded[..., 0]))
    np.testing.assert_array_equal(mask.sum(axis=1), [4, 7, 1])


@pytest.mark.parametrize(
    "lengths, T, match",
    [
        (np.array([[1, 2]]), 3, "lengths must have shape"),
        (np.array([1.0, 2.0]), 3, "integers"),
        (np.array([1, -1]), 3, "non-negative"),
        (np.array([1, 4]), 3, "at most T=3"),
        (np.array([1]), 2.0, "T must be an integer"),
        (np.array([1]), -1, "T must be at least 0"),
    ],
)
def test_length_mask_rejects_bad_input(lengths, T, match):
    with pytest.raises(ValueError, match=match):
        length_mask(lengths, T)


# ---------------------------------------------------------------- last_steps


def test_last_steps_reads_each_sequences_last_real_step():
    values = np.arange(2 * 4 * 3).reshape(2, 4, 3)  # values[n, t] = 12 n + 3 t + (0, 1, 2)
    picked = last_steps(values, np.array([2, 4]))
    np.testing.assert_array_equal(picked, [[3, 4, 5], [21, 22, 23]])
    np.testing.assert_array_equal(last_steps(np.array([[1.0, 2.0, 3.0]]), np.array([1])), [1.0])


@pytest.mark.parametrize(
    "values, lengths, match",
    [
        (np.zeros(3), np.array([1]), r"\(N, T, \.\.\.\)"),
        (np.zeros((2, 3)), np.array([1]), "N=2"),
        (np.zeros((2, 3)), np.array([1, 0]), r"\[1, T=3\]"),
        (np.zeros((2, 3)), np.array([1, 4]), r"\[1, T=3\]"),
        (np.zeros((2, 3)), np.array([1.0, 2.0]), "integers"),
    ],
)
def test_last_steps_rejects_bad_input(values, lengths, match):
    with pytest.raises(ValueError, match=match):
        last_steps(values, lengths)


# ---------------------------------------------------------------- arithmetic_progression


def test_arithmetic_progression():
    series = arithmetic_progression(10, 1, 5)
    np.testing.assert_array_equal(series, [10.0, 11.0, 12.0, 13.0, 14.0])
    assert series.dtype == np.float64
    np.testing.assert_allclose(arithmetic_progression(1.5, -0.5, 3), [1.5, 1.0, 0.5])


@pytest.mark.parametrize(
    "start, step, length, match",
    [
        (0, 1, 0, "length must be at least 1"),
        (0, 1, 2.0, "length must be an integer"),
        ("0", 1, 2, "start"),
        (0, None, 2, "step"),
    ],
)
def test_arithmetic_progression_rejects_bad_input(start, step, length, match):
    with pytest.raises(ValueError, match=match):
        arithmetic_progression(start, step, length)


# ---------------------------------------------------------------- task_example


@pytest.mark.parametrize(
    "task, input_shape, target_shape",
    [
        ("one_to_many", (2, 3), (2, 4)),
        ("many_to_one", (2, 6, 3), (2,)),
        ("many_to_many_same", (2, 6, 3), (2, 6)),
        ("many_to_many_different", (2, 6, 3), (2, 4)),
    ],
)
def test_task_example_shapes(task, input_shape, target_shape):
    example = task_example(task, np.random.default_rng(0), N=2, T_in=6, T_out=4, D=3, V=5)
    assert example.task == task
    assert example.inputs.shape == input_shape
    assert example.targets.shape == target_shape
    assert np.issubdtype(example.targets.dtype, np.integer)
    assert example.targets.min() >= 0 and example.targets.max() < 5
    assert example.description


def test_task_example_is_reproducible_and_covers_every_task():
    assert set(TASKS) == {"one_to_many", "many_to_one", "many_to_many_same", "many_to_many_different"}
    a = task_example("many_to_one", np.random.default_rng(7))
    b = task_example("many_to_one", np.random.default_rng(7))
    np.testing.assert_array_equal(a.inputs, b.inputs)
    np.testing.assert_array_equal(a.targets, b.targets)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"task": "one_to_one"}, "task must be one of"),
        ({"rng": 0}, "np.random.Generator"),
        ({"N": 0}, "N must be a positive integer"),
        ({"T_in": 2.5}, "T_in must be a positive integer"),
        ({"V": True}, "V must be a positive integer"),
    ],
)
def test_task_example_rejects_bad_input(kwargs, match):
    arguments = {"task": "many_to_one", "rng": np.random.default_rng(0)} | kwargs
    with pytest.raises(ValueError, match=match):
        task_example(**arguments)


# ---------------------------------------------------------------- forecasts

PRICES = np.array([10.0, 11.0, 12.0, 13.0, 14.0])


def test_order_blind_forecasts_predict_12_for_the_trend_and_its_shuffle():
    shuffled = np.array([13.0, 10.0, 14.0, 12.0, 11.0])
    for forecast in (mean_forecast, median_forecast):
        assert forecast(PRICES) == pytest.approx(12.0)
        assert forecast(shuffled) == pytest.approx(12.0)
    assert median_forecast(np.array([1.0, 100.0, 2.0])) == pytest.approx(2.0)
    assert mean_forecast(np.array([1.0, 100.0, 2.0])) == pytest.approx(103.0 / 3.0)


def test_last_difference_forecast_continues_the_last_step():
    assert last_difference_forecast(PRICES) == pytest.approx(15.0)
    assert last_difference_forecast(np.array([5.0, 3.0])) == pytest.approx(1.0)
    assert last_difference_forecast(np.array([1, 4])) == pytest.approx(7.0)


@pytest.mark.parametrize("forecast", [mean_forecast, median_forecast, last_difference_forecast])
@pytest.mark.parametrize(
    "history, match",
    [
        (np.zeros((2, 2)), "history must have shape"),
        (np.array([], dtype=float), "at least"),
        (np.array(["a", "b"]), "numbers"),
    ],
)
def test_forecasts_reject_bad_history(forecast, history, match):
    with pytest.raises(ValueError, match=match):
        forecast(history)


def test_last_difference_forecast_needs_two_values():
    with pytest.raises(ValueError, match="at least 2 values"):
        last_difference_forecast(np.array([3.0]))


def test_window_linear_forecast_is_a_dot_product_over_exactly_w_values():
    weights = np.array([0.0, 0.0, 0.0, -1.0, 2.0])
    assert window_linear_forecast(PRICES, weights) == pytest.approx(15.0)
    assert window_linear_forecast(np.arange(5.0), np.ones(5), bias=0.5) == pytest.approx(10.5)
    with pytest.raises(ValueError, match=r"exactly W=5 values.*got shape \(3,\)"):
        window_linear_forecast(PRICES[:3], weights)
    with pytest.raises(ValueError, match=r"exactly W=5 values.*got shape \(8,\)"):
        window_linear_forecast(np.arange(8.0), weights)
    with pytest.raises(ValueError, match="weights must have shape"):
        window_linear_forecast(PRICES, np.ones((5, 1)))


def test_sliding_windows():
    windows, targets = sliding_windows(np.array([1.0, 2.0, 4.0, 8.0, 16.0]), 3)
    np.testing.assert_array_equal(windows, [[1.0, 2.0, 4.0], [2.0, 4.0, 8.0]])
    np.testing.assert_array_equal(targets, [8.0, 16.0])
    with pytest.raises(ValueError, match="window must be a positive integer"):
        sliding_windows(np.arange(5.0), 0)
    with pytest.raises(ValueError, match="at least 4 values"):
        sliding_windows(np.arange(3.0), 3)


def test_fit_window_linear_recovers_a_known_linear_rule():
    rng = np.random.default_rng(1)
    windows = rng.standard_normal((50, 4))
    true_weights, true_bias = np.array([0.5, -1.0, 2.0, 0.25]), 3.0
    weights, bias = fit_window_linear(windows, windows @ true_weights + true_bias)
    np.testing.assert_allclose(weights, true_weights, atol=1e-10)
    assert bias == pytest.approx(true_bias)


def test_fit_window_linear_on_progressions_predicts_any_progression():
    rng = np.random.default_rng(2)
    histories = [arithmetic_progression(s, d, 6) for s, d in zip(rng.uniform(0, 50, 20), rng.uniform(-2, 2, 20))]
    windows = np.stack([h[:5] for h in histories])
    targets = np.array([h[5] for h in histories])
    weights, bias = fit_window_linear(windows, targets)
    assert window_linear_forecast(PRICES, weights, bias) == pytest.approx(15.0)


def test_fit_window_linear_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="targets must have shape"):
        fit_window_linear(np.zeros((4, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="windows must have shape"):
        fit_window_linear(np.zeros(4), np.zeros(4))


@pytest.mark.parametrize("length", [2, 3, 5, 8])
def test_progression_rnn_predicts_the_next_value_for_any_length(length):
    params = progression_rnn_params()
    starts, steps = np.array([10.0, 0.0, 7.5]), np.array([1.0, 3.0, 0.25])
    x = np.stack([arithmetic_progression(s, d, length) for s, d in zip(starts, steps)])[..., None]
    h, _ = rnn_forward(x, np.zeros((3, 2)), params.W_xh, params.W_hh, params.b_h, nonlinearity="relu")
    o = output_layer(h, params.W_hy, params.b_y)
    assert o.shape == (3, length, 1)
    np.testing.assert_allclose(o[:, -1, 0], starts + length * steps)
    np.testing.assert_allclose(o[:, 0, 0], 2 * starts)  # no previous value at step 1
    np.testing.assert_allclose(h[:, -1], np.stack([x[:, -1, 0], x[:, -2, 0]], axis=1))


def test_progression_rnn_params_shapes_and_dtype():
    params = progression_rnn_params(dtype=np.float32)
    assert params.W_xh.shape == (2, 1) and params.W_hh.shape == (2, 2) and params.W_hy.shape == (1, 2)
    assert params.W_xh.dtype == np.float32
    assert params.num_parameters() == 2 + 4 + 2 + 2 + 1
