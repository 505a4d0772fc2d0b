"""The pyramid RNN: merging pairs of steps, lengths, shapes, and the cost counts."""

import pytest
import torch

from course_code.nn.pyramid import PyramidRNN, layer_steps, merge_pairs, recurrent_multiply_adds
from course_code.nn.stacked import StackedRNN


def test_merge_pairs_puts_neighbours_side_by_side_and_pads_odd_lengths():
    x = torch.arange(1, 6, dtype=torch.float64)[None, :, None]  # steps 1..5, one feature
    merged, lengths = merge_pairs(x, torch.tensor([5]))
    assert merged[0].tolist() == [[1, 2], [3, 4], [5, 0]]
    assert lengths.tolist() == [3]
    assert merge_pairs(torch.zeros(2, 4, 3))[0].shape == (2, 2, 6)
    assert merge_pairs(torch.zeros(2, 4, 3))[1] is None
    assert merge_pairs(torch.zeros(3, 8, 1), torch.tensor([8, 3, 1]))[1].tolist() == [4, 2, 1]


def test_pyramid_is_a_stack_of_layers_on_merged_steps():
    torch.manual_seed(0)
    pyramid = PyramidRNN("lstm", 3, 4, num_layers=3).double()
    x = torch.randn(2, 9, 3, dtype=torch.float64)
    out, lengths = pyramid(x, torch.tensor([9, 4]))
    assert out.shape == (2, 3, 8) and lengths.tolist() == [3, 1]
    # by hand: the same layers, with merge_pairs between them
    y, _ = pyramid.layers[0](x, lengths=torch.tensor([9, 4]))
    y, lens = merge_pairs(y, torch.tensor([9, 4]))
    y, _ = pyramid.layers[1](y, lengths=lens)
    y, lens = merge_pairs(y, lens)
    y, _ = pyramid.layers[2](y, lengths=lens)
    torch.testing.assert_close(out, y)
    # the second sequence alone gives its own outputs: padding does not leak through the merges
    alone, _ = pyramid(x[1:, :4])
    torch.testing.assert_close(out[1, :1], alone[0])


def test_counts_of_steps_and_multiply_adds():
    assert layer_steps(100, 3, pyramid=False) == [100, 100, 100]
    assert layer_steps(100, 4, pyramid=True) == [100, 50, 25, 13]
    plain = recurrent_multiply_adds("lstm", 8, 5, 2, 2, pyramid=False)
    pyramid = recurrent_multiply_adds("lstm", 8, 5, 2, 2, pyramid=True)
    # by hand, per direction: plain = 8*8*(5+2) + 8*8*(4+2); pyramid = 8*8*(5+2) + 4*8*(8+2); times 2 directions
    assert plain["total"] == 2 * (8 * 8 * 7 + 8 * 8 * 6)
    assert pyramid["total"] == 2 * (8 * 8 * 7 + 4 * 8 * 10)
    assert pyramid["sequential_steps"] == 12 and plain["sequential_steps"] == 16
    assert plain["input"] + plain["recurrent"] == plain["total"]


def test_multiply_add_count_matches_the_parameters_the_layers_use():
    """Input part of layer l per step equals the size of its weight_ih, for a plain and a pyramid stack."""
    plain = StackedRNN("gru", 5, 3, num_layers=2, bidirectional=True)
    count = recurrent_multiply_adds("gru", 1, 5, 3, 2, pyramid=False)
    weights_ih = sum(p.numel() for n, p in plain.named_parameters() if n.startswith("weight_ih"))
    weights_hh = sum(p.numel() for n, p in plain.named_parameters() if n.startswith("weight_hh"))
    assert (count["input"], count["recurrent"]) == (weights_ih, weights_hh)
    pyramid = PyramidRNN("gru", 5, 3, num_layers=2)
    assert pyramid.layers[1].weight_ih_l0.shape == (9, 12)  # 2 steps x 2 directions x H inputs


def test_errors():
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, F\)"):
        merge_pairs(torch.zeros(2, 3))
