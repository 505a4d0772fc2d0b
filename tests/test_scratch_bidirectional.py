"""The NumPy bidirectional wrapper and masked loss, against torch.nn.RNN(bidirectional=True) and by hand."""

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from course_code.scratch.bidirectional import bidirectional_forward, masked_cross_entropy, reverse_padded
from course_code.scratch.gru import gru_forward
from course_code.scratch.losses import cross_entropy
from course_code.scratch.rnn import rnn_forward


def rnn_run(x, W_xh, W_hh, b_h):
    return rnn_forward(x, np.zeros((x.shape[0], W_hh.shape[0])), W_xh, W_hh, b_h)[0]


def torch_birnn(D, H, seed=0):
    torch.manual_seed(seed)
    module = torch.nn.RNN(D, H, bidirectional=True, batch_first=True).double()
    params = {k: v.detach().numpy() for k, v in module.state_dict().items()}
    forward = (params["weight_ih_l0"], params["weight_hh_l0"], params["bias_ih_l0"] + params["bias_hh_l0"])
    backward = (params["weight_ih_l0_reverse"], params["weight_hh_l0_reverse"],
                params["bias_ih_l0_reverse"] + params["bias_hh_l0_reverse"])
    return module, forward, backward


@pytest.mark.parametrize("N, T, D, H", [(1, 1, 1, 1), (3, 5, 2, 4), (2, 7, 4, 3)])
def test_wrapper_equals_torch_bidirectional_rnn(N, T, D, H):
    module, forward, backward = torch_birnn(D, H)
    x = np.random.default_rng(0).normal(size=(N, T, D))
    ours = bidirectional_forward(rnn_run, x, forward, backward)
    expected = module(torch.from_numpy(x))[0].detach().numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-6)


def test_wrapper_with_lengths_equals_torch_on_packed_sequences():
    module, forward, backward = torch_birnn(3, 4)
    x = np.random.default_rng(1).normal(size=(4, 6, 3))
    lengths = np.array([6, 2, 1, 4])
    ours = bidirectional_forward(rnn_run, x, forward, backward, lengths)
    packed = pack_padded_sequence(torch.from_numpy(x), torch.from_numpy(lengths), batch_first=True,
                                  enforce_sorted=False)
    expected = pad_packed_sequence(module(packed)[0], batch_first=True, total_length=6)[0].detach().numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-6)


def test_wrapper_works_over_any_causal_sequence_function():
    rng = np.random.default_rng(2)
    N, T, D, H = 2, 5, 3, 4
    x = rng.normal(size=(N, T, D))

    def gru_run(x, W_x, W_h, b_x, b_h):
        return gru_forward(x, np.zeros((x.shape[0], H)), W_x, W_h, b_x, b_h)[0]

    params = [tuple(rng.normal(0, 0.5, s) for s in ((3 * H, D), (3 * H, H), (3 * H,), (3 * H,))) for _ in range(2)]
    out = bidirectional_forward(gru_run, x, *params)
    np.testing.assert_allclose(out[..., :H], gru_run(x, *params[0]))
    np.testing.assert_allclose(out[..., H:], gru_run(x[:, ::-1], *params[1])[:, ::-1])


def test_reverse_padded_and_its_errors():
    x = np.arange(1, 5, dtype=float)[None, :, None].repeat(2, axis=0)
    assert reverse_padded(x, np.array([4, 2]))[..., 0].tolist() == [[4, 3, 2, 1], [2, 1, 3, 4]]
    assert reverse_padded(x)[..., 0].tolist() == [[4, 3, 2, 1]] * 2
    with pytest.raises(ValueError, match=r"lie in \[1, T=4\]"):
        reverse_padded(x, np.array([0, 2]))
    with pytest.raises(ValueError, match=r"lie in \[1, T=4\]"):
        reverse_padded(x, np.array([5, 2]))


def test_masked_cross_entropy_is_the_mean_over_real_steps_only():
    rng = np.random.default_rng(3)
    logits, targets = rng.normal(size=(3, 5, 4)), rng.integers(0, 4, (3, 5))
    lengths = np.array([5, 2, 3])
    per_sequence = [cross_entropy(logits[n : n + 1, :k], targets[n : n + 1, :k], reduction="sum")
                    for n, k in enumerate(lengths)]
    assert masked_cross_entropy(logits, targets, lengths) == pytest.approx(sum(per_sequence) / lengths.sum())
    changed = logits.copy()
    changed[1, 2:] = 1e3  # padding: no effect
    assert masked_cross_entropy(changed, targets, lengths) == masked_cross_entropy(logits, targets, lengths)
    with pytest.raises(ValueError, match=r"lengths must have shape \(N=3,\)"):
        masked_cross_entropy(logits, targets, np.array([1, 2]))
