"""Predict the next value of a series: order-blind, fixed-window, autoregressive, recurrent.

Four kinds of predictor of ``x_{T+1}`` from a history ``x_1, ..., x_T``:

* **order-blind summaries** (:func:`mean_forecast`, :func:`median_forecast`):
  they give the same answer for any reordering of the history, so they cannot
  see a trend;
* **fixed-window predictors** (:func:`last_difference_forecast`,
  :func:`window_linear_forecast`, fitted by :func:`fit_window_linear`): a
  feed-forward map from exactly ``W`` numbers, one weight per position;
* a **linear autoregression** of order ``p`` (:func:`fit_autoregression`,
  :func:`autoregression_forecast`): the least-squares linear predictor from
  the last ``p`` values of each window, the strongest simple baseline of a
  one-step forecaster that reads the same inputs;
* a **recurrent** predictor (:func:`progression_rnn_params`): one set of
  weights applied at every step, so it reads a history of any length.

A history is one series, shape ``(T,)``; a batch of windows is ``(M, W)``.
The windows themselves are cut by :func:`course_code.data.timeseries.sliding_windows`.
"""

from __future__ import annotations

import numpy as np

from course_code.scratch.rnn import RNNParams
from course_code.shapes import check_positive_int, check_shape

__all__ = [
    "autoregression_forecast",
    "fit_autoregression",
    "fit_window_linear",
    "last_difference_forecast",
    "mean_forecast",
    "median_forecast",
    "progression_rnn_params",
    "window_linear_forecast",
]


def _check_history(name: str, history, min_length: int = 1) -> np.ndarray:
    history = np.asarray(history)
    check_shape(name, history, ("T",))
    if not (np.issubdtype(history.dtype, np.floating) or np.issubdtype(history.dtype, np.integer)):
        raise ValueError(f"{name} must hold numbers, got dtype {history.dtype}")
    if history.shape[0] < min_length:
        raise ValueError(f"{name} must have at least {min_length} values, got {history.shape[0]}")
    return history.astype(np.float64)


def mean_forecast(history) -> float:
    """Predict the next value as the mean of the history, ``(x_1 + ... + x_T) / T``.

    Args:
        history: ``(T,)`` with ``T >= 1``.

    Raises:
        ValueError: if ``history`` is not a non-empty 1-D numeric array.
    """
    return float(_check_history("history", history).mean())


def median_forecast(history) -> float:
    """Predict the next value as the median of the history.

    Args:
        history: ``(T,)`` with ``T >= 1``.

    Raises:
        ValueError: if ``history`` is not a non-empty 1-D numeric array.
    """
    return float(np.median(_check_history("history", history)))


def last_difference_forecast(history) -> float:
    """Continue the last step: ``x_T + (x_T - x_{T-1}) = 2 x_T - x_{T-1}``.

    Exact for any arithmetic progression. It reads only the last two values;
    as a window predictor its weights are ``(..., 0, -1, 2)``.

    Args:
        history: ``(T,)`` with ``T >= 2``.

    Raises:
        ValueError: if ``history`` is not 1-D numeric or has fewer than 2 values.
    """
    history = _check_history("history", history, min_length=2)
    return float(2.0 * history[-1] - history[-2])


def window_linear_forecast(history, weights, bias: float = 0.0) -> float:
    """A one-layer feed-forward predictor over a fixed window: ``w . x + b``.

    Weight ``weights[i]`` multiplies the price at position ``i`` of the window,
    so the predictor accepts exactly ``W = len(weights)`` prices.

    Args:
        history: the window, ``(W,)``.
        weights: one weight per position, ``(W,)``.
        bias: a number added to the weighted sum.

    Returns:
        The prediction, a float.

    Raises:
        ValueError: if ``weights`` is not 1-D, or ``history`` does not have
            exactly ``W`` values.
    """
    weights = _check_history("weights", weights)
    history = np.asarray(history)
    if history.ndim != 1 or history.shape[0] != weights.shape[0]:
        raise ValueError(
            f"this predictor reads exactly W={weights.shape[0]} values, shape ({weights.shape[0]},); "
            f"got shape {history.shape}"
        )
    history = _check_history("history", history)
    return float(history @ weights + bias)


def fit_window_linear(windows, targets) -> tuple[np.ndarray, float]:
    """Least-squares weights and bias of a fixed-window linear predictor.

    Minimises ``sum_m (w . windows[m] + b - targets[m])^2``. When several
    solutions fit equally well, returns the one with the smallest
    ``|w|^2 + b^2`` (what ``np.linalg.lstsq`` returns).

    Args:
        windows: ``(M, W)``, one training window per row.
        targets: ``(M,)``, the value that followed each window.

    Returns:
        ``(weights, bias)``: ``weights`` of shape ``(W,)`` and a float.

    Raises:
        ValueError: if the shapes do not match ``(M, W)`` and ``(M,)``.
    """
    windows, targets = np.asarray(windows, dtype=np.float64), np.asarray(targets, dtype=np.float64)
    sizes = check_shape("windows", windows, ("M", "W"))
    check_shape("targets", targets, ("M",), sizes)
    design = np.concatenate([windows, np.ones((sizes["M"], 1))], axis=1)  # (M, W + 1)
    solution, *_ = np.linalg.lstsq(design, targets, rcond=None)
    return solution[:-1], float(solution[-1])


def progression_rnn_params(dtype=np.float64) -> RNNParams:
    """Hand-set weights of a ReLU RNN (``D = 1``, ``H = 2``, ``V = 1``) that continues progressions.

    The hidden state carries the current and the previous input::

        W_xh = [[1], [0]],  W_hh = [[0, 0], [1, 0]],  b_h = 0
        h_t = relu(W_xh x_t + W_hh h_{t-1}) = (x_t, x_{t-1})   when every x >= 0
        W_hy = [[2, -1]],   b_y = 0
        l_t = 2 x_t - x_{t-1}

    so ``l_T`` is the next value of any arithmetic progression of non-negative
    numbers, whatever ``T >= 2``. (With ``h_0 = 0`` the first output is
    ``2 x_1``: at step 1 there is no previous value yet.)

    Args:
        dtype: floating-point dtype of every array.

    Returns:
        An :class:`~course_code.scratch.rnn.RNNParams` to pass to
        :func:`~course_code.scratch.rnn.rnn_forward` with ``nonlinearity="relu"``
        and :func:`~course_code.scratch.rnn.output_layer`.
    """
    return RNNParams(
        W_xh=np.array([[1.0], [0.0]], dtype=dtype),
        W_hh=np.array([[0.0, 0.0], [1.0, 0.0]], dtype=dtype),
        b_h=np.zeros(2, dtype=dtype),
        W_hy=np.array([[2.0, -1.0]], dtype=dtype),
        b_y=np.zeros(1, dtype=dtype),
    )


def fit_autoregression(windows, targets, order: int) -> tuple[np.ndarray, float]:
    """Least-squares linear autoregression of order ``p`` on the last ``p`` values of each window.

    Fits ``y_m ~ w . windows[m, W - p :] + b``, i.e. :func:`fit_window_linear`
    on the last ``p`` columns.

    Args:
        windows: ``(M, W)`` training windows, ``W >= p``.
        targets: ``(M,)``, the value that followed each window.
        order: ``p``, a positive integer at most ``W``.

    Returns:
        ``(weights, bias)``: ``weights`` of shape ``(p,)`` (oldest value first)
        and a float.

    Raises:
        ValueError: if ``order`` is not an integer in ``[1, W]`` or the shapes
            do not match ``(M, W)`` and ``(M,)``.
    """
    windows = np.asarray(windows, dtype=np.float64)
    sizes = check_shape("windows", windows, ("M", "W"))
    order = check_positive_int("order", order, maximum=sizes["W"],
                               what=f"an integer in [1, W={sizes['W']}]")
    return fit_window_linear(windows[:, sizes["W"] - order :], targets)


def autoregression_forecast(windows, weights, bias: float = 0.0) -> np.ndarray:
    """Apply a fitted autoregression to a batch of windows: ``windows[:, -p:] @ w + b``.

    Args:
        windows: ``(M, W)`` with ``W >= p``.
        weights: ``(p,)``, from :func:`fit_autoregression`.
        bias: from :func:`fit_autoregression`.

    Returns:
        ``(M,)`` predictions.

    Raises:
        ValueError: if ``weights`` is not 1-D or the windows are shorter than ``p``.
    """
    weights = _check_history("weights", weights)
    windows = np.asarray(windows, dtype=np.float64)
    sizes = check_shape("windows", windows, ("M", "W"))
    order = weights.shape[0]
    if order > sizes["W"]:
        raise ValueError(f"windows must hold at least p={order} values each, got W={sizes['W']}")
    return windows[:, sizes["W"] - order :] @ weights + float(bias)
