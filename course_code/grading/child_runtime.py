"""What the child runs with at every isolation level: the interpreter, NumPy, the environment.

The child is started with ``python -I -S`` and finds NumPy, and nothing else that
is installed, through a folder put on its ``sys.path``: inside the bubblewrap
sandbox NumPy's folders are bound under one path; at the other levels
:func:`private_site` is a folder holding only links to them.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["child_environment", "child_python", "numpy_dirs", "private_site"]


def numpy_dirs() -> list[Path]:
    """NumPy's package folder and, for a wheel install, its bundled libraries (``numpy.libs``)."""
    package = Path(np.__file__).resolve().parent
    libs = package.parent / "numpy.libs"
    return [package] + ([libs] if libs.is_dir() else [])


@functools.lru_cache(maxsize=None)
def private_site() -> str:
    """A folder holding only links to NumPy, to put on the child's ``sys.path`` (nothing else installed)."""
    folder = tempfile.mkdtemp(prefix="course-grader-site-")
    atexit.register(shutil.rmtree, folder, True)
    os.chmod(folder, 0o755)
    for directory in numpy_dirs():
        os.symlink(directory, os.path.join(folder, directory.name))
    return folder


def child_python() -> str:
    """The interpreter the child runs: ``$COURSE_GRADER_PYTHON``, else this one (a venv's link resolved)."""
    return os.environ.get("COURSE_GRADER_PYTHON") or os.path.realpath(sys.executable)


def child_environment(home: str) -> dict[str, str]:
    """The child's whole environment: nothing that names a path of the grader."""
    return {"PATH": "/usr/bin:/bin", "HOME": home, "TMPDIR": home, "LANG": "C.UTF-8",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
