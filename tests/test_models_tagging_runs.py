"""train_tagger: one seeded run of a tagger on the tagging task."""

import numpy as np
import pytest

from course_code.data.tagging import causal_accuracy_ceiling
from course_code.models.tagging_runs import TaggerSpec, tagging_splits, train_tagger


def test_splits_are_disjoint_draws_of_one_seed():
    splits = tagging_splits(3, sizes=(50, 20, 10))
    again = tagging_splits(3, sizes=(50, 20, 10))
    assert [len(splits[k][0]) for k in ("train", "validation", "test")] == [50, 20, 10]
    assert all(
        np.array_equal(a, b) for k in splits for a, b in zip(splits[k], again[k])
    )
    assert not np.array_equal(splits["train"][0][:10], splits["test"][0][:10])


def test_a_run_reports_its_curve_and_test_accuracies():
    splits = tagging_splits(0, sizes=(256, 64, 64))
    result = train_tagger(TaggerSpec(hidden_size=8, epochs=3, batch_size=64), 0, splits)
    assert len(result["validation"]) == 3 and result["updates_per_epoch"] == 4
    assert 0 <= result["test_names"] <= result["test"] <= 1
    assert result == train_tagger(
        TaggerSpec(hidden_size=8, epochs=3, batch_size=64), 0, splits
    )


def test_a_causal_tagger_stays_near_its_ceiling_and_a_delayed_one_passes_it():
    """Briefly trained, a delay-3 tagger passes the delay-0 ceiling; causal ones not."""
    splits = tagging_splits(0, sizes=(600, 200, 300))
    ceiling = causal_accuracy_ceiling(splits["test"][1], splits["test"][2])
    causal = train_tagger(TaggerSpec(epochs=4), 0, splits)
    delayed = train_tagger(TaggerSpec(delay=3, epochs=4), 0, splits)
    assert causal["test"] < ceiling + 0.03
    assert delayed["test"] > ceiling + 0.05


def test_a_delay_is_for_left_to_right_taggers_only():
    with pytest.raises(ValueError, match="delay > 0 with bidirectional=True"):
        TaggerSpec(bidirectional=True, delay=1)
