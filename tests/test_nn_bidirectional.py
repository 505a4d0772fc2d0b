"""The bidirectional wrapper: reversal within lengths, merging, and the wrapper itself."""

import pytest
import torch

from course_code.nn.bidirectional import bidirectional, merge_directions, reverse_padded, steps_mask
from course_code.nn.stacked import StackedRNN, run_layer


def test_reverse_padded_reverses_each_row_within_its_length():
    x = torch.arange(1, 6, dtype=torch.float64).repeat(3, 1)[..., None]  # rows 1..5
    x[1, 3:] = 0
    x[2, 1:] = 0
    out = reverse_padded(x, torch.tensor([5, 3, 1]))[..., 0]
    assert out.tolist() == [[5, 4, 3, 2, 1], [3, 2, 1, 0, 0], [1, 0, 0, 0, 0]]
    torch.testing.assert_close(reverse_padded(reverse_padded(x, torch.tensor([5, 3, 1])), torch.tensor([5, 3, 1])), x)
    torch.testing.assert_close(reverse_padded(x), x.flip(1))


def test_steps_mask_and_bad_lengths():
    assert steps_mask(torch.tensor([2, 0 + 1]), 3).tolist() == [[True, True, False], [True, False, False]]
    with pytest.raises(ValueError, match=r"lengths must have shape \(N=2,\)"):
        reverse_padded(torch.zeros(2, 3, 1), torch.tensor([1, 2, 3]))
    with pytest.raises(ValueError, match=r"\[1, T=3\]"):
        reverse_padded(torch.zeros(2, 3, 1), torch.tensor([0, 2]))


def test_merge_modes():
    a, b = torch.ones(2, 3, 4), 3 * torch.ones(2, 3, 4)
    assert merge_directions(a, b).shape == (2, 3, 8)
    assert torch.all(merge_directions(a, b)[..., 4:] == 3)
    assert torch.all(merge_directions(a, b, "sum") == 4) and torch.all(merge_directions(a, b, "mean") == 2)
    with pytest.raises(ValueError, match="mode must be one of"):
        merge_directions(a, b, "max")


def test_backward_half_at_t_has_read_exactly_the_steps_from_t_to_the_end():
    torch.manual_seed(0)
    module = StackedRNN("gru", 2, 3, bidirectional=True).double()
    x = torch.randn(1, 6, 2, dtype=torch.float64)
    out, _ = module(x)
    for t in range(6):
        suffix, _ = module(x[:, t:])  # the backward direction's first output reads x_t..x_T
        torch.testing.assert_close(out[0, t, 3:], suffix[0, 0, 3:])
        prefix, _ = module(x[:, : t + 1])
        torch.testing.assert_close(out[0, t, :3], prefix[0, -1, :3])


def test_wrapper_with_one_module_for_both_directions_is_not_the_identity_of_forward():
    """With the same weights for both directions, the halves differ: the backward one read x reversed."""
    torch.manual_seed(0)
    module = StackedRNN("rnn", 2, 3).double()
    run = lambda inputs, lengths: run_layer("rnn", inputs, inputs.new_zeros(inputs.shape[0], 3),  # noqa: E731
                                            module.layer_parameters(0), lengths)
    x = torch.randn(2, 4, 2, dtype=torch.float64)
    out, (h_f, h_b) = bidirectional(run, run, x)
    forward, _ = module(x)
    backward_reversed, _ = module(x.flip(1))
    torch.testing.assert_close(out[..., :3], forward)
    torch.testing.assert_close(out[..., 3:], backward_reversed.flip(1))  # re-reversed
    torch.testing.assert_close(h_b, backward_reversed[:, -1])  # the backward state after reading x_1
    assert not torch.allclose(out[..., 3:], backward_reversed)  # the bug "not re-reversed" is visible
