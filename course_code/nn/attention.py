"""Additive attention (Bahdanau et al., 2015) and multiplicative attention (Luong et al., 2015).

At decoder step ``t`` the query is the decoder's previous state ``h_{t-1}`` and the
keys are the encoder's states ``k_1 ... k_S``::

    e_{t,s}     = v^T tanh(W_q h_{t-1} + W_k k_s + b)     (one score per source position)
    alpha_{t,s} = softmax_s(e_{t,s})                       (padded positions get weight 0)
    c_t         = sum_s alpha_{t,s} k_s                    (the context vector of step t)

The same equations in NumPy are :mod:`course_code.scratch.attention`; the tests check
that the two agree. Multiplicative ("general") attention replaces the score network
by a bilinear form, one matrix and no hidden layer::

    e_{t,s}     = h_{t-1}^T W k_s                      (W: (H_q, H_k))

with the same softmax and context; :class:`MultiplicativeAttention` takes the same
inputs as :class:`AdditiveAttention`, so one can replace the other. ``W_k k_s + b`` does not depend on ``t``, so
:meth:`AdditiveAttention.project_keys` computes it once per source sentence.

Padded positions are selected away (``torch.where``), never multiplied by a zero
weight, so padded keys may hold anything, even NaN or infinity, without reaching
a real output or a gradient. A row with no real position has no distribution to
put weight on: it raises ``ValueError``, as in the NumPy version.
"""

from __future__ import annotations

import torch
from torch import nn

from course_code.shapes import check_positive_int, check_tensor

__all__ = ["AdditiveAttention", "MultiplicativeAttention", "masked_softmax"]


def masked_softmax(scores: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Softmax over the last axis with weight exactly 0 where ``mask`` is false.

    Args:
        scores: ``(N, S)``. mask: booleans ``(N, S)``, at least one ``True`` per row.

    Returns:
        weights ``(N, S)``, each row summing to 1; exactly 0 (with zero gradient)
        where ``mask`` is false, whatever the scores hold there.

    Raises:
        ValueError: on mismatched shapes, or a row of ``mask`` with no real position.
        TypeError: if ``mask`` is not a boolean tensor.
    """
    sizes = check_tensor("scores", scores, ("N", "S"), dtype="float")
    if isinstance(mask, torch.Tensor) and mask.dtype != torch.bool:
        raise ValueError(f"mask must be a boolean tensor of the scores' shape {tuple(scores.shape)}, "
                         f"got {mask.dtype} {tuple(mask.shape)}")
    check_tensor("mask", mask, ("N", "S"), sizes, dtype="bool")
    empty = ~mask.any(dim=1)
    if bool(empty.any()):
        raise ValueError(f"every row of mask needs a real position; rows {empty.nonzero()[:, 0].tolist()} have none")
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
        query_size, key_size, attention_size = (
            check_positive_int(name, value)
            for name, value in (("query_size", query_size), ("key_size", key_size),
                                ("attention_size", attention_size)))
        self.query_proj = nn.Linear(query_size, attention_size, bias=False)
        self.key_proj = nn.Linear(key_size, attention_size)
        self.score = nn.Linear(attention_size, 1, bias=False)

    def project_keys(self, keys: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """``W_k k_s + b`` for every position: ``(N, S, H_k) -> (N, S, A)``.

        With ``mask`` (booleans ``(N, S)``) padded keys are replaced by zeros first,
        so that whatever they hold cannot reach the gradient of ``W_k``.
        """
        if mask is not None:
            keys = torch.where(mask[..., None], keys, torch.zeros_like(keys))
        return self.key_proj(keys)

    def forward(self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor,
                projected_keys: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        sizes = {"H_q": self.query_proj.in_features, "H_k": self.key_proj.in_features}
        check_tensor("query", query, ("N", "H_q"), sizes, dtype="float")
        check_tensor("keys", keys, ("N", "S", "H_k"), sizes, dtype="float")
        check_tensor("mask", mask, ("N", "S"), sizes, dtype="bool")
        real = mask[..., None]  # (N, S, 1): padding is selected away, never multiplied
        keys = torch.where(real, keys, torch.zeros_like(keys))
        if projected_keys is None:
            projected_keys = self.project_keys(keys)
        projected_keys = torch.where(real, projected_keys, torch.zeros_like(projected_keys))
        hidden = torch.tanh(projected_keys + self.query_proj(query)[:, None, :])  # (N, S, A)
        scores = self.score(hidden).squeeze(-1)  # (N, S)
        weights = masked_softmax(scores, mask)  # (N, S)
        context = torch.bmm(weights[:, None, :], keys).squeeze(1)  # (N, H_k): sum_s alpha_s k_s
        return context, weights


class MultiplicativeAttention(nn.Module):
    """Scores every key against a query by a bilinear form ``h^T W k``; returns weights and context.

    Luong, Pham and Manning's "general" score. Its inputs and outputs are those of
    :class:`AdditiveAttention`, so a model can use either.

    Args:
        query_size: ``H_q``, the decoder state's size.
        key_size: ``H_k``, the encoder state's size.

    Parameters: ``key_proj.weight`` is ``W (H_q, H_k)``; ``key_proj(k_s) = W k_s`` is a
    vector of size ``H_q``, and the score is its dot product with the query.

    Inputs: ``query, keys, mask, projected_keys``
        query: ``(N, H_q)``. keys: ``(N, S, H_k)``. mask: booleans ``(N, S)``, ``True`` on
        real positions. projected_keys: ``(N, S, H_q)`` from :meth:`project_keys`, or
        ``None`` to compute it here.

    Outputs: ``context, weights``
        context: ``(N, H_k)``. weights: ``(N, S)``, zero at padding, rows summing to 1.
    """

    def __init__(self, query_size: int, key_size: int) -> None:
        super().__init__()
        query_size = check_positive_int("query_size", query_size)
        key_size = check_positive_int("key_size", key_size)
        self.key_proj = nn.Linear(key_size, query_size, bias=False)

    def project_keys(self, keys: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """``W k_s`` for every position: ``(N, S, H_k) -> (N, S, H_q)``; padded keys zeroed first."""
        if mask is not None:
            keys = torch.where(mask[..., None], keys, torch.zeros_like(keys))
        return self.key_proj(keys)

    def forward(self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor,
                projected_keys: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        sizes = {"H_q": self.key_proj.out_features, "H_k": self.key_proj.in_features}
        check_tensor("query", query, ("N", "H_q"), sizes, dtype="float")
        check_tensor("keys", keys, ("N", "S", "H_k"), sizes, dtype="float")
        check_tensor("mask", mask, ("N", "S"), sizes, dtype="bool")
        real = mask[..., None]  # (N, S, 1): padding is selected away, never multiplied
        keys = torch.where(real, keys, torch.zeros_like(keys))
        if projected_keys is None:
            projected_keys = self.project_keys(keys)
        projected_keys = torch.where(real, projected_keys, torch.zeros_like(projected_keys))
        scores = torch.bmm(projected_keys, query[:, :, None]).squeeze(-1)  # (N, S): h^T W k_s
        weights = masked_softmax(scores, mask)  # (N, S)
        context = torch.bmm(weights[:, None, :], keys).squeeze(1)  # (N, H_k)
        return context, weights
