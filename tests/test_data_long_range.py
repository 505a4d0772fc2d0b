import numpy as np
import pytest

from course_code.data.long_range import ADDING_BASELINE_MSE, adding_problem, copy_task, copy_task_baseline


@pytest.mark.parametrize("N,T", [(1, 2), (5, 7), (64, 100)])
def test_adding_problem_marks_one_value_in_each_half_and_sums_them(N, T):
    x, y = adding_problem(N, T, np.random.default_rng(0))
    assert x.shape == (N, T, 2) and y.shape == (N,)
    markers = x[..., 1]
    np.testing.assert_array_equal(markers.sum(axis=1), 2)
    assert (markers[:, : T // 2].sum(axis=1) == 1).all() and (markers[:, T // 2 :].sum(axis=1) == 1).all()
    np.testing.assert_allclose(y, (x[..., 0] * markers).sum(axis=1))
    assert ((0 <= x[..., 0]) & (x[..., 0] <= 1)).all()


def test_adding_baseline_is_the_variance_of_the_target():
    _, y = adding_problem(200_000, 10, np.random.default_rng(1))
    assert abs(y.mean() - 1.0) < 0.01
    assert abs(np.mean((y - 1.0) ** 2) - ADDING_BASELINE_MSE) < 0.003
    assert ADDING_BASELINE_MSE == pytest.approx(2 / 12)


def test_adding_problem_is_seeded_and_validated():
    a, b = adding_problem(3, 9, np.random.default_rng(5)), adding_problem(3, 9, np.random.default_rng(5))
    np.testing.assert_array_equal(a[0], b[0])
    with pytest.raises(ValueError, match="length must be at least 2"):
        adding_problem(3, 1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="num_sequences must be a positive integer, got 0"):
        adding_problem(0, 5, np.random.default_rng(0))


def test_copy_task_layout():
    x, targets = copy_task(4, delay=6, rng=np.random.default_rng(0), num_symbols=3, alphabet_size=5)
    T = 6 + 2 * 3
    assert x.shape == (4, T, 7) and targets.shape == (4, T)
    inputs = x.argmax(axis=-1)
    np.testing.assert_array_equal(x.sum(axis=-1), 1)  # one-hot
    np.testing.assert_array_equal(targets[:, -3:], inputs[:, :3])  # reproduce the first symbols at the end
    np.testing.assert_array_equal(targets[:, :-3], 0)
    np.testing.assert_array_equal(inputs[:, 3 + 6 - 1], 6)  # the go signal
    assert ((1 <= inputs[:, :3]) & (inputs[:, :3] <= 5)).all()


def test_copy_task_baseline_value_and_errors():
    assert copy_task_baseline(delay=100, num_symbols=10, alphabet_size=8) == pytest.approx(10 * np.log(8) / 120)
    with pytest.raises(ValueError, match="delay must be a positive integer"):
        copy_task(2, delay=0, rng=np.random.default_rng(0))
