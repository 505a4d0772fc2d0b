"""Helpers for the grader's tests: build submissions from the solution notebook, grade them."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest

from course_code.grading.grade import grade_notebook
from course_code.grading.limits import Limits
from course_code.grading.sets import get_set

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "exercises" / "source" / "rnn_forward.ipynb"
STUDENT = REPO / "exercises" / "rnn_forward.ipynb"
QUESTIONS = ("rnn_step_forward", "rnn_forward", "softmax", "sequence_cross_entropy")
FULL_MARKS = {"rnn_step_forward": 2, "rnn_forward": 3, "softmax": 2, "sequence_cross_entropy": 3}
FAST = Limits(timeout_seconds=3.0)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_submission(path: Path, answers: dict[str, str] | None = None, extra_cells: tuple[str, ...] = ()) -> Path:
    """The solution notebook with the cell defining each function in ``answers`` replaced.

    ``answers`` maps a question name to the full source of the cell that
    replaces the reference answer; ``extra_cells`` are code cells appended at
    the end. The markers are dropped, as a student's notebook would have none.
    """
    notebook = json.loads(SOURCE.read_text(encoding="utf-8"))
    answers = dict(answers or {})
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for name in list(answers):
            if re.search(rf"^def {name}\(", source, re.MULTILINE):
                source = answers.pop(name)
        cell["source"] = "\n".join(line for line in source.split("\n") if "### " not in line)
    assert not answers, f"no cell defines {sorted(answers)}"
    for extra in extra_cells:
        notebook["cells"].append({"cell_type": "code", "execution_count": None, "id": f"extra{len(notebook['cells'])}",
                                  "metadata": {}, "outputs": [], "source": extra})
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path


def grade_points(path: Path, limits: Limits = FAST):
    """Grade ``path``; return ``(points per question, result)``."""
    result = grade_notebook(path, limits=limits)
    return {q.name: q.points for q in result.questions}, result


@pytest.fixture
def submission(tmp_path):
    """``submission(answers, extra_cells)`` -> the path of a new notebook in a temporary folder."""
    counter = iter(range(1000))

    def make(answers=None, extra_cells=()):
        return write_submission(tmp_path / f"submission{next(counter)}.ipynb", answers, extra_cells)

    return make


# ---- every exercise set -----------------------------------------------------------------------


def set_notebooks(name: str) -> tuple[Path, Path]:
    """``(source, student)``: the solution notebook of set ``name`` and its generated student version."""
    return REPO / "exercises" / "source" / f"{name}.ipynb", REPO / "exercises" / f"{name}.ipynb"


def code_sources(path: Path) -> list[str]:
    """The source of every code cell of a notebook file."""
    return ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"]


def solution_only_lines(source: Path) -> list[str]:
    """The non-blank lines between solution markers that appear nowhere else in the source's code.

    A line that the source also gives outside the markers (a function the notebook provides,
    say) is not a solution line: it may stand in the student version.
    """
    inside_lines, outside_lines = [], set()
    for code in code_sources(source):
        inside = False
        for line in code.split("\n"):
            if "### BEGIN SOLUTION" in line or "### END SOLUTION" in line:
                inside = "BEGIN" in line
            elif line.strip():
                (inside_lines.append if inside else outside_lines.add)(line.strip())
    return [line for line in inside_lines if line not in outside_lines]


@functools.lru_cache(maxsize=None)
def executed_source(name: str):
    """The solution notebook of set ``name`` executed top to bottom in its own folder, as Jupyter runs it (cached).

    Its last cell, ``grade("<set>.ipynb")``, then grades the source notebook itself.
    """
    import nbformat
    from nbclient import NotebookClient

    source = set_notebooks(name)[0]
    notebook = nbformat.read(source, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(source.parent)}}).execute()
    return notebook


def cell_text(cell) -> str:
    """Everything a code cell printed to its streams."""
    return "".join(o.get("text", "") for o in cell.outputs)


# ---- known bugs -------------------------------------------------------------------------------


def assert_recognised(set_name: str, question: str, result, bug: str, full_marks: float) -> None:
    """A wrong answer's result: below full marks, named as the known ``bug``, with that bug's hint."""
    assert result.points < full_marks, result.message
    assert result.status in {"partial", "failed"}
    assert bug in result.message
    hint = next(b.hint for b in get_set(set_name).question(question).known_bugs if b.name == bug)
    assert any(hint in t.hint for t in result.tests if not t.passed)


def unexercised_bugs(set_name: str, mutants) -> set[tuple[str, str]]:
    """The ``(question, bug)`` pairs of a set that no ``(question, answer, bug)`` mutant exercises."""
    exercised = {(question, bug) for question, _, bug in mutants}
    return {(q.name, b.name) for q in get_set(set_name).questions for b in q.known_bugs} - exercised


def same_output(a, b) -> bool:
    """Whether two results (arrays, numbers, or tuples of them) agree to the grader's tolerance."""
    if isinstance(a, tuple) != isinstance(b, tuple):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same_output(x, y) for x, y in zip(a, b))
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-8, equal_nan=True))
