"""Fixtures of the grader's tests (the helpers live in helpers.py)."""

from .helpers import submission  # noqa: F401  (a fixture)
