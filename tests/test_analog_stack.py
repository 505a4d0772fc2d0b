from fractions import Fraction

import numpy as np
import pytest

from course_code.scratch.analog_stack import (
    first_failing_depth,
    round_trip,
    saturated_linear,
)


def test_exact_arithmetic_keeps_a_deep_stack():
    rng = np.random.default_rng(1)
    bits = [int(b) for b in rng.integers(0, 2, size=100)]
    assert round_trip(bits, Fraction) == bits
    assert first_failing_depth(Fraction, max_depth=40, trials=5) is None


@pytest.mark.parametrize("number, significand_bits", [(np.float32, 24), (float, 53)])
def test_floats_keep_about_half_their_significand_in_pushes(number, significand_bits):
    # each push shifts the stored base-4 digits by two bits
    depth = first_failing_depth(number)
    assert significand_bits / 2 <= depth <= significand_bits / 2 + 3


def test_saturated_linear_and_bad_bits():
    assert [saturated_linear(z) for z in (-0.5, 0.25, 1.5)] == [0, 0.25, 1]
    assert saturated_linear(Fraction(1, 3)) == Fraction(1, 3)
    with pytest.raises(ValueError, match="bits must be zeros and ones"):
        round_trip([0, 2])
