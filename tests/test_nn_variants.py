import pytest
import torch

from course_code.nn import VanillaRNN
from course_code.nn.variants import LeakyRNN, SkipRNN, init_identity_, init_orthogonal_


def test_orthogonal_init_preserves_norms():
    rnn = init_orthogonal_(torch.nn.RNN(3, 16, num_layers=2, batch_first=True))
    for W in (rnn.weight_hh_l0, rnn.weight_hh_l1):
        torch.testing.assert_close(W @ W.T, torch.eye(16), atol=1e-5, rtol=0)
    with pytest.raises(ValueError, match="has no parameter named weight_hh"):
        init_orthogonal_(torch.nn.Linear(3, 3))


def test_identity_init_makes_a_relu_rnn_an_accumulator():
    rnn = init_identity_(VanillaRNN(1, 4, nonlinearity="relu").double())
    torch.testing.assert_close(rnn.weight_hh_l0.detach(), torch.eye(4, dtype=torch.float64))
    assert torch.count_nonzero(rnn.bias_ih_l0) == 0 and rnn.weight_ih_l0.abs().max() < 0.01
    with torch.no_grad():
        rnn.weight_ih_l0.fill_(1.0)
        out, _ = rnn(torch.ones(1, 5, 1, dtype=torch.float64))
    torch.testing.assert_close(out[0, :, 0], torch.arange(1.0, 6.0, dtype=torch.float64))  # h_t = t


def test_leaky_rnn_with_leak_one_is_the_vanilla_rnn():
    torch.manual_seed(0)
    leaky = LeakyRNN(3, 5, leak=1.0).double()
    vanilla = torch.nn.RNN(3, 5, batch_first=True).double()
    vanilla.load_state_dict(leaky.state_dict())
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    torch.testing.assert_close(leaky(x)[0], vanilla(x)[0])


def test_leaky_rnn_equation():
    torch.manual_seed(1)
    leaky = LeakyRNN(2, 3, leak=0.25).double()
    x = torch.randn(1, 2, 2, dtype=torch.float64)
    out, h_n = leaky(x)
    W_x, W_h = leaky.weight_ih_l0, leaky.weight_hh_l0
    b = leaky.bias_ih_l0 + leaky.bias_hh_l0
    h1 = 0.25 * torch.tanh(W_x @ x[0, 0] + b)
    h2 = 0.75 * h1 + 0.25 * torch.tanh(W_x @ x[0, 1] + W_h @ h1 + b)
    torch.testing.assert_close(out[0], torch.stack([h1, h2]))
    torch.testing.assert_close(h_n[0, 0], h2)


def test_skip_rnn_reads_the_state_skip_steps_back():
    torch.manual_seed(2)
    skip = SkipRNN(1, 2, skip=3).double()
    x = torch.randn(1, 5, 1, dtype=torch.float64)
    out, _ = skip(x)
    with torch.no_grad():
        plain = torch.nn.RNN(1, 2, batch_first=True).double()
        plain.load_state_dict({k: v for k, v in skip.state_dict().items() if k != "weight_skip"})
        expected = plain(x)[0]
    torch.testing.assert_close(out[:, :3], expected[:, :3])  # no skip input before step 3
    assert not torch.allclose(out[:, 3:], expected[:, 3:])
    # gradient of the last state reaches x_0 through the skip path too
    x.requires_grad_(True)
    skip(x)[0][0, -1].sum().backward()
    assert x.grad[0, 0].abs() > 0


@pytest.mark.parametrize("make, message", [
    (lambda: LeakyRNN(2, 3, leak=0.0), r"leak must be a real number in \(0, 1\]"),
    (lambda: SkipRNN(2, 3, skip=1), "skip must be an integer of at least 2"),
    (lambda: LeakyRNN(0, 3), "input_size must be a positive integer"),
])
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_input_shapes():
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D=2\), got shape \(1, 4, 3\)"):
        LeakyRNN(2, 3)(torch.zeros(1, 4, 3))
    with pytest.raises(ValueError, match=r"h0 must have shape \(L=1, N=1, H=3\), got shape \(1, 2, 3\)"):
        SkipRNN(2, 3, skip=2)(torch.zeros(1, 4, 2), torch.zeros(1, 2, 3))
