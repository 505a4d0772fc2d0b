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
import io
import json
import re
import tokenize
from pathlib import Path

__all__ = [
    "NotebookError",
    "code_cells",
    "exercise_set_name",
    "generate_student_notebooks",
    "notebook_text",
    "read_notebook",
    "strip_magics",
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
    except RecursionError:
        raise NotebookError(f"{name} is not valid notebook JSON (nested too deeply)") from None
    except ValueError as error:
        raise NotebookError(f"{name} is not valid notebook JSON ({error})") from None
    if isinstance(notebook, dict) and notebook.get("nbformat") == 3 and "worksheets" in notebook:
        raise NotebookError(f"{name} is in the old notebook format 3 (IPython 2 or earlier). Open it in Jupyter "
                            "and save it again (File > Save Notebook), which converts it to format 4, then "
                            "grade that")
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookError(f"{name} is not a Jupyter notebook (no list of cells)")
    if notebook.get("nbformat") != 4:
        raise NotebookError(f"{name} uses notebook format {notebook.get('nbformat')!r}; version 4 is needed")
    return notebook


def _source_text(source) -> str:
    """A cell's ``source`` as text: a string, or a list whose strings are joined (anything else is dropped)."""
    if isinstance(source, str):
        return source
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return ""


# Cell magics whose body is Python that runs as usual; any other cell magic (%%bash, %%writefile,
# %%html, ...) makes the whole cell something else than Python, so it is not run.
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun"}


def _statement_is_open(lines: list[str]) -> bool:
    """Whether the Python in ``lines`` stops inside brackets, a string or after a backslash."""
    try:
        list(tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline))
    except tokenize.TokenError:
        return True
    except (SyntaxError, ValueError):
        return False
    return False


def _magic_replacement(line: str) -> str | None:
    """What a line that starts a statement becomes if it is a magic, else None."""
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if stripped.startswith(("%", "!")) and not stripped.startswith("!="):
        return f"{indent}pass  # {stripped}"
    assigned = _ASSIGNED_MAGIC.match(stripped)
    if assigned:
        return f"{indent}{assigned.group(1)} = None  # {stripped}"
    if _HELP.match(stripped):
        return f"{indent}pass  # {stripped}"
    return None


def strip_magics(source: str) -> str:
    """``source`` with IPython's magics and shell escapes turned into ``pass``, keeping line numbers.

    Only a line that starts a statement can be a magic: ``%time x = f()``, ``!ls``,
    ``files = !ls`` and ``obj?`` are; a continuation line that starts with ``%`` or ``!=``
    inside brackets is ordinary Python and stays as it is (the tokenizer says which lines
    continue a statement). ``%%time`` and ``%%capture`` cells run their body; any other cell
    magic (``%%bash``, ``%%writefile``, ...) makes the whole cell ``pass``.
    """
    lines = source.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        words = lines[first].strip()[2:].split()
        if not words or words[0] not in PYTHON_CELL_MAGICS:
            return "\n".join("pass" if i == first else "" for i in range(len(lines)))
        lines[first] = "pass  # " + lines[first].strip()
    out, pending = [], []
    for line in lines:
        replacement = None if pending else _magic_replacement(line)
        line = line if replacement is None else replacement
        out.append(line)
        pending.append(line)
        if len(pending) > 1000 or not _statement_is_open(pending):  # the bound keeps hostile cells linear
            pending = []
    return "\n".join(out)


_ASSIGNED_MAGIC = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*[%!]")
_HELP = re.compile(r"^\??[A-Za-z_][A-Za-z0-9_.]*\?\??$")


def code_cells(notebook: dict) -> list[str]:
    """The source of every code cell, with IPython magics (``%...``, ``!...``) turned into ``pass``.

    Line numbers are kept, so error messages point at the student's own lines.
    A malformed cell (not a dict, a ``source`` of the wrong type) counts as empty.
    """
    cells = []
    for cell in notebook.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        cells.append(strip_magics(_source_text(cell.get("source", ""))))
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
