"""The encoder-decoder experiments on numbers in words: data splits, models, training, scores.

One recipe shared by the chapter, ``scripts/seq2seq_studies.py`` and the tests, so
that a row the script stores is the row a notebook or a test re-computes:

* :func:`number_task` draws a training, a validation and a test set of numbers
  (``"by_digits"``: held-out sets stratified by digit count, as in the chapter;
  ``"up_to_6_digits"``: train on at most 6 digits, test on 7 to 9;
  ``"up_to_10_words"``: train on sources of at most 10 words, test on 11 to 14);
* :func:`build_model` makes one of the chapter's models from a name and a seed (a
  name ending in ``"-reversed"`` reads its source words in reverse order, the control
  of Sutskever et al.);
* :func:`train` runs Adam with gradient-norm clipping at 1 on shuffled batches of 64,
  each call's batches seeded by the number of epochs already run;
* :func:`greedy_correct` scores a model by exact match of its greedy outputs.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch
from torch.nn import functional as F

from course_code.data.number_words import (
    digit_count,
    number_pairs,
    number_to_words,
    sample_numbers,
    split_by_digit_count,
)
from course_code.data.pairs import PAD, PairBatches, TokenVocabulary, encode_pairs
from course_code.models.attention_encoder import SelfAttentionEncoder
from course_code.models.attention_seq2seq import AttentionSeq2Seq
from course_code.models.decoding import exact_match, greedy_decode
from course_code.models.seq2seq import Seq2Seq
from course_code.reproducibility import seeded_init
from course_code.training import fit

__all__ = [
    "MAX_OUTPUT_LEN",
    "MODELS",
    "REVERSED_SUFFIX",
    "SPLITS",
    "NumberSet",
    "NumberTask",
    "build_model",
    "greedy_correct",
    "load_studies",
    "point_at",
    "study_rows",
    "run_plan",
    "number_task",
    "number_vocabularies",
    "seq2seq_loss",
    "train",
]

MAX_OUTPUT_LEN = 10  # nine digits and <eos>
SPLITS = ("by_digits", "up_to_6_digits", "up_to_10_words")
MODELS = ("init", "input", "both", "attention", "self-attention", "self-attention+positions",
          "both-reversed", "one-way", "one-way-reversed", "multiplicative-attention")
REVERSED_SUFFIX = "-reversed"  # models whose source words are read last word first


class NumberSet(NamedTuple):
    """One set of numbers and their encoded pairs.

    * ``numbers``: ``(M,)`` ``int64``; ``pairs``: their (words, digits) pairs;
    * ``source (M, S)``, ``decoder_input (M, T + 1)``, ``decoder_target (M, T + 1)``;
    * ``digits``: digit counts ``(M,)``; ``words``: source lengths in words ``(M,)``.
    """

    numbers: np.ndarray
    pairs: list
    source: torch.Tensor
    decoder_input: torch.Tensor
    decoder_target: torch.Tensor
    digits: np.ndarray
    words: np.ndarray


class NumberTask(NamedTuple):
    """The three sets of one split, and the two vocabularies."""

    train: NumberSet
    validation: NumberSet
    test: NumberSet
    source_vocab: TokenVocabulary
    target_vocab: TokenVocabulary


def number_vocabularies() -> tuple[TokenVocabulary, TokenVocabulary]:
    """The 31 number words and the 10 digits, each after ``<pad>``, ``<bos>``, ``<eos>``."""
    words = TokenVocabulary(w for n in range(1000) for w in number_to_words(n)
                            + ["thousand", "million"])
    return words, TokenVocabulary("0123456789")


def _encode(numbers: np.ndarray, words: TokenVocabulary, digits: TokenVocabulary,
            reverse_source: bool = False) -> NumberSet:
    pairs = number_pairs(numbers)
    if reverse_source:
        pairs = [(source[::-1], target) for source, target in pairs]
    source, decoder_input, decoder_target = encode_pairs(pairs, words, digits)
    lengths = np.array([len(w) for w, _ in pairs], dtype=np.int64)
    return NumberSet(np.asarray(numbers, dtype=np.int64), pairs, source, decoder_input,
                     decoder_target, digit_count(numbers), lengths)


def _split_by_words(seed: int, rng: np.random.Generator):
    pool = sample_numbers(12000, rng)
    short = [int(n) for n in pool if len(number_to_words(int(n))) <= 10]
    long = [int(n) for n in pool if len(number_to_words(int(n))) >= 11]
    return np.array(short[:4000]), np.array(short[4000:4400]), np.array(long[:800])


def number_task(split: str = "by_digits", seed: int = 0,
                reverse_source: bool = False) -> NumberTask:
    """Training, validation and test numbers of one split, drawn from ``seed``.

    Args:
        split: ``"by_digits"``: 4000 training numbers, and validation and test sets with
            55 and 110 numbers of every digit count 1 to 9, except 1 and 9 of the ten
            1-digit numbers and 9 and 18 of the two-digit ones;
            ``"up_to_6_digits"``: training and validation (55 per digit count) on 1 to 6
            digits, test 110 of each of 7, 8 and 9 digits;
            ``"up_to_10_words"``: training and validation on sources of at most 10
            words, test 800 sources of 11 to 14 words.
        seed: seeds the draw.
        reverse_source: give every source its words in reverse order ("two hundred
            five" becomes "five hundred two"); the numbers and targets are unchanged.

    Returns:
        a :class:`NumberTask`; no number is in two sets.
    """
    if not isinstance(reverse_source, bool):
        raise TypeError(f"reverse_source must be True or False, got {reverse_source!r}")
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    rng = np.random.default_rng(seed)
    if split == "by_digits":
        train, validation, test = split_by_digit_count(4000, (55, 110), rng)
    elif split == "up_to_6_digits":
        train, validation = split_by_digit_count(4000, (55,), rng, max_digits=6)
        test = np.concatenate([sample_numbers(110, rng, d, min_digits=d) for d in (7, 8, 9)])
    else:
        train, validation, test = _split_by_words(seed, rng)
    words, digits = number_vocabularies()
    sets = (_encode(numbers, words, digits, reverse_source)
            for numbers in (train, validation, test))
    return NumberTask(*sets, words, digits)


def build_model(kind: str, task: NumberTask, seed: int) -> torch.nn.Module:
    """One of the chapter's models, with initial weights from ``seed``.

    ``"init"``, ``"input"``, ``"both"``: :class:`~course_code.models.seq2seq.Seq2Seq`
    (bidirectional GRU encoder, ``H = 48``, embeddings of 32) conditioned that way;
    ``"attention"``: :class:`~course_code.models.attention_seq2seq.AttentionSeq2Seq`
    with the same sizes and ``A = 48``; ``"self-attention"`` and
    ``"self-attention+positions"``: the same decoder over a two-layer
    :class:`~course_code.models.attention_encoder.SelfAttentionEncoder` (``E = 64``,
    4 heads) without or with sinusoidal positions; ``"one-way"``: ``"both"`` with a
    left-to-right encoder (``H_k = 48`` instead of 96). A name ending in
    ``"-reversed"`` is the model before the suffix; :func:`run_plan` gives it its
    sources in reverse order. ``"multiplicative-attention"``: ``"attention"`` with
    Luong's score ``h^T W k`` in place of the additive one.
    """
    if kind not in MODELS:
        raise ValueError(f"kind must be one of {MODELS}, got {kind!r}")
    V_src, V_tgt = len(task.source_vocab), len(task.target_vocab)
    kind = kind.removesuffix(REVERSED_SUFFIX)
    if kind in ("init", "input", "both", "one-way"):
        conditioning = "both" if kind == "one-way" else kind
        return Seq2Seq(V_src, V_tgt, embedding_dim=32, hidden_size=48,
                       conditioning=conditioning, bidirectional=kind != "one-way", seed=seed)
    encoder = None
    if kind.startswith("self-attention"):
        positions = "sinusoidal" if kind.endswith("positions") else "none"
        with seeded_init(seed):
            encoder = SelfAttentionEncoder(V_src, embed_dim=64, num_heads=4, num_layers=2,
                                           feedforward_size=128, positions=positions)
    score = "multiplicative" if kind == "multiplicative-attention" else "additive"
    return AttentionSeq2Seq(V_src, V_tgt, embedding_dim=32, hidden_size=48, attention_size=48,
                            seed=seed, encoder=encoder, score=score)


def seq2seq_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the real target steps: logits ``(N, T, V)``, targets ``(N, T)``."""
    return F.cross_entropy(logits.transpose(1, 2), targets, ignore_index=PAD)


def train(model: torch.nn.Module, train_set: NumberSet, epochs: int, learning_rate: float,
          history=None, optimizer: torch.optim.Optimizer | None = None):
    """Train with Adam (created on the first call) and clipping at 1, batches of 64.

    Returns:
        ``(history, optimizer)``, to pass to the next call, which continues the run.
    """
    optimizer = optimizer or torch.optim.Adam(model.parameters(), lr=learning_rate)
    for group in optimizer.param_groups:
        group["lr"] = learning_rate
    data = (train_set.source, train_set.decoder_input, train_set.decoder_target)
    batches = PairBatches(*data, batch_size=64, seed=len(history.epochs) if history else 0)
    history = fit(model, seq2seq_loss, batches, optimizer, epochs=epochs, clip_grad_norm=1.0,
                  progress=False, history=history)
    return history, optimizer


def greedy_correct(model: torch.nn.Module, number_set: NumberSet) -> np.ndarray:
    """Whether the greedy output of each source is exactly right, ``<eos>`` included: ``(M,)``."""
    decoded = greedy_decode(model, number_set.source, max_len=MAX_OUTPUT_LEN)
    return exact_match(decoded.ids, number_set.decoder_target).numpy()


def _by_group(correct: np.ndarray, groups: np.ndarray) -> dict[str, list[int]]:
    """``{group: [number correct, number of examples]}`` for each value of ``groups``."""
    return {str(int(g)): [int(correct[groups == g].sum()), int((groups == g).sum())]
            for g in np.unique(groups)}


def run_plan(kind: str, split: str, seed: int, plan, detail_epochs=()) -> dict:
    """Train one model by a plan of ``(epochs, learning_rate)`` chunks, scoring after each.

    Args:
        kind: a name in ``MODELS`` (one ending in ``"-reversed"`` is trained and
            scored on reversed sources).
        split: a name in ``SPLITS`` (data seed 0).
        seed: the model's seed.
        plan: ``[(epochs, learning_rate), ...]``, run in order as one training run.
        detail_epochs: after these epoch counts, also record test exact match by digit
            count and by source length.

    Returns:
        a JSON-ready dict: ``points``, one per chunk, with the epoch count, the mean
        training loss of its last epoch and the number of exactly right greedy outputs
        on the training, validation and test sets; ``sizes``; and ``details``.
    """
    task = number_task(split, seed=0, reverse_source=kind.endswith(REVERSED_SUFFIX))
    model = build_model(kind, task, seed)
    history = optimizer = None
    points, details = [], {}
    for epochs, learning_rate in plan:
        history, optimizer = train(model, task.train, epochs, learning_rate, history, optimizer)
        done = len(history.epochs)
        correct = {name: greedy_correct(model, getattr(task, name))
                   for name in ("train", "validation", "test")}
        points.append({"epoch": done, "train_loss": round(history.epochs[-1]["train_loss"], 4),
                       **{f"{name}_correct": int(c.sum()) for name, c in correct.items()}})
        if done in detail_epochs:
            details[str(done)] = {"test_by_digits": _by_group(correct["test"], task.test.digits),
                                  "test_by_words": _by_group(correct["test"], task.test.words),
                                  "train_by_digits": _by_group(correct["train"],
                                                               task.train.digits)}
    sizes = {name: len(getattr(task, name).numbers) for name in ("train", "validation", "test")}
    return {"kind": kind, "split": split, "seed": seed, "points": points, "sizes": sizes,
            "details": details}


STUDIES_FILE = "seq2seq_studies.json"


def load_studies() -> list[dict]:
    """The rows ``scripts/seq2seq_studies.py`` stored (see :func:`run_plan` for a row)."""
    import json

    from course_code.data.files import data_file

    return json.loads(data_file(STUDIES_FILE).read_text())["rows"]


def study_rows(rows: list[dict], study: str, kind: str, split: str = "by_digits") -> list[dict]:
    """The rows of one study, model and split, sorted by seed."""
    found = [r for r in rows if r["study"] == study and r["kind"] == kind
             and r["split"] == split]
    return sorted(found, key=lambda r: r["seed"])


def point_at(row: dict, epoch: int) -> dict:
    """The scores a row recorded after ``epoch`` epochs."""
    for point in row["points"]:
        if point["epoch"] == epoch:
            return point
    raise ValueError(f"the {row['kind']} row of seed {row['seed']} has no point at "
                     f"epoch {epoch}")
