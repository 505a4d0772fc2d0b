"""Deprecated home of :func:`course_code.reproducibility.seeded_init` (a thin re-export).

Import it from :mod:`course_code.reproducibility`; this module goes once nothing uses it.
"""

from __future__ import annotations

from course_code.reproducibility import seeded_init

__all__ = ["seeded_init"]
