import numpy as np
import pytest

from course_code.shapes import check_float_dtype, check_shape


def test_check_shape_returns_sizes_of_letters():
    assert check_shape("x", np.zeros((2, 5, 3)), ("N", "T", "D")) == {"N": 2, "T": 5, "D": 3}


def test_check_shape_keeps_one_meaning_per_letter_across_calls():
    sizes = check_shape("x", np.zeros((2, 5, 3)), ("N", "T", "D"))
    with pytest.raises(ValueError, match=r"W_xh must have shape \(H, D=3\), got shape \(4, 7\)"):
        check_shape("W_xh", np.zeros((4, 7)), ("H", "D"), sizes)


def test_check_shape_rejects_wrong_number_of_dimensions():
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D\), got shape \(2, 5\) \(2 dimensions\)"):
        check_shape("x", np.zeros((2, 5)), ("N", "T", "D"))


def test_check_shape_rejects_repeated_letter_with_two_sizes():
    with pytest.raises(ValueError, match="H=3 where H=2 was expected"):
        check_shape("W_hh", np.zeros((2, 3)), ("H", "H"))


def test_check_shape_rejects_fixed_size_mismatch_and_non_arrays():
    with pytest.raises(ValueError, match="size 4 where 3 was expected"):
        check_shape("v", np.zeros(4), (3,))
    with pytest.raises(ValueError, match="must be an array of shape .* got list"):
        check_shape("x", [[1.0]], ("N", "D"))


def test_check_float_dtype():
    assert check_float_dtype(a=np.zeros(2), b=np.ones(3)) == np.float64
    with pytest.raises(ValueError, match="a must be a floating-point array, got dtype int64"):
        check_float_dtype(a=np.zeros(2, dtype=np.int64))
    with pytest.raises(ValueError, match="share one floating-point dtype"):
        check_float_dtype(a=np.zeros(2), b=np.zeros(2, dtype=np.float32))
