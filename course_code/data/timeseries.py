"""A real time series, and the bookkeeping that keeps a forecast honest.

* :func:`load_co2_weekly` and :func:`monthly_means`: the Mauna Loa CO2 record
  (weekly averages, March 1958 to December 2001, public domain), shipped with
  the course as the data file ``mauna_loa_co2_weekly.csv``; see
  ``course_code/data/files/README.md``.
* :class:`Standardiser`: subtract a mean and divide by a standard deviation
  measured on the **training part only**, so that nothing about the test
  period leaks into training.
* :func:`sliding_windows`: cut a series into (window, next value) pairs;
  :func:`forecast_windows`: the same, split so that every test target lies
  after every training target.
* Naive forecasts a model must beat: :func:`last_value_forecast`,
  :func:`moving_average_forecast`, :func:`seasonal_naive_forecast`, and the
  errors :func:`forecast_errors` (MSE and MAE).
* :func:`sine_windows`: a small synthetic forecasting task for quick experiments.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_code.data.files import data_file
from course_code.shapes import (
    check_generator,
    check_positive_int,
    check_real,
    check_shape,
)

__all__ = [
    "CO2_WEEKLY_CSV",
    "Standardiser",
    "forecast_errors",
    "forecast_windows",
    "last_value_forecast",
    "load_co2_weekly",
    "monthly_means",
    "moving_average_forecast",
    "seasonal_naive_forecast",
    "sine_windows",
    "sliding_windows",
]

CO2_WEEKLY_CSV = data_file("mauna_loa_co2_weekly.csv")
"""The shipped weekly Mauna Loa CO2 record (a data file of the package)."""


def _check_series(name: str, series) -> np.ndarray:
    series = np.asarray(series)
    check_shape(name, series, ("T",))
    if not (np.issubdtype(series.dtype, np.floating) or np.issubdtype(series.dtype, np.integer)):
        raise ValueError(f"{name} must hold numbers, got dtype {series.dtype}")
    return series.astype(np.float64)


def load_co2_weekly(path: str | Path = CO2_WEEKLY_CSV) -> tuple[np.ndarray, np.ndarray]:
    """Read the weekly CO2 record: dates and concentrations.

    Args:
        path: a CSV file with a header line and rows ``YYYYMMDD,ppm`` (the ppm
            field is empty for weeks without a measurement).

    Returns:
        ``(dates, co2)``: ``int64`` dates ``YYYYMMDD`` of shape ``(W,)`` and
        concentrations in parts per million, ``float64`` of shape ``(W,)``,
        ``NaN`` for missing weeks.
    """
    table = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=np.float64)
    if table.ndim != 2 or table.shape[1] != 2:
        raise ValueError(f"{path} must have two columns, date and value; got shape {table.shape}")
    return table[:, 0].astype(np.int64), table[:, 1]


def monthly_means(dates, values) -> tuple[np.ndarray, np.ndarray]:
    """Average the values of each calendar month, ignoring ``NaN``.

    Args:
        dates: integer dates ``YYYYMMDD`` in increasing order, shape ``(W,)``.
        values: ``(W,)``, with ``NaN`` for missing observations.

    Returns:
        ``(months, means)``: every month from the first to the last date as an
        integer ``YYYYMM``, shape ``(M,)``, and its mean, shape ``(M,)``,
        ``NaN`` for a month without any observation.

    Raises:
        ValueError: if the shapes differ or the dates are not increasing.
    """
    dates, values = np.asarray(dates), np.asarray(values, dtype=np.float64)
    sizes = check_shape("dates", dates, ("W",))
    check_shape("values", values, ("W",), sizes)
    if not np.issubdtype(dates.dtype, np.integer) or np.any(np.diff(dates) <= 0):
        raise ValueError("dates must be increasing integers YYYYMMDD")
    month_index = (dates // 10000) * 12 + (dates // 100) % 100 - 1  # months since year 0
    first, last = month_index[0], month_index[-1]
    sums = np.zeros(last - first + 1)
    counts = np.zeros(last - first + 1)
    seen = ~np.isnan(values)
    np.add.at(sums, month_index[seen] - first, values[seen])
    np.add.at(counts, month_index[seen] - first, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / counts, np.nan)
    index = np.arange(first, last + 1)
    months = (index // 12) * 100 + index % 12 + 1
    return months.astype(np.int64), means


@dataclass(frozen=True)
class Standardiser:
    """``z = (x - mean) / std`` with a mean and a standard deviation fixed in advance.

    Build it with :meth:`fit` on the training part of a series, then apply the
    same ``transform`` to every part: the test part is scaled with the
    training statistics, never its own.
    """

    mean: float
    std: float

    @classmethod
    def fit(cls, train) -> Standardiser:
        """Measure the mean and standard deviation of ``train``, shape ``(T,)``.

        Raises:
            ValueError: if ``train`` is not 1-D, has fewer than 2 values, holds
                ``NaN``, or is constant.
        """
        train = _check_series("train", train)
        if train.shape[0] < 2 or np.isnan(train).any():
            raise ValueError("train must hold at least 2 values and no NaN")
        std = float(train.std())
        if std == 0.0:
            raise ValueError("train is constant: its standard deviation is 0")
        return cls(float(train.mean()), std)

    def transform(self, values) -> np.ndarray:
        """``(values - mean) / std``, any shape."""
        return (np.asarray(values, dtype=np.float64) - self.mean) / self.std

    def inverse(self, z) -> np.ndarray:
        """``z * std + mean``: undo :meth:`transform`, any shape."""
        return np.asarray(z, dtype=np.float64) * self.std + self.mean


def sliding_windows(series, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut one series into (window, next value) training pairs.

    Args:
        series: ``(L,)`` with ``L > window``.
        window: ``W``, a positive integer.

    Returns:
        ``(windows, targets)``: ``windows[m] = series[m : m + W]``, shape
        ``(M, W)`` with ``M = L - W``, and ``targets[m] = series[m + W]``, shape ``(M,)``.

    Raises:
        ValueError: if ``window`` is not a positive integer or the series has
            no more than ``W`` values.
    """
    window = check_positive_int("window", window)
    series = _check_series("series", series)
    if series.shape[0] < window + 1:
        raise ValueError(f"series must have at least {window + 1} values, got {series.shape[0]}")
    M = series.shape[0] - window
    windows = np.stack([series[m : m + window] for m in range(M)])
    return windows, series[window:].copy()


def forecast_windows(
    series, window: int, num_test: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One-step-ahead pairs, split in time: the last ``num_test`` values are test targets.

    Pair ``m`` is ``(series[m : m + W], series[m + W])``. A pair whose target
    lies in the final ``num_test`` values goes to the test set; the others
    go to the training set. A test window may hold training values (that is
    the past, which a forecaster is allowed to see) but no training target
    lies after a test target.

    Args:
        series: ``(L,)`` with ``L >= W + num_test + 1``, without ``NaN``.
        window: ``W``, the number of past values a forecast reads.
        num_test: how many final values to forecast in the test set.

    Returns:
        ``(train_x, train_y, test_x, test_y)``: windows of shape ``(M, W)``
        and targets of shape ``(M,)``, with ``M = L - W - num_test`` for
        training and ``M = num_test`` for test.

    Raises:
        ValueError: if the series is too short or holds ``NaN``, or an
            argument is not a positive integer.
    """
    window = check_positive_int("window", window)
    num_test = check_positive_int("num_test", num_test)
    series = _check_series("series", series)
    if np.isnan(series).any():
        raise ValueError("series must not hold NaN")
    if series.shape[0] < window + num_test + 1:
        raise ValueError(
            f"series must have at least window + num_test + 1 = {window + num_test + 1} values, "
            f"got {series.shape[0]}"
        )
    windows, targets = sliding_windows(series, window)
    split = windows.shape[0] - num_test
    return windows[:split], targets[:split], windows[split:], targets[split:]


def _check_windows(windows) -> np.ndarray:
    windows = np.asarray(windows, dtype=np.float64)
    check_shape("windows", windows, ("M", "W"))
    return windows


def last_value_forecast(windows) -> np.ndarray:
    """Predict that the next value repeats the last one: ``windows[:, -1]``.

    Args:
        windows: ``(M, W)``.

    Returns:
        ``(M,)``.
    """
    return _check_windows(windows)[:, -1].copy()


def moving_average_forecast(windows, k: int) -> np.ndarray:
    """Predict the mean of the last ``k`` values of each window.

    Args:
        windows: ``(M, W)`` with ``W >= k``. k: a positive integer.

    Returns:
        ``(M,)``.
    """
    windows = _check_windows(windows)
    k = check_positive_int("k", k)
    if k > windows.shape[1]:
        raise ValueError(f"k must be at most the window length W={windows.shape[1]}, got {k}")
    return windows[:, -k:].mean(axis=1)


def seasonal_naive_forecast(windows, period: int) -> np.ndarray:
    """Predict the value one season ago: ``windows[:, -period]``.

    For monthly data with a yearly cycle, ``period = 12``: next March is
    forecast as this March.

    Args:
        windows: ``(M, W)`` with ``W >= period``. period: a positive integer.

    Returns:
        ``(M,)``.
    """
    windows = _check_windows(windows)
    period = check_positive_int("period", period)
    if period > windows.shape[1]:
        raise ValueError(f"period must be at most the window length W={windows.shape[1]}, got {period}")
    return windows[:, -period].copy()


def forecast_errors(predictions, targets) -> dict[str, float]:
    """Mean squared error and mean absolute error of a forecast.

    Args:
        predictions, targets: ``(M,)`` each.

    Returns:
        ``{"MSE": mean((p - y)^2), "MAE": mean(|p - y|)}``.
    """
    predictions, targets = np.asarray(predictions, dtype=np.float64), np.asarray(targets, dtype=np.float64)
    sizes = check_shape("predictions", predictions, ("M",))
    check_shape("targets", targets, ("M",), sizes)
    errors = predictions - targets
    return {"MSE": float(np.mean(errors**2)), "MAE": float(np.mean(np.abs(errors)))}


def sine_windows(
    num_sequences: int, length: int, rng: np.random.Generator, noise: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Noisy sine waves of random frequency and phase, and the value after each.

    Sequence ``n`` samples ``sin(omega_n t + phi_n) + noise * eps`` at
    ``t = 0, ..., T``, with ``omega_n ~ U[0.2, 0.6]``, ``phi_n ~ U[0, 2 pi]``
    and standard normal ``eps``; the first ``T`` values are the input and the
    last is the target.

    Args:
        num_sequences: ``N``. length: ``T``. rng: the source of randomness.
        noise: the standard deviation of the added noise, non-negative.

    Returns:
        ``(x, y)``: ``float32`` inputs ``(N, T, 1)`` and targets ``(N,)``.
    """
    num_sequences = check_positive_int("num_sequences", num_sequences)
    length = check_positive_int("length", length)
    check_real("noise", noise, low=0.0)
    check_generator("rng", rng)
    omega = rng.uniform(0.2, 0.6, size=(num_sequences, 1))
    phase = rng.uniform(0.0, 2 * np.pi, size=(num_sequences, 1))
    t = np.arange(length + 1)[None, :]
    values = np.sin(omega * t + phase) + noise * rng.standard_normal((num_sequences, length + 1))
    return values[:, :length, None].astype(np.float32), values[:, length].astype(np.float32)
