"""Tests of course_code.data.timeseries: loading, monthly means, honest splits, naive forecasts."""

import numpy as np
import pytest

from course_code.data.timeseries import (
    Standardiser,
    forecast_errors,
    forecast_windows,
    last_value_forecast,
    load_co2_weekly,
    monthly_means,
    moving_average_forecast,
    seasonal_naive_forecast,
    sine_windows,
)


def test_co2_record_loads():
    dates, co2 = load_co2_weekly()
    assert dates.shape == co2.shape == (2284,)
    assert dates[0] == 19580329 and dates[-1] == 20011229
    assert 59 == np.isnan(co2).sum()
    assert 310 < np.nanmin(co2) and np.nanmax(co2) < 380


def test_monthly_means_by_hand():
    dates = np.array([20000105, 20000120, 20000301, 20000315, 20000330])
    values = np.array([1.0, 3.0, 10.0, np.nan, 20.0])
    months, means = monthly_means(dates, values)
    np.testing.assert_array_equal(months, [200001, 200002, 200003])
    np.testing.assert_array_equal(means[[0, 2]], [2.0, 15.0])
    assert np.isnan(means[1])  # February has no observation
    months, _ = monthly_means(np.array([19991215, 20000110]), np.array([1.0, 2.0]))
    np.testing.assert_array_equal(months, [199912, 200001])
    with pytest.raises(ValueError, match="increasing"):
        monthly_means(np.array([20000110, 20000105]), np.array([1.0, 2.0]))


def test_standardiser_uses_the_training_part_only():
    train = np.array([1.0, 2.0, 3.0, 4.0])
    scaler = Standardiser.fit(train)
    assert scaler.mean == 2.5 and scaler.std == pytest.approx(np.sqrt(1.25))
    test = np.array([100.0, 200.0])
    # The test values are scaled with the training statistics, not their own.
    np.testing.assert_allclose(scaler.transform(test), (test - 2.5) / np.sqrt(1.25))
    np.testing.assert_allclose(scaler.inverse(scaler.transform(test)), test)
    with pytest.raises(ValueError, match="constant"):
        Standardiser.fit(np.ones(5))
    with pytest.raises(ValueError, match="NaN"):
        Standardiser.fit(np.array([1.0, np.nan, 2.0]))


def test_forecast_windows_split_in_time():
    series = np.arange(20.0)
    train_x, train_y, test_x, test_y = forecast_windows(series, window=4, num_test=5)
    assert train_x.shape == (11, 4) and train_y.shape == (11,)
    assert test_x.shape == (5, 4) and test_y.shape == (5,)
    np.testing.assert_array_equal(test_y, [15, 16, 17, 18, 19])
    np.testing.assert_array_equal(test_x[0], [11, 12, 13, 14])
    # No look-ahead: every training target and input precedes every test target.
    assert train_y.max() < test_y.min()
    assert train_x.max() < test_y.min()
    # Each target is the value right after its window.
    np.testing.assert_array_equal(train_y, train_x[:, -1] + 1)


def test_changing_the_test_period_changes_nothing_in_training():
    rng = np.random.default_rng(0)
    series = rng.standard_normal(60)
    altered = series.copy()
    altered[-10:] += 1000.0
    a = forecast_windows(series, 6, 10)
    b = forecast_windows(altered, 6, 10)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert Standardiser.fit(series[:-10]) == Standardiser.fit(altered[:-10])


def test_forecast_windows_validates():
    with pytest.raises(ValueError, match="at least window \\+ num_test \\+ 1 = 10"):
        forecast_windows(np.arange(9.0), 4, 5)
    with pytest.raises(ValueError, match="NaN"):
        forecast_windows(np.array([1.0, np.nan, 2.0, 3.0]), 1, 1)


def test_naive_forecasts():
    windows = np.array([[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [6.0, 5.0, 4.0, 3.0, 2.0, 1.0]])
    np.testing.assert_array_equal(last_value_forecast(windows), [6.0, 1.0])
    np.testing.assert_array_equal(moving_average_forecast(windows, 3), [5.0, 2.0])
    # One season ago: with period 4 the forecast of x_t is x_{t-4}, the third entry here.
    np.testing.assert_array_equal(seasonal_naive_forecast(windows, 4), [3.0, 4.0])
    with pytest.raises(ValueError, match="at most the window length W=6"):
        moving_average_forecast(windows, 7)
    with pytest.raises(ValueError, match="at most the window length W=6"):
        seasonal_naive_forecast(windows, 12)


def test_seasonal_naive_is_exact_on_a_periodic_series():
    series = np.tile([1.0, 5.0, 2.0], 10)
    train_x, train_y, _, _ = forecast_windows(series, 6, 3)
    np.testing.assert_array_equal(seasonal_naive_forecast(train_x, 3), train_y)


def test_forecast_errors():
    errors = forecast_errors(np.array([1.0, 2.0, 4.0]), np.array([1.0, 4.0, 3.0]))
    assert errors == {"MSE": pytest.approx(5 / 3), "MAE": pytest.approx(1.0)}


def test_sine_windows():
    x, y = sine_windows(8, 15, np.random.default_rng(0), noise=0.0)
    assert x.shape == (8, 15, 1) and y.shape == (8,)
    assert np.abs(x).max() <= 1.0
    x2, _ = sine_windows(8, 15, np.random.default_rng(0), noise=0.0)
    np.testing.assert_array_equal(x, x2)


def test_seasonal_naive_with_drift_on_the_chapters_test_windows():
    # Backs the solution of the chapter's exercise "seasonal naive with drift": MAE about 0.35 ppm,
    # about a fifth of the seasonal naive forecast's, on the chapter's split (1965 on, last 72 months).
    dates, weekly = load_co2_weekly()
    months, co2 = monthly_means(dates, weekly)
    _, _, test_x, test_y = forecast_windows(co2[months >= 196501], 25, 72)
    drift = test_x[:, -12] + (test_x[:, -1] - test_x[:, -13])
    drift_mae = forecast_errors(drift, test_y)["MAE"]
    naive_mae = forecast_errors(seasonal_naive_forecast(test_x, 12), test_y)["MAE"]
    assert 0.3 < drift_mae < 0.4
    assert 0.15 < drift_mae / naive_mae < 0.25
