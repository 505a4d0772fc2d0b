"""Sizes go through shapes.check_positive_int: not True, 0, 2.5 or "3"."""

import numpy as np
import pytest
import torch

from course_code.nn.output_recurrent import OutputRecurrentRNN
from course_code.nn.truncated_bptt import truncated_bptt_backward
from course_code.scratch import init_rnn_params
from course_code.scratch.truncation import chunked_bptt_gradients


@pytest.mark.parametrize("bad", [True, 0, 2.0])
def test_output_recurrent_rnn_sizes(bad):
    with pytest.raises(ValueError, match="hidden_size"):
        OutputRecurrentRNN(input_size=2, hidden_size=bad, num_classes=3)


@pytest.mark.parametrize("bad", [True, 0, 2.0])
def test_truncation_lengths(bad):
    rnn, readout = torch.nn.RNN(1, 4, batch_first=True), torch.nn.Linear(4, 2)
    x, targets = torch.zeros(2, 4, 1), torch.zeros(2, 4, dtype=torch.long)
    with pytest.raises(ValueError, match="k must be"):
        truncated_bptt_backward(rnn, readout, x, targets, k=bad)
    params = init_rnn_params(1, 4, 2, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="k must be"):
        chunked_bptt_gradients(
            params, np.zeros((2, 4, 1)), np.zeros((2, 4), dtype=int), k=bad
        )


# Every function whose checks moved to course_code.shapes, with each of its sizes
# (integers) and scales (positive reals). ``call(value)`` makes one valid call with
# that argument replaced; ``valid`` is a value that must run (None: too slow to run
# here; other tests run those functions).
def _rng():
    return np.random.default_rng(0)


def _tiny_seq2seq():
    from course_code.models.seq2seq import Seq2Seq

    return Seq2Seq(5, 6, embedding_dim=3, hidden_size=4, seed=0)


def _source():
    return torch.tensor([[3, 4, 2], [4, 2, 0]])


def _fit(**kwargs):
    from course_code.training.loop import fit

    model = torch.nn.Linear(2, 3)
    batches = [(torch.zeros(4, 2), torch.zeros(4, dtype=torch.long))]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    return fit(
        model,
        torch.nn.functional.cross_entropy,
        batches,
        optimizer,
        progress=False,
        **kwargs,
    )


def _size_cases():
    from course_code.data import classification, number_words, pairs, text, timeseries
    from course_code.models import (
        adding_runs,
        char_lm_runs,
        decoding,
        kneser_ney,
        ngram,
    )
    from course_code.models.attention_encoder import SelfAttentionEncoder
    from course_code.models.attention_seq2seq import AttentionSeq2Seq
    from course_code.models.seq2seq import ConditionedDecoder, Encoder, Seq2Seq
    from course_code.nn import self_attention as nn_attention
    from course_code.nn.sequence_costs import layer_costs
    from course_code.plots.backward_flow import draw_backward_flow
    from course_code.plots.curves import curve_figure
    from course_code.plots.families import draw_rnn_families
    from course_code.plots.unrolled import draw_unrolled_rnn
    from course_code.scratch import decoding as scratch_decoding
    from course_code.scratch import jacobians
    from course_code.scratch import self_attention as scratch_attention
    from course_code.training.adding_problem import train_on_adding_problem

    series = np.sin(np.arange(40.0))
    ids = np.array([0, 1, 2, 1, 0, 2, 1, 1])
    windows = np.ones((3, 12))
    x_attention = _rng().normal(size=(2, 3, 4))
    attention_params = scratch_attention.init_self_attention_params(4, _rng())

    def step(previous, h):
        return np.zeros((len(previous), 3)), h

    def pair_batches(batch_size):
        tokens = torch.ones(4, 3, dtype=torch.long)
        return pairs.PairBatches(tokens, tokens, tokens, batch_size, seed=0)

    return [
        ("nn causal_mask", "T", lambda v: nn_attention.causal_mask(v), 3),
        (
            "nn sinusoidal_positions",
            "T",
            lambda v: nn_attention.sinusoidal_positions(v, 4),
            3,
        ),
        (
            "nn sinusoidal_positions",
            "E",
            lambda v: nn_attention.sinusoidal_positions(3, v),
            4,
        ),
        ("SelfAttention", "embed_dim", lambda v: nn_attention.SelfAttention(v, 1), 4),
        ("SelfAttention", "num_heads", lambda v: nn_attention.SelfAttention(4, v), 2),
        ("layer_costs", "T", lambda v: layer_costs("gru", v, 4), 3),
        ("layer_costs", "E", lambda v: layer_costs("gru", 3, v), 4),
        ("OutputRecurrentRNN", "num_classes", lambda v: OutputRecurrentRNN(2, 3, v), 4),
        ("OutputRecurrentRNN", "input_size", lambda v: OutputRecurrentRNN(v, 3, 4), 2),
        (
            "scratch greedy_decode",
            "max_len",
            lambda v: scratch_decoding.greedy_decode(step, np.zeros((2, 4)), 1, 2, v),
            3,
        ),
        ("scratch causal_mask", "T", lambda v: scratch_attention.causal_mask(v), 3),
        (
            "scratch sinusoidal_positions",
            "T",
            lambda v: scratch_attention.sinusoidal_positions(v, 4),
            3,
        ),
        (
            "scratch sinusoidal_positions",
            "E",
            lambda v: scratch_attention.sinusoidal_positions(3, v),
            4,
        ),
        (
            "init_self_attention_params",
            "E",
            lambda v: scratch_attention.init_self_attention_params(v, _rng()),
            4,
        ),
        (
            "self_attention_forward",
            "num_heads",
            lambda v: scratch_attention.self_attention_forward(
                x_attention, **attention_params, num_heads=v
            ),
            2,
        ),
        (
            "matrix_with_spectral_radius",
            "size",
            lambda v: jacobians.matrix_with_spectral_radius(v, 0.9, _rng()),
            3,
        ),
        ("fit", "epochs", lambda v: _fit(epochs=v), 1),
        (
            "train_on_adding_problem",
            "test_every",
            lambda v: train_on_adding_problem(
                torch.nn.Linear(2, 1), length=4, steps=10, test_every=v
            ),
            None,
        ),
        (
            "greedy_decode",
            "max_len",
            lambda v: decoding.greedy_decode(_tiny_seq2seq(), _source(), v),
            3,
        ),
        (
            "beam_search",
            "beam_width",
            lambda v: decoding.beam_search(_tiny_seq2seq(), _source(), v, 3),
            2,
        ),
        (
            "beam_search",
            "max_len",
            lambda v: decoding.beam_search(_tiny_seq2seq(), _source(), 2, v),
            3,
        ),
        ("kneser_ney", "vocab_size", lambda v: kneser_ney.kneser_ney(ids, v, 2), 3),
        ("kneser_ney", "order", lambda v: kneser_ney.kneser_ney(ids, 3, v), 2),
        (
            "uniform_probabilities",
            "vocab_size",
            lambda v: ngram.uniform_probabilities(v),
            3,
        ),
        (
            "unigram_probabilities",
            "vocab_size",
            lambda v: ngram.unigram_probabilities(ids, v),
            3,
        ),
        ("Encoder", "hidden_size", lambda v: Encoder(5, 3, v), 4),
        (
            "ConditionedDecoder",
            "context_size",
            lambda v: ConditionedDecoder(5, 3, 4, v),
            8,
        ),
        ("Seq2Seq", "embedding_dim", lambda v: Seq2Seq(5, 6, embedding_dim=v), 3),
        (
            "SelfAttentionEncoder",
            "num_layers",
            lambda v: SelfAttentionEncoder(5, 4, 2, num_layers=v, feedforward_size=8),
            1,
        ),
        (
            "SelfAttentionEncoder",
            "feedforward_size",
            lambda v: SelfAttentionEncoder(5, 4, 2, num_layers=1, feedforward_size=v),
            8,
        ),
        (
            "AttentionSeq2Seq",
            "attention_size",
            lambda v: AttentionSeq2Seq(5, 6, 3, 4, attention_size=v),
            4,
        ),
        (
            "AttentionSeq2Seq",
            "target_vocab_size",
            lambda v: AttentionSeq2Seq(5, v, 3, 4, attention_size=4),
            6,
        ),
        (
            "char_lm_run",
            "updates",
            lambda v: char_lm_runs.char_lm_run("rnn", 0, v, eval_every=1),
            None,
        ),
        (
            "char_lm_run",
            "eval_every",
            lambda v: char_lm_runs.char_lm_run("rnn", 0, 6, eval_every=v),
            None,
        ),
        ("adding_run", "steps", lambda v: adding_runs.adding_run("rnn", 4, v, 0), None),
        (
            "adding_run",
            "eval_every",
            lambda v: adding_runs.adding_run("rnn", 4, 6, 0, eval_every=v),
            None,
        ),
        (
            "sliding_windows",
            "window",
            lambda v: timeseries.sliding_windows(series, v),
            3,
        ),
        (
            "forecast_windows",
            "window",
            lambda v: timeseries.forecast_windows(series, v, 5),
            3,
        ),
        (
            "forecast_windows",
            "num_test",
            lambda v: timeseries.forecast_windows(series, 3, v),
            5,
        ),
        (
            "moving_average_forecast",
            "k",
            lambda v: timeseries.moving_average_forecast(windows, v),
            3,
        ),
        (
            "seasonal_naive_forecast",
            "period",
            lambda v: timeseries.seasonal_naive_forecast(windows, v),
            4,
        ),
        (
            "sine_windows",
            "num_sequences",
            lambda v: timeseries.sine_windows(v, 5, _rng()),
            2,
        ),
        ("sine_windows", "length", lambda v: timeseries.sine_windows(2, v, _rng()), 5),
        (
            "sentiment_phrases",
            "num_phrases",
            lambda v: classification.sentiment_phrases(v, _rng()),
            3,
        ),
        (
            "numbers_with_digits",
            "digits",
            lambda v: number_words.numbers_with_digits(v),
            2,
        ),
        (
            "sample_numbers",
            "max_digits",
            lambda v: number_words.sample_numbers(3, _rng(), max_digits=v),
            2,
        ),
        ("PairBatches", "batch_size", pair_batches, 2),
        (
            "next_char_batch",
            "batch_size",
            lambda v: text.next_char_batch(ids, v, 3, _rng()),
            2,
        ),
        (
            "next_char_batch",
            "seq_len",
            lambda v: text.next_char_batch(ids, 2, v, _rng()),
            3,
        ),
        ("curve_figure", "rows", lambda v: _closed(curve_figure(rows=v)), 2),
        ("draw_rnn_families", "num_steps", lambda v: _closed(draw_rnn_families(v)), 3),
        ("draw_unrolled_rnn", "num_steps", lambda v: _closed(draw_unrolled_rnn(v)), 3),
        (
            "draw_backward_flow",
            "num_steps",
            lambda v: _closed(draw_backward_flow(v)),
            3,
        ),
    ]


def _scale_cases():
    from course_code.models.decoding import beam_search
    from course_code.models.sampling import sample_next
    from course_code.plots.curves import curve_figure
    from course_code.scratch import clipping, jacobians, optim, sampling

    params = init_rnn_params(1, 4, 2, rng=_rng())
    grads = init_rnn_params(1, 4, 2, rng=_rng())
    arrays = [np.ones(3), -np.ones((2, 2))]
    return [
        (
            "softmax_with_temperature",
            "temperature",
            lambda v: sampling.softmax_with_temperature(np.zeros((2, 3)), v),
        ),
        ("sample_next", "temperature", lambda v: sample_next(torch.zeros(2, 3), v)),
        ("sgd_step", "learning_rate", lambda v: optim.sgd_step(params, grads, v)),
        (
            "clip_by_global_norm",
            "max_norm",
            lambda v: clipping.clip_by_global_norm(arrays, v),
        ),
        (
            "clip_elementwise",
            "max_value",
            lambda v: clipping.clip_elementwise(arrays, v),
        ),
        (
            "matrix_with_spectral_radius",
            "radius",
            lambda v: jacobians.matrix_with_spectral_radius(3, v, _rng()),
        ),
        ("fit", "clip_grad_norm", lambda v: _fit(clip_grad_norm=v)),
        ("fit", "clip_grad_value", lambda v: _fit(clip_grad_value=v)),
        ("curve_figure", "row_height", lambda v: _closed(curve_figure(row_height=v))),
        (
            "beam_search",
            "length_penalty",  # a real number >= 0: 0 is fine, 0.5 too
            lambda v: beam_search(_tiny_seq2seq(), _source(), 2, 3, length_penalty=v),
        ),
    ]


def _closed(result):
    import matplotlib.pyplot as plt

    plt.close("all")
    return result


BAD_SIZES = {"True": True, "0": 0, "-1": -1, "2.5": 2.5, "'3'": "3", "None": None}
BAD_SCALES = {
    "True": True,
    "0": 0,
    "-1": -1,
    "'3'": "3",
    "nan": float("nan"),
    "inf": float("inf"),
}
NON_NEGATIVE = {"length_penalty"}  # 0 is a valid value of these
OPTIONAL = {"test_every"}  # None is a valid value of these


def _ids(cases):
    return [f"{label}:{name}" for label, name, *_ in cases]


SIZE_CASES = _size_cases()
SCALE_CASES = _scale_cases()


@pytest.mark.parametrize("label, name, call, valid", SIZE_CASES, ids=_ids(SIZE_CASES))
@pytest.mark.parametrize("how", sorted(BAD_SIZES))
def test_every_checked_size_rejects_what_is_not_a_size(label, name, call, valid, how):
    if how == "None" and name in OPTIONAL:
        return  # None is valid here: no test runs
    with pytest.raises((TypeError, ValueError)) as caught:
        call(BAD_SIZES[how])
    assert name in str(caught.value), f"{type(caught.value).__name__}: {caught.value}"


@pytest.mark.parametrize(
    "label, name, call, valid",
    [case for case in SIZE_CASES if case[3] is not None],
    ids=_ids([case for case in SIZE_CASES if case[3] is not None]),
)
def test_every_checked_size_accepts_a_size(label, name, call, valid):
    # the harness is right (only the broken argument fails above), and a NumPy
    # integer is a size: it gives a result of the same kind as the Python int
    assert type(call(np.int64(valid))) is type(call(valid))


@pytest.mark.parametrize("label, name, call", SCALE_CASES, ids=_ids(SCALE_CASES))
@pytest.mark.parametrize("how", sorted(BAD_SCALES))
def test_every_checked_scale_rejects_what_is_not_a_positive_number(
    label, name, call, how
):
    if name in NON_NEGATIVE and how == "0":
        call(0)
        return
    with pytest.raises((TypeError, ValueError)) as caught:
        call(BAD_SCALES[how])
    assert name in str(caught.value), f"{type(caught.value).__name__}: {caught.value}"


@pytest.mark.parametrize("label, name, call", SCALE_CASES, ids=_ids(SCALE_CASES))
def test_every_checked_scale_accepts_a_positive_number(label, name, call):
    assert type(call(np.float32(0.5))) is type(call(0.5))  # a NumPy float is a number
