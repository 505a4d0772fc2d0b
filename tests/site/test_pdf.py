"""The whole book as one PDF (`make pdf`, tools/build_pdf.py): complete, with math rendered.

Marked ``site`` and ``pdf``: it reads ``_build/pdf/rnn-course.pdf`` (or ``BOOK_PDF``), which
``make pdf`` writes and nothing else does. Run it alone with ``pytest -m pdf tests/site``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml

import site_harness

pytestmark = [pytest.mark.site, pytest.mark.pdf]

BOOK_PDF = Path(
    os.environ.get("BOOK_PDF")
    or site_harness.REPO_ROOT / "_build" / "pdf" / "rnn-course.pdf"
)


def _toc_files(node) -> list[str]:
    files = []
    if isinstance(node, dict):
        if "file" in node:
            files.append(node["file"])
        for value in node.values():
            files += _toc_files(value)
    elif isinstance(node, list):
        for item in node:
            files += _toc_files(item)
    return files


def _first_heading(path: Path) -> str:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join(
            "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
        )
    else:
        text = path.read_text(encoding="utf-8")
    match = re.search(r"^# (.+)$", text, re.MULTILINE)
    assert match, f"{path} has no title"
    return match.group(1).strip()


def chapter_titles() -> list[str]:
    """The title of every chapter notebook in the table of contents."""
    toc = yaml.safe_load(
        (site_harness.REPO_ROOT / "_toc.yml").read_text(encoding="utf-8")
    )
    root = site_harness.REPO_ROOT
    return [
        _first_heading(root / f"{name}.ipynb")
        for name in _toc_files(toc)
        if name.startswith("chapters/") and (root / f"{name}.ipynb").is_file()
    ]


def _normalise(text: str) -> str:
    # Extraction breaks lines, hyphenates and spaces letters differently: compare letters only.
    return re.sub(r"[^a-z0-9]", "", text.lower())


@pytest.fixture(scope="module")
def pdf_text():
    if not BOOK_PDF.is_file():
        pytest.fail(f"{BOOK_PDF} is missing: run `make pdf` first.", pytrace=False)
    from pypdf import PdfReader

    reader = PdfReader(BOOK_PDF)
    return len(reader.pages), [page.extract_text() or "" for page in reader.pages]


def test_pdf_has_the_whole_book(pdf_text):
    pages, texts = pdf_text
    titles = chapter_titles()
    assert len(titles) >= 9, f"only {len(titles)} chapters found in _toc.yml"
    # Each page of the book starts a sheet of paper, and a chapter takes several.
    assert 5 * len(titles) <= pages <= 2000, f"{pages} pages for {len(titles)} chapters"
    whole = _normalise(" ".join(texts))
    missing = [title for title in titles if _normalise(title) not in whole]
    assert not missing, f"chapter titles not in the PDF's text: {missing}"


def test_pdf_has_no_raw_tex(pdf_text):
    _, texts = pdf_text
    hits = [
        f"page {number}: ...{text[max(0, m.start() - 40) : m.end() + 40]}..."
        for number, text in enumerate(texts, start=1)
        for m in re.finditer(r"\\frac|\$\$|\\begin\{", text)
    ]
    assert not hits, "TeX source printed in the PDF:\n  " + "\n  ".join(hits[:20])
