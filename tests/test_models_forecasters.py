"""Tests of course_code.models.forecasters: order-blind, fixed-window, autoregressive, recurrent."""

import numpy as np
import pytest

from course_code.data import arithmetic_progression
from course_code.models.forecasters import (
    autoregression_forecast,
    fit_autoregression,
    fit_window_linear,
    last_difference_forecast,
    mean_forecast,
    median_forecast,
    progression_rnn_params,
    window_linear_forecast,
)
from course_code.scratch.rnn import output_layer, rnn_forward

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


def test_fit_autoregression_recovers_an_ar2_process():
    # x_t = 0.6 x_{t-1} - 0.3 x_{t-2} + 0.5 + noise: least squares on many windows
    # recovers the coefficients (oldest first: -0.3, 0.6) and the intercept.
    rng = np.random.default_rng(4)
    x = np.zeros(20_000)
    for t in range(2, x.shape[0]):
        x[t] = 0.6 * x[t - 1] - 0.3 * x[t - 2] + 0.5 + 0.1 * rng.standard_normal()
    windows = np.lib.stride_tricks.sliding_window_view(x[:-1], 6)  # W = 6
    targets = x[6:]
    weights, bias = fit_autoregression(windows, targets, order=2)
    np.testing.assert_allclose(weights, [-0.3, 0.6], atol=0.02)
    assert bias == pytest.approx(0.5, abs=0.02)
    predictions = autoregression_forecast(windows[:3], weights, bias)
    np.testing.assert_allclose(predictions, windows[:3, -2:] @ weights + bias)


def test_autoregression_of_full_order_is_the_window_linear_fit():
    rng = np.random.default_rng(5)
    windows, targets = rng.standard_normal((40, 4)), rng.standard_normal(40)
    w_ar, b_ar = fit_autoregression(windows, targets, order=4)
    w_lin, b_lin = fit_window_linear(windows, targets)
    np.testing.assert_allclose(w_ar, w_lin)
    assert b_ar == pytest.approx(b_lin)


@pytest.mark.parametrize("order", [0, 5, True, 2.0])
def test_fit_autoregression_rejects_bad_order(order):
    with pytest.raises(ValueError, match="order must be an integer"):
        fit_autoregression(np.zeros((6, 4)), np.zeros(6), order=order)


def test_autoregression_forecast_rejects_short_windows():
    with pytest.raises(ValueError, match="at least p=3"):
        autoregression_forecast(np.zeros((5, 2)), np.ones(3))
    with pytest.raises(ValueError, match="windows must have shape"):
        autoregression_forecast(np.zeros(5), np.ones(3))
