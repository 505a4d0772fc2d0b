"""The encoder-decoder, with or without attention, drawn with the book's boxes and arrows.

Left, the encoder: source words ``x_1 ... x_S`` and its states ``k_1 ... k_S`` (a
bidirectional GRU: arrows in both directions). Right, the decoder: its inputs
``y_0 = <bos>, y_1, ...``, states ``h_1, h_2, ...`` and logits ``l_t``.

* In both, one arrow carries the summary ``c`` (the final states) from the encoder
  to ``h_0``; without attention, ``c`` is all the decoder ever sees of the source.
* With attention, one decoder step (``t = 2``) is drawn in full: the query
  ``h_1`` scores every ``k_s``, the weights ``alpha_{2,s}`` make the context
  ``c_2 = sum_s alpha_{2,s} k_s``, and ``c_2`` goes into ``h_2`` and ``l_2``. Every other
  step does the same with its own weights.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from course_code.plots.diagram import BOX_HEIGHT, BOX_WIDTH, COLOURS, draw_arrow, draw_box

__all__ = ["draw_encoder_decoder"]

FONT_SIZE = 13  # at the 5-inch width below, about 10 points on a 390-pixel phone screen


def draw_encoder_decoder(attention: bool = True, source_words=("two", "hundred", "five"),
                         output_tokens=("2", "0", "5"), ax: Axes | None = None) -> Axes:
    """Draw an encoder-decoder over a short example.

    Args:
        attention: draw the attention of decoder step 2 (else the one context vector).
        source_words: 2 to 4 source tokens, the labels under the encoder.
        output_tokens: 2 to 4 output tokens; the decoder draws one column per token.
        ax: where to draw; a new 5-inch-wide figure if ``None``.

    Returns:
        The axes drawn on.

    Raises:
        ValueError: if there are fewer than 2 or more than 4 source or output tokens.
    """
    S, T = len(source_words), len(output_tokens)
    if not (2 <= S <= 4 and 2 <= T <= 4):
        raise ValueError(f"need 2 to 4 source words and 2 to 4 output tokens, got {S} and {T}")
    step = 1.05
    encoder_x = [i * step for i in range(S)]
    gap = 1.5 if attention else 1.6
    decoder_x = [encoder_x[-1] + gap + 0.9 + i * step for i in range(T)]
    y_in, y_state, y_out = 0.0, 1.25, 2.5
    if ax is None:
        width = decoder_x[-1] - encoder_x[0] + 1.4
        _, ax = plt.subplots(figsize=(5.0, 5.0 * (y_out + 1.5) / width))

    def box(xy, text, colour):
        draw_box(ax, xy, text, colour, fontsize=FONT_SIZE)

    # The encoder: words, then states linked left to right and right to left.
    for s, (x, word) in enumerate(zip(encoder_x, source_words), start=1):
        ax.text(x, y_in - 0.05, word, ha="center", va="center", fontsize=FONT_SIZE - 1,
                style="italic")
        box((x, y_state), f"$k_{s}$", COLOURS["hidden"])
        draw_arrow(ax, (x, y_in + 0.2), (x, y_state - BOX_HEIGHT / 2))
    for left, right in zip(encoder_x, encoder_x[1:]):
        draw_arrow(ax, (left + BOX_WIDTH / 2, y_state + 0.08),
                   (right - BOX_WIDTH / 2, y_state + 0.08))
        draw_arrow(ax, (right - BOX_WIDTH / 2, y_state - 0.08),
                   (left + BOX_WIDTH / 2, y_state - 0.08))
    ax.text((encoder_x[0] + encoder_x[-1]) / 2, y_in - 0.5, "encoder (BiGRU)",
            ha="center", va="center", fontsize=FONT_SIZE - 2, color="#333333")

    # The decoder: h_0, then one column per output token.
    h0_x = decoder_x[0] - 0.95
    box((h0_x, y_state), "$h_0$", COLOURS["decoder"])
    inputs = ["<bos>"] + list(output_tokens[:-1])
    previous = (h0_x + BOX_WIDTH / 2, y_state)
    for t, (x, token, fed) in enumerate(zip(decoder_x, output_tokens, inputs), start=1):
        ax.text(x, y_in - 0.05, fed, ha="center", va="center", fontsize=FONT_SIZE - 1,
                family="monospace")
        box((x, y_state), f"$h_{t}$", COLOURS["decoder"])
        box((x, y_out), token, COLOURS["output"])  # the token emitted from the logits l_t
        draw_arrow(ax, (x, y_in + 0.2), (x, y_state - BOX_HEIGHT / 2))
        draw_arrow(ax, (x, y_state + BOX_HEIGHT / 2), (x, y_out - BOX_HEIGHT / 2))
        draw_arrow(ax, previous, (x - BOX_WIDTH / 2, y_state))
        previous = (x + BOX_WIDTH / 2, y_state)
    ax.text((decoder_x[0] + decoder_x[-1]) / 2, y_in - 0.5, "decoder (GRU)",
            ha="center", va="center", fontsize=FONT_SIZE - 2, color="#333333")

    # The summary c (the final states) sets h_0 in both models.
    draw_arrow(ax, (encoder_x[-1] + BOX_WIDTH / 2, y_state + 0.1),
               (h0_x - BOX_WIDTH / 2, y_state + 0.1), "$c$", offset=(0.0, 0.25))
    if attention:
        # Step 2 in full: the query h_1 scores every k_s; the weights make c_2.
        c_xy = (encoder_x[-1] + 1.0, y_out + 0.55)
        box(c_xy, "$c_2$", COLOURS["input"])
        for s, x in enumerate(encoder_x, start=1):
            draw_arrow(ax, (x, y_state + BOX_HEIGHT / 2),
                       (c_xy[0] - BOX_WIDTH / 2, c_xy[1] - 0.08 * (s - 1)))
        ax.text((encoder_x[0] + c_xy[0]) / 2 - 0.3, y_out + 0.55, "$\\alpha_{2,s}$",
                ha="center", va="center", fontsize=FONT_SIZE, color="#333333")
        draw_arrow(ax, (decoder_x[0] - 0.15, y_state + BOX_HEIGHT / 2),
                   (c_xy[0] + 0.15, c_xy[1] - BOX_HEIGHT / 2), "query", offset=(-0.45, -0.1))
        draw_arrow(ax, (c_xy[0] + BOX_WIDTH / 2, c_xy[1] - 0.1),
                   (decoder_x[1] - BOX_WIDTH / 2, y_state + 0.12))
        draw_arrow(ax, (c_xy[0] + BOX_WIDTH / 2, c_xy[1] + 0.1),
                   (decoder_x[1] - 0.15, y_out + BOX_HEIGHT / 2))
        title = "with attention: a new context $c_t$ at every step"
    else:
        title = "without attention: one vector $c$ for the whole source"
    ax.set_title(title, fontsize=FONT_SIZE)
    ax.set_xlim(encoder_x[0] - 0.7, decoder_x[-1] + 0.7)
    ax.set_ylim(y_in - 0.8, y_out + (1.0 if attention else 0.5))
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
