"""Give every chapter notebook a cell that, on Google Colab, installs the course.

Usage::

    .venv/bin/python tools/colab_cell.py [--check] [NOTEBOOK ...]   (default: chapters/*.ipynb)

Colab opens a chapter alone, without the repository, so ``from course_code ...``
would fail. The cell installs the package (with its shipped data) from the
repository named in ``_config.yml`` (``repository: url:`` and ``branch:``, the one
place the address is written) when, and only when, it runs on Colab; everywhere
else it does nothing and prints nothing. It is tagged ``remove-cell``, so the
website and the PDF do not show it. The cell is written, or rewritten in place if
the notebook already has it, with an execution count and no outputs, as if run
outside Colab. ``--check`` changes nothing and exits 1 if a notebook's cell is
missing or differs (the test suite runs that check).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
MARKER = "# On Google Colab, install the course first"
TAGS = ["remove-cell"]


def repository() -> tuple[str, str]:
    """The repository's URL and branch, from _config.yml (read as text: no YAML library needed)."""
    config = (REPO / "_config.yml").read_text(encoding="utf-8")
    block = re.search(r"^repository:\n((?:[ \t]+.*\n?)+)", config, re.M)
    if not block:
        raise SystemExit("_config.yml has no repository: block")
    fields = dict(re.findall(r"^[ \t]+(\w+):[ \t]*(\S+)", block.group(1), re.M))
    return fields["url"], fields.get("branch", "main")


def cell_source() -> str:
    url, branch = repository()
    return (
        f"{MARKER} (elsewhere this cell does nothing).\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        "\n"
        f'    COURSE = "course_code @ git+{url}@{branch}"\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", COURSE], check=True)'
    )  # no newline at the end: ruff format strips it from notebook cells


def apply(path: Path, check: bool) -> bool:
    """Write the cell into one notebook; return True if the notebook was (or would be) changed.

    The cell goes right after the title (the first cell, when it is Markdown), so that
    a notebook still opens with its title.
    """
    notebook = nbformat.read(path, as_version=4)
    source = cell_source()
    found = [
        i
        for i, c in enumerate(notebook.cells)
        if c.cell_type == "code" and c.source.startswith(MARKER)
    ]
    if found:
        index = found[0]
        old = notebook.cells[index]
        if (
            old.source == source
            and old.metadata.get("tags") == TAGS
            and not old.outputs
        ):
            return False
    if check:
        return True
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": TAGS}, execution_count=1)
    if found:
        cell.id = notebook.cells[index].id
        notebook.cells[index] = cell
    else:
        title_first = bool(notebook.cells) and notebook.cells[0].cell_type == "markdown"
        notebook.cells.insert(1 if title_first else 0, cell)
    nbformat.write(notebook, path)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report, change nothing")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((REPO / "chapters").glob("*.ipynb"))
    changed = [path for path in paths if apply(path, args.check)]
    for path in changed:
        print(
            f"{path}: {'lacks the Colab cell or has another' if args.check else 'Colab cell written'}"
        )
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
