"""The fast loops over time of the GRU and the LSTM: the same equations as the readable cells, reorganised.

The readable cells (:func:`course_code.nn.gru.gru_cell`, :func:`course_code.nn.lstm.lstm_cell`)
compute one step from ``x_t``. A whole layer can do better in two ways:

* the input term ``X_t W_ih^T + b`` does not depend on the recurrence, so it is
  computed for all ``T`` steps in one product before the loop, which then does
  one ``(N, H) @ (H, G H)`` product per step;
* for the LSTM, :class:`LSTMRecurrence` runs that loop without autograd and
  writes its backward pass by hand (the equations of
  :mod:`course_code.scratch.lstm`): it keeps every step's gate gradients in one
  ``(T, N, 4H)`` array and forms ``dW_hh`` with one product, where autograd
  would record about ten small operations per step.

``bench/lstm_speed.py`` measures what this buys (``ScratchLSTM`` against
``torch.nn.LSTM``); the tests check both loops against the readable cells and
against ``torch.nn``. Nothing here is compiled: TorchScript saved under 10% on
the benchmark, which does not pay for a deprecated dependency.

Tensors inside are **time-major**, ``(T, N, ...)``: each step's slice is one
contiguous block.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

__all__ = ["LSTMRecurrence", "gru_layer", "gru_recurrence", "lstm_layer", "lstm_recurrence"]


def _lstm_forward_loop(gates: torch.Tensor, h: torch.Tensor, c: torch.Tensor, tanh_c: torch.Tensor,
                       weight_hh: torch.Tensor) -> None:
    """The loop over time, in place, without autograd.

    On entry ``gates[t]`` holds the input term ``X_t W_ih^T + b`` of step ``t``,
    ``(T, N, 4H)``, and ``h[0]``, ``c[0]`` hold the initial states (``h``, ``c``:
    ``(T+1, N, H)``). On exit ``gates[t]`` holds ``i, f, g, o``, ``h[t + 1]`` and
    ``c[t + 1]`` hold ``h_t`` and ``c_t``, and ``tanh_c[t]`` holds ``tanh(c_t)``.
    """
    H = h.shape[2]
    weight_hh_t = weight_hh.t()  # (H, 4H)
    for t in range(gates.shape[0]):
        a = gates[t]  # (N, 4H)
        a.addmm_(h[t], weight_hh_t)  # + H_{t-1} W_hh^T: one product for the four gates
        a[:, : 2 * H].sigmoid_()  # i, f
        a[:, 2 * H : 3 * H].tanh_()  # g
        a[:, 3 * H :].sigmoid_()  # o
        i, f, g, o = a.chunk(4, 1)
        torch.mul(f, c[t], out=c[t + 1])
        c[t + 1].addcmul_(i, g)  # c_t = f ⊙ c_{t-1} + i ⊙ g
        torch.tanh(c[t + 1], out=tanh_c[t])
        torch.mul(o, tanh_c[t], out=h[t + 1])  # h_t = o ⊙ tanh(c_t)


def _lstm_backward_loop(dh: torch.Tensor, dh_next: torch.Tensor, dc: torch.Tensor, gates: torch.Tensor,
                        c: torch.Tensor, tanh_c: torch.Tensor, weight_hh: torch.Tensor):
    """Backpropagation through time of :func:`_lstm_forward_loop`.

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


def _lstm_loop_with_autograd(input_gates, h, c, weight_hh):
    """The same loop, differentiable by autograd (used for second derivatives)."""
    outputs = []
    for a_input in input_gates.unbind(0):
        a = a_input + h @ weight_hh.t()
        a_i, a_f, a_g, a_o = a.chunk(4, 1)
        c = torch.sigmoid(a_f) * c + torch.sigmoid(a_i) * torch.tanh(a_g)
        h = torch.sigmoid(a_o) * torch.tanh(c)
        outputs.append(h)
    return torch.stack(outputs), h, c


class LSTMRecurrence(torch.autograd.Function):
    """One LSTM layer's loop over time, with its backward pass written by hand.

    ``LSTMRecurrence.apply(input_gates, h0, c0, weight_hh)`` with ``input_gates``
    ``(T, N, 4H)`` (``X_t W_ih^T + b`` of every step), ``h0``, ``c0`` ``(N, H)``
    and ``weight_hh`` ``(4H, H)`` returns ``(output (T, N, H), h_T, c_T)``.

    The gradients of ``W_ih``, the biases and the input come from autograd
    through the input projection, one product each. A second derivative (a
    backward pass run with ``create_graph=True``) recomputes the loop with
    autograd and differentiates that, so double backward works as it does for
    ``torch.nn.LSTM``.
    """

    @staticmethod
    def forward(ctx, input_gates, h0, c0, weight_hh):
        T, N, four_H = input_gates.shape
        H = four_H // 4
        gates = input_gates.detach().clone()  # becomes i, f, g, o
        h = gates.new_empty(T + 1, N, H)
        c = gates.new_empty(T + 1, N, H)
        tanh_c = gates.new_empty(T, N, H)
        h[0] = h0
        c[0] = c0
        _lstm_forward_loop(gates, h, c, tanh_c, weight_hh.detach())
        ctx.save_for_backward(input_gates, h0, c0, weight_hh, gates, h, c, tanh_c)
        return h[1:].clone(), h[T].clone(), c[T].clone()  # copies: callers may modify outputs in place

    @staticmethod
    def backward(ctx, d_output, dh_T, dc_T):
        input_gates, h0, c0, weight_hh, gates, h, c, tanh_c = ctx.saved_tensors
        if torch.is_grad_enabled():  # create_graph=True: the gradient itself will be differentiated
            with torch.enable_grad():
                outputs = _lstm_loop_with_autograd(input_gates, h0, c0, weight_hh)
                inputs = (input_gates, h0, c0, weight_hh)
                wanted = [tensor for tensor in inputs if tensor.requires_grad]
                grads = iter(torch.autograd.grad(outputs, wanted, (d_output, dh_T, dc_T), create_graph=True,
                                                 allow_unused=True))
                return tuple(next(grads) if tensor.requires_grad else None for tensor in inputs)
        T, N, four_H = gates.shape
        da, dh0, dc0 = _lstm_backward_loop(d_output, dh_T, dc_T, gates, c, tanh_c, weight_hh)
        d_weight_hh = da.reshape(T * N, four_H).t() @ h[:-1].reshape(T * N, -1)  # sum over t, n of da h_{t-1}^T
        return da, dh0, dc0, d_weight_hh


def lstm_recurrence(input_gates: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor,
                    weight_hh: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One LSTM layer's loop over time: ``(output (T, N, H), h_T, c_T)``; see :class:`LSTMRecurrence`."""
    return LSTMRecurrence.apply(input_gates, h0, c0, weight_hh)


def lstm_layer(x: torch.Tensor, state, weight_ih, weight_hh, bias_ih, bias_hh):
    """One LSTM layer over a batch-first ``x (N, T, D)`` from ``state = (h0, c0)``.

    Returns:
        ``(output (N, T, H), (h_T, c_T))``, equal to looping :func:`course_code.nn.lstm.lstm_cell`.
    """
    bias = None if bias_ih is None else bias_ih + bias_hh
    input_gates = F.linear(x.transpose(0, 1), weight_ih, bias)  # (T, N, 4H), every step in one product
    output, h_T, c_T = lstm_recurrence(input_gates, state[0], state[1], weight_hh)
    return output.transpose(0, 1), (h_T, c_T)


def gru_recurrence(input_terms: torch.Tensor, h: torch.Tensor, weight_hh: torch.Tensor,
                   bias_hh: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """One GRU layer's loop over time, given the input term of every step; autograd differentiates it.

    Args:
        input_terms: ``X W_ih^T + b_ih`` for every step, time-major ``(T, N, 3H)``.
        h: initial state, ``(N, H)``.
        weight_hh: ``(3H, H)``. bias_hh: ``(3H,)`` (zeros for a layer without biases).

    Returns:
        ``(output, h_T)``: the hidden state at every step ``(T, N, H)`` and the last one.
    """
    weight_hh_t = weight_hh.t()  # (H, 3H)
    outputs: list[torch.Tensor] = []
    for input_term in input_terms.unbind(0):  # (N, 3H) per step
        hidden_term = torch.addmm(bias_hh, h, weight_hh_t)  # one product for r, z, n
        x_r, x_z, x_n = input_term.chunk(3, 1)
        h_r, h_z, h_n = hidden_term.chunk(3, 1)
        r = torch.sigmoid(x_r + h_r)
        z = torch.sigmoid(x_z + h_z)
        n = torch.tanh(x_n + r * h_n)
        h = (1 - z) * n + z * h
        outputs.append(h)
    return torch.stack(outputs), h


def gru_layer(x: torch.Tensor, h0: torch.Tensor, weight_ih, weight_hh, bias_ih, bias_hh):
    """One GRU layer over a batch-first ``x (N, T, D)`` from ``h0 (N, H)``.

    Returns:
        ``(output (N, T, H), h_T)``, equal to looping :func:`course_code.nn.gru.gru_cell`.
    """
    if bias_hh is None:
        bias_hh = weight_hh.new_zeros(weight_hh.shape[0])
    input_terms = F.linear(x.transpose(0, 1), weight_ih, bias_ih)  # (T, N, 3H), every step in one product
    output, h_T = gru_recurrence(input_terms, h0, weight_hh, bias_hh)
    return output.transpose(0, 1), h_T
