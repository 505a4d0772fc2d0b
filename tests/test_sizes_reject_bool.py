"""Sizes in the chapters' own modules go through shapes.check_positive_int: True is not a size."""

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
        chunked_bptt_gradients(params, np.zeros((2, 4, 1)), np.zeros((2, 4), dtype=int), k=bad)
