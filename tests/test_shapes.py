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


def test_stacked_axes_are_spelled_with_their_multiple():
    from course_code.shapes import check_shape

    assert check_shape("W_x", np.zeros((24, 5)), ("4H", "D")) == {"H": 6, "D": 5}
    with pytest.raises(ValueError, match=r"W_x must have shape \(4H=20, D\), got shape \(24, 5\)"):
        check_shape("W_x", np.zeros((24, 5)), ("4H", "D"), {"H": 5})
    with pytest.raises(ValueError, match="23 rows, not a multiple of 4"):
        check_shape("W_x", np.zeros((23, 5)), ("4H", "D"))


def test_check_positive_int_accepts_numpy_integers_and_refuses_bools():
    pytest.importorskip("torch")
    from course_code.nn.rnn import VanillaRNN
    from course_code.shapes import ArgumentTypeError, check_positive_int

    assert check_positive_int("n", np.int64(3)) == 3 and type(check_positive_int("n", np.int64(3))) is int
    assert VanillaRNN(np.int64(3), 4).input_size == 3  # was refused
    for bad in (True, np.bool_(True), 2.0, "3", None):
        with pytest.raises(ArgumentTypeError, match="n must be a positive integer"):
            check_positive_int("n", bad)
    with pytest.raises(ValueError, match="n must be a non-negative integer, got -1"):
        check_positive_int("n", -1, minimum=0)
    assert issubclass(ArgumentTypeError, TypeError) and issubclass(ArgumentTypeError, ValueError)


def test_check_tensor_and_check_generator_say_how_to_convert():
    torch = pytest.importorskip("torch")

    from course_code.shapes import check_generator, check_ids, check_tensor

    with pytest.raises(TypeError, match="torch.from_numpy"):
        check_tensor("x", np.zeros(3))
    with pytest.raises(TypeError, match=r"x must have the module's dtype torch.float64, got torch.float32 \(convert"):
        check_tensor("x", torch.zeros(3), dtype=torch.float64)
    with pytest.raises(TypeError, match="default_rng"):
        check_generator("rng", 7)
    with pytest.raises(ValueError, match=r"ids must be ids in \[0, V=3\), got values from -1 to 2"):
        check_ids("ids", np.array([2, -1]), 3)
