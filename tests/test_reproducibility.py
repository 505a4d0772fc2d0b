import numpy as np
import pytest
import torch

from course_code.reproducibility import seed_everything


def test_seed_everything_repeats_every_source_of_randomness():
    def draw():
        rng = seed_everything(123)
        return rng.standard_normal(3), np.random.rand(3), torch.rand(3).numpy()

    first, second = draw(), draw()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert torch.get_num_threads() == 1


def test_seed_everything_rejects_negative_seed():
    with pytest.raises(ValueError, match="seed must be a non-negative integer, got -1"):
        seed_everything(-1)
