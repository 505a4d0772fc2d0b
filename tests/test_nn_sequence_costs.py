"""Cost counts of a GRU layer and a self-attention layer, against what torch computes."""

from __future__ import annotations

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from course_code.nn.self_attention import SelfAttention
from course_code.nn.sequence_costs import layer_costs


@pytest.mark.parametrize("T, E, heads", [(5, 8, 1), (16, 8, 2), (7, 12, 4)])
def test_self_attention_count_equals_torchs_flop_counter(T, E, heads):
    layer = SelfAttention(E, heads)
    x = torch.randn(1, T, E)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        layer(x)
    # the counter counts 2 FLOPs (a multiply and an add) per multiply-add of a product
    assert counter.get_total_flops() == 2 * layer_costs("self-attention", T, E)["multiply_adds"]


@pytest.mark.parametrize("T, E", [(3, 4), (10, 6)])
def test_gru_count_from_its_weight_matrices(T, E):
    gru = torch.nn.GRU(E, E, batch_first=True)
    per_step = gru.weight_ih_l0.numel() + gru.weight_hh_l0.numel()  # one multiply-add each
    assert layer_costs("gru", T, E) == {"multiply_adds": T * per_step, "sequential_steps": T}


def test_attention_does_more_work_than_a_gru_once_T_exceeds_E():
    E = 64
    for T in (16, 32, 63, 64, 65, 256):
        gru, attention = layer_costs("gru", T, E), layer_costs("self-attention", T, E)
        assert (attention["multiply_adds"] > gru["multiply_adds"]) == (T > E)
        assert attention["sequential_steps"] == 1 and gru["sequential_steps"] == T


def test_errors():
    with pytest.raises(ValueError, match="layer must be one of"):
        layer_costs("lstm", 4, 4)
    with pytest.raises(ValueError, match="T must be a positive integer"):
        layer_costs("gru", 0, 4)
    with pytest.raises(ValueError, match="E must be a positive integer"):
        layer_costs("gru", 4, True)
