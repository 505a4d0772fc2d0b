"""Plausible mistakes that are in no known-bug table: the feedback names a mistake only when it is the right one.

Each answer below is a mistake a student could make that the tables do not list. Where it
coincides with a listed mistake by mathematics (adding the temperature to every logit
changes nothing, so it *is* "temperature ignored"), that name is right; everywhere else
the feedback must describe the numbers ("first problem: ...") and name nothing.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_code.grading import run_checks


def sm(l, axis=-1):
    e = np.exp(l - l.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


M = {}
# rnn_forward
M["rnn_step_forward: bias added outside tanh"] = (
    "rnn_step_forward",
    lambda x, h, Wx, Wh, b: np.tanh(x @ Wx.T + h @ Wh.T) + b,
)
M["rnn_step_forward: relu"] = (
    "rnn_step_forward",
    lambda x, h, Wx, Wh, b: np.maximum(0, x @ Wx.T + h @ Wh.T + b),
)


def fwd_last_only(x, h0, Wx, Wh, b):
    h = h0
    out = np.zeros((x.shape[0], x.shape[1], h0.shape[1]))
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ Wx.T + h @ Wh.T + b)
    out[:, -1] = h
    return out


M["rnn_forward: only last step stored"] = ("rnn_forward", fwd_last_only)


def fwd_reversed(x, h0, Wx, Wh, b):
    h = h0
    out = np.zeros((x.shape[0], x.shape[1], h0.shape[1]))
    for t in reversed(range(x.shape[1])):
        h = np.tanh(x[:, t] @ Wx.T + h @ Wh.T + b)
        out[:, t] = h
    return out


M["rnn_forward: runs backwards in time"] = ("rnn_forward", fwd_reversed)
M["softmax: log-sum-exp minus but no exp"] = (
    "softmax",
    lambda l: l - np.log(np.exp(l).sum(-1, keepdims=True)),
)
M["softmax: divided by max"] = (
    "softmax",
    lambda l: (
        np.exp(l - l.max(-1, keepdims=True)) / np.exp(l - l.max(-1, keepdims=True)).max(-1, keepdims=True)
    ),
)


def ce_log10(l, y):
    p = sm(l)
    return -np.log10(np.take_along_axis(p, y[..., None], -1)).mean()


M["cross-entropy: log10"] = ("sequence_cross_entropy", ce_log10)


def ce_one_hot_wrong(l, y):
    p = sm(l)
    return -np.log(p[:, :, 0]).mean()


M["cross-entropy: class 0 always"] = ("sequence_cross_entropy", ce_one_hot_wrong)
# sampling
M["temperature: added"] = ("softmax_with_temperature", lambda l, tau: sm(l + tau))
M["temperature: squared"] = ("softmax_with_temperature", lambda l, tau: sm(l / tau**2))


def cdf_reverse(p, u):
    c = np.cumsum(p[:, ::-1], axis=1)
    return (p.shape[1] - 1 - (c <= u[:, None]).sum(1)).astype(np.int64)


M["inverse cdf: reversed classes"] = ("inverse_cdf_sample", cdf_reverse)
M["inverse cdf: 1-u"] = (
    "inverse_cdf_sample",
    lambda p, u: (np.cumsum(p, 1) <= (1 - u)[:, None]).sum(1).astype(np.int64),
)


# gradients
def clip_l1(a, b, c, m):
    n = sum(np.abs(g).sum() for g in (a, b, c))
    s = min(1, m / n) if n else 1
    return a * s, b * s, c * s


M["clip: L1 norm"] = ("clip_by_global_norm", clip_l1)


def clip_mean(a, b, c, m):
    n = np.sqrt(np.mean(np.concatenate([g.ravel() for g in (a, b, c)]) ** 2))
    s = min(1, m / n) if n else 1
    return a * s, b * s, c * s


M["clip: RMS instead of norm"] = ("clip_by_global_norm", clip_mean)


def fate_trace(W):
    r = abs(np.trace(W)) / len(W)
    return r, (-1 if r < 1 - 1e-6 else 1 if r > 1 + 1e-6 else 0)


M["fate: mean diagonal"] = ("predict_gradient_fate", fate_trace)


# seq2seq
def scores_no_tanh(q, k, Wq, Wk, v):
    return ((q @ Wq.T)[:, None, :] + k @ Wk.T) @ v


M["attention scores: no tanh"] = ("additive_attention_scores", scores_no_tanh)


def scores_dot(q, k, Wq, Wk, v):
    return np.einsum("nh,nsh->ns", q @ Wq.T, k @ Wk.T)


M["attention scores: dot product"] = ("additive_attention_scores", scores_dot)


def ctx_mask_zero(s, k, m):
    w = sm(s) * m
    return w, np.einsum("ns,nsd->nd", w, k)


M["attention context: mask after softmax"] = ("attention_context", ctx_mask_zero)


# gates
def gru_no_reset(x, h, Wx, Wh, bx, bh):
    H = h.shape[1]
    gx = x @ Wx.T + bx
    gh = h @ Wh.T + bh
    r = 1 / (1 + np.exp(-(gx[:, :H] + gh[:, :H])))  # noqa: F841 (computed, never used: the mistake)
    z = 1 / (1 + np.exp(-(gx[:, H : 2 * H] + gh[:, H : 2 * H])))
    n = np.tanh(gx[:, 2 * H :] + gh[:, 2 * H :])
    return (1 - z) * n + z * h


M["gru: reset gate unused"] = ("gru_step_forward", gru_no_reset)


NAMED = {
    "softmax: log-sum-exp minus but no exp": "returned log-probabilities",
    "softmax: divided by max": "not normalised",
    "temperature: added": "temperature ignored",
    "attention scores: no tanh": "no tanh",
    "attention context: mask after softmax": "masked after the softmax, not renormalised",
    "gru: reset gate unused": "reset gate missing",
}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("label", sorted(M))
def test_an_unlisted_mistake_is_named_only_when_the_name_is_right(label):
    question, answer = M[label]
    result = run_checks(question, answer)
    assert result.status in {"partial", "failed"}, result.message
    if label in NAMED:
        assert result.message.split("looks like: ")[-1] == NAMED[label], result.message
    else:
        assert "looks like" not in result.message, result.message
        assert all(not t.bug for t in result.tests)
