"""The data files that ship inside the package, found wherever it is installed.

The files sit beside this module (``README.md`` here names each one's source and
licence) and are package data, so a plain ``pip install .``, Binder and Colab
find them as an editable install does. Nothing is ever downloaded.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_file", "shipped_files"]


def shipped_files() -> list[str]:
    """The names of the data files the package ships, sorted."""
    folder = resources.files(__name__)
    return sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.is_file() and not entry.name.endswith((".py", ".pyc"))
    )


def data_file(name: str) -> Path:
    """The path of one shipped data file, e.g. ``data_file("mauna_loa_co2_weekly.csv")``.

    Args:
        name: a file name from :func:`shipped_files` (no folders).

    Returns:
        The file's path on disk.

    Raises:
        TypeError: if ``name`` is not a string.
        ValueError: if the package ships no file of that name.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a file name (str), got {type(name).__name__}")
    available = shipped_files()
    if name not in available:
        raise ValueError(f"no shipped data file {name!r}; the package ships {available}")
    # A regular (non-zipped) installation: the resource is a file on disk.
    return Path(str(resources.files(__name__).joinpath(name)))
