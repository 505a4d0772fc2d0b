"""plot_seed_curves: one median line and one min-to-max band per configuration."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_code.plots.seed_curves import plot_seed_curves


def test_one_median_line_and_band_per_configuration():
    runs = {"a": [[0.1, 0.5, 0.9], [0.3, 0.4, 1.0], [0.2, 0.6, 0.8]], "b": [[1, 1, 1]]}
    ax = plot_seed_curves(runs)
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.2, 0.5, 0.9])
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [1, 2, 3])
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(0.1) and band[:, 1].max() == pytest.approx(1.0)
    assert len(ax.collections) == 2
    plt.close("all")


def test_bad_curves():
    with pytest.raises(ValueError, match="one length"):
        plot_seed_curves({"a": [[1, 2], [1]]})
    with pytest.raises(ValueError, match="at least one configuration"):
        plot_seed_curves({})
    with pytest.raises(ValueError, match="one entry per evaluation"):
        plot_seed_curves({"a": [[1, 2]]}, x=[1, 2, 3])
    plt.close("all")
