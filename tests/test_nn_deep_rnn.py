"""DeepRNN: the three places of depth, reduced to the vanilla RNN at depth 0, and its path counts."""

import pytest
import torch

from course_code.nn.deep_rnn import DeepRNN
from course_code.nn.rnn import VanillaRNN


def test_all_depths_zero_is_the_vanilla_rnn():
    torch.manual_seed(0)
    deep = DeepRNN(3, 4, 2).double()
    vanilla = VanillaRNN(3, 4).double()
    with torch.no_grad():
        vanilla.weight_ih_l0.copy_(deep.W_xh.weight)
        vanilla.bias_ih_l0.copy_(deep.W_xh.bias)
        vanilla.weight_hh_l0.copy_(deep.W_hh.weight)
        vanilla.bias_hh_l0.zero_()
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    logits, hidden = deep(x)
    torch.testing.assert_close(hidden, vanilla(x)[0])
    torch.testing.assert_close(logits, deep.W_hy(hidden))


def test_each_depth_adds_layers_where_it_says():
    torch.manual_seed(0)
    model = DeepRNN(3, 4, 2, input_depth=1, transition_depth=2, output_depth=1).double()
    x = torch.randn(1, 3, 3, dtype=torch.float64)
    logits, hidden = model(x)
    h = torch.zeros(1, 4, dtype=torch.float64)
    for t in range(3):  # by hand
        u = torch.tanh(model.input_mlp[0](x[:, t]))
        z = torch.tanh(model.W_xh(u) + model.W_hh(h))
        h = torch.tanh(model.transition_mlp[2](torch.tanh(model.transition_mlp[0](z))))
        torch.testing.assert_close(hidden[:, t], h)
    torch.testing.assert_close(logits[:, -1], model.W_hy(torch.tanh(model.output_mlp[0](h))))
    assert model.path_nonlinearities(T=3) == {"x_t -> h_t": 4, "h_(t-1) -> h_t": 3, "h_t -> l_t": 1, "x_1 -> l_T": 11}


def test_deep_transition_shrinks_the_gradient_through_time_at_initialisation():
    """Each extra tanh layer on the transition is one more factor below 1 in the product over time."""
    norms = {}
    for depth in (0, 2):
        torch.manual_seed(0)
        model = DeepRNN(1, 16, 1, transition_depth=depth).double()
        h0 = torch.zeros(4, 16, dtype=torch.float64, requires_grad=True)
        _, hidden = model(torch.randn(4, 20, 1, dtype=torch.float64), h0)
        hidden[:, -1].sum().backward()
        norms[depth] = h0.grad.norm().item()
    assert norms[2] < norms[0] / 10


def test_errors():
    with pytest.raises(ValueError, match="transition_depth must be a non-negative integer"):
        DeepRNN(1, 2, 3, transition_depth=-1)
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D=1\)"):
        DeepRNN(1, 2, 3)(torch.zeros(2, 3, 2))
