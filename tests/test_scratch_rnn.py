"""The NumPy vanilla RNN: its equations, its shape checks, and the worked example."""

import math

import numpy as np
import pytest

from course_code.examples import three_step_example
from course_code.scratch import init_rnn_params, output_layer, rnn_forward, rnn_step_forward, softmax


def random_problem(N=3, T=4, D=5, H=6, seed=0):
    rng = np.random.default_rng(seed)
    params = init_rnn_params(D, H, 2, rng)
    x = rng.standard_normal((N, T, D))
    h0 = rng.standard_normal((N, H))
    return params, x, h0


def test_step_matches_the_equation_written_per_sequence():
    params, x, h0 = random_problem()
    h, cache = rnn_step_forward(x[:, 0], h0, params.W_xh, params.W_hh, params.b_h)
    for n in range(x.shape[0]):  # column-vector form, one sequence at a time
        expected = np.tanh(params.W_xh @ x[n, 0] + params.W_hh @ h0[n] + params.b_h)
        np.testing.assert_allclose(h[n], expected, rtol=1e-12)
    assert cache.h is h and cache.h_prev is h0


def test_relu_step():
    params, x, h0 = random_problem()
    h, _ = rnn_step_forward(x[:, 0], h0, params.W_xh, params.W_hh, params.b_h, nonlinearity="relu")
    np.testing.assert_allclose(h, np.maximum(x[:, 0] @ params.W_xh.T + h0 @ params.W_hh.T + params.b_h, 0))
    assert (h >= 0).all() and (h == 0).any()


def test_sequence_equals_repeated_steps_with_the_same_weights():
    params, x, h0 = random_problem(T=7)
    h_all, cache = rnn_forward(x, h0, params.W_xh, params.W_hh, params.b_h)
    assert h_all.shape == (3, 7, 6)
    h = h0
    for t in range(7):
        h, _ = rnn_step_forward(x[:, t], h, params.W_xh, params.W_hh, params.b_h)
        np.testing.assert_allclose(h_all[:, t], h, rtol=1e-12)
    assert cache.h is h_all


def test_state_is_carried_between_steps():
    """Changing only x_1 must change every later hidden state."""
    params, x, h0 = random_problem(T=5)
    h_a, _ = rnn_forward(x, h0, params.W_xh, params.W_hh, params.b_h)
    x_b = x.copy()
    x_b[:, 0] += 1.0
    h_b, _ = rnn_forward(x_b, h0, params.W_xh, params.W_hh, params.b_h)
    assert (np.abs(h_a - h_b).max(axis=(0, 2)) > 1e-6).all()


@pytest.mark.parametrize("N,T,D,H", [(1, 1, 1, 1), (1, 6, 3, 2), (4, 1, 2, 7)])
def test_edge_sizes_run_and_keep_float32(N, T, D, H):
    rng = np.random.default_rng(1)
    params = init_rnn_params(D, H, 3, rng, dtype=np.float32)
    x = rng.standard_normal((N, T, D)).astype(np.float32)
    h, _ = rnn_forward(x, np.zeros((N, H), np.float32), params.W_xh, params.W_hh, params.b_h)
    assert h.shape == (N, T, H) and h.dtype == np.float32
    assert output_layer(h, params.W_hy, params.b_y).shape == (N, T, 3)


def test_parameter_count_does_not_depend_on_sequence_length():
    params = init_rnn_params(5, 6, 4, np.random.default_rng(0))
    assert params.num_parameters() == 6 * 5 + 6 * 6 + 6 + 4 * 6 + 4


def test_initialisation_bound_and_seed():
    a = init_rnn_params(3, 16, 2, np.random.default_rng(7))
    b = init_rnn_params(3, 16, 2, np.random.default_rng(7))
    np.testing.assert_array_equal(a.W_hh, b.W_hh)
    assert np.abs(a.W_hh).max() <= 1 / math.sqrt(16)
    with pytest.raises(ValueError, match="hidden_size must be a positive integer, got 0"):
        init_rnn_params(3, 0, 2, np.random.default_rng(0))


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(x=np.zeros((3, 4))), r"x must have shape \(N, T, D\), got shape \(3, 4\)"),
        (dict(h0=np.zeros((2, 6))), r"h0 must have shape \(N=3, H\), got shape \(2, 6\)"),
        (dict(W_xh=np.zeros((6, 4))), r"W_xh must have shape \(H=6, D=5\), got shape \(6, 4\)"),
        (dict(W_hh=np.zeros((6, 5))), r"W_hh must have shape \(H=6, H=6\), got shape \(6, 5\)"),
        (dict(b_h=np.zeros((1, 6))), r"b_h must have shape \(H=6,\), got shape \(1, 6\)"),
        (dict(x=np.zeros((3, 4, 5), dtype=int)), "x must be a floating-point array, got dtype int64"),
        (dict(nonlinearity="sigmoid"), "nonlinearity must be one of"),
    ],
)
def test_rnn_forward_rejects_bad_input(change, message):
    params, x, h0 = random_problem()
    args = dict(x=x, h0=h0, W_xh=params.W_xh, W_hh=params.W_hh, b_h=params.b_h)
    args.update(change)
    with pytest.raises(ValueError, match=message):
        rnn_forward(**args)


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(x=np.zeros((3, 4, 5))), r"x must have shape \(N, D\)"),
        (dict(h_prev=np.zeros((3, 2))), r"W_xh must have shape \(H=2, D=5\)"),
        (dict(b_h=np.zeros(5)), r"b_h must have shape \(H=6,\)"),
        (dict(h_prev=np.zeros((3, 6), dtype=np.float32)), "share one floating-point dtype"),
    ],
)
def test_rnn_step_forward_rejects_bad_input(change, message):
    params, x, h0 = random_problem()
    args = dict(x=x[:, 0], h_prev=h0, W_xh=params.W_xh, W_hh=params.W_hh, b_h=params.b_h)
    args.update(change)
    with pytest.raises(ValueError, match=message):
        rnn_step_forward(**args)


def test_output_layer_rejects_bad_input():
    params, x, h0 = random_problem()
    h, _ = rnn_forward(x, h0, params.W_xh, params.W_hh, params.b_h)
    with pytest.raises(ValueError, match=r"W_hy must have shape \(V, H=6\)"):
        output_layer(h, params.W_hy.T, params.b_y)
    with pytest.raises(ValueError, match=r"b_y must have shape \(V=2,\)"):
        output_layer(h, params.W_hy, np.zeros(3))


def _tanh_rnn_by_hand(W_xh, W_hh, b_h, xs):
    """The worked example again, with Python lists and math.tanh only."""
    H = len(b_h)
    h = [0.0] * H
    states = []
    for x in xs:
        h = [
            math.tanh(sum(W_xh[i][j] * x[j] for j in range(len(x))) + sum(W_hh[i][k] * h[k] for k in range(H)) + b_h[i])
            for i in range(H)
        ]
        states.append(h)
    return states


def test_worked_example_against_an_independent_calculation():
    params, x, targets = three_step_example()
    h, _ = rnn_forward(x, np.zeros((1, 2)), params.W_xh, params.W_hh, params.b_h)
    expected = _tanh_rnn_by_hand(params.W_xh.tolist(), params.W_hh.tolist(), params.b_h.tolist(), x[0].tolist())
    np.testing.assert_allclose(h[0], expected, rtol=1e-12)

    # The first step as the chapter does it by hand: a_1 = W_xh x_1 = (0.5, 1.0).
    assert [round(v, 4) for v in h[0, 0]] == [round(math.tanh(0.5), 4), round(math.tanh(1.0), 4)] == [0.4621, 0.7616]

    # The second step as the chapter writes it: a_2 = W_xh x_2 + W_hh h_1 = (-0.7689, 1.0305).
    h_1 = expected[0]
    a_2 = [-1.0 + 0.5 * h_1[0], 0.5 - 0.5 * h_1[0] + 1.0 * h_1[1]]
    assert [round(v, 4) for v in a_2] == [-0.7689, 1.0305]
    np.testing.assert_allclose(np.arctanh(h[0, 1]), a_2, rtol=1e-9)

    # Outputs and probabilities, again by hand.
    probs = softmax(output_layer(h, params.W_hy, params.b_y))
    for t, h_t in enumerate(expected):
        o = [sum(params.W_hy[v][k] * h_t[k] for k in range(2)) for v in range(2)]
        z = [math.exp(value) for value in o]
        np.testing.assert_allclose(probs[0, t], [value / sum(z) for value in z], rtol=1e-12)


def test_parameter_count_of_the_chapter_exercise():
    """D = V = 65, H = 128: 128*65 + 128*128 + 128 + 65*128 + 65 = 33,217."""
    assert init_rnn_params(65, 128, 65, np.random.default_rng(0)).num_parameters() == 33_217
