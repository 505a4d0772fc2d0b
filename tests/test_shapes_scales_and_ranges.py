"""shapes.check_positive_int's range and wording, and shapes.check_positive_real."""

import math

import numpy as np
import pytest

from course_code.shapes import (
    ArgumentTypeError,
    check_positive_int,
    check_positive_real,
    check_real,
)


def test_a_range_is_named_in_interval_notation():
    assert check_positive_int("num_steps", 5, minimum=2, maximum=5) == 5
    assert check_positive_int("num_steps", np.int64(2), minimum=2, maximum=5) == 2
    for bad in (1, 6):
        with pytest.raises(
            ValueError, match=r"num_steps must be an integer in \[2, 5\]"
        ):
            check_positive_int("num_steps", bad, minimum=2, maximum=5)
    with pytest.raises(ArgumentTypeError, match=r"an integer in \[2, 5\], got True"):
        check_positive_int("num_steps", True, minimum=2, maximum=5)


def test_the_caller_can_name_what_it_expects():
    what = "a positive divisor of E=8"
    assert check_positive_int("num_heads", 2, what=what) == 2
    with pytest.raises(
        ValueError, match="num_heads must be a positive divisor of E=8, got 0"
    ):
        check_positive_int("num_heads", 0, what=what)
    with pytest.raises(
        ArgumentTypeError, match="num_heads must be a positive divisor of E=8"
    ):
        check_positive_int("num_heads", 2.0, what=what)


def test_the_default_wording_is_unchanged():
    with pytest.raises(ValueError, match="n must be a positive integer, got 0"):
        check_positive_int("n", 0)
    with pytest.raises(ValueError, match="n must be a non-negative integer, got -1"):
        check_positive_int("n", -1, minimum=0)
    with pytest.raises(ValueError, match="n must be an integer of at least 2, got 1"):
        check_positive_int("n", 1, minimum=2)


@pytest.mark.parametrize("value", [0.5, 3, np.float32(0.25), np.int64(2), 1e-300])
def test_a_positive_number_is_returned_as_a_float(value):
    result = check_positive_real("rate", value)
    assert type(result) is float and result == float(value)


@pytest.mark.parametrize("value", [0, 0.0, -1, -1e-300, math.nan, -math.inf])
def test_zero_negative_and_nan_are_not_positive(value):
    with pytest.raises(ValueError, match="rate must be a positive number"):
        check_positive_real("rate", value)


def test_infinity_is_rejected_and_the_message_says_why():
    with pytest.raises(
        ValueError,
        match=r"rate must be a positive number, got inf \(it must be finite\)",
    ):
        check_positive_real("rate", math.inf)


@pytest.mark.parametrize("value", [True, np.bool_(True), "3", None, np.array([0.5])])
def test_a_non_number_is_a_type_error_and_a_value_error(value):
    with pytest.raises(ArgumentTypeError, match="rate must be a positive number"):
        check_positive_real("rate", value)
    with pytest.raises(TypeError):
        check_positive_real("rate", value)
    with pytest.raises(ValueError):
        check_positive_real("rate", value)


def test_check_real_lets_nan_through_only_when_asked():
    assert math.isnan(check_real("padding_value", math.nan, allow_nan=True))
    assert check_real("padding_value", -math.inf, allow_nan=True) == -math.inf
    with pytest.raises(ValueError, match="padding_value must be a real number"):
        check_real("padding_value", math.nan)
    with pytest.raises(ArgumentTypeError, match="padding_value must be a real number"):
        check_real("padding_value", True, allow_nan=True)
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        check_real("x", 2.0, 0.0, 1.0, allow_nan=True)
