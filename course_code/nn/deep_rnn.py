"""Depth in three places of one recurrent layer: input-to-hidden, hidden-to-hidden, hidden-to-output.

Pascanu, Gulcehre, Cho and Bengio (2014) point out that a vanilla RNN is
shallow in three places, each a single affine map and nonlinearity, and that
each can be made deep with a small multilayer perceptron (MLP)::

    u_t = MLP_in(x_t)                                   deep input-to-hidden    (input_depth layers)
    z_t = tanh(W_xh u_t + W_hh h_{t-1} + b_h)
    h_t = MLP_trans(z_t)                                deep hidden-to-hidden   (transition_depth layers)
    l_t = W_hy MLP_out(h_t) + b_y                       deep hidden-to-output   (output_depth layers)

Every MLP layer is ``tanh(W v + b)`` with ``H`` units. With all depths 0 this
is the vanilla RNN. Deep transitions make the path from ``h_{t-1}`` to ``h_t``
longer, and therefore the path from ``h_0`` to ``h_T`` ``T`` times longer
still: see :meth:`DeepRNN.path_nonlinearities`.
"""

from __future__ import annotations

import torch
from torch import nn

from course_code.shapes import check_positive_int, check_tensor

__all__ = ["DeepRNN"]


def _mlp(width_in: int, width: int, depth: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    for k in range(depth):
        layers += [nn.Linear(width_in if k == 0 else width, width), nn.Tanh()]
    return nn.Sequential(*layers)


class DeepRNN(nn.Module):
    """A one-layer RNN with optional MLPs on its input, its transition and its output.

    Args:
        input_size: ``D``. hidden_size: ``H``. output_size: ``V``.
        input_depth, transition_depth, output_depth: layers in each MLP (0: none).

    Inputs: ``x (N, T, D)``, ``h0 (N, H)`` or ``None`` for zeros.

    Outputs: ``logits, h``: ``(N, T, V)`` and every hidden state ``(N, T, H)``.
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, input_depth: int = 0,
                 transition_depth: int = 0, output_depth: int = 0) -> None:
        super().__init__()
        for name, value in (("input_size", input_size), ("hidden_size", hidden_size), ("output_size", output_size)):
            check_positive_int(name, value)
        for name, value in (("input_depth", input_depth), ("transition_depth", transition_depth),
                            ("output_depth", output_depth)):
            check_positive_int(name, value, minimum=0)
        self.input_size, self.hidden_size = input_size, hidden_size
        self.depths = {"input": input_depth, "transition": transition_depth, "output": output_depth}
        self.input_mlp = _mlp(input_size, hidden_size, input_depth)
        self.W_xh = nn.Linear(hidden_size if input_depth else input_size, hidden_size)  # carries b_h
        self.W_hh = nn.Linear(hidden_size, hidden_size, bias=False)
        self.transition_mlp = _mlp(hidden_size, hidden_size, transition_depth)
        self.output_mlp = _mlp(hidden_size, hidden_size, output_depth)
        self.W_hy = nn.Linear(hidden_size, output_size)

    def step(self, u_t: torch.Tensor, h_prev: torch.Tensor) -> torch.Tensor:
        """``h_t = MLP_trans(tanh(W_xh u_t + W_hh h_{t-1} + b_h))``, ``(N, H)``, from ``u_t = MLP_in(x_t)``."""
        return self.transition_mlp(torch.tanh(self.W_xh(u_t) + self.W_hh(h_prev)))

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None):
        dtype = self.W_hh.weight.dtype
        sizes = check_tensor("x", x, ("N", "T", "D"), {"D": self.input_size, "H": self.hidden_size}, dtype=dtype)
        if sizes["T"] == 0:
            raise ValueError(f"x must have at least one time step, got shape {tuple(x.shape)} (T=0)")
        if h0 is not None:
            check_tensor("h0", h0, ("N", "H"), sizes, dtype=dtype)
        N, T, _ = x.shape
        h = x.new_zeros(N, self.hidden_size) if h0 is None else h0
        u = self.input_mlp(x)  # (N, T, H or D): no recurrence, every step at once
        states = []
        for t in range(T):
            h = self.step(u[:, t], h)
            states.append(h)
        hidden = torch.stack(states, dim=1)  # (N, T, H)
        return self.W_hy(self.output_mlp(hidden)), hidden

    def path_nonlinearities(self, T: int = 1) -> dict[str, int]:
        """How many tanh layers the shortest path between two points of the unrolled graph crosses.

        ``"x_t -> h_t"``, ``"h_(t-1) -> h_t"``, ``"h_t -> l_t"``, and ``"x_1 -> l_T"``
        (the path a dependency over ``T`` steps must travel, forward and, for its gradient, backward).

        Raises:
            ValueError: if ``T`` is not a positive integer.
        """
        T = check_positive_int("T", T)
        d_in, d_trans, d_out = self.depths["input"], self.depths["transition"], self.depths["output"]
        return {
            "x_t -> h_t": d_in + 1 + d_trans,
            "h_(t-1) -> h_t": 1 + d_trans,
            "h_t -> l_t": d_out,
            "x_1 -> l_T": d_in + T * (1 + d_trans) + d_out,
        }
