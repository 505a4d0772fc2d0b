"""The character language model of the training chapter, one run per (cell, seed).

A run trains :class:`~course_code.models.CharRNN` with a vanilla, LSTM or GRU
core on the Python-documentation text (:func:`~course_code.data.text.python_docs_text`,
the first 90 % for training), with an embedding of 32, Adam (``eta = 0.005``),
batches of 32 random windows of 50 characters and gradient norms clipped at 1,
and scores the validation perplexity on the last 10 % every ``eval_every``
updates. The weights are seeded by ``seed`` and the batches by ``seed + 1``
(seed 0 is the training chapter's first run).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from course_code.data.text import CharVocabulary, next_char_batch, python_docs_text
from course_code.models import CharRNN, text_cross_entropy
from course_code.nn.lstm import init_forget_gate_bias
from course_code.shapes import check_positive_int
from course_code.training import RandomBatches, fit, perplexity, sequence_cross_entropy

__all__ = ["CharLMRun", "char_lm_run", "text_split"]


@lru_cache(maxsize=1)
def text_split() -> tuple[int, np.ndarray, np.ndarray]:
    """``(V, train_ids, val_ids)``: the vocabulary size and the 90 / 10 split."""
    text = python_docs_text()
    vocab = CharVocabulary(text)
    ids = vocab.encode(text)
    split = int(0.9 * len(ids))
    return len(vocab), ids[:split], ids[split:]


@dataclass
class CharLMRun:
    """What one run did.

    Attributes:
        cell, seed, forget_gate_bias: the setting.
        parameters: the model's parameter count.
        losses: the training loss (nats) of every update.
        eval_steps: the updates after which the validation perplexity was scored.
        val_perplexity: the validation perplexity at each of ``eval_steps``.
    """

    cell: str
    seed: int
    forget_gate_bias: float | None
    parameters: int
    losses: list[float]
    eval_steps: list[int]
    val_perplexity: list[float]


def char_lm_run(
    cell: str,
    seed: int,
    updates: int,
    forget_gate_bias: float | None = None,
    *,
    eval_every: int = 100,
    hidden_size: int = 128,
) -> CharLMRun:
    """Train one character model for ``updates`` updates and score it as it goes.

    Args:
        cell: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        seed: seeds the weights; the batches use ``seed + 1``.
        updates: a positive multiple of ``eval_every``.
        forget_gate_bias: for ``"lstm"``: set ``b_f`` to this value (``None``:
            PyTorch's initialisation).
        eval_every: score the validation perplexity after every this many updates.
        hidden_size: ``H``.

    Returns:
        The :class:`CharLMRun`.

    Raises:
        ValueError: if ``updates`` is not a positive multiple of ``eval_every``, or
            for a forget-gate bias without an LSTM.
    """
    eval_every = check_positive_int("eval_every", eval_every)
    multiple = f"a positive multiple of eval_every={eval_every}"
    updates = check_positive_int("updates", updates, what=multiple)
    if updates % eval_every:
        raise ValueError(f"updates must be {multiple}, got {updates!r}")
    if forget_gate_bias is not None and cell != "lstm":
        raise ValueError(f"only an LSTM has a forget gate, got cell={cell!r}")
    vocab_size, train_ids, val_ids = text_split()
    model = CharRNN(vocab_size, hidden_size, 32, seed=seed, cell=cell)
    if forget_gate_bias is not None:
        with torch.no_grad():
            init_forget_gate_bias(model.rnn, forget_gate_bias)
    batches = RandomBatches(
        lambda rng: next_char_batch(train_ids, 32, 50, rng),
        batches_per_epoch=eval_every,
        seed=seed + 1,
    )
    history = fit(
        model,
        sequence_cross_entropy,
        batches,
        torch.optim.Adam(model.parameters(), lr=0.005),
        epochs=updates // eval_every,
        clip_grad_norm=1.0,
        eval_fn=lambda m: {"ppl": perplexity(text_cross_entropy(m, val_ids))},
        progress=False,
    )
    return CharLMRun(
        cell=cell,
        seed=seed,
        forget_gate_bias=forget_gate_bias,
        parameters=sum(p.numel() for p in model.parameters()),
        losses=list(history.losses),
        eval_steps=[eval_every * (k + 1) for k in range(updates // eval_every)],
        val_perplexity=[record["ppl"] for record in history.epochs],
    )
