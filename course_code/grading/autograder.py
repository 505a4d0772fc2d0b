"""A Gradescope autograder for one exercise set: the zip, and what runs inside it.

``python -m course_code exercises autograder SET --output DIR`` writes
``DIR/SET_autograder.zip``, the file Gradescope's "Zip file upload" expects::

    setup.sh         run once, as root, when Gradescope builds the image: installs NumPy
                     (and bubblewrap if the image allows), creates the dedicated user
                     ``course-grader``, makes everything in /autograder/source unreadable to it
    run_autograder   run for each submission: grades the submitted notebook, whatever its
                     file name, and always leaves /autograder/results/results.json behind
    secret.txt       the secret seed of the hidden inputs, drawn when the zip is built
    package/         the ``course_code`` package, used in place (no torch, no build step)

Inside Gradescope, ``run_autograder`` calls ``python3 -m course_code.grading.autograder``
(:func:`main`), which finds the notebook, grades it at the strongest isolation the
container allows (bubblewrap, else the dedicated user) and writes ``results.json``
in Gradescope's format; any failure becomes a result of 0 with the reason.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import zipfile
from pathlib import Path

from course_code.grading import notebook as nb
from course_code.grading.sets import get_set

__all__ = ["build_autograder", "find_submission", "main", "run_autograder"]

PACKAGE = Path(__file__).resolve().parents[1]
NUMPY_REQUIREMENT = "numpy>=1.24,<3"

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
# It installs only what grading needs: Python 3 and NumPy (the course_code package runs in
# place from package/, without torch), and bubblewrap where the image lets it run.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -q || true
apt-get install -y -q --no-install-recommends python3 python3-pip || true
apt-get install -y -q --no-install-recommends bubblewrap || true
python3 -m pip install --no-cache-dir "{numpy}" \\
    || python3 -m pip install --no-cache-dir --break-system-packages "{numpy}"
# Where bubblewrap cannot start (Docker without user namespaces), the grader runs the student's
# code as this unprivileged user, and kills all of its processes after each question.
id course-grader >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin course-grader
# Nothing here (the grader, its package, the secret seed) is readable by that user.
chmod -R go-rwx /autograder/source
python3 -c "import numpy; print('setup.sh: NumPy', numpy.__version__)"
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission. It always leaves results/results.json behind,
# even when the submission is unreadable or the grader itself fails.
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-python3}}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
cd "$ROOT/source" || exit 0
PYTHONPATH="$ROOT/source/package" "$PYTHON" -m course_code.grading.autograder --set {set_name} \\
    --root "$ROOT" --secret-file "$ROOT/source/secret.txt" || true
if [ ! -s "$RESULTS" ]; then
    cat > "$RESULTS" <<'JSON'
{fallback}
JSON
fi
"""


def _fallback_results(max_score: float) -> str:
    text = "The autograder failed before it could grade this submission; please tell your instructor."
    return json.dumps({"score": 0.0, "output": text,
                       "tests": [{"name": "grading", "score": 0.0, "max_score": max_score, "output": text}]})


def build_autograder(set_name: str, output_dir, secret: int | None = None) -> Path:
    """Write ``output_dir/<set_name>_autograder.zip`` for Gradescope; return its path.

    Args:
        set_name: the exercise set the assignment grades.
        output_dir: the folder to write into (created if missing).
        secret: the seed of the hidden inputs (default: a fresh random one, stored in the zip).

    Raises:
        KeyError: for an unknown set.
    """
    exercise_set = get_set(set_name)
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"{set_name}_autograder.zip"
    secret = secrets.randbits(63) if secret is None else secret

    def add(archive: zipfile.ZipFile, name: str, text: str, mode: int = 0o644) -> None:
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.external_attr = (0o100000 | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, text)

    with zipfile.ZipFile(path, "w") as archive:
        add(archive, "setup.sh", SETUP.format(numpy=NUMPY_REQUIREMENT), 0o755)
        add(archive, "run_autograder", RUN.format(set_name=set_name,
                                                  fallback=_fallback_results(exercise_set.max_score)), 0o755)
        add(archive, "secret.txt", f"{secret}\n", 0o600)
        for file in sorted(PACKAGE.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts and file.suffix not in (".pyc", ".pt"):
                relative = file.relative_to(PACKAGE.parent).as_posix()
                info = zipfile.ZipInfo(f"package/{relative}", date_time=(2026, 1, 1, 0, 0, 0))
                info.external_attr = (0o100000 | 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, file.read_bytes())
    return path


def find_submission(folder, set_name: str) -> Path | None:
    """The notebook to grade among the submitted files, whatever its name.

    Among every ``*.ipynb`` under ``folder`` (checkpoints left out), prefer the one whose
    metadata names ``set_name``, then one named ``<set_name>.ipynb``, then the largest.
    """
    candidates = [p for p in Path(folder).rglob("*.ipynb")
                  if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__MACOSX" not in p.parts]
    if not candidates:
        return None

    def rank(path: Path):
        try:
            named = nb.exercise_set_name(nb.read_notebook(path.read_bytes(), path.name)) == set_name
        except Exception:
            named = False
        return (named, path.name == f"{set_name}.ipynb", path.stat().st_size, str(path))

    return max(candidates, key=rank)


def run_autograder(set_name: str, root, secret_file=None) -> dict:
    """Grade the submission in ``root/submission`` and write ``root/results/results.json``; return it.

    Never raises: a missing or unreadable notebook, or a failure of the grader, gives a
    result of 0 out of the set's maximum that says why.
    """
    from course_code.grading.grade import GradingError, grade_notebook, new_secret
    from course_code.grading.report import gradescope_error, gradescope_results, write_json
    from course_code.grading.limits import Limits

    root = Path(root)
    maximum = get_set(set_name).max_score
    try:
        submitted = root / "submission"
        notebook = find_submission(submitted, set_name)
        if notebook is None:
            found = sorted(p.name for p in submitted.rglob("*") if p.is_file())[:10] if submitted.is_dir() else []
            data = gradescope_error(f"no Jupyter notebook (.ipynb) was submitted; the submission holds "
                                    f"{', '.join(found) if found else 'no files'}", maximum)
        else:
            secret = None
            if secret_file is not None and Path(secret_file).is_file():
                secret = int(Path(secret_file).read_text(encoding="utf-8").strip())
            result = grade_notebook(notebook, set_name, Limits(), secret=new_secret() if secret is None else secret)
            data = gradescope_results(result)
            data["output"] = f"Graded {notebook.name}.\n" + data["output"]
    except GradingError as error:
        data = gradescope_error(str(error), maximum)
    except Exception as error:  # the grader's own failure: still a results.json
        data = gradescope_error(f"the grader failed ({type(error).__name__}); please tell your instructor", maximum)
    try:
        write_json(root / "results" / "results.json", data)
    except OSError as error:
        print(f"could not write results.json: {error}", file=sys.stderr)
    return data


def main(argv: list[str] | None = None) -> int:
    """``python -m course_code.grading.autograder --set SET [--root /autograder] [--secret-file FILE]``."""
    parser = argparse.ArgumentParser(prog="python -m course_code.grading.autograder",
                                     description="Grade a Gradescope submission (what run_autograder calls).")
    parser.add_argument("--set", dest="set_name", required=True)
    parser.add_argument("--root", type=Path, default=Path("/autograder"))
    parser.add_argument("--secret-file", type=Path)
    args = parser.parse_args(argv)
    data = run_autograder(args.set_name, args.root, args.secret_file)
    print(f"score {data.get('score')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
