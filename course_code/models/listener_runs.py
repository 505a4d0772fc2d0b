"""Training runs of the listener on spoken symbols: one encoder, one seed, one curve.

The task is :func:`course_code.data.spoken_symbols.spoken_symbols` at one fixed
setting (:data:`TASK`); the splits are drawn once from :data:`DATA_SEED`, so every
run sees the same training, validation and test utterances. A run trains
:func:`course_code.models.listener.listener` with Adam on teacher-forced
cross-entropy, and every ``eval_every`` updates scores the validation split: the
loss, the accuracy of the teacher-forced next id, and the fraction of greedy
transcripts that are exactly right. The test split is scored once, at the end.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from course_code.data.pairs import PAD
from course_code.data.spoken_symbols import (
    FIRST_SYMBOL,
    spoken_symbols,
    symbol_prototypes,
)
from course_code.models.listener import ENCODER_KINDS, listener, transcript_accuracy
from course_code.shapes import check_positive_int, check_real
from course_code.training.masking import masked_accuracy, masked_sequence_cross_entropy

__all__ = ["DATA_SEED", "MODEL", "SPLITS", "TASK", "listener_run", "task_splits"]

TASK = {
    "num_symbols": 8,
    "feature_size": 8,
    "num_steps": 256,
    "min_symbols": 4,
    "max_symbols": 6,
    "min_hold": 10,
    "max_hold": 30,
    "min_pause": 2,
    "max_pause": 6,
    "noise": 1.0,
}
"""The task: 4 to 6 symbols of 8, each 10 to 30 frames of 8 features, in 256 frames."""
SPLITS = {"train": 4000, "validation": 300, "test": 300}
DATA_SEED = 0
MODEL = {
    "hidden_size": 32,
    "num_layers": 3,
    "attention_size": 32,
    "embedding_dim": 16,
    "mode": "lstm",
}
"""The listener: three BiLSTM layers of 32 units per direction, attention of 32."""


def task_splits(data_seed: int = DATA_SEED) -> dict[str, dict[str, torch.Tensor]]:
    """The prototypes and each split's utterances, each from its own stream of the seed.

    Returns:
        for ``"train"``, ``"validation"`` and ``"test"``: ``frames (M, T, D)``,
        ``decoder_input`` and ``decoder_target (M, U + 1)``, as tensors.
    """
    data_seed = check_positive_int("data_seed", data_seed, minimum=0)
    prototypes = symbol_prototypes(
        TASK["num_symbols"], TASK["feature_size"], np.random.default_rng([data_seed, 0])
    )
    task = {k: v for k, v in TASK.items() if k not in ("num_symbols", "feature_size")}
    splits = {}
    for stream, (name, size) in enumerate(SPLITS.items(), start=1):
        drawn = spoken_symbols(
            size, prototypes, np.random.default_rng([data_seed, stream]), **task
        )
        splits[name] = {
            "frames": torch.from_numpy(drawn.frames),
            "decoder_input": torch.from_numpy(drawn.decoder_input),
            "decoder_target": torch.from_numpy(drawn.decoder_target),
        }
    return splits


@torch.no_grad()
def _score(model, split: dict[str, torch.Tensor], chunk: int = 100) -> dict[str, float]:
    """Loss and next-id accuracy (teacher forced), and exact greedy transcripts."""
    model.eval()
    losses, correct, exact, steps = 0.0, 0.0, 0.0, 0
    M = len(split["frames"])
    for start in range(0, M, chunk):
        frames = split["frames"][start : start + chunk]
        dec_in = split["decoder_input"][start : start + chunk]
        target = split["decoder_target"][start : start + chunk]
        logits = model((frames, dec_in))
        mask = target != PAD
        real = int(mask.sum())
        losses += float(masked_sequence_cross_entropy(logits, target, mask)) * real
        correct += masked_accuracy(logits, target, mask) * real
        exact += transcript_accuracy(model, frames, target) * len(frames)
        steps += real
    model.train()
    return {
        "loss": losses / steps,
        "token_accuracy": correct / steps,
        "exact": exact / M,
    }


def listener_run(
    kind: str,
    seed: int,
    learning_rate: float,
    updates: int,
    eval_every: int,
    batch_size: int = 32,
    splits: dict | None = None,
) -> dict:
    """Train one listener and return its learning curve and final scores.

    Args:
        kind: the encoder, one of :data:`~course_code.models.listener.ENCODER_KINDS`.
        seed: seeds the initial weights and the order of the batches.
        learning_rate: Adam's.
        updates: how many updates of ``batch_size`` training utterances.
        eval_every: score the validation split after every this many updates.
        splits: as from :func:`task_splits` (drawn here if ``None``).

    Returns:
        a dict: the run's settings, ``eval_updates`` and, at each, the validation
        ``loss``, ``token_accuracy`` and ``exact`` (fractions, rounded to 6 digits);
        the final ``train_exact`` (on the first 300 training utterances),
        ``test_exact`` and ``test_token_accuracy``; ``parameters``; and
        ``cpu_seconds_per_update`` (training updates only; machine-dependent).

    Raises:
        ValueError: for an unknown kind or a count or rate out of range.
    """
    if kind not in ENCODER_KINDS:
        raise ValueError(f"kind must be one of {ENCODER_KINDS}, got {kind!r}")
    seed = check_positive_int("seed", seed, minimum=0)
    learning_rate = check_real("learning_rate", learning_rate, low=0.0, low_open=True)
    updates = check_positive_int("updates", updates)
    eval_every = check_positive_int("eval_every", eval_every)
    batch_size = check_positive_int("batch_size", batch_size)
    splits = task_splits() if splits is None else splits
    train = splits["train"]
    vocab_size = FIRST_SYMBOL + TASK["num_symbols"]
    model = listener(kind, TASK["feature_size"], vocab_size, seed=seed, **MODEL)
    optimiser = torch.optim.Adam(model.parameters(), lr=learning_rate)
    rng = np.random.default_rng(seed)
    M = len(train["frames"])
    order, position = rng.permutation(M), 0
    curve = {"eval_updates": [], "loss": [], "token_accuracy": [], "exact": []}
    cpu = 0.0
    for update in range(1, updates + 1):
        if position + batch_size > M:
            order, position = rng.permutation(M), 0
        index = torch.from_numpy(order[position : position + batch_size])
        position += batch_size
        start = time.process_time()
        target = train["decoder_target"][index]
        logits = model((train["frames"][index], train["decoder_input"][index]))
        loss = masked_sequence_cross_entropy(logits, target, target != PAD)
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimiser.step()
        cpu += time.process_time() - start
        if update % eval_every == 0 or update == updates:
            scores = _score(model, splits["validation"])
            curve["eval_updates"].append(update)
            for key, value in scores.items():
                curve[key].append(round(value, 6))
    train_subset = {k: v[:300] for k, v in train.items()}
    test = _score(model, splits["test"])
    return {
        "kind": kind,
        "seed": seed,
        "learning_rate": learning_rate,
        "updates": updates,
        "batch_size": batch_size,
        **curve,
        "train_exact": round(_score(model, train_subset)["exact"], 6),
        "test_exact": round(test["exact"], 6),
        "test_token_accuracy": round(test["token_accuracy"], 6),
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "cpu_seconds_per_update": round(cpu / updates, 4),
    }
