"""Turning an encoder-decoder's step-by-step distributions into an output sequence.

A trained model gives ``p(y_t | y_{<t}, x)`` one step at a time. The output we want
is the most probable sequence, ``argmax_y log p(y | x) = sum_t log p(y_t | y_{<t}, x)``,
but there are ``V^T`` candidates. Two approximations:

* **greedy decoding** takes the most probable token at every step and feeds it back;
* **beam search** keeps the ``k`` most probable partial outputs (the *beam*), extends
  each by every token, and keeps the ``k`` best of the extensions. A hypothesis that
  emits ``<eos>`` while it is among the ``k`` best is finished; the search stops when
  no unfinished hypothesis can still beat the best finished one (scores only fall as
  tokens are added) or after ``max_len`` steps. With ``k = 1`` it is greedy decoding.

Both work with any model that has ``encode(source) -> state`` and
``decode_step(previous_ids (N,), state) -> (logits (N, V), state)``, where the
state is a ``NamedTuple`` of batch-first tensors (see :mod:`course_code.nn.seq2seq`).
A score is the sum of the log-probabilities of the tokens emitted, ``<eos>`` included.
``<pad>`` and ``<bos>`` are never emitted: their log-probabilities are set to ``-inf``
before a choice is made (a trained model gives them almost no probability anyway).
"""

from __future__ import annotations

from numbers import Integral
from typing import NamedTuple

import torch
from torch.nn import functional as F

from course_code.data.pairs import BOS, EOS, PAD

__all__ = ["Decoded", "beam_search", "exact_match", "greedy_decode", "select_rows", "sequence_log_prob"]


class Decoded(NamedTuple):
    """Decoded outputs of a batch.

    * ``ids``: ``(N, T)`` integer ids, each row ending at its ``<eos>`` and padded with
      ``PAD`` after it (a row without ``<eos>`` reached ``max_len``);
    * ``log_prob``: ``(N,)``, the model's log-probability of each row's tokens;
    * ``weights``: ``(N, T, S)``, the attention weights of every output step (zeros at ``PAD``
      steps), or ``None`` for a model whose state has no ``weights``.
    """

    ids: torch.Tensor
    log_prob: torch.Tensor
    weights: torch.Tensor | None


def select_rows(state: NamedTuple, index: torch.Tensor) -> NamedTuple:
    """The state of the rows ``index`` (reordering or repeating rows): every tensor field indexed on axis 0."""
    return type(state)(*(f.index_select(0, index) if isinstance(f, torch.Tensor) else f for f in state))


def _check(source: torch.Tensor, max_len) -> None:
    if not isinstance(source, torch.Tensor) or source.dim() != 2:
        raise ValueError(f"source must be a tensor of ids of shape (N, S), got {getattr(source, 'shape', source)!r}")
    if isinstance(max_len, bool) or not isinstance(max_len, Integral) or max_len < 1:
        raise ValueError(f"max_len must be a positive integer, got {max_len!r}")


def _log_probs(logits: torch.Tensor) -> torch.Tensor:
    """``log softmax(logits)`` over the whole vocabulary, with ``<pad>`` and ``<bos>`` ruled out: ``(N, V)``."""
    log_p = F.log_softmax(logits, dim=-1)
    log_p[:, [PAD, BOS]] = -float("inf")
    return log_p


def _weights_of(state) -> torch.Tensor | None:
    return getattr(state, "weights", None)


@torch.no_grad()
def greedy_decode(model, source: torch.Tensor, max_len: int) -> Decoded:
    """Emit the most probable token at every step, feeding each back in as the next input.

    Args:
        model: an encoder-decoder with ``encode`` and ``decode_step``.
        source: ids ``(N, S)``.
        max_len: the most tokens to emit per row, ``<eos>`` included.

    Returns:
        a :class:`Decoded`.
    """
    _check(source, max_len)
    was_training = model.training
    model.eval()
    state = model.encode(source)
    N = source.shape[0]
    previous = torch.full((N,), BOS, dtype=torch.int64)
    done = torch.zeros(N, dtype=torch.bool)
    score = torch.zeros(N)
    ids, weights = [], []
    for _ in range(max_len):
        logits, state = model.decode_step(previous, state)
        log_p = _log_probs(logits)  # (N, V)
        best = log_p.argmax(dim=-1)  # (N,): the first of any tied maxima
        score = score + torch.where(done, 0.0, log_p.gather(1, best[:, None])[:, 0])
        emitted = torch.where(done, PAD, best)
        ids.append(emitted)
        step_weights = _weights_of(state)
        if step_weights is not None:
            weights.append(torch.where(done[:, None], 0.0, step_weights))
        done = done | (best == EOS)
        previous = best  # the prediction, not the reference, is the next input
        if bool(done.all()):
            break
    model.train(was_training)
    return Decoded(torch.stack(ids, dim=1), score, torch.stack(weights, dim=1) if weights else None)


def _beam_one(model, source: torch.Tensor, beam_width: int, max_len: int):
    """Beam search for one source ``(1, S)``; returns ``(ids list, score, weights (T, S) or None)``."""
    state = model.encode(source)
    alive_ids = torch.zeros(1, 0, dtype=torch.int64)  # (B, t)
    alive_scores = torch.zeros(1)  # (B,)
    has_weights = _weights_of(state) is not None
    alive_weights = torch.zeros(1, 0, source.shape[1])  # (B, t, S)
    previous = torch.tensor([BOS])
    finished = []  # (score, ids, weights), in the order found
    for _ in range(max_len):
        logits, state = model.decode_step(previous, state)
        V = logits.shape[1]
        candidates = (alive_scores[:, None] + _log_probs(logits)).reshape(-1)  # (B V,)
        order = torch.sort(candidates, descending=True, stable=True).indices  # ties: lower index first
        step_weights = _weights_of(state) if has_weights else torch.zeros(len(previous), source.shape[1])
        for flat in order[:beam_width].tolist():  # an <eos> among the k best finishes a hypothesis
            if flat % V == EOS:
                b = flat // V
                finished.append((float(candidates[flat]), alive_ids[b].tolist() + [EOS],
                                 torch.cat([alive_weights[b], step_weights[b][None]])))
        keep = order[order % V != EOS][:beam_width]  # the k best extensions that go on
        rows, tokens = keep // V, keep % V
        alive_ids = torch.cat([alive_ids[rows], tokens[:, None]], dim=1)
        alive_weights = torch.cat([alive_weights[rows], step_weights[rows][:, None]], dim=1)
        alive_scores = candidates[keep]
        state = select_rows(state, rows)
        previous = tokens
        best_finished = max((f[0] for f in finished), default=-float("inf"))
        if best_finished >= float(alive_scores.max()):  # no unfinished hypothesis can catch up
            break
    else:  # max_len reached: unfinished hypotheses compete as they are
        finished += [(float(alive_scores[b]), alive_ids[b].tolist(), alive_weights[b]) for b in range(len(keep))]
    score, ids, weights = max(finished, key=lambda f: f[0])  # the first of tied maxima
    return ids, score, weights if has_weights else None


@torch.no_grad()
def beam_search(model, source: torch.Tensor, beam_width: int, max_len: int) -> Decoded:
    """Beam search with ``beam_width`` hypotheses, for every row of ``source`` in turn.

    Args:
        model: an encoder-decoder with ``encode`` and ``decode_step``.
        source: ids ``(N, S)``.
        beam_width: ``k >= 1``; ``k = 1`` gives exactly :func:`greedy_decode`'s output.
        max_len: the most tokens per output, ``<eos>`` included.

    Returns:
        a :class:`Decoded` holding each row's highest-scoring hypothesis.
    """
    _check(source, max_len)
    if isinstance(beam_width, bool) or not isinstance(beam_width, Integral) or beam_width < 1:
        raise ValueError(f"beam_width must be a positive integer, got {beam_width!r}")
    was_training = model.training
    model.eval()
    results = [_beam_one(model, source[n : n + 1], int(beam_width), max_len) for n in range(source.shape[0])]
    model.train(was_training)
    T = max(len(ids) for ids, _, _ in results)
    out = torch.full((len(results), T), PAD, dtype=torch.int64)
    for n, (ids, _, _) in enumerate(results):
        out[n, : len(ids)] = torch.tensor(ids, dtype=torch.int64)
    scores = torch.tensor([score for _, score, _ in results])
    weights = None
    if results[0][2] is not None:
        weights = torch.zeros(len(results), T, source.shape[1])
        for n, (_, _, w) in enumerate(results):
            weights[n, : len(w)] = w
    return Decoded(out, scores, weights)


@torch.no_grad()
def sequence_log_prob(model, source: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    """The model's log-probability of given outputs, by teacher forcing.

    Args:
        source: ``(N, S)``. ids: outputs ``(N, T)`` as in :class:`Decoded` (``PAD`` after ``<eos>``).

    Returns:
        ``(N,)``: ``sum_t log p(ids[:, t] | ids[:, <t], source)`` over the non-``PAD`` steps.
    """
    if ids.dim() != 2 or ids.shape[0] != source.shape[0]:
        raise ValueError(f"ids must have shape (N={source.shape[0]}, T), got {tuple(ids.shape)}")
    was_training = model.training
    model.eval()
    decoder_input = torch.cat([torch.full_like(ids[:, :1], BOS), ids[:, :-1]], dim=1)
    log_p = F.log_softmax(model((source, decoder_input)), dim=-1).gather(2, ids[:, :, None])[:, :, 0]
    model.train(was_training)
    return torch.where(ids == PAD, 0.0, log_p).sum(dim=1)


def exact_match(predicted: torch.Tensor, decoder_target: torch.Tensor) -> torch.Tensor:
    """Whether each predicted output equals its target token for token, up to and including ``<eos>``.

    Args:
        predicted: ``(N, T1)`` as in :class:`Decoded`. decoder_target: ``(N, T2)``,
            ``y_1 ... y_T <eos>`` padded with ``PAD`` (as from :func:`~course_code.data.pairs.encode_pairs`).

    Returns:
        booleans ``(N,)``.
    """
    if predicted.dim() != 2 or decoder_target.dim() != 2 or len(predicted) != len(decoder_target):
        raise ValueError(f"predicted and decoder_target must be (N, T) id tensors with the same N, got "
                         f"{tuple(predicted.shape)} and {tuple(decoder_target.shape)}")
    T = max(predicted.shape[1], decoder_target.shape[1])
    a = F.pad(predicted, (0, T - predicted.shape[1]), value=PAD)
    b = F.pad(decoder_target, (0, T - decoder_target.shape[1]), value=PAD)
    return (a == b).all(dim=1)
