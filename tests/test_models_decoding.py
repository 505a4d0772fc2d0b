"""Greedy decoding and beam search: width 1 is greedy, wider beams score no lower, exhaustive beams are exact."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from course_code.data.number_words import number_pairs, split_numbers
from course_code.data.pairs import BOS, EOS, PAD, PairBatches, TokenVocabulary, encode_pairs
from course_code.models.decoding import beam_search, exact_match, greedy_decode, select_rows, sequence_log_prob
from course_code.nn.attention_seq2seq import AttentionSeq2Seq
from course_code.nn.seq2seq import Seq2Seq
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


def test_an_exhaustive_beam_finds_the_most_probable_output():
    """With a beam wider than all V^T outputs, beam search is exact: check against enumeration."""
    model = Seq2Seq(9, 5, 6, 8, seed=4)  # emittable tokens: <eos>, 3, 4
    source = _source(N=3)
    max_len = 3
    beam = beam_search(model, source, 50, max_len)
    candidates = []
    for length in range(1, max_len + 1):
        for body in itertools.product((3, 4), repeat=length - 1):
            candidates.append(list(body) + [EOS])
    candidates += [list(body) for body in itertools.product((3, 4), repeat=max_len)]  # unfinished at max_len
    ids = torch.tensor([c + [PAD] * (max_len - len(c)) for c in candidates])
    for n in range(source.shape[0]):
        scores = sequence_log_prob(model, source[n : n + 1].expand(len(ids), -1), ids)
        assert torch.isclose(beam.log_prob[n], scores.max(), atol=1e-5)
        best = ids[int(scores.argmax())]
        assert torch.equal(beam.ids[n, : len(best)], best[: beam.ids.shape[1]]) or torch.isclose(
            scores.max(), scores.topk(2).values[1], atol=1e-6)


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
    with pytest.raises(ValueError, match="source must be"):
        greedy_decode(model, torch.zeros(3, dtype=torch.int64), 5)
    with pytest.raises(ValueError, match="predicted and decoder_target"):
        exact_match(torch.zeros(2, 3), torch.zeros(3, 3))
