"""SequenceTagger: lengths from padding, and a padded batch scored like each sentence alone."""

import pytest
import torch

from course_code.models.tagger import SequenceTagger


def test_padded_rows_get_the_logits_of_the_sentence_alone():
    model = SequenceTagger(10, 4, 5, 6, mode="lstm", bidirectional=True, num_layers=2, seed=0).double()
    tokens = torch.tensor([[3, 4, 5, 6], [7, 2, 0, 0]])
    logits = model(tokens)
    assert logits.shape == (2, 4, 4)
    torch.testing.assert_close(logits[1, :2], model(tokens[1:, :2])[0])
    torch.testing.assert_close(logits[0], model(tokens[:1])[0])


def test_same_seed_same_model_and_errors():
    a, b = SequenceTagger(10, 4, 5, 6, seed=3), SequenceTagger(10, 4, 5, 6, seed=3)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    with pytest.raises(ValueError, match="at least one real token"):
        a(torch.tensor([[0, 0]]))
    with pytest.raises(ValueError, match=r"tokens must have shape \(N, T\)"):
        a(torch.zeros(2, 3, 1, dtype=torch.long))
