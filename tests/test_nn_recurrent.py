"""The one recurrent base: every stack is a RecurrentStack, and what the base adds works for all of them."""

import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from course_code.nn.gru import ScratchGRU
from course_code.nn.lstm import ScratchLSTM
from course_code.nn.recurrent import RecurrentStack
from course_code.nn.rnn import VanillaRNN
from course_code.nn.stacked import StackedRNN
from course_code.nn.variants import LeakyRNN, SkipRNN


def test_every_stack_is_the_one_base():
    for module in (VanillaRNN(3, 4), ScratchGRU(3, 4), ScratchLSTM(3, 4), StackedRNN("gru", 3, 4),
                   LeakyRNN(3, 4), SkipRNN(3, 4, skip=2)):
        assert isinstance(module, RecurrentStack)


def test_the_readable_vanilla_loop_is_the_base_loop():
    torch.manual_seed(0)
    ours = VanillaRNN(3, 4, num_layers=2).double()
    x = torch.randn(2, 5, 3, dtype=torch.float64)
    h0 = torch.randn(2, 2, 4, dtype=torch.float64)
    readable = ours(x, h0)
    base = RecurrentStack.forward(ours, x, h0)
    assert torch.equal(readable[0], base[0]) and torch.equal(readable[1], base[1])


@pytest.mark.parametrize("ours, reference", [
    (ScratchLSTM(3, 4, num_layers=2), torch.nn.LSTM(3, 4, num_layers=2, batch_first=True)),
    (ScratchGRU(3, 4), torch.nn.GRU(3, 4, batch_first=True)),
])
def test_the_scratch_modules_take_lengths_like_a_packed_sequence(ours, reference):
    ours, reference = ours.double(), reference.double()
    ours.load_state_dict(reference.state_dict())
    x = torch.randn(3, 6, 3, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    lengths = torch.tensor([6, 2, 4])
    output, state = ours(x, lengths=lengths)
    packed_output, packed_state = reference(pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False))
    expected, _ = pad_packed_sequence(packed_output, batch_first=True, total_length=6)
    torch.testing.assert_close(output, expected)
    flat = (lambda s: torch.cat(s) if isinstance(s, tuple) else s)  # noqa: E731
    torch.testing.assert_close(flat(state), flat(packed_state))


def test_bias_and_bidirectional_must_be_booleans():
    with pytest.raises(TypeError, match="bias must be True or False"):
        ScratchGRU(3, 4, bias=1)
    with pytest.raises(TypeError, match="bidirectional must be True or False"):
        StackedRNN("rnn", 3, 4, bidirectional="yes")
