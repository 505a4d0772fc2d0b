"""Tests of course_code.data: padding and masks, toy task batches, sliding windows."""

import numpy as np
import pytest

from course_code.data import (
    TASKS,
    arithmetic_progression,
    last_steps,
    length_mask,
    pad_sequences,
    sliding_windows,
    task_example,
)

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
        (np.array([1, -1]), 3, r"lie in \[0, T=3\]"),
        (np.array([1, 4]), 3, r"lie in \[0, T=3\]"),
        (np.array([1]), 2.0, "T must be a non-negative integer, got 2.0"),
        (np.array([1]), -1, "T must be a non-negative integer"),
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
        (0, 1, 0, "length must be a positive integer, got 0"),
        (0, 1, 2.0, "length must be a positive integer, got 2.0"),
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
        ({"rng": 0}, "numpy.random.Generator"),
        ({"N": 0}, "N must be a positive integer"),
        ({"T_in": 2.5}, "T_in must be a positive integer"),
        ({"V": True}, "V must be a positive integer"),
    ],
)
def test_task_example_rejects_bad_input(kwargs, match):
    arguments = {"task": "many_to_one", "rng": np.random.default_rng(0)} | kwargs
    with pytest.raises(ValueError, match=match):
        task_example(**arguments)


# ---------------------------------------------------------------- sliding windows


def test_sliding_windows():
    windows, targets = sliding_windows(np.array([1.0, 2.0, 4.0, 8.0, 16.0]), 3)
    np.testing.assert_array_equal(windows, [[1.0, 2.0, 4.0], [2.0, 4.0, 8.0]])
    np.testing.assert_array_equal(targets, [8.0, 16.0])
    with pytest.raises(ValueError, match="window must be a positive integer"):
        sliding_windows(np.arange(5.0), 0)
    with pytest.raises(ValueError, match="at least 4 values"):
        sliding_windows(np.arange(3.0), 3)
