"""Figures of the encoder-decoder chapter."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_code.plots.attention import accuracy_by_length, plot_accuracy_by_length, plot_attention


def test_accuracy_by_length_and_attention_plots():
    present, accuracy, counts = accuracy_by_length([True, False, True, True], [3, 3, 1, 5])
    assert present.tolist() == [1, 3, 5] and accuracy.tolist() == [1.0, 0.5, 1.0] and counts.tolist() == [1, 2, 1]
    with pytest.raises(ValueError, match="lengths"):
        accuracy_by_length([True, False], [1, 2, 3])
    ax = plot_accuracy_by_length({"a": np.array([True, False]), "b": np.array([True, True])}, [1, 2])
    assert len(ax.lines) == 2
    ax = plot_attention(np.eye(2, 3), ["x", "y", "z"], ["1", "2"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "y", "z"]
    with pytest.raises(ValueError, match="weights"):
        plot_attention(np.eye(2), ["x", "y", "z"], ["1", "2"])
    plt.close("all")
