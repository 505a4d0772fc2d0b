"""Print the whole book to one PDF: ``make pdf``.

The book is built as one HTML page (``jupyter-book build . --builder singlehtml``), served
on 127.0.0.1, opened in the same headless Chromium the browser test drives
(tests/site/site_harness.py: $CHROMIUM, Debian's chromium or Playwright's own), and printed
with Playwright's ``page.pdf``. MathJax renders the equations before printing, every
solution dropdown and hidden cell is opened, and the print rules of ``_static/course.css``
wrap code and keep figures with their captions. The PDF lands in ``_build/pdf/``, where the
next HTML build finds it and offers it in every page's download menu.

Usage: python tools/build_pdf.py [--no-build] [--output PATH]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests" / "site"))

import site_harness  # noqa: E402 - the browser test's server and Chromium, shared on purpose

sys.path.insert(0, str(REPO_ROOT / "_ext"))
from course_site import BOOK_PDF  # noqa: E402

BUILD_DIR = REPO_ROOT / "_build"
SINGLEHTML_DIR = BUILD_DIR / "singlehtml"
DEFAULT_OUTPUT = BUILD_DIR / "pdf" / BOOK_PDF

# Opens what a reader of the website opens by a click: solutions, hidden cells.
_OPEN_EVERYTHING_JS = """
() => {
  document.querySelectorAll('.admonition.toggle-hidden > .admonition-title > button.toggle-button')
          .forEach(button => button.click());
  document.querySelectorAll('details').forEach(d => { d.open = true; });
}
"""

_FOOTER = (
    '<div style="font-size:8px;width:100%;text-align:center;color:#555;">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def build_singlehtml() -> None:
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [
        str(jupyter_book if jupyter_book.exists() else "jupyter-book"),
        "build",
        str(REPO_ROOT),
        "--builder",
        "singlehtml",
    ]
    print("build_pdf:", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=REPO_ROOT)


def print_book(site: Path, output: Path) -> None:
    from playwright.sync_api import sync_playwright

    output.parent.mkdir(parents=True, exist_ok=True)
    with site_harness.SiteServer(site) as server, sync_playwright() as playwright:
        with tempfile.TemporaryDirectory(prefix="build-pdf-chromium-") as profile:
            context = site_harness.launch_context(
                playwright, profile, viewport=site_harness.LAPTOP
            )
            try:
                site_harness.block_external(context)
                page = context.new_page()
                page.set_default_timeout(300_000)
                # index.html only redirects to the root page, which holds the whole book.
                index = (site / "index.html").read_text(encoding="utf-8")
                root = site_harness.redirect_target(index) or "index.html"
                page.goto(server.url(root), wait_until="load", timeout=300_000)
                page.evaluate(_OPEN_EVERYTHING_JS)
                site_harness.wait_for_mathjax(page)
                page.evaluate(
                    "() => MathJax.startup.promise.then(() => MathJax.typesetPromise())"
                )
                page.evaluate(
                    "() => Promise.all(Array.from(document.images, img => img.complete ? 0 :"
                    " new Promise(ok => { img.onload = img.onerror = ok; })))"
                )
                page.evaluate("() => document.fonts.ready.then(() => true)")
                page.emulate_media(media="print")
                page.pdf(
                    path=str(output),
                    format="A4",
                    print_background=True,
                    margin={
                        "top": "16mm",
                        "bottom": "16mm",
                        "left": "14mm",
                        "right": "14mm",
                    },
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=_FOOTER,
                    outline=True,
                    tagged=True,
                )
            finally:
                context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-build",
        action="store_true",
        help="print the singlehtml build already there",
    )
    parser.add_argument(
        "--site",
        type=Path,
        default=SINGLEHTML_DIR,
        help="the singlehtml build to print",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    start = time.monotonic()
    if not args.no_build:
        build_singlehtml()
    if not (args.site / "index.html").is_file():
        print(
            f"build_pdf: {args.site / 'index.html'} is missing; build it first",
            file=sys.stderr,
        )
        return 1
    partial = args.output.with_suffix(".partial.pdf")
    print_book(args.site, partial)
    shutil.move(partial, args.output)
    from pypdf import PdfReader

    pages = len(PdfReader(args.output).pages)
    size_mb = args.output.stat().st_size / 1e6
    print(
        f"build_pdf: {args.output} ({pages} pages, {size_mb:.1f} MB) in {time.monotonic() - start:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
