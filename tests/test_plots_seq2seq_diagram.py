"""The encoder-decoder diagram: what is drawn, and what only attention adds."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from course_code.plots.seq2seq_diagram import draw_encoder_decoder  # noqa: E402


def _count(ax, kind):
    return sum(isinstance(p, kind) for p in ax.patches)


@pytest.mark.parametrize("S, T", [(2, 2), (3, 3), (4, 2)])
def test_boxes_and_arrows_of_both_variants(S, T):
    words, tokens = ["w"] * S, ["7"] * T
    plain = draw_encoder_decoder(False, words, tokens)
    # S encoder states, h_0, T decoder states, T emitted tokens
    assert _count(plain, FancyBboxPatch) == S + 1 + 2 * T
    # S inputs, 2 (S - 1) encoder links, T inputs, T outputs, T recurrent links, c -> h_0
    assert _count(plain, FancyArrowPatch) == S + 2 * (S - 1) + 3 * T + 1
    with_attention = draw_encoder_decoder(True, words, tokens)
    assert _count(with_attention, FancyBboxPatch) == S + 1 + 2 * T + 1  # and c_2
    # and one arrow per k_s into c_2, the query, and c_2 into h_2 and into the output
    assert _count(with_attention, FancyArrowPatch) == _count(plain, FancyArrowPatch) + S + 3
    texts = {t.get_text() for t in with_attention.texts}
    assert {"$c_2$", "$h_0$", f"$h_{T}$", f"$k_{S}$", "<bos>", "$\\alpha_{2,s}$"} <= texts
    assert "$c_2$" not in {t.get_text() for t in plain.texts}
    plt.close("all")


def test_labels_come_from_the_example():
    ax = draw_encoder_decoder(True, ("forty", "two"), ("4", "2"))
    texts = [t.get_text() for t in ax.texts]
    # "4" is emitted, then fed back in; the last token "2" is only emitted
    assert "forty" in texts and "two" in texts
    assert texts.count("4") == 2 and texts.count("2") == 1
    plt.close("all")


def test_sizes_out_of_range():
    with pytest.raises(ValueError, match="2 to 4 source words"):
        draw_encoder_decoder(True, ("one",), ("1", "2"))
    with pytest.raises(ValueError, match="2 to 4 output tokens"):
        draw_encoder_decoder(True, ("a", "b"), tuple("12345"))
