"""Tests of course_code.models.ManyToOneRNN."""

import pytest
import torch

from course_code.models import ManyToOneRNN


def test_reads_the_last_hidden_state():
    model = ManyToOneRNN(3, 5, 2, seed=0)
    x = torch.randn(4, 6, 3, generator=torch.Generator().manual_seed(0))
    states, _ = model.rnn(x)
    torch.testing.assert_close(model(x), model.readout(states[:, -1]))
    assert model(x).shape == (4, 2)


def test_token_inputs_and_squeeze():
    model = ManyToOneRNN(4, 5, 1, vocab_size=10, squeeze=True, seed=0)
    ids = torch.tensor([[0, 0, 3], [1, 2, 9]])
    assert model(ids).shape == (2,)
    with pytest.raises(ValueError, match=r"\(N, T\)"):
        model(ids[..., None])
    with pytest.raises(ValueError, match="squeeze"):
        ManyToOneRNN(4, 5, 2, squeeze=True)


def test_order_matters():
    model = ManyToOneRNN(4, 5, 2, vocab_size=10, seed=0)
    a = torch.tensor([[1, 2, 3]])
    assert not torch.allclose(model(a), model(a.flip(1)))
