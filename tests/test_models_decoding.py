"""Greedy decoding and beam search: width 1 is greedy, wider beams score no lower, exhaustive beams are exact."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from course_code.data.number_words import number_pairs, split_numbers
from course_code.data.pairs import BOS, EOS, PAD, PairBatches, TokenVocabulary, encode_pairs
from course_code.models.decoding import (
    beam_search,
    exact_match,
    exact_search,
    greedy_decode,
    select_rows,
    sequence_log_prob,
)
from course_code.models.attention_seq2seq import AttentionSeq2Seq
from course_code.models.seq2seq import Seq2Seq
from course_code.training import fit


def _source(N=6, S=5, V=9, seed=0):
    g = torch.Generator().manual_seed(seed)
    source = torch.randint(3, V, (N, S), generator=g)
    source[0, 2:] = PAD
    return source


@pytest.fixture(scope="module")
def trained():
    """A small attention model trained for two epochs on numbers up to 4 digits, and held-out sources."""
    torch.manual_seed(0)
    train, test = split_numbers(600, 40, np.random.default_rng(0), max_digits=4)
    pairs = number_pairs(train)
    words = TokenVocabulary(w for s, _ in number_pairs(range(10000)) for w in s)
    digits = TokenVocabulary("0123456789")
    model = AttentionSeq2Seq(len(words), len(digits), 16, 24, 16, seed=0)
    batches = PairBatches(*encode_pairs(pairs, words, digits), batch_size=32, seed=0)
    fit(model, lambda l, y: F.cross_entropy(l.transpose(1, 2), y, ignore_index=PAD), batches,
        torch.optim.Adam(model.parameters(), lr=3e-3), epochs=2, progress=False)
    return model, encode_pairs(number_pairs(test), words, digits)


def _random_models():
    return [Seq2Seq(9, 7, 6, 8, seed=s) for s in range(3)] + [AttentionSeq2Seq(9, 7, 6, 8, 5, seed=s) for s in range(3)]


@pytest.mark.parametrize("seed", range(6))
def test_beam_width_one_is_greedy(seed):
    model = _random_models()[seed]
    source = _source(seed=seed)
    greedy, beam = greedy_decode(model, source, 6), beam_search(model, source, 1, 6)
    assert torch.equal(greedy.ids, beam.ids)
    assert torch.allclose(greedy.log_prob, beam.log_prob, atol=1e-5)
    if greedy.weights is not None:
        assert torch.allclose(greedy.weights, beam.weights, atol=1e-6)


def test_beam_width_one_is_greedy_on_a_trained_model(trained):
    model, (source, _, target) = trained
    greedy, beam = greedy_decode(model, source, 6), beam_search(model, source, 1, 6)
    assert torch.equal(greedy.ids, beam.ids)


def test_a_wider_beam_is_a_heuristic_not_a_guarantee():
    """On untrained models a width-2 beam can drop greedy's prefix and end lower: the chapter says so."""
    worse = 0
    for seed, model in enumerate(_random_models()):
        source = _source(N=8, seed=10 + seed)
        greedy = greedy_decode(model, source, 6)
        worse += int((beam_search(model, source, 2, 6).log_prob < greedy.log_prob - 1e-3).sum())
    assert worse > 0


def test_wider_beams_never_score_below_greedy_on_a_trained_model(trained):
    model, (source, _, _) = trained
    greedy = greedy_decode(model, source, 6)
    for width in (2, 3, 5):
        beam = beam_search(model, source, width, 6)
        assert (beam.log_prob >= greedy.log_prob - 1e-5).all()


def test_scores_are_the_models_log_likelihood_of_the_output(trained):
    model, (source, _, _) = trained
    for decoded in (greedy_decode(model, source, 6), beam_search(model, source, 3, 6)):
        assert torch.allclose(sequence_log_prob(model, source, decoded.ids), decoded.log_prob, atol=1e-4)


def _finished_candidates(max_len, tokens=(3, 4)):
    """Every output of at most max_len tokens that ends in <eos>, padded: (M, max_len)."""
    candidates = []
    for length in range(1, max_len + 1):
        for body in itertools.product(tokens, repeat=length - 1):
            candidates.append(list(body) + [EOS])
    return torch.tensor([c + [PAD] * (max_len - len(c)) for c in candidates])


def _enumerated_best(model, source, max_len, length_penalty=0.0):
    """The best finished output of each row by brute force: (scores (N,), ids list)."""
    ids = _finished_candidates(max_len)
    lengths = (ids != PAD).sum(1).double()
    best_scores, best_ids = [], []
    for n in range(source.shape[0]):
        scores = sequence_log_prob(model, source[n : n + 1].expand(len(ids), -1), ids)
        ranking = scores.double() / lengths**length_penalty
        best = int(ranking.argmax())
        best_scores.append(float(scores[best]))
        best_ids.append([i for i in ids[best].tolist() if i != PAD])
    return best_scores, best_ids


def _rows(ids):
    return [[i for i in row if i != PAD] for row in ids.tolist()]


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_an_exhaustive_beam_and_exact_search_find_the_most_probable_output(seed):
    """A beam wider than all outputs, and exact search, against enumeration of every output."""
    model = Seq2Seq(9, 5, 6, 8, seed=seed)  # emittable tokens: <eos>, 3, 4
    source = _source(N=3)
    max_len = 4
    scores, ids = _enumerated_best(model, source, max_len)
    beam = beam_search(model, source, 50, max_len)
    exact, expansions = exact_search(model, source, max_len)
    for decoded in (beam, exact):
        assert torch.allclose(decoded.log_prob, torch.tensor(scores), atol=1e-5)
        assert _rows(decoded.ids) == ids
    assert (expansions >= 1).all() and (expansions <= 1 + 2 + 4 + 8).all()


@pytest.mark.parametrize("alpha", [0.5, 1.0, 2.0])
def test_length_normalised_exhaustive_beam_matches_enumeration(alpha):
    model = Seq2Seq(9, 5, 6, 8, seed=7)
    source = _source(N=3)
    scores, ids = _enumerated_best(model, source, 4, length_penalty=alpha)
    beam = beam_search(model, source, 50, 4, length_penalty=alpha)
    assert _rows(beam.ids) == ids
    assert torch.allclose(beam.log_prob, torch.tensor(scores), atol=1e-5)


def test_a_length_penalty_can_only_lengthen_the_chosen_output():
    """Dividing by length^alpha favours longer outputs: never a shorter one than alpha = 0."""
    for seed in range(3):
        model = Seq2Seq(9, 7, 6, 8, seed=seed)
        source = _source(N=8, seed=seed)
        plain = beam_search(model, source, 20, 5)
        normalised = beam_search(model, source, 20, 5, length_penalty=1.0)
        assert ((normalised.ids != PAD).sum(1) >= (plain.ids != PAD).sum(1)).all()


def test_exact_search_finds_what_greedy_and_beams_find_or_better(trained):
    model, (source, _, _) = trained
    exact, expansions = exact_search(model, source, 6)
    for decoded in (greedy_decode(model, source, 6), beam_search(model, source, 3, 6)):
        finished = (decoded.ids == EOS).any(1)
        assert (exact.log_prob[finished] >= decoded.log_prob[finished] - 1e-5).all()
    assert torch.allclose(sequence_log_prob(model, source, exact.ids), exact.log_prob, atol=1e-4)
    assert int(expansions.min()) >= 1
    with pytest.raises(RuntimeError, match="max_expansions"):
        exact_search(Seq2Seq(9, 7, 6, 8, seed=0), _source(), 6, max_expansions=1)


def test_beam_search_returns_an_unfinished_output_only_when_nothing_finished():
    model = Seq2Seq(9, 7, 6, 8, seed=0)
    source = _source(N=8)
    for max_len in (1, 2, 3):
        beam = beam_search(model, source, 2, max_len)
        greedy = greedy_decode(model, source, max_len)
        unfinished = ~(beam.ids == EOS).any(1)
        # a row without <eos> is one whose beam never had an <eos> among its k best
        for n in unfinished.nonzero()[:, 0].tolist():
            assert beam.ids.shape[1] == max_len
            wide = beam_search(model, source[n : n + 1], 2, max_len)
            assert torch.equal(wide.ids[0], beam.ids[n, : wide.ids.shape[1]])
        assert beam.ids.shape[0] == greedy.ids.shape[0]


def test_scores_follow_the_models_dtype():
    model = Seq2Seq(9, 7, 6, 8, seed=0).double()
    source = _source()
    assert greedy_decode(model, source, 5).log_prob.dtype == torch.float64
    assert beam_search(model, source, 2, 5).log_prob.dtype == torch.float64
    assert exact_search(model, source, 5)[0].log_prob.dtype == torch.float64
    assert beam_search(Seq2Seq(9, 7, 6, 8, seed=0), source, 2, 5).log_prob.dtype == torch.float32


def test_greedy_feeds_back_its_own_predictions_not_the_reference(trained):
    """Free-running: teacher forcing on the greedy output reproduces greedy's choices step by step."""
    model, (source, decoder_input, target) = trained
    greedy = greedy_decode(model, source, 6)
    fed = torch.cat([torch.full_like(greedy.ids[:, :1], BOS), greedy.ids[:, :-1]], dim=1)
    fed = torch.where(fed == PAD, EOS, fed)
    logits = model((source, fed))
    logits[:, :, [PAD, BOS]] = -float("inf")
    real = greedy.ids != PAD
    assert torch.equal(logits.argmax(-1)[real], greedy.ids[real])


def test_exact_match_and_weights(trained):
    model, (source, _, target) = trained
    greedy = greedy_decode(model, source, 6)
    assert exact_match(target, target).all()
    wrong = target.clone()
    wrong[0, 0] = 3 if wrong[0, 0] != 3 else 4
    assert not exact_match(wrong, target)[0] and exact_match(wrong, target)[1:].all()
    real = greedy.ids != PAD
    assert torch.allclose(greedy.weights.sum(-1)[real], torch.ones(int(real.sum())), atol=1e-6)
    assert (greedy.weights[~real] == 0).all()
    assert (greedy.weights.permute(0, 2, 1)[source == PAD] == 0).all()


def test_select_rows_and_errors():
    model = Seq2Seq(9, 7, 6, 8, seed=0)
    state = model.encode(_source())
    picked = select_rows(state, torch.tensor([2, 2, 0]))
    assert torch.equal(picked.h[0], state.h[2]) and torch.equal(picked.h[2], state.h[0])
    with pytest.raises(ValueError, match="max_len"):
        greedy_decode(model, _source(), 0)
    with pytest.raises(ValueError, match="beam_width"):
        beam_search(model, _source(), 0, 5)
    with pytest.raises(ValueError, match=r"source must have shape \(N, S\)"):
        greedy_decode(model, torch.zeros(3, dtype=torch.int64), 5)
    with pytest.raises(TypeError, match="source must be"):
        beam_search(model, [[3, 4]], 2, 5)
    with pytest.raises(ValueError, match="length_penalty"):
        beam_search(model, _source(), 2, 5, length_penalty=-1.0)
    with pytest.raises(ValueError, match="max_expansions"):
        exact_search(model, _source(), 5, max_expansions=0)
    with pytest.raises(ValueError, match="predicted and decoder_target"):
        exact_match(torch.zeros(2, 3), torch.zeros(3, 3))
