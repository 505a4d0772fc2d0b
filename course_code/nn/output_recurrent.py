"""The output-to-hidden recurrent network: the only memory is the previous output.

Goodfellow et al. (section 10.2) call it the second family of RNNs. For one
sequence, with the previous output (or, under teacher forcing, the previous
target) ``y_{t-1}`` encoded as a vector of ``V`` numbers::

    h_t = tanh(W_xh x_t + W_yh y_{t-1} + b_h),   ℓ_t = W_hy h_t + b_y

There is no ``W_hh``: ``h_{t-1}`` does not reach ``h_t``. With teacher forcing
every ``y_{t-1}`` is known before the pass starts, so all ``T`` steps are
computed at once, without a loop over time; at test time the network must feed
its own prediction back, one step after another.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from course_code.shapes import check_ids, check_positive_int, check_tensor

__all__ = ["OutputRecurrentRNN"]


class OutputRecurrentRNN(nn.Module):
    """An RNN whose recurrence runs from the output at ``t - 1`` to the state at ``t``.

    Args:
        input_size: ``D``.
        hidden_size: ``H``.
        num_classes: ``V``, the number of output classes.

    Attributes:
        input_to_hidden: ``W_xh (H, D)`` and ``b_h (H,)``.
        output_to_hidden: ``W_yh (H, V)``, no bias.
        hidden_to_output: ``W_hy (V, H)`` and ``b_y (V,)``.
    """

    def __init__(self, input_size: int, hidden_size: int, num_classes: int) -> None:
        super().__init__()
        for name, value in (
            ("input_size", input_size),
            ("hidden_size", hidden_size),
            ("num_classes", num_classes),
        ):
            check_positive_int(name, value)
        self.num_classes = num_classes
        self.input_to_hidden = nn.Linear(input_size, hidden_size)
        self.output_to_hidden = nn.Linear(num_classes, hidden_size, bias=False)
        self.hidden_to_output = nn.Linear(hidden_size, num_classes)

    def _check(self, x: torch.Tensor) -> dict[str, int]:
        sizes = {"D": self.input_to_hidden.in_features}
        return check_tensor("x", x, ("N", "T", "D"), sizes, dtype="float")

    def forward_teacher_forced(
        self, x: torch.Tensor, targets: torch.Tensor
    ) -> torch.Tensor:
        """Logits of every step with the true previous target fed in: no loop over time.

        Args:
            x: inputs ``(N, T, D)``.
            targets: class indices ``(N, T)``; ``targets[:, t - 1]`` is fed at step
                ``t``, and a vector of zeros at the first step.

        Returns:
            Logits ``(N, T, V)``.
        """
        sizes = self._check(x)
        check_tensor("targets", targets, ("N", "T"), sizes, dtype="integer")
        check_ids("targets", targets, self.num_classes)
        previous = F.one_hot(targets, self.num_classes).to(x.dtype)  # (N, T, V)
        previous = torch.cat(
            [torch.zeros_like(previous[:, :1]), previous[:, :-1]], dim=1
        )
        h = torch.tanh(self.input_to_hidden(x) + self.output_to_hidden(previous))
        return self.hidden_to_output(h)

    def forward_free_running(self, x: torch.Tensor) -> torch.Tensor:
        """Logits of every step, each step fed the network's own previous prediction.

        The prediction fed back is the distribution ``softmax(ℓ_{t-1})``; a loop
        over time is unavoidable, since step ``t`` needs the output of step ``t - 1``.

        Args:
            x: inputs ``(N, T, D)``.

        Returns:
            Logits ``(N, T, V)``.
        """
        self._check(x)
        N, T, _ = x.shape
        previous = x.new_zeros(N, self.num_classes)
        input_terms = self.input_to_hidden(x)  # (N, T, H): no dependence on the past
        logits = []
        for t in range(T):
            h = torch.tanh(input_terms[:, t] + self.output_to_hidden(previous))
            logits.append(self.hidden_to_output(h))
            previous = torch.softmax(logits[-1], dim=-1)
        return torch.stack(logits, dim=1)
