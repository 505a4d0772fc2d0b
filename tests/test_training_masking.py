"""Masked cross-entropy and accuracy of padded batches."""

import pytest
import torch
from torch.nn import functional as F

from course_code.training.masking import IGNORE_INDEX, masked_accuracy, masked_sequence_cross_entropy


def test_equals_torch_ignore_index_and_the_mean_over_real_steps():
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(3, 4, 5, generator=generator, dtype=torch.float64)
    targets = torch.randint(0, 5, (3, 4), generator=generator)
    targets[1, 2:] = IGNORE_INDEX
    targets[2, 1:] = IGNORE_INDEX
    ours = masked_sequence_cross_entropy(logits, targets)
    expected = F.cross_entropy(logits.reshape(-1, 5), targets.reshape(-1), ignore_index=IGNORE_INDEX)
    torch.testing.assert_close(ours, expected)
    by_hand = sum(-torch.log_softmax(logits[n, t], 0)[targets[n, t]] for n in range(3) for t in range(4)
                  if targets[n, t] != IGNORE_INDEX) / 7
    torch.testing.assert_close(ours, by_hand)


def test_explicit_mask_and_accuracy():
    logits = torch.tensor([[[2.0, 0.0], [0.0, 2.0], [2.0, 0.0]]])
    targets = torch.tensor([[0, 0, 1]])
    mask = torch.tensor([[True, True, False]])
    assert masked_accuracy(logits, targets, mask) == 0.5
    assert masked_accuracy(logits, targets) == pytest.approx(1 / 3)
    loss = masked_sequence_cross_entropy(logits, targets, mask)
    torch.testing.assert_close(loss, F.cross_entropy(logits[0, :2], targets[0, :2]))


def test_errors():
    with pytest.raises(ValueError, match="logits must have shape"):
        masked_sequence_cross_entropy(torch.zeros(2, 3), torch.zeros(2, 3, dtype=torch.long))
    with pytest.raises(ValueError, match="selects no step"):
        masked_sequence_cross_entropy(torch.zeros(1, 2, 3), torch.full((1, 2), IGNORE_INDEX))
