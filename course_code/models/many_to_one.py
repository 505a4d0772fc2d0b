"""A many-to-one recurrent model: read a whole sequence, answer once from ``h_T``.

    x_t -> h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h)  for t = 1..T,   then  l = W_hy h_T + b_y

With ``vocab_size`` set, the inputs are token ids that an embedding first
turns into vectors ``x_t``; otherwise they are already vectors ``(N, T, D)``.
"""

from __future__ import annotations

import torch
from torch import nn

from course_code.reproducibility import seeded_init
from course_code.nn import VanillaRNN
from course_code.shapes import check_ids, check_positive_int, check_tensor

__all__ = ["ManyToOneRNN"]


class ManyToOneRNN(nn.Module):
    """An RNN whose last hidden state feeds a linear read-out.

    Args:
        input_size: ``D``: features per step, or the embedding size if ``vocab_size`` is set.
        hidden_size: ``H``.
        output_size: ``V``: classes (the outputs are logits) or regression outputs.
        vocab_size: if given, inputs are integer ids in ``[0, vocab_size)``.
        squeeze: with ``output_size = 1``, return ``(N,)`` instead of ``(N, 1)``,
            to match regression targets of shape ``(N,)``.
        seed: seeds the initial weights (``None``: torch's global generator).

    Inputs:
        ``(N, T, D)`` floats, or ``(N, T)`` integer ids if ``vocab_size`` is set.
        Sequences of different lengths should be padded at the **start**, so
        that step ``T`` is every row's last real step.

    Outputs:
        ``(N, V)``, or ``(N,)`` with ``squeeze``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int,
        vocab_size: int | None = None,
        squeeze: bool = False,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        output_size = check_positive_int("output_size", output_size)
        if vocab_size is not None:
            vocab_size = check_positive_int("vocab_size", vocab_size)
        if squeeze and output_size != 1:
            raise ValueError(f"squeeze needs output_size=1, got {output_size}")
        self.squeeze = squeeze
        with seeded_init(seed):
            self.embedding = None if vocab_size is None else nn.Embedding(vocab_size, input_size)
            self.rnn = VanillaRNN(input_size, hidden_size)
            self.readout = nn.Linear(hidden_size, output_size)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.embedding is not None:
            check_tensor("inputs", inputs, ("N", "T"), dtype="integer")
            check_ids("inputs", inputs, self.embedding.num_embeddings)
            inputs = self.embedding(inputs)  # (N, T, D)
        _, h_n = self.rnn(inputs)  # h_n: (1, N, H)
        outputs = self.readout(h_n[-1])  # (N, V)
        return outputs[:, 0] if self.squeeze else outputs
