"""StackedRNN against torch.nn.RNN/GRU/LSTM: one or two directions, several layers, dropout, padding."""

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from course_code.nn.stacked import StackedRNN, run_layer

TOLERANCE = dict(rtol=1e-6, atol=1e-6)  # float64; the observed error is ~1e-15
TORCH = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}
CONFIGS = [  # mode, N, T, D, H, L, bidirectional
    ("rnn", 1, 1, 1, 1, 1, True),
    ("rnn", 3, 6, 4, 5, 2, True),
    ("rnn", 2, 5, 3, 4, 3, False),
    ("gru", 1, 7, 3, 2, 1, True),
    ("gru", 4, 5, 2, 3, 2, True),
    ("gru", 3, 4, 5, 4, 3, False),
    ("lstm", 1, 1, 2, 3, 1, True),
    ("lstm", 3, 6, 4, 5, 2, True),
    ("lstm", 2, 4, 3, 2, 3, True),
    ("lstm", 2, 5, 3, 4, 2, False),
]


def pair(mode, D, H, L, bidirectional, seed=0, **kwargs):
    torch.manual_seed(seed)
    reference = TORCH[mode](D, H, num_layers=L, bidirectional=bidirectional, batch_first=True, **kwargs).double()
    ours = StackedRNN(mode, D, H, num_layers=L, bidirectional=bidirectional, **kwargs).double()
    ours.load_state_dict(reference.state_dict())  # same names, same shapes
    return ours, reference


def flat(state):
    return torch.cat(state) if isinstance(state, tuple) else state


def random_state(mode, rows, N, H, generator):
    h = torch.randn(rows, N, H, generator=generator, dtype=torch.float64)
    return (h, torch.randn(rows, N, H, generator=generator, dtype=torch.float64)) if mode == "lstm" else h


def loss_of(output, state, generator):
    """A loss that reads every output and every final state, each with its own random weight."""
    w_out = torch.randn(output.shape, generator=generator, dtype=output.dtype)
    state = flat(state)
    w_state = torch.randn(state.shape, generator=generator, dtype=state.dtype)
    return (output * w_out).sum() + (state * w_state).sum()


@pytest.mark.parametrize("mode, N, T, D, H, L, bidirectional", CONFIGS)
def test_outputs_states_and_gradients_equal_torch(mode, N, T, D, H, L, bidirectional):
    ours, reference = pair(mode, D, H, L, bidirectional)
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(N, T, D, generator=generator, dtype=torch.float64)
    state = random_state(mode, L * (2 if bidirectional else 1), N, H, generator)
    results = []
    for module in (ours, reference):
        x_copy = x.clone().requires_grad_()
        output, final = module(x_copy, state)
        loss_of(output, final, torch.Generator().manual_seed(2)).backward()
        results.append((output, flat(final), x_copy.grad, {k: p.grad for k, p in module.named_parameters()}))
    (o1, s1, g1, p1), (o2, s2, g2, p2) = results
    assert o1.shape == (N, T, H * (2 if bidirectional else 1))
    torch.testing.assert_close(o1, o2, **TOLERANCE)
    torch.testing.assert_close(s1, s2, **TOLERANCE)
    torch.testing.assert_close(g1, g2, **TOLERANCE)
    assert p1.keys() == p2.keys()
    for name in p1:
        torch.testing.assert_close(p1[name], p2[name], **TOLERANCE, msg=name)


def test_parameter_names_include_the_reverse_direction_and_copy_back_to_torch():
    ours, reference = pair("lstm", 3, 4, 2, True)
    assert "weight_ih_l1_reverse" in dict(ours.named_parameters())
    assert ours.weight_ih_l1.shape == (16, 8)  # layer 2 reads both directions: 2H inputs
    torch.manual_seed(5)
    fresh = StackedRNN("lstm", 3, 4, num_layers=2, bidirectional=True).double()
    reference.load_state_dict(fresh.state_dict())
    x = torch.randn(2, 3, 3, dtype=torch.float64)
    torch.testing.assert_close(fresh(x)[0], reference(x)[0], **TOLERANCE)


@pytest.mark.parametrize("mode", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_padded_batch_equals_torch_on_a_packed_sequence(mode, bidirectional):
    ours, reference = pair(mode, 3, 4, 2, bidirectional)
    x = torch.randn(5, 7, 3, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    lengths = torch.tensor([7, 2, 1, 5, 7])
    output, state = ours(x, lengths=lengths)
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    packed_out, ref_state = reference(packed)
    ref_output, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=7)
    torch.testing.assert_close(output, ref_output, **TOLERANCE)
    torch.testing.assert_close(flat(state), flat(ref_state), **TOLERANCE)


def _alone_and_together(module, x, lengths):
    """Loss and gradients of the padded batch, and of each sequence run alone; the loss reads real steps only."""
    generator = torch.Generator().manual_seed(4)
    weights = torch.randn(*x.shape[:2], module.hidden_size * (2 if module.bidirectional else 1),
                          generator=generator, dtype=x.dtype)
    state_weights = torch.randn(2 * module.num_layers * 2, x.shape[0], module.hidden_size,
                                generator=generator, dtype=x.dtype)

    def loss(output, state, rows, n_lengths):
        state = flat(state)
        total = (state * state_weights[: state.shape[0], rows]).sum()
        for i, (row, length) in enumerate(zip(rows, n_lengths)):
            total = total + (output[i, :length] * weights[row, :length]).sum()
        return total

    module.zero_grad()
    x_batch = x.clone().requires_grad_()
    output, state = module(x_batch, lengths=lengths)
    loss(output, state, list(range(x.shape[0])), lengths.tolist()).backward()
    together = (output.detach(), flat(state).detach(), x_batch.grad, [p.grad.clone() for p in module.parameters()])

    module.zero_grad()
    outputs, states, x_grads = [], [], []
    for n, length in enumerate(lengths.tolist()):
        x_alone = x[n : n + 1, :length].clone().requires_grad_()  # no padding at all
        out, st = module(x_alone)
        loss(out, st, [n], [length]).backward()  # gradients accumulate over the sequences
        outputs.append(out.detach())
        states.append(flat(st).detach())
        x_grads.append(x_alone.grad)
    alone = (outputs, states, x_grads, [p.grad.clone() for p in module.parameters()])
    return together, alone


@pytest.mark.parametrize("mode", ["rnn", "gru", "lstm"])
def test_a_padded_batch_gives_the_outputs_and_gradients_of_each_sequence_alone(mode):
    torch.manual_seed(0)
    module = StackedRNN(mode, 3, 4, num_layers=2, bidirectional=True).double()
    x = torch.randn(4, 6, 3, generator=torch.Generator().manual_seed(5), dtype=torch.float64)
    x[1, 3:] = 100.0  # garbage in the padding must change nothing
    lengths = torch.tensor([6, 3, 1, 4])
    (output, state, x_grad, grads), (outputs, states, x_grads, alone_grads) = _alone_and_together(module, x, lengths)
    for n, length in enumerate(lengths.tolist()):
        torch.testing.assert_close(output[n, :length], outputs[n][0], **TOLERANCE)
        assert torch.all(output[n, length:] == 0)
        torch.testing.assert_close(state[:, n], states[n][:, 0], **TOLERANCE)
        torch.testing.assert_close(x_grad[n, :length], x_grads[n][0], **TOLERANCE)
        assert torch.all(x_grad[n, length:] == 0)
    for together, alone in zip(grads, alone_grads):
        torch.testing.assert_close(together, alone, **TOLERANCE)


def test_without_lengths_the_backward_direction_reads_the_padding_first():
    """The check above can fail: ignore the lengths and the padded rows come out different."""
    torch.manual_seed(0)
    module = StackedRNN("gru", 3, 4, bidirectional=True).double()
    x = torch.randn(2, 5, 3, generator=torch.Generator().manual_seed(6), dtype=torch.float64)
    x[1, 2:] = 0.0
    unaware, _ = module(x)
    alone, _ = module(x[1:, :2])
    forward_half = slice(0, 4)
    torch.testing.assert_close(unaware[1, :2, forward_half], alone[0, :, forward_half], **TOLERANCE)  # causal: fine
    assert (unaware[1, :2, 4:] - alone[0, :, 4:]).abs().max() > 1e-3  # backward half: started on padding


def test_dropout_acts_between_layers_in_training_only():
    ours, reference = pair("lstm", 3, 4, 3, True, dropout=1.0)  # p = 1: everything passed up is zeroed
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    ours.train(), reference.train()
    torch.testing.assert_close(ours(x)[0], reference(x)[0], **TOLERANCE)
    _, (h_n, _) = ours(x)
    # layers 2 and 3 saw only zeros, so layer 1's final states depend on x and layer 3's do not
    x2 = torch.randn(2, 5, 3, dtype=torch.float64)
    _, (h_n2, _) = ours(x2)
    assert (h_n[:2] - h_n2[:2]).abs().max() > 1e-6
    torch.testing.assert_close(h_n[4:], h_n2[4:])
    ours.eval(), reference.eval()
    torch.testing.assert_close(ours(x)[0], reference(x)[0], **TOLERANCE)  # no dropout in eval mode
    half, _ = pair("gru", 3, 4, 2, False, dropout=0.5)
    half.train()
    torch.manual_seed(1)
    first = half(x)[0]
    assert not torch.allclose(first, half(x)[0])  # a fresh mask every call
    half.eval()
    torch.testing.assert_close(half(x)[0], half(x)[0])


def test_run_layer_fast_and_masked_paths_agree_on_full_lengths():
    torch.manual_seed(0)
    module = StackedRNN("lstm", 3, 4).double()
    x = torch.randn(3, 5, 3, dtype=torch.float64)
    zeros = torch.zeros(3, 4, dtype=torch.float64)
    params = module.layer_parameters(0)
    fast = run_layer("lstm", x, (zeros, zeros), params)
    masked = run_layer("lstm", x, (zeros, zeros), params, lengths=torch.tensor([5, 5, 5]))
    torch.testing.assert_close(fast[0], masked[0], **TOLERANCE)
    torch.testing.assert_close(fast[1][1], masked[1][1], **TOLERANCE)


@pytest.mark.parametrize("kwargs, message", [
    (dict(mode="cnn"), "mode must be one of"),
    (dict(num_layers=0), "num_layers must be a positive integer"),
    (dict(dropout=1.5), "dropout must be a probability"),
    (dict(mode="gru", nonlinearity="relu"), "nonlinearity must be"),
])
def test_bad_arguments_raise(kwargs, message):
    arguments = dict(mode="rnn", input_size=3, hidden_size=4) | kwargs
    with pytest.raises(ValueError, match=message):
        StackedRNN(**arguments)


def test_bad_inputs_raise():
    module = StackedRNN("lstm", 3, 4, bidirectional=True)
    with pytest.raises(ValueError, match=r"x must have shape \(N, T, D=3\)"):
        module(torch.zeros(2, 5, 4))
    with pytest.raises(ValueError, match=r"h0 must have shape \(2L=2, N=2, H=4\)"):
        module(torch.zeros(2, 5, 3), (torch.zeros(1, 2, 4), torch.zeros(1, 2, 4)))
    with pytest.raises(ValueError, match=r"lengths must lie in \[1, T=5\]"):
        module(torch.zeros(2, 5, 3), lengths=torch.tensor([6, 2]))
