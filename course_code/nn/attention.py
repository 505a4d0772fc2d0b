"""Additive attention (Bahdanau et al., 2015) as a ``torch.nn.Module``.

At decoder step ``t`` the query is the decoder's previous state ``h_{t-1}`` and the
keys are the encoder's states ``k_1 ... k_S``::

    e_{t,s}     = v^T tanh(W_q h_{t-1} + W_k k_s + b)     (one score per source position)
    alpha_{t,s} = softmax_s(e_{t,s})                       (padded positions get weight 0)
    c_t         = sum_s alpha_{t,s} k_s                    (the context vector of step t)

The same equations in NumPy are :mod:`course_code.scratch.attention`; the tests check
that the two agree. ``W_k k_s + b`` does not depend on ``t``, so
:meth:`AdditiveAttention.project_keys` computes it once per source sentence.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["AdditiveAttention", "masked_softmax"]


def masked_softmax(scores: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Softmax over the last axis with weight exactly 0 where ``mask`` is false.

    Args:
        scores: ``(N, S)``. mask: booleans ``(N, S)``, at least one ``True`` per row.

    Returns:
        weights ``(N, S)``, each row summing to 1.
    """
    if mask.shape != scores.shape or mask.dtype != torch.bool:
        raise ValueError(f"mask must be a boolean tensor of the scores' shape {tuple(scores.shape)}, "
                         f"got {mask.dtype} {tuple(mask.shape)}")
    return torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)


class AdditiveAttention(nn.Module):
    """Scores every key against a query with a one-hidden-layer network; returns weights and context.

    Args:
        query_size: ``H_q``, the decoder state's size.
        key_size: ``H_k``, the encoder state's size.
        attention_size: ``A``, the hidden layer's size.

    Parameters: ``query_proj.weight`` is ``W_q (A, H_q)``; ``key_proj.weight`` and
    ``key_proj.bias`` are ``W_k (A, H_k)`` and ``b (A,)``; ``score.weight`` is ``v^T (1, A)``.

    Inputs: ``query, keys, mask, projected_keys``
        query: ``(N, H_q)``. keys: ``(N, S, H_k)``. mask: booleans ``(N, S)``, ``True`` on
        real positions. projected_keys: ``(N, S, A)`` from :meth:`project_keys`, or
        ``None`` to compute it here.

    Outputs: ``context, weights``
        context: ``(N, H_k)``. weights: ``(N, S)``, zero at padding, rows summing to 1.
    """

    def __init__(self, query_size: int, key_size: int, attention_size: int) -> None:
        super().__init__()
        self.query_proj = nn.Linear(query_size, attention_size, bias=False)
        self.key_proj = nn.Linear(key_size, attention_size)
        self.score = nn.Linear(attention_size, 1, bias=False)

    def project_keys(self, keys: torch.Tensor) -> torch.Tensor:
        """``W_k k_s + b`` for every position: ``(N, S, H_k) -> (N, S, A)``."""
        return self.key_proj(keys)

    def forward(self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor,
                projected_keys: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        if query.dim() != 2 or keys.dim() != 3 or keys.shape[0] != query.shape[0]:
            raise ValueError(f"query must have shape (N, H_q) and keys (N, S, H_k), got {tuple(query.shape)} "
                             f"and {tuple(keys.shape)}")
        if projected_keys is None:
            projected_keys = self.project_keys(keys)
        hidden = torch.tanh(projected_keys + self.query_proj(query)[:, None, :])  # (N, S, A)
        scores = self.score(hidden).squeeze(-1)  # (N, S)
        weights = masked_softmax(scores, mask)  # (N, S)
        context = torch.bmm(weights[:, None, :], keys).squeeze(1)  # (N, H_k): sum_s alpha_s k_s
        return context, weights
