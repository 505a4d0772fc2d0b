"""How the book's figures are rendered for screens: sharp on HiDPI displays, legible on phones.

A chapter calls :func:`use_book_figures` once, in its first code cell, before it draws::

    from course_code.plots.style import use_book_figures
    use_book_figures()

Inline figures are then stored as PNGs at twice the pixel density (IPython's ``"retina"``
format): a phone or laptop with a HiDPI screen shows them sharp, and the page lays them
out at the same size as before, since the PNG's metadata carries the halved width and
height. The text output nbval compares, ``<Figure size 1200x300 with 3 Axes>``, is the
figure's size at ``figure.dpi``, which this leaves alone; so are the figure sizes. Only
the default font sizes change, to the book's (see :data:`BOOK_RC`).

Captions and numbers are not set here: they belong to the cell that shows the figure,
through MyST-NB's cell metadata, with ``numfig`` on in ``_config.yml``::

    "metadata": {"mystnb": {"figure": {"caption": "What the figure shows.",
                                        "name": "fig-lstm-gates"},
                            "image": {"alt": "A description for screen readers."}}}

The text then refers to it as ``{numref}`fig-lstm-gates```.
"""

from __future__ import annotations

import matplotlib

__all__ = ["BOOK_RC", "use_book_figures"]

# Default text sizes in points, at the figure's own size. Figures as wide as the text
# column are shown about 1:1 on a laptop; at 390 px they shrink, which is why the plots
# stack panels rather than spread them. Neither figure.dpi nor figure.figsize is here:
# they fix the "<Figure size WxH>" text that nbval compares.
BOOK_RC: dict[str, float] = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
}


def use_book_figures() -> None:
    """Show the notebook's figures as the book does: retina PNGs, the book's font sizes.

    Call it once per notebook, before the first figure. Outside IPython (a script, a
    test) only the font sizes apply.
    """
    matplotlib.rcParams.update(BOOK_RC)
    try:
        from IPython import get_ipython
    except ImportError:  # IPython is not installed: nothing to configure
        return
    if get_ipython() is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("retina")
