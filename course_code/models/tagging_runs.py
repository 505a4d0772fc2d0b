"""Seeded training runs on the tagging task, one function call per run.

The chapter on deep and bidirectional RNNs compares taggers over several
seeds: left-to-right, bidirectional, left-to-right with a delayed output, and
stacks of different depths with and without residual connections. Every run
is one call of :func:`train_tagger` with a :class:`TaggerSpec`, a seed and the
data, so the runs can go to a process pool (:func:`course_code.sweeps.run_jobs`)
and give the same numbers in any order. The seed sets the initial weights and
the order of the batches; the data are the same for every seed.

The model is an embedding of ``D`` features, a
:class:`~course_code.models.residual_stack.ResidualRNNStack` and a linear
read-out at every step, trained with Adam on the masked cross-entropy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from course_code.data.delayed_outputs import delay_outputs
from course_code.data.tagging import PAD_ID, TAGS, VOCABULARY, make_tagging_batch
from course_code.models.residual_stack import ResidualRNNStack
from course_code.reproducibility import seeded_init
from course_code.training import ShuffledBatches, fit
from course_code.training.masking import masked_accuracy, masked_sequence_cross_entropy

__all__ = ["WAIT_ID", "StackTagger", "TaggerSpec", "tagging_splits", "train_tagger"]

WAIT_ID = len(VOCABULARY)  # the token a delayed tagger reads after a sentence's end


@dataclass(frozen=True)
class TaggerSpec:
    """One tagger and its training recipe.

    Attributes:
        mode: ``"rnn"``, ``"gru"`` or ``"lstm"``.
        hidden_size: ``H`` per direction.
        bidirectional: read in both directions.
        num_layers: ``L``.
        residual: residual connections between the layers (for ``L > 1``).
        delay: emit the tag of word ``t`` at step ``t + delay`` (left-to-right only).
        embedding_dim: ``D``.
        epochs: passes over the training sentences.
        batch_size: sentences per update.
        lr: Adam's learning rate.
        clip_grad_norm: clip the global gradient norm to this, or ``None``.
    """

    mode: str = "gru"
    hidden_size: int = 32
    bidirectional: bool = False
    num_layers: int = 1
    residual: bool = False
    delay: int = 0
    embedding_dim: int = 16
    epochs: int = 6
    batch_size: int = 64
    lr: float = 0.01
    clip_grad_norm: float | None = None

    def __post_init__(self) -> None:
        if self.delay and self.bidirectional:
            raise ValueError(
                "a delayed output is a baseline for left-to-right taggers; "
                "got delay > 0 with bidirectional=True"
            )


class StackTagger(nn.Module):
    """Embedding, a (residual) recurrent stack and a per-step linear read-out.

    Inputs: token ids ``(N, T)``, padded at the end with ``PAD_ID``.

    Outputs: logits ``(N, T, V)`` over the tags.
    """

    def __init__(self, spec: TaggerSpec, seed: int) -> None:
        super().__init__()
        width = spec.hidden_size * (2 if spec.bidirectional else 1)
        with seeded_init(seed):
            self.embedding = nn.Embedding(
                len(VOCABULARY) + 1, spec.embedding_dim
            )  # + wait
            self.stack = ResidualRNNStack(
                spec.mode,
                spec.embedding_dim,
                spec.hidden_size,
                spec.num_layers,
                spec.bidirectional,
                spec.residual,
            )
            self.readout = nn.Linear(width, len(TAGS))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        lengths = (tokens != PAD_ID).sum(dim=1)  # (N,): padding sits at the end
        return self.readout(self.stack(self.embedding(tokens), lengths))  # (N, T, V)


def tagging_splits(seed: int, sizes: tuple[int, int, int] = (2000, 500, 500)) -> dict:
    """Training, validation and test sentences of the tagging task, drawn from one seed.

    Returns:
        ``{"train": ..., "validation": ..., "test": ...}``, each a triple
        ``(tokens (N, T), tags (N, T), lengths (N,))`` as made by
        :func:`~course_code.data.tagging.make_tagging_batch`.
    """
    rng = np.random.default_rng(seed)
    return {
        name: make_tagging_batch(size, rng)
        for name, size in zip(("train", "validation", "test"), sizes)
    }


def _tensors(split: tuple, delay: int) -> tuple[torch.Tensor, torch.Tensor]:
    tokens, tags, lengths = split
    tokens, tags = delay_outputs(tokens, tags, lengths, delay, WAIT_ID)
    return torch.from_numpy(tokens), torch.from_numpy(tags)


def train_tagger(spec: TaggerSpec, seed: int, splits: dict) -> dict:
    """Train one tagger; return its validation curve and its test accuracy.

    Args:
        spec: the model and recipe.
        seed: the initial weights and the order of the batches.
        splits: as returned by :func:`tagging_splits`.

    Returns:
        A dict: ``"validation"`` (accuracy on the validation words after each
        epoch, a list), ``"test"`` and ``"test_names"`` (accuracy on all test
        words and on the names after the last epoch), ``"parameters"`` and
        ``"updates_per_epoch"``.
    """
    x_train, y_train = _tensors(splits["train"], spec.delay)
    x_val, y_val = _tensors(splits["validation"], spec.delay)
    x_test, y_test = _tensors(splits["test"], spec.delay)
    model = StackTagger(spec, seed)
    batches = ShuffledBatches(x_train, y_train, batch_size=spec.batch_size, seed=seed)

    def validation(trained: nn.Module) -> dict[str, float]:
        with torch.no_grad():
            return {"accuracy": masked_accuracy(trained(x_val), y_val)}

    history = fit(
        model,
        masked_sequence_cross_entropy,
        batches,
        torch.optim.Adam(model.parameters(), lr=spec.lr),
        epochs=spec.epochs,
        clip_grad_norm=spec.clip_grad_norm,
        eval_fn=validation,
        progress=False,
    )
    with torch.no_grad():
        logits = model(x_test)
    return {
        "validation": [record["accuracy"] for record in history.epochs],
        "test": masked_accuracy(logits, y_test),
        "test_names": masked_accuracy(logits, y_test, y_test > 0),
        "parameters": sum(p.numel() for p in model.parameters()),
        "updates_per_epoch": len(batches),
    }
