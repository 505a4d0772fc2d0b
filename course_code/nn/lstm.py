"""The LSTM as a ``torch.nn.Module``, written from its equations.

``ScratchLSTM(D, H, num_layers=L)`` computes exactly what
``torch.nn.LSTM(D, H, num_layers=L, batch_first=True)`` computes, with the same
parameter names and layout (``weight_ih_l0 (4H, D)``, ``weight_hh_l0 (4H, H)``,
``bias_ih_l0 (4H,)``, ``bias_hh_l0 (4H,)``, gate blocks in the order
``i, f, g, o``), so ``torch_lstm.load_state_dict(ours.state_dict())`` copies the
weights across, in both directions.

Per step, for a batch (rows are sequences)::

    A_t = X_t W_ih^T + b_ih + H_{t-1} W_hh^T + b_hh        (N, 4H), one fused product
    I, F, G, O = σ(A_i), σ(A_f), tanh(A_g), σ(A_o)
    C_t = F ⊙ C_{t-1} + I ⊙ G
    H_t = O ⊙ tanh(C_t)

The input term ``X_t W_ih^T + b`` does not depend on the recurrence, so each
layer computes it for all ``T`` steps in one product before its loop; the loop
then does one ``(N, H) @ (H, 4H)`` product and a few element-wise operations per
step. The loop runs compiled by TorchScript, and its backward pass is written by
hand (:class:`LSTMRecurrence`, the same equations as
:mod:`course_code.scratch.lstm`): both cut the per-step overhead that made a plain
Python loop under autograd several times slower than ``torch.nn.LSTM``. The
tests check outputs, final states and every gradient against ``torch.nn.LSTM``.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
from torch import nn

from course_code.nn.convert import fill_layer, layer_arrays
from course_code.nn.layer_stack import LayerStack

__all__ = [
    "ScratchLSTM",
    "init_forget_gate_bias",
    "lstm_cell",
    "lstm_layer_from_numpy",
    "lstm_layer_to_numpy",
    "LSTMRecurrence",
    "lstm_recurrence",
]


def lstm_cell(
    x: torch.Tensor,
    state: tuple[torch.Tensor, torch.Tensor],
    weight_ih: torch.Tensor,
    weight_hh: torch.Tensor,
    bias_ih: torch.Tensor | None = None,
    bias_hh: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One step, written as the equations (the readable version of the loop body).

    Args:
        x: ``(N, D)``. state: ``(h_prev, c_prev)``, ``(N, H)`` each.
        weight_ih: ``(4H, D)``. weight_hh: ``(4H, H)``.
        bias_ih, bias_hh: ``(4H,)`` each, or ``None`` for a layer without biases.

    Returns:
        ``(h, c)``, the new hidden and cell states, ``(N, H)`` each.
    """
    h_prev, c_prev = state
    a = x @ weight_ih.T + h_prev @ weight_hh.T  # (N, 4H): all four gates in one product
    if bias_ih is not None:
        a = a + bias_ih + bias_hh
    a_i, a_f, a_g, a_o = a.chunk(4, dim=1)  # PyTorch's gate order
    i, f, g, o = torch.sigmoid(a_i), torch.sigmoid(a_f), torch.tanh(a_g), torch.sigmoid(a_o)
    c = f * c_prev + i * g
    h = o * torch.tanh(c)
    return h, c


def _forward_loop(
    gates: torch.Tensor, h: torch.Tensor, c: torch.Tensor, tanh_c: torch.Tensor, weight_hh: torch.Tensor
) -> None:
    """The loop over time, in place, without autograd.

    On entry ``gates[t]`` holds the input term ``X_t W_ih^T + b`` of step ``t``,
    ``(T, N, 4H)`` time-major, and ``h[0]``, ``c[0]`` hold the initial states
    (``h``, ``c``: ``(T+1, N, H)``). On exit ``gates[t]`` holds ``i, f, g, o``,
    ``h[t + 1]``, ``c[t + 1]`` hold ``h_t``, ``c_t`` and ``tanh_c[t]`` holds ``tanh(c_t)``.
    """
    H = h.shape[2]
    weight_hh_t = weight_hh.t()  # (H, 4H)
    for t in range(gates.shape[0]):
        a = gates[t]  # (N, 4H)
        a.addmm_(h[t], weight_hh_t)  # + H_{t-1} W_hh^T: one fused product for the four gates
        a[:, : 2 * H].sigmoid_()  # i, f
        a[:, 2 * H : 3 * H].tanh_()  # g
        a[:, 3 * H :].sigmoid_()  # o
        i, f, g, o = a.chunk(4, 1)
        torch.mul(f, c[t], out=c[t + 1])
        c[t + 1].addcmul_(i, g)  # c_t = f ⊙ c_{t-1} + i ⊙ g
        torch.tanh(c[t + 1], out=tanh_c[t])
        torch.mul(o, tanh_c[t], out=h[t + 1])  # h_t = o ⊙ tanh(c_t)


def _backward_loop(
    dh: torch.Tensor,
    dh_next: torch.Tensor,
    dc: torch.Tensor,
    gates: torch.Tensor,
    c: torch.Tensor,
    tanh_c: torch.Tensor,
    weight_hh: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Backpropagation through time of :func:`_forward_loop`: the same equations as the NumPy version.

    Args:
        dh: upstream gradient of every ``h_t``, ``(T, N, H)``.
        dh_next, dc: gradients of the final ``h_T`` and ``c_T``, ``(N, H)``.
        gates, c, tanh_c: what the forward loop left behind.

    Returns:
        ``(da, dh0, dc0)``: the gradient of every step's pre-activations ``(T, N, 4H)``
        and the gradients of the initial states.
    """
    H = dh.shape[2]
    derivative = gates * (1 - gates)  # σ' = σ(1 - σ) for i, f, o ...
    g_all = gates[:, :, 2 * H : 3 * H]
    derivative[:, :, 2 * H : 3 * H] = 1 - g_all * g_all  # ... and tanh' = 1 - tanh² for g
    o_dtanh = gates[:, :, 3 * H :] * (1 - tanh_c * tanh_c)  # d h_t / d c_t, every step at once
    da = torch.empty_like(gates)
    for t in range(gates.shape[0] - 1, -1, -1):
        dh_t = dh[t] + dh_next
        dc = torch.addcmul(dc, dh_t, o_dtanh[t])  # the cell gets the path through h_t too
        i, f, g, o = gates[t].chunk(4, 1)
        da_t = da[t]  # (N, 4H): filled with dL/d gate, then scaled to dL/d a
        torch.mul(dc, g, out=da_t[:, :H])  # c_t = f ⊙ c_{t-1} + i ⊙ g
        torch.mul(dc, c[t], out=da_t[:, H : 2 * H])
        torch.mul(dc, i, out=da_t[:, 2 * H : 3 * H])
        torch.mul(dh_t, tanh_c[t], out=da_t[:, 3 * H :])  # h_t = o ⊙ tanh(c_t)
        da_t.mul_(derivative[t])
        dc = dc * f  # dL/dc_{t-1}: the cell path, scaled only by the forget gate
        dh_next = torch.mm(da_t, weight_hh)  # dL/dh_{t-1}
    return da, dh_next, dc


def _script(function):
    """``torch.jit.script(function)``, or ``function`` itself where TorchScript is unavailable.

    TorchScript runs the loop without Python's per-operation overhead. PyTorch
    marks it deprecated (in favour of ``torch.compile``, which here took over a
    minute to compile each sequence length), so its warning is silenced and the
    plain function, which computes the same numbers more slowly, is the fallback.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return torch.jit.script(function)
    except Exception:  # pragma: no cover - depends on the installed torch
        return function


_forward_loop_compiled = _script(_forward_loop)
_backward_loop_compiled = _script(_backward_loop)


class LSTMRecurrence(torch.autograd.Function):
    """One layer's loop over time, with its backward pass written by hand.

    ``LSTMRecurrence.apply(input_gates, h0, c0, weight_hh)`` with ``input_gates``
    ``(T, N, 4H)`` time-major (``X_t W_ih^T + b`` of every step), ``h0``, ``c0``
    ``(N, H)`` and ``weight_hh`` ``(4H, H)`` returns ``(output (T, N, H), h_T, c_T)``.

    Autograd could differentiate the loop by itself, but it would record about ten
    small operations per step and form ``dW_hh`` as a sum of ``T`` small products.
    Here the backward pass keeps every step's gate gradients in one ``(T, N, 4H)``
    array and forms ``dW_hh`` with one product; the gradients of ``W_ih``, the
    biases and the input then come from autograd through the input projection,
    also one product each.
    """

    @staticmethod
    def forward(ctx, input_gates, h0, c0, weight_hh):
        T, N, four_H = input_gates.shape
        H = four_H // 4
        gates = input_gates.clone()  # becomes i, f, g, o
        h = input_gates.new_empty(T + 1, N, H)
        c = input_gates.new_empty(T + 1, N, H)
        tanh_c = input_gates.new_empty(T, N, H)
        h[0] = h0
        c[0] = c0
        _forward_loop_compiled(gates, h, c, tanh_c, weight_hh.detach())
        ctx.save_for_backward(gates, h, c, tanh_c, weight_hh)
        return h[1:].clone(), h[T].clone(), c[T].clone()  # copies: callers may modify outputs in place

    @staticmethod
    def backward(ctx, d_output, dh_T, dc_T):
        gates, h, c, tanh_c, weight_hh = ctx.saved_tensors
        T, N, four_H = gates.shape
        da, dh0, dc0 = _backward_loop_compiled(d_output, dh_T, dc_T, gates, c, tanh_c, weight_hh)
        d_weight_hh = da.reshape(T * N, four_H).t() @ h[:-1].reshape(T * N, -1)  # sum over t, n of da h_{t-1}^T
        return da, dh0, dc0, d_weight_hh


def lstm_recurrence(
    input_gates: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor, weight_hh: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One layer's loop over time: ``(output (T, N, H), h_T, c_T)``; see :class:`LSTMRecurrence`."""
    return LSTMRecurrence.apply(input_gates, h0, c0, weight_hh)


class ScratchLSTM(LayerStack):
    """A stack of LSTM layers, batch-first, equal to ``torch.nn.LSTM(..., batch_first=True)``.

    Args:
        input_size: ``D``, features per time step.
        hidden_size: ``H``, units per layer.
        num_layers: ``L``, layers stacked so that layer ``l + 1`` reads the
            hidden states of layer ``l``.
        bias: whether the layers have ``bias_ih`` and ``bias_hh``.

    Inputs: ``x, (h0, c0)``
        x: ``(N, T, D)``.
        h0, c0: ``(L, N, H)`` each; or leave the pair out (``None``) for zeros.

    Outputs: ``output, (h_n, c_n)``
        output: the last layer's hidden state at every step, ``(N, T, H)``.
        h_n, c_n: every layer's hidden and cell state at the last step, ``(L, N, H)`` each.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True) -> None:
        super().__init__(input_size, hidden_size, num_layers, bias, blocks=4)  # i, f, g, o stacked

    def forward(
        self, x: torch.Tensor, hx: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        if x.dim() != 3 or x.shape[2] != self.input_size or x.shape[1] == 0:
            raise ValueError(f"x must have shape (N, T, D={self.input_size}) with T >= 1, got {tuple(x.shape)}")
        N = x.shape[0]
        expected = (self.num_layers, N, self.hidden_size)
        if hx is None:
            h0 = c0 = x.new_zeros(expected)
        else:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise ValueError("the state must be a pair (h0, c0), each of shape (L, N, H)")
            h0, c0 = hx
            for name, state in (("h0", h0), ("c0", c0)):
                if tuple(state.shape) != expected:
                    raise ValueError(f"{name} must have shape (L, N, H) = {expected}, got {tuple(state.shape)}")

        layer_input = x.transpose(0, 1)  # time-major inside: (T, N, D), then (T, N, H)
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            weight_ih, weight_hh, bias_ih, bias_hh = self.layer_parameters(layer)
            bias = None if bias_ih is None else bias_ih + bias_hh
            input_gates = nn.functional.linear(layer_input, weight_ih, bias)  # (T, N, 4H), every step at once
            layer_input, h_t, c_t = lstm_recurrence(input_gates, h0[layer], c0[layer], weight_hh)
            h_n.append(h_t)
            c_n.append(c_t)
        return layer_input.transpose(0, 1), (torch.stack(h_n), torch.stack(c_n))  # output batch-first

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, bias={self.bias}"


@torch.no_grad()
def init_forget_gate_bias(module: nn.Module, value: float = 1.0) -> None:
    """Set every layer's forget-gate bias so that ``bias_ih + bias_hh`` is ``value`` there.

    Works on :class:`ScratchLSTM` and on ``torch.nn.LSTM`` (same names). Only the
    forget-gate slice ``[H:2H]`` changes: ``bias_ih`` gets ``value`` and
    ``bias_hh`` gets 0 there; the ``i``, ``g`` and ``o`` slices are left alone.

    Why: with the default initialisation the forget gate starts near
    ``σ(0) = 0.5``, so the cell state halves at every step and gradients through
    ``c`` shrink like ``0.5^k`` over ``k`` steps — the network starts out unable
    to remember. A positive bias (``σ(1) ≈ 0.73``) makes it *start* by remembering
    and learn to forget. Gers, Schmidhuber and Cummins (2000) introduced the forget
    gate; Jozefowicz, Zaremba and Sutskever (2015) found that a bias of 1 closed
    the gap between the LSTM and the GRU in their search over recurrent architectures.

    Raises:
        ValueError: if the module has no biases.
    """
    if getattr(module, "bias", True) is False:
        raise ValueError("the module was built with bias=False: there is no forget-gate bias to set")
    H = module.hidden_size
    found = False
    for name, parameter in module.named_parameters():
        if name.startswith("bias_ih_l"):
            parameter[H : 2 * H] = value
            found = True
        elif name.startswith("bias_hh_l"):
            parameter[H : 2 * H] = 0.0
    if not found:
        raise ValueError("the module has no bias_ih_l* parameters")


def lstm_layer_to_numpy(module: nn.Module, layer: int = 0) -> dict[str, np.ndarray]:
    """Return ``{"W_x": (4H, D), "W_h": (4H, H), "b": (4H,)}`` for one layer of ``module``.

    Works with :class:`ScratchLSTM` and ``torch.nn.LSTM``. ``b`` is ``bias_ih + bias_hh``
    (zeros without biases). The result feeds :func:`course_code.scratch.lstm.lstm_forward`.
    """
    W_x, W_h, b_ih, b_hh = layer_arrays(module, layer)
    return {"W_x": W_x, "W_h": W_h, "b": b_ih + b_hh}


@torch.no_grad()
def lstm_layer_from_numpy(module: nn.Module, W_x: np.ndarray, W_h: np.ndarray, b: np.ndarray, layer: int = 0) -> None:
    """Write NumPy weights into one layer of ``module`` in place (``b`` into ``bias_ih``, zero ``bias_hh``).

    Raises:
        ValueError: if a shape differs from the module's parameter of that name.
    """
    arrays = [("weight_ih", "W_x", W_x), ("weight_hh", "W_h", W_h)]
    has_bias = getattr(module, "bias", True)
    fill_layer(module, layer, arrays + ([("bias_ih", "b", b)] if has_bias else []))
    if has_bias:
        getattr(module, f"bias_hh_l{layer}").zero_()
