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


def test_seeded_init_repeats_draws_and_leaves_the_global_generator_alone():
    from course_code.reproducibility import seeded_init

    torch.manual_seed(5)
    expected_global = torch.rand(2)
    torch.manual_seed(5)
    with seeded_init(3):
        first = torch.rand(4)
    after = torch.rand(2)
    with seeded_init(3):
        second = torch.rand(4)
    torch.testing.assert_close(first, second)
    torch.testing.assert_close(after, expected_global)


@pytest.mark.parametrize("seed", [True, -1, 1.5, "0"])
def test_seeded_init_rejects_what_is_not_a_seed(seed):
    from course_code.reproducibility import seeded_init

    with pytest.raises(ValueError, match="seed must be a non-negative integer or None"):
        with seeded_init(seed):
            pass
