"""The course as Binder, Colab and ``pip install .`` see it: installed, not editable.

The package is built and installed into a temporary folder, and a Python started
outside the repository, with that folder first on its path and without this
environment's ``.pth`` files (so the editable install is invisible), runs every
``course_code`` import of every chapter and exercise notebook and loads every
shipped data set.
"""

import ast
import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytest.importorskip("torch")  # the chapters need torch; make test-pythons has none

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(REPO.glob("chapters/*.ipynb")) + sorted(REPO.glob("exercises/*.ipynb"))


def course_imports(notebook: Path) -> list[str]:
    """Every ``import course_code...`` / ``from course_code... import ...`` statement of a notebook."""
    statements = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        # IPython magics and shell escapes are not Python.
        source = "\n".join(
            "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
        )
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue  # an exercise's unfinished stub
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("course_code"):
                statements.append(ast.unparse(node))
            elif isinstance(node, ast.Import) and any(a.name.startswith("course_code") for a in node.names):
                statements.append(ast.unparse(node))
    return statements


LOAD_EVERYTHING = """
import sys
from pathlib import Path
import course_code
installed = Path(course_code.__file__).resolve()
assert str(installed).startswith(sys.argv[1]), f"imported {installed}, not the installed copy"
from course_code.data.files import data_file, shipped_files
names = shipped_files()
for name in names:
    assert data_file(name).is_file(), name
    assert str(data_file(name)).startswith(sys.argv[1]), data_file(name)
from course_code.data.text import python_docs_text
from course_code.data.timeseries import load_co2_weekly
from course_code.models.pretrained import load_char_rnn
text = python_docs_text()
dates, co2 = load_co2_weekly()
model, vocab = load_char_rnn()
assert vocab.chars == "".join(sorted(set(text)))
print(len(names), len(text), len(dates), len(vocab))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "--target", str(target), str(REPO)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    assert not (target / "__editable__").exists()
    return target


def run_outside_repo(installed: Path, code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    # -S: no site module, so no .pth file of this environment runs (the editable finder is one);
    # the installed copy comes first, then this environment's dependencies.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(installed), sysconfig.get_paths()["purelib"],
                                                      sysconfig.get_paths()["platlib"]]),
               MPLBACKEND="Agg", OMP_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-S", "-c", code, str(installed)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_installed_package_finds_its_data(installed, tmp_path):
    result = run_outside_repo(installed, LOAD_EVERYTHING, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    files, characters, weeks, vocabulary = map(int, result.stdout.split())
    assert characters == 465_107 and weeks == 2284 and vocabulary == 94 and files >= 4


def test_every_notebooks_imports_work_from_the_installed_package(installed, tmp_path):
    statements = sorted({s for notebook in NOTEBOOKS for s in course_imports(notebook)})
    assert len(statements) > 20  # the chapters import a great deal of course_code
    code = "import sys, pathlib, course_code\n"
    code += "assert str(pathlib.Path(course_code.__file__).resolve()).startswith(sys.argv[1])\n"
    code += "\n".join(statements) + "\nprint('ok')\n"
    result = run_outside_repo(installed, code, tmp_path)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-3000:]
