"""Every chapter opens on Colab: its install cell is present, current, and inert elsewhere."""

import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
import colab_cell  # noqa: E402

CHAPTERS = sorted((REPO / "chapters").glob("*.ipynb"))


def test_every_chapter_has_the_current_colab_cell():
    result = subprocess.run([sys.executable, str(REPO / "tools" / "colab_cell.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + "run tools/colab_cell.py to write the cell"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_cell_is_hidden_from_readers_and_comes_before_any_course_import(path):
    cells = nbformat.read(path, as_version=4).cells
    [index] = [i for i, c in enumerate(cells) if c.source.startswith(colab_cell.MARKER)]
    assert cells[index].metadata["tags"] == ["remove-cell"]
    assert not any("course_code" in c.source for c in cells[:index] if c.cell_type == "code")


def _run_cell(monkeypatch, on_colab: bool) -> list:
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(colab_cell.cell_source(), "colab-cell", "exec"), {})
    return calls


def test_outside_colab_the_cell_does_nothing(monkeypatch):
    assert _run_cell(monkeypatch, on_colab=False) == []


def test_on_colab_the_cell_installs_the_repository_named_in_the_config(monkeypatch):
    [(args, kwargs)] = _run_cell(monkeypatch, on_colab=True)
    command = args[0]
    url, branch = colab_cell.repository()
    assert url.startswith("https://") and command[:4] == [sys.executable, "-m", "pip", "install"]
    assert command[-1] == f"course_code @ git+{url}@{branch}" and kwargs == {"check": True}
