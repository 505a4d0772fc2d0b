"""What the course's website adds to Jupyter Book: downloads, citation, bibliography labels.

* **Downloads.** Every HTML build writes ``downloads/rnn-course-notebooks.zip`` (the chapter
  notebooks and the student versions of the graded exercise sets, never their solutions)
  and, when ``make pdf`` has printed the book, copies ``_build/pdf/rnn-course.pdf`` next to
  it. Both are offered in every page's download menu and on the page written by the
  ``course-downloads`` directive.
* **Footer.** Every page's footer links the "how to cite" page.
* **Bibliography.** The ``course_author_year`` pybtex style labels entries as the text
  cites them ("Hochreiter and Schmidhuber 1997", not "[HS97]").
* **One-page build.** ``jupyter-book build . --builder singlehtml`` (what ``make pdf``
  prints) renders every node the HTML build renders: some extensions register their HTML
  visitors for the builder named ``html`` only, so they are shared with ``singlehtml``.
"""

from __future__ import annotations

import codecs
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import latexcodec  # noqa: F401 - registers the "ulatex" codec used for names
from docutils import nodes
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from sphinx.util.docutils import SphinxDirective

NOTEBOOKS_ZIP = "rnn-course-notebooks.zip"
BOOK_PDF = "rnn-course.pdf"
DOWNLOADS_DIR = "downloads"
# What the notebook archive holds, relative to the book's source folder.
ARCHIVED_NOTEBOOKS = ("chapters/*.ipynb", "exercises/*.ipynb")


def built_pdf(outdir: str | Path) -> Path:
    """Where ``make pdf`` (tools/build_pdf.py) leaves the book's PDF: ``_build/pdf/``."""
    return Path(outdir).parent / "pdf" / BOOK_PDF


def archived_notebooks(srcdir: str | Path) -> list[Path]:
    srcdir = Path(srcdir)
    return sorted(
        path for pattern in ARCHIVED_NOTEBOOKS for path in srcdir.glob(pattern)
    )


def write_notebook_archive(srcdir: str | Path, target: Path) -> int:
    """Zip the chapter and student exercise notebooks into ``target``; the number of files."""
    srcdir = Path(srcdir)
    notebooks = archived_notebooks(srcdir)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in notebooks:
            archive.write(path, Path("rnn-course") / path.relative_to(srcdir))
    return len(notebooks)


def _is_html_site(app) -> bool:
    return app.builder.name == "html"


def note_pdf(app, config) -> None:
    # A config value, so that every page is written again when the PDF appears or goes.
    config.course_pdf_available = built_pdf(app.outdir).is_file()


def write_downloads(app, exception) -> None:
    if exception is not None or not _is_html_site(app):
        return
    downloads = Path(app.outdir) / DOWNLOADS_DIR
    write_notebook_archive(app.srcdir, downloads / NOTEBOOKS_ZIP)
    pdf = built_pdf(app.outdir)
    if app.config.course_pdf_available and pdf.is_file():
        shutil.copyfile(pdf, downloads / BOOK_PDF)


def _download_links(app) -> list[tuple[str, str, str]]:
    """(file name, text, icon) of each download the site offers."""
    links = [(NOTEBOOKS_ZIP, "All notebooks (.zip)", "fas fa-file-zipper")]
    if app.config.course_pdf_available:
        links.insert(0, (BOOK_PDF, "Whole book (.pdf)", "fas fa-book"))
    return links


def add_downloads_to_menu(app, pagename, templatename, context, doctree) -> None:
    """The whole book's downloads in the theme's per-page download menu."""
    if not _is_html_site(app):
        return
    pathto = context["pathto"]
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        for button in group["buttons"]:
            if button.get("label") == "download-pdf-button":
                button["text"] = "Print this page"
        for name, text, icon in _download_links(app):
            group["buttons"].append(
                {
                    "type": "link",
                    "url": pathto(f"{DOWNLOADS_DIR}/{name}", 1),
                    "text": text,
                    "tooltip": text,
                    "icon": icon,
                    "label": "download-" + name.replace(".", "-"),
                }
            )


def fix_citation_roles(app, pagename, templatename, context, doctree) -> None:
    """Bibliography entries as list items of their list (docutils marks them with a deprecated role)."""
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def add_citation_footer(app, pagename, templatename, context, doctree) -> None:
    if "cite" not in app.env.all_docs:
        return
    href = context["pathto"]("cite")
    context["theme_extra_footer"] = (
        f'<p>Using the course in your work? <a href="{href}">How to cite it</a>.</p>'
    )


class CourseDownloads(SphinxDirective):
    """``course-downloads``: a list of the whole book's downloads, as this build offers them."""

    def run(self) -> list[nodes.Node]:
        items = nodes.bullet_list()
        depth = self.env.docname.count("/")
        for name, text, _ in _download_links(self.env.app):
            href = "../" * depth + f"{DOWNLOADS_DIR}/{name}"
            paragraph = nodes.paragraph()
            paragraph += nodes.reference("", text, refuri=href, internal=False)
            items += nodes.list_item("", paragraph)
        return [items]


def share_html_visitors(app) -> None:
    """Give the one-page builder the HTML visitors some extensions register for ``html`` only."""
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    merged = dict(handlers.get("html", {}))
    merged.update(handlers.get("singlehtml", {}))
    handlers["singlehtml"] = merged


# --- Bibliography labels -----------------------------------------------------------------


def _last_names(person) -> str:
    return (
        codecs.decode(" ".join(person.last_names), "ulatex")
        .replace("{", "")
        .replace("}", "")
    )


class AuthorYearLabels(BaseLabelStyle):
    """Labels as the text cites: "Elman, 1990", "Cho et al., 2014"; a, b if repeated."""

    def format_labels(self, sorted_entries):
        labels = [self._label(entry) for entry in sorted_entries]
        counts, seen = Counter(labels), Counter()
        for label in labels:
            if counts[label] > 1:
                seen[label] += 1
                yield label + "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
            else:
                yield label

    @staticmethod
    def _label(entry) -> str:
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [_last_names(p) for p in people]
        if not names:
            who = entry.fields.get("key") or entry.key
        elif len(names) == 1:
            who = names[0]
        elif len(names) == 2:
            who = f"{names[0]} and {names[1]}"
        else:
            who = f"{names[0]} et al."
        return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearStyle(PlainStyle):
    default_label_style = "course_author_year"
    default_sorting_style = "author_year_title"


register_plugin("pybtex.style.labels", "course_author_year", AuthorYearLabels)
register_plugin("pybtex.style.formatting", "course_author_year", AuthorYearStyle)


def setup(app):
    app.add_config_value("course_pdf_available", False, "env")
    app.connect("config-inited", note_pdf)
    app.connect("builder-inited", share_html_visitors)
    # After sphinx-book-theme builds the header buttons (priority 501).
    app.connect("html-page-context", add_downloads_to_menu, priority=600)
    app.connect("html-page-context", add_citation_footer)
    app.connect("html-page-context", fix_citation_roles)
    app.connect("build-finished", write_downloads)
    app.add_directive("course-downloads", CourseDownloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
