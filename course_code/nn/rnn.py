"""The vanilla RNN as a ``torch.nn.Module``, written from its equations.

``VanillaRNN(D, H, num_layers=L)`` computes exactly what
``torch.nn.RNN(D, H, num_layers=L, batch_first=True)`` computes, with the same
parameter names (``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``,
``bias_hh_l0``, then ``..._l1`` for the next layer), so
``torch_rnn.load_state_dict(ours.state_dict())`` copies the weights across.
"""

from __future__ import annotations

from functools import partial

import torch

from course_code.nn.recurrent import RecurrentCell, RecurrentStack

__all__ = ["RNN_CELLS", "VanillaRNN", "rnn_cell"]


def rnn_cell(
    x: torch.Tensor,
    h_prev: torch.Tensor,
    weight_ih: torch.Tensor,
    weight_hh: torch.Tensor,
    bias_ih: torch.Tensor | None,
    bias_hh: torch.Tensor | None,
    nonlinearity: str = "tanh",
) -> torch.Tensor:
    """One step: ``h = tanh(x W_ih^T + b_ih + h_prev W_hh^T + b_hh)``.

    PyTorch's names: ``W_ih`` is the course's ``W_xh``, and ``b_ih + b_hh`` is its ``b_h``.

    Args:
        x: ``(N, D)``. h_prev: ``(N, H)``. weight_ih: ``(H, D)``. weight_hh: ``(H, H)``.
        bias_ih, bias_hh: ``(H,)`` each, or ``None`` for a layer without biases.
        nonlinearity: ``"tanh"`` or ``"relu"``.

    Returns:
        The new hidden state, ``(N, H)``.
    """
    pre_activation = x @ weight_ih.T + h_prev @ weight_hh.T  # (N, H)
    if bias_ih is not None:
        pre_activation = pre_activation + bias_ih + bias_hh
    return torch.tanh(pre_activation) if nonlinearity == "tanh" else torch.relu(pre_activation)


RNN_CELLS = {
    "tanh": RecurrentCell("rnn", blocks=1, step=rnn_cell),
    "relu": RecurrentCell("rnn", blocks=1, step=partial(rnn_cell, nonlinearity="relu")),
}
"""The vanilla RNN's cells for :class:`~course_code.nn.recurrent.RecurrentStack`, by nonlinearity."""


class VanillaRNN(RecurrentStack):
    """A stack of Elman RNN layers, batch-first.

    Args:
        input_size: ``D``, features per time step.
        hidden_size: ``H``, units per layer.
        num_layers: ``L``, layers stacked so that layer ``l + 1`` reads the
            hidden states of layer ``l``.
        nonlinearity: ``"tanh"`` or ``"relu"``.
        bias: whether the layers have ``bias_ih`` and ``bias_hh``.

    Inputs: ``x, h0``
        x: ``(N, T, D)``.
        h0: ``(L, N, H)``, or ``None`` for zeros.

    Outputs: ``output, h_n``
        output: the last layer's hidden state at every step, ``(N, T, H)``.
        h_n: every layer's hidden state at the last step, ``(L, N, H)``.

    Raises:
        ValueError: for a size that is not a positive integer, an unknown nonlinearity,
            or inputs of the wrong shape (named, in the course's letters).
        TypeError: for inputs that are not tensors of the parameters' dtype.

    Its ``forward`` is the loop written out for reading: the same computation as
    :class:`~course_code.nn.recurrent.RecurrentStack`'s, which the tests check, with
    the inputs checked by the base's :meth:`~course_code.nn.recurrent.RecurrentStack.check_inputs`.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
    ) -> None:
        if nonlinearity not in RNN_CELLS:
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(RNN_CELLS[nonlinearity], input_size, hidden_size, num_layers, bias)
        self.nonlinearity = nonlinearity

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        h0, _ = self.check_inputs(x, h0)  # x: (N, T, D) with T >= 1; h0: (L, N, H), zeros if None
        T = x.shape[1]
        layer_input = x  # (N, T, D) for the first layer, then (N, T, H)
        last_states = []
        for layer in range(self.num_layers):
            params = self.layer_parameters(layer)
            h_t = h0[layer]  # (N, H)
            states = []
            for t in range(T):
                h_t = rnn_cell(layer_input[:, t], h_t, *params, nonlinearity=self.nonlinearity)
                states.append(h_t)
            layer_input = torch.stack(states, dim=1)  # (N, T, H)
            last_states.append(h_t)
        return layer_input, torch.stack(last_states, dim=0)

    def extra_repr(self) -> str:
        return (
            f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
            f"nonlinearity={self.nonlinearity!r}, bias={self.bias}"
        )
