"""Notebooks as the grader sees them: code cells to run, and student versions to generate.

The instructor's source notebook (``exercises/source/<set>.ipynb``) holds the
solutions between nbgrader-style markers::

    def softmax(logits):
        ### BEGIN SOLUTION
        shifted = logits - logits.max(axis=-1, keepdims=True)
        ...
        ### END SOLUTION

:func:`student_version` replaces each marked region by a stub, at the
region's indentation::

        # YOUR CODE HERE
        raise NotImplementedError()

and clears every output, so the student notebook (``exercises/<set>.ipynb``)
is a pure function of the source: regenerate it, never edit it by hand.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

__all__ = [
    "NotebookError",
    "code_cells",
    "exercise_set_name",
    "generate_student_notebooks",
    "notebook_text",
    "read_notebook",
    "strip_solutions",
    "student_version",
]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
CODE_STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]
MARKDOWN_STUB = ["YOUR ANSWER HERE"]
METADATA_KEY = "course_exercise"  # notebook metadata: {"set": "<set name>"}


class NotebookError(ValueError):
    """The file is not a notebook the grader can read."""


def read_notebook(data: bytes, name: str = "notebook") -> dict:
    """Parse notebook bytes (nbformat 4) as plain JSON; :class:`NotebookError` with a reason otherwise.

    Plain ``json`` rather than ``nbformat``, which takes over a second to import.
    """
    try:
        notebook = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise NotebookError(f"{name} is not a text file, so not a Jupyter notebook") from None
    except ValueError as error:
        raise NotebookError(f"{name} is not valid notebook JSON ({error})") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookError(f"{name} is not a Jupyter notebook (no list of cells)")
    if notebook.get("nbformat") != 4:
        raise NotebookError(f"{name} uses notebook format {notebook.get('nbformat')!r}; version 4 is needed")
    return notebook


_MAGIC = re.compile(r"^(\s*)[%!]")


def code_cells(notebook: dict) -> list[str]:
    """The source of every code cell, with IPython magics (``%...``, ``!...``) turned into ``pass``.

    Line numbers are kept, so error messages point at the student's own lines.
    """
    cells = []
    for cell in notebook.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        cells.append("\n".join(_MAGIC.sub(r"\1pass  # ", line) for line in source.split("\n")))
    return cells


def exercise_set_name(notebook: dict) -> str | None:
    """The set named in the notebook's metadata, if any."""
    metadata = notebook.get("metadata", {})
    info = metadata.get(METADATA_KEY, {}) if isinstance(metadata, dict) else {}
    name = info.get("set") if isinstance(info, dict) else None
    return name if isinstance(name, str) else None


def strip_solutions(source: str, stub: list[str] = CODE_STUB) -> str:
    """Replace every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region by ``stub``.

    Raises:
        ValueError: for a region that is opened and never closed, or closed and never opened.
    """
    out, inside, indent = [], False, ""
    for number, line in enumerate(source.split("\n"), start=1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"line {number}: {BEGIN} inside another solution region")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
            out.extend(indent + s for s in stub)
        elif stripped == END:
            if not inside:
                raise ValueError(f"line {number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN} without {END}")
    return "\n".join(out)


def student_version(source):
    """The student notebook (an ``nbformat.NotebookNode``): solutions replaced by stubs, no outputs,
    no execution counts."""
    notebook = copy.deepcopy(source)
    for cell in notebook.cells:
        text = "".join(cell.source) if isinstance(cell.source, list) else cell.source
        if cell.cell_type == "code":
            cell.source = strip_solutions(text)
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
        elif cell.cell_type == "markdown":
            cell.source = strip_solutions(text, MARKDOWN_STUB)
    return notebook


def notebook_text(notebook) -> str:
    """The exact text written to disk (nbformat's layout, one trailing newline)."""
    import nbformat

    return nbformat.writes(notebook, version=4) + "\n"


def generate_student_notebooks(source_dir: Path, output_dir: Path, check_only: bool = False) -> list[tuple[Path, bool]]:
    """Write ``output_dir/<set>.ipynb`` for every ``source_dir/<set>.ipynb``.

    With ``check_only`` nothing is written. Returns ``(student path, differs)``
    pairs, where ``differs`` says the file on disk was (or would be) changed.
    """
    import nbformat

    results = []
    for source_path in sorted(Path(source_dir).glob("*.ipynb")):
        read_notebook(source_path.read_bytes(), str(source_path))  # a readable message if broken
        source = nbformat.reads(source_path.read_text(encoding="utf-8"), as_version=4)
        text = notebook_text(student_version(source))
        target = Path(output_dir) / source_path.name
        differs = not target.exists() or target.read_text(encoding="utf-8") != text
        if differs and not check_only:
            target.write_text(text, encoding="utf-8")
        results.append((target, differs))
    return results
