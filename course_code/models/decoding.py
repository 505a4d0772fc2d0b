"""Turning an encoder-decoder's step-by-step distributions into an output sequence.

A trained model gives ``p(y_t | y_{<t}, x)`` one step at a time. The output we want
is the most probable sequence, ``argmax_y log p(y | x) = sum_t log p(y_t | y_{<t}, x)``,
but there are ``V^T`` candidates. Three searches:

* **greedy decoding** takes the most probable token at every step and feeds it back;
* **beam search** keeps the ``k`` most probable partial outputs (the *beam*), extends
  each by every token, and keeps the ``k`` best of the extensions. A hypothesis that
  emits ``<eos>`` while it is among the ``k`` best is finished; the search stops when
  no unfinished hypothesis can still beat the best finished one, or after ``max_len``
  steps. With ``k = 1`` it is greedy decoding;
* **exact search** (:func:`exact_search`) expands partial outputs best first (uniform-cost
  search); since a prefix's score can only fall as tokens are added, the first
  finished output it takes off its queue is the most probable output of at most
  ``max_len`` tokens. It is cheap only when the model is confident, as on the
  chapter's task, and it is how search errors are told apart from model errors.

All work with any model that has ``encode(source) -> state`` and
``decode_step(previous_ids (N,), state) -> (logits (N, V), state)``, where the
state is a ``NamedTuple`` of batch-first tensors (see :mod:`course_code.models.seq2seq`).
A score is the sum of the log-probabilities of the tokens emitted, ``<eos>`` included,
in the dtype of the model's logits.
``<pad>`` and ``<bos>`` are never emitted: their log-probabilities are set to ``-inf``
before a choice is made (a trained model gives them almost no probability anyway).
A row that has not emitted ``<eos>`` after ``max_len`` tokens is *unfinished*; beam and
exact search return one only when no finished output was found.
"""

from __future__ import annotations

import heapq
import itertools
from typing import NamedTuple

import torch
from torch.nn import functional as F

from course_code.data.pairs import BOS, EOS, PAD
from course_code.shapes import check_positive_int, check_real, check_tensor

__all__ = [
    "Decoded",
    "beam_search",
    "exact_match",
    "exact_search",
    "greedy_decode",
    "select_rows",
    "sequence_log_prob",
]


class Decoded(NamedTuple):
    """Decoded outputs of a batch.

    * ``ids``: ``(N, T)`` integer ids, each row ending at its ``<eos>`` and padded with
      ``PAD`` after it (a row without ``<eos>`` reached ``max_len`` unfinished);
    * ``log_prob``: ``(N,)``, the model's log-probability of each row's tokens (not
      length-normalised), in the dtype of the model's logits;
    * ``weights``: ``(N, T, S)``, the attention weights of every output step (zeros at
      ``PAD`` steps), or ``None`` for a model whose state has no ``weights``.
    """

    ids: torch.Tensor
    log_prob: torch.Tensor
    weights: torch.Tensor | None


def select_rows(state: NamedTuple, index: torch.Tensor) -> NamedTuple:
    """The state of the rows ``index`` (reordering or repeating rows).

    Every tensor field is indexed on axis 0; other fields are kept as they are.
    """
    fields = (f.index_select(0, index) if isinstance(f, torch.Tensor) else f for f in state)
    return type(state)(*fields)


def _check(source: torch.Tensor, max_len) -> None:
    """A source of ids ``(N, S)``, or of feature vectors ``(N, S, D)`` (frames, say)."""
    if isinstance(source, torch.Tensor) and source.dim() == 3:
        check_tensor("source", source, ("N", "S", "D"), dtype="float")
    else:
        check_tensor("source", source, ("N", "S"))
    check_positive_int("max_len", max_len)


def _log_probs(logits: torch.Tensor) -> torch.Tensor:
    """``log softmax(logits)`` with ``<pad>`` and ``<bos>`` ruled out: ``(N, V)``."""
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
        source: ids ``(N, S)``, or features ``(N, S, D)`` for a model whose encoder
            reads them (the listener of :mod:`course_code.models.listener`).
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
    score = None
    ids, weights = [], []
    for _ in range(max_len):
        logits, state = model.decode_step(previous, state)
        log_p = _log_probs(logits)  # (N, V)
        if score is None:
            score = log_p.new_zeros(N)
        best = log_p.argmax(dim=-1)  # (N,): the first of any tied maxima
        step_score = log_p.gather(1, best[:, None])[:, 0]
        score = score + torch.where(done, torch.zeros_like(step_score), step_score)
        ids.append(torch.where(done, PAD, best))
        step_weights = _weights_of(state)
        if step_weights is not None:
            weights.append(torch.where(done[:, None], 0.0, step_weights))
        done = done | (best == EOS)
        previous = best  # the prediction, not the reference, is the next input
        if bool(done.all()):
            break
    model.train(was_training)
    stacked_weights = torch.stack(weights, dim=1) if weights else None
    return Decoded(torch.stack(ids, dim=1), score, stacked_weights)


def _normalised(score: float, length: int, length_penalty: float) -> float:
    """The score a finished hypothesis is ranked by: ``score / length^alpha``."""
    return score / length**length_penalty if length_penalty else score


def _beam_one(model, source: torch.Tensor, beam_width: int, max_len: int,
              length_penalty: float = 0.0):
    """Beam search for one source ``(1, S)``.

    Returns:
        ``(ids list, score, weights (T, S) or None)``; ``score`` is the raw sum of
        log-probabilities.
    """
    state = model.encode(source)
    S = source.shape[1]
    has_weights = _weights_of(state) is not None
    alive_ids = torch.zeros(1, 0, dtype=torch.int64)  # (B, t)
    alive_scores = None  # (B,), in the logits' dtype
    alive_weights = torch.zeros(1, 0, S)  # (B, t, S)
    previous = torch.tensor([BOS])
    finished = []  # (ranking score, raw score, ids, weights), in the order found
    for t in range(1, max_len + 1):
        logits, state = model.decode_step(previous, state)
        V = logits.shape[1]
        if alive_scores is None:
            alive_scores = logits.new_zeros(1)
        candidates = (alive_scores[:, None] + _log_probs(logits)).reshape(-1)  # (B V,)
        order = torch.sort(candidates, descending=True, stable=True).indices  # ties: lower first
        step_weights = _weights_of(state) if has_weights else torch.zeros(len(previous), S)
        step_weights = step_weights.to(alive_weights.dtype)
        for flat in order[:beam_width].tolist():  # an <eos> among the k best finishes
            if flat % V == EOS:
                b = flat // V
                raw = float(candidates[flat])
                finished.append((_normalised(raw, t, length_penalty), raw,
                                 alive_ids[b].tolist() + [EOS],
                                 torch.cat([alive_weights[b], step_weights[b][None]])))
        keep = order[order % V != EOS][:beam_width]  # the k best extensions that go on
        rows, tokens = keep // V, keep % V
        alive_ids = torch.cat([alive_ids[rows], tokens[:, None]], dim=1)
        alive_weights = torch.cat([alive_weights[rows], step_weights[rows][:, None]], dim=1)
        alive_scores = candidates[keep]
        state = select_rows(state, rows)
        previous = tokens
        best_finished = max((f[0] for f in finished), default=-float("inf"))
        # Scores only fall as tokens are added, so an unfinished hypothesis ends at most
        # at its score now; normalised by a length of at most max_len, at most that
        # divided by max_len^alpha (scores are <= 0).
        best_alive = _normalised(float(alive_scores.max()), max_len, length_penalty)
        if best_finished >= best_alive:  # no unfinished hypothesis can catch up
            break
    if not finished:  # max_len reached with nothing finished: the best unfinished one
        b = int(alive_scores.argmax())
        raw = float(alive_scores[b])
        finished.append((raw, raw, alive_ids[b].tolist(), alive_weights[b]))
    _, score, ids, weights = max(finished, key=lambda f: f[0])  # the first of tied maxima
    return ids, score, weights if has_weights else None


def _collect(results, source: torch.Tensor, dtype: torch.dtype) -> Decoded:
    """One :class:`Decoded` from per-row ``(ids, score, weights)`` results."""
    T = max(len(ids) for ids, _, _ in results)
    out = torch.full((len(results), T), PAD, dtype=torch.int64)
    for n, (ids, _, _) in enumerate(results):
        out[n, : len(ids)] = torch.tensor(ids, dtype=torch.int64)
    scores = torch.tensor([score for _, score, _ in results], dtype=dtype)
    weights = None
    if results[0][2] is not None:
        weights = torch.zeros(len(results), T, source.shape[1])
        for n, (_, _, w) in enumerate(results):
            weights[n, : len(w)] = w
    return Decoded(out, scores, weights)


def _logits_dtype(model, source: torch.Tensor) -> torch.dtype:
    state = model.encode(source[:1])
    return model.decode_step(torch.tensor([BOS]), state)[0].dtype


@torch.no_grad()
def beam_search(model, source: torch.Tensor, beam_width: int, max_len: int,
                length_penalty: float = 0.0) -> Decoded:
    """Beam search with ``beam_width`` hypotheses, for every row of ``source`` in turn.

    Args:
        model: an encoder-decoder with ``encode`` and ``decode_step``.
        source: ids ``(N, S)``.
        beam_width: ``k >= 1``; ``k = 1`` gives exactly :func:`greedy_decode`'s output.
        max_len: the most tokens per output, ``<eos>`` included.
        length_penalty: ``alpha >= 0``. Finished hypotheses are ranked by
            ``score / length^alpha`` (``length`` counts ``<eos>``); ``0`` ranks them by
            their log-probability. The beam itself is always pruned by log-probability.

    Returns:
        a :class:`Decoded` holding each row's best finished hypothesis (its unnormalised
        log-probability in ``log_prob``); a row reaches ``max_len`` unfinished only if
        no hypothesis finished.

    Raises:
        ValueError: if an argument is out of range.
    """
    _check(source, max_len)
    beam_width = check_positive_int("beam_width", beam_width)
    check_real("length_penalty", length_penalty, low=0.0, high=float("inf"),
               high_open=True)
    was_training = model.training
    model.eval()
    results = [_beam_one(model, source[n : n + 1], beam_width, max_len, float(length_penalty))
               for n in range(source.shape[0])]
    dtype = _logits_dtype(model, source)
    model.train(was_training)
    return _collect(results, source, dtype)


def _exact_one(model, source: torch.Tensor, max_len: int, max_expansions: int):
    """Uniform-cost search for one source ``(1, S)``: ``(ids, score, weights, expansions)``."""
    state = model.encode(source)
    has_weights = _weights_of(state) is not None
    tie = itertools.count()  # equal costs leave the queue in the order they entered it
    queue = [(0.0, next(tie), [], state, [])]  # (cost = -score, tie, prefix, state, weights)
    expansions = 0
    while queue:
        cost, _, prefix, state, weights = heapq.heappop(queue)
        if prefix and prefix[-1] == EOS:
            stacked = torch.stack(weights) if has_weights else None
            return prefix, -cost, stacked, expansions
        if len(prefix) == max_len:
            continue  # cannot finish within max_len
        if expansions == max_expansions:
            raise RuntimeError(f"exact_search stopped after max_expansions={max_expansions} "
                               "expansions without a finished output; raise max_expansions")
        expansions += 1
        previous = torch.tensor([prefix[-1] if prefix else BOS])
        logits, next_state = model.decode_step(previous, state)
        log_p = _log_probs(logits)[0].tolist()
        step_weights = [_weights_of(next_state)[0]] if has_weights else []
        for token, lp in enumerate(log_p):
            if lp > -float("inf"):
                heapq.heappush(queue, (cost - lp, next(tie), prefix + [token], next_state,
                                       weights + step_weights))
    return None


@torch.no_grad()
def exact_search(model, source: torch.Tensor, max_len: int,
                 max_expansions: int = 10_000) -> tuple[Decoded, torch.Tensor]:
    """The most probable output of at most ``max_len`` tokens, found by uniform-cost search.

    Partial outputs wait in a priority queue ordered by score; the best is taken off and
    extended by every token. Because adding a token never raises a score, the first
    finished output (one ending in ``<eos>``) taken off the queue is the exact
    ``argmax_y log p(y | x)`` among outputs of at most ``max_len`` tokens: what beam
    search approximates.

    Args:
        model: an encoder-decoder with ``encode`` and ``decode_step``.
        source: ids ``(N, S)``.
        max_len: the most tokens per output, ``<eos>`` included.
        max_expansions: the most prefixes one row may extend before the search gives up.

    Returns:
        ``(decoded, expansions)``: a :class:`Decoded`, and the number of prefixes each
        row extended, ``(N,)`` ``int64`` (a measure of the search's cost).

    Raises:
        RuntimeError: if a row needs more than ``max_expansions`` expansions.
        ValueError: if an argument is out of range.
    """
    _check(source, max_len)
    max_expansions = check_positive_int("max_expansions", max_expansions)
    was_training = model.training
    model.eval()
    results, counts = [], []
    for n in range(source.shape[0]):
        found = _exact_one(model, source[n : n + 1], max_len, max_expansions)
        if found is None:  # no output can finish: every prefix reached max_len
            raise RuntimeError(f"exact_search: row {n} has no output that ends within "
                               f"max_len={max_len} tokens")
        ids, score, weights, expansions = found
        results.append((ids, score, weights))
        counts.append(expansions)
    dtype = _logits_dtype(model, source)
    model.train(was_training)
    return _collect(results, source, dtype), torch.tensor(counts, dtype=torch.int64)


@torch.no_grad()
def sequence_log_prob(model, source: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    """The model's log-probability of given outputs, by teacher forcing.

    Args:
        model: an encoder-decoder called as ``model((source, decoder_input))``.
        source: ``(N, S)``.
        ids: outputs ``(N, T)`` as in :class:`Decoded` (``PAD`` after ``<eos>``).

    Returns:
        ``(N,)``: ``sum_t log p(ids[:, t] | ids[:, <t], source)`` over the non-``PAD``
        steps.
    """
    _check(source, 1)
    if not isinstance(ids, torch.Tensor) or ids.dim() != 2 or ids.shape[0] != source.shape[0]:
        raise ValueError(f"ids must be a tensor of shape (N={source.shape[0]}, T), "
                         f"got {getattr(ids, 'shape', type(ids).__name__)}")
    was_training = model.training
    model.eval()
    decoder_input = torch.cat([torch.full_like(ids[:, :1], BOS), ids[:, :-1]], dim=1)
    log_p = F.log_softmax(model((source, decoder_input)), dim=-1)
    log_p = log_p.gather(2, ids[:, :, None])[:, :, 0]
    model.train(was_training)
    return torch.where(ids == PAD, torch.zeros_like(log_p), log_p).sum(dim=1)


def exact_match(predicted: torch.Tensor, decoder_target: torch.Tensor) -> torch.Tensor:
    """Whether each output equals its target token for token, up to and including ``<eos>``.

    Args:
        predicted: ``(N, T1)`` as in :class:`Decoded`.
        decoder_target: ``(N, T2)``, ``y_1 ... y_T <eos>`` padded with ``PAD`` (as from
            :func:`~course_code.data.pairs.encode_pairs`).

    Returns:
        booleans ``(N,)``.
    """
    if not (isinstance(predicted, torch.Tensor) and isinstance(decoder_target, torch.Tensor)) \
            or predicted.dim() != 2 or decoder_target.dim() != 2 \
            or len(predicted) != len(decoder_target):
        raise ValueError("predicted and decoder_target must be (N, T) id tensors with the "
                         f"same N, got {getattr(predicted, 'shape', predicted)!r} and "
                         f"{getattr(decoder_target, 'shape', decoder_target)!r}")
    T = max(predicted.shape[1], decoder_target.shape[1])
    a = F.pad(predicted, (0, T - predicted.shape[1]), value=PAD)
    b = F.pad(decoder_target, (0, T - decoder_target.shape[1]), value=PAD)
    return (a == b).all(dim=1)
