"""The built website in a real browser: every page, the search page, two screenshots.

Run after `make book` (it builds nothing): ``.venv/bin/python -m pytest -m site tests/site``.
Each page is loaded once (the ``crawl`` fixture); each test below asserts one property
over all pages and lists every page that breaks it.
"""

from __future__ import annotations

import re
import urllib.parse
from html import unescape

import pytest

import site_harness

pytestmark = pytest.mark.site


def _report(title: str, problems: list[str]) -> str:
    return f"{title} ({len(problems)}):\n  " + "\n  ".join(problems)


def test_pages_discovered(site_pages):
    # The book's table of contents: a page lost from the build is a failure, not a smaller test.
    for expected in (
        "intro.html",
        "notation.html",
        "chapters/vanilla_rnn.html",
        "chapters/lstm.html",
        "glossary.html",
        "api.html",
        "api/scratch.html",
        "bibliography.html",
    ):
        assert expected in site_pages


def test_no_console_errors(crawl):
    problems = [
        f"{rel}: {kind}: {message}"
        for rel, result in crawl.items()
        for kind, messages in (
            ("console error", result.console_errors),
            ("uncaught exception", result.page_errors),
        )
        for message in messages
    ]
    assert not problems, _report("pages with console errors", problems)


def test_no_failed_local_loads(crawl):
    problems = [
        f"{rel}: {bad}" for rel, result in crawl.items() for bad in result.bad_responses
    ]
    assert not problems, _report("local resources that failed to load", problems)


def test_no_external_requests(crawl):
    # The site must work offline: every script, style, font and image comes from the site itself.
    problems = [
        f"{rel}: {url}"
        for rel, result in crawl.items()
        for url in result.external_requests
    ]
    assert not problems, _report("requests that left 127.0.0.1", problems)


def test_redirects_land(crawl, site_server):
    # index.html is a <meta refresh> to the first page: the browser must arrive there.
    for rel, result in crawl.items():
        if result.redirect is not None:
            expected = urllib.parse.urljoin(site_server.url(rel), result.redirect)
            assert result.landed_url == expected, (
                f"{rel} redirected to {result.landed_url}, not {expected}"
            )


def test_math_rendered_by_mathjax(crawl):
    problems = []
    for rel, result in crawl.items():
        if result.redirect is not None:
            continue
        if result.source_has_math and not result.loads_mathjax:
            problems.append(
                f"{rel}: its source has $-math but the page does not load MathJax"
            )
        if result.source_has_math and result.mjx_containers == 0:
            problems.append(
                f"{rel}: its source has $-math but no <mjx-container> was rendered"
            )
        for error in result.mjx_errors:
            problems.append(f"{rel}: MathJax error node <mjx-merror>: {error}")
        for tex in result.unrendered_math:
            problems.append(f"{rel}: math left as TeX source: {tex}")
    assert not problems, _report("math problems", problems)


def test_math_pages_detected(crawl):
    # Guards the check above against silently passing: the chapters with equations are seen as such.
    for rel in ("notation.html", "chapters/vanilla_rnn.html"):
        assert crawl[rel].source_has_math and crawl[rel].mjx_containers > 0, rel


def test_images_load(crawl):
    problems = [
        f"{rel}: {image['src']} (complete={image['complete']}, naturalWidth={image['naturalWidth']})"
        for rel, result in crawl.items()
        for image in result.images
        if not image["complete"] or image["naturalWidth"] == 0
    ]
    assert not problems, _report("images that did not load", problems)


def test_images_have_alt_text(crawl):
    problems = [
        f"{rel}: {image['src']}: {why}"
        for rel, result in crawl.items()
        for image in result.images
        if (why := site_harness.bad_alt(image))
    ]
    assert not problems, _report(
        "images without a real alt text (notebook figures: give the figure's cell "
        'metadata {"mystnb": {"image": {"alt": "..."}}})',
        problems,
    )


def test_solution_toggles_open(crawl):
    problems = []
    pages_with_solutions = 0
    for rel, result in crawl.items():
        if result.solutions:
            pages_with_solutions += 1
            solution_toggles = [t for t in result.toggles if "solution" in t.label]
            if len(solution_toggles) < result.solutions:
                problems.append(
                    f"{rel}: {result.solutions} .solution elements but {len(solution_toggles)} toggle buttons"
                )
        for toggle in result.toggles:
            if not toggle.ok:
                state = toggle.error or (
                    "content visible before the click"
                    if not toggle.hidden_before
                    else "content still hidden after the click"
                )
                problems.append(f"{rel}: {toggle.label}: {state}")
    assert pages_with_solutions > 0, (
        "no page has a .solution dropdown: the check would test nothing"
    )
    assert not problems, _report("toggles that do not open", problems)


def test_internal_links(crawl, site_server):
    problems = [str(p) for p in site_harness.check_links(crawl, site_server)]
    assert not problems, _report("broken internal links", problems)


@pytest.fixture(scope="module")
def page_snippets():
    """The text snippets the search page shows under its results (filled by search_forget_gate)."""
    return []


@pytest.fixture(scope="module")
def search_forget_gate(playwright_driver, site_server, tmp_path_factory, page_snippets):
    """search.html?q=forget+gate in a fresh browser: (result links, recorder of the page)."""
    context = site_harness.launch_context(
        playwright_driver, str(tmp_path_factory.mktemp("profile"))
    )
    try:
        site_harness.block_external(context)
        page = context.new_page()
        recorder = site_harness.Recorder(page)
        page.goto(site_server.url("search.html?q=forget+gate"), wait_until="load")
        # searchtools.js writes this summary when the search has finished (found or not).
        page.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary');"
            " return s && /finished|did not match/i.test(s.textContent); }",
            timeout=20_000,
        )
        hrefs = page.eval_on_selector_all(
            "#search-results ul.search li a", "els => els.map(a => a.href)"
        )
        # Snippets are filled in as each result page is fetched: wait for the first few.
        try:
            page.wait_for_function(
                "() => document.querySelectorAll('#search-results li p.context').length >= "
                "Math.min(3, document.querySelectorAll('#search-results li').length)",
                timeout=20_000,
            )
        except Exception:  # noqa: BLE001 - test_search_snippets_show_the_text reports it
            pass
        snippets = page.eval_on_selector_all(
            "#search-results li p.context", "els => els.map(p => p.textContent)"
        )
        page_snippets.extend(snippets)
        return hrefs, recorder
    finally:
        context.close()


def _pages_saying(phrase: str, pages: list[str], site_dir) -> list[str]:
    """The pages whose text (the article, tags stripped, spaces collapsed) contains ``phrase``."""
    found = []
    for rel in pages:
        html = (site_dir / rel).read_text(encoding="utf-8")
        start, end = html.find("<article"), html.rfind("</article>")
        text = re.sub(r"<[^>]+>", " ", html[start:end] if 0 <= start < end else html)
        if phrase in " ".join(unescape(text).split()).lower():
            found.append(rel)
    return found


def test_search_finds_forget_gate_in_lstm_chapter(
    search_forget_gate, site_pages, site_dir
):
    # Every page that says "forget gate" must be among the results; the LSTM chapter must say
    # it (its outline page does, and so must the notebook that replaces it).
    hrefs, _ = search_forget_gate
    found = {urllib.parse.urlsplit(h).path.lstrip("/") for h in hrefs}
    expected = set(_pages_saying("forget gate", site_pages, site_dir))
    assert "chapters/lstm.html" in expected, (
        "chapters/lstm.html does not contain the words 'forget gate'"
    )
    missing = sorted(expected - found)
    assert not missing, (
        f"search for 'forget gate' misses {missing}; it found {sorted(found)}"
    )


def test_search_page_has_no_console_errors_or_external_requests(search_forget_gate):
    _, recorder = search_forget_gate
    problems = (
        [f"console error: {m}" for m in recorder.console_errors]
        + [f"uncaught exception: {m}" for m in recorder.page_errors]
        + [f"request that left 127.0.0.1: {u}" for u in recorder.external_requests]
        + [f"failed local load: {b}" for b in recorder.bad_responses]
    )
    assert not problems, _report("search.html?q=forget+gate", problems)


THEME_BOILERPLATE = re.compile(
    r"Launch Binder|Colab|\.ipynb\s*\.pdf|Open issue|Print this page|Skip to main content"
)


def test_search_snippets_show_the_text(search_forget_gate, page_snippets):
    # A snippet quotes the page's article, not the theme's buttons around it.
    assert page_snippets, "the search page showed no text snippets under its results"
    bad = [s[:120] for s in page_snippets if THEME_BOILERPLATE.search(s)]
    assert not bad, _report("search snippets quoting the theme's buttons", bad)


@pytest.mark.parametrize("rel", ["chapters/vanilla_rnn.html", "notation.html"])
def test_screenshot(browser_page, site_server, site_dir, rel):
    """Full-page screenshots in _build/screenshots/, for humans to look at."""
    page, recorder = browser_page
    page.goto(site_server.url(rel), wait_until="load")
    site_harness.wait_for_mathjax(page)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    site_harness.SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    out = site_harness.SCREENSHOT_DIR / (
        rel.replace("/", "_").removesuffix(".html") + ".png"
    )
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000, f"{out} is suspiciously small"


# --- Navigation ---------------------------------------------------------------------------


@pytest.mark.parametrize("rel", ["chapters/lstm.html", "api/data.html"])
def test_menu_and_contents_buttons_open_and_close(playwright_driver, site_server, rel):
    # Phone: the menu button opens the table of contents, "contents" the page outline, and a
    # tap beside a drawer closes it. Laptop: the menu button hides the sidebar and shows it.
    problems = site_harness.check_navigation(playwright_driver, site_server, rel)
    assert not problems, _report(f"{rel}: navigation buttons", problems)


# --- Layout on a laptop and a phone -------------------------------------------------------


@pytest.fixture(scope="session")
def layouts(crawl, playwright_driver, site_server, site_pages, site_dir):
    """Measurements of every page (and the general index) at 1366 px and at 390 px."""
    laptop = {rel: r.layout for rel, r in crawl.items() if r.layout}
    indexes = site_harness.INDEX_PAGES
    laptop.update(
        site_harness.crawl_layout(
            playwright_driver, site_server, indexes, site_harness.LAPTOP, site_dir
        )
    )
    phone = site_harness.crawl_layout(
        playwright_driver,
        site_server,
        site_pages + indexes,
        site_harness.PHONE,
        site_dir,
    )
    return {"laptop": laptop, "phone": phone}


def test_no_raw_tex_in_article_text(crawl):
    # TeX source that reached the reader as text: a $$ fence after a text line, list items
    # made of "+ \frac..." lines, a $...$ MathJax never typeset.
    problems = [
        f"{rel}: {hit}"
        for rel, r in crawl.items()
        for hit in r.layout.get("rawTex", [])
    ]
    assert not problems, _report("raw TeX in the text of pages", problems)


@pytest.mark.parametrize("screen", ["laptop", "phone"])
def test_no_page_wider_than_the_screen(layouts, screen):
    problems = [
        f"{rel}: {m['pageWidth']} px wide at {m['viewportWidth']} px; "
        + "; ".join(m["tooWide"][:3])
        for rel, m in layouts[screen].items()
        if m["pageWidth"] > m["viewportWidth"] + 1
    ]
    assert not problems, _report(f"pages that scroll sideways on a {screen}", problems)


@pytest.mark.parametrize("screen", ["laptop", "phone"])
def test_no_clipped_inline_math(layouts, screen):
    # Clipped means part of a formula hidden with no way to scroll to it.
    problems = [
        f"{rel}: {tex}"
        for rel, m in layouts[screen].items()
        for tex in m["clippedMath"]
    ]
    assert not problems, _report(f"inline formulas cut off on a {screen}", problems)


def test_inline_math_fits_on_a_laptop(layouts):
    # A formula too long for a line of text belongs on its own line (display math).
    problems = [
        f"{rel}: {tex}"
        for rel, m in layouts["laptop"].items()
        for tex in m["scrollingInlineMath"]
    ]
    assert not problems, _report(
        "inline formulas wider than the text column at 1366 px", problems
    )


MAX_SCROLLING_CODE_SHARE = 0.05


def test_code_cells_fit_on_a_laptop(layouts):
    # Code is formatted to 88 columns (`make format`); at 1366 px at most 5% of the
    # chapters' code cells may still scroll sideways (a long string, a URL).
    chapters = {
        rel: m for rel, m in layouts["laptop"].items() if rel.startswith("chapters/")
    }
    total = sum(m["codeCells"] for m in chapters.values())
    scrolling = [
        f"{rel}: {cell}" for rel, m in chapters.items() for cell in m["scrollingCode"]
    ]
    assert total > 50, (
        f"only {total} code cells found in the chapters: the check would test nothing"
    )
    assert len(scrolling) <= MAX_SCROLLING_CODE_SHARE * total, _report(
        f"{len(scrolling)} of {total} code cells scroll sideways at 1366 px "
        f"(at most {MAX_SCROLLING_CODE_SHARE:.0%} may)",
        scrolling,
    )


def test_every_figure_has_a_caption(layouts):
    # Notebook figures get a numbered caption from the cell's metadata:
    # {"mystnb": {"figure": {"caption": "...", "name": "fig-..."}}}.
    laptop = layouts["laptop"]
    total = sum(m["figures"] for m in laptop.values())
    problems = [
        f"{rel}: {fig}" for rel, m in laptop.items() for fig in m["uncaptioned"]
    ]
    assert total > 0, "no notebook figure found: the check would test nothing"
    assert not problems, _report(f"figures without a caption (of {total})", problems)


def test_accessibility_of_the_content(crawl):
    # axe-core (axe-playwright-python's copy) on every page's article, solutions opened.
    problems = [f"{rel}: {v}" for rel, r in crawl.items() for v in r.axe]
    assert not problems, _report("axe-core violations in the course's pages", problems)


# --- What the site offers beyond its pages ------------------------------------------------


def test_download_menu_offers_the_notebook_archive(site_dir, crawl):
    import zipfile

    archive = site_dir / "downloads" / "rnn-course-notebooks.zip"
    assert archive.is_file(), f"{archive} is missing (written by _ext/course_site.py)"
    names = zipfile.ZipFile(archive).namelist()
    chapters = {
        n
        for n in names
        if n.startswith("rnn-course/chapters/") and n.endswith(".ipynb")
    }
    exercises = {n for n in names if n.startswith("rnn-course/exercises/")}
    assert len(chapters) >= 9, f"the archive has {len(chapters)} chapter notebooks"
    assert exercises, "the archive has no student exercise notebooks"
    assert not [n for n in exercises if "/source/" in n], (
        "the archive holds exercise solutions"
    )
    lstm = crawl["chapters/lstm.html"]
    assert any(
        link.endswith("downloads/rnn-course-notebooks.zip") for link in lstm.links
    ), "the download menu of chapters/lstm.html does not offer the notebook archive"
    pdf = site_dir / "downloads" / "rnn-course.pdf"
    if pdf.is_file():
        assert any(link.endswith("downloads/rnn-course.pdf") for link in lstm.links), (
            "the book's PDF is built but the download menu does not offer it"
        )


def test_page_furniture(site_dir):
    # Favicon, "edit this page", the last-updated date and the citation link, on every page.
    html = (site_dir / "chapters" / "lstm.html").read_text(encoding="utf-8")
    assert re.search(r'<link rel="(shortcut )?icon" href="[^"]*favicon\.svg"', html), (
        "no favicon"
    )
    assert "/edit/" in html and "chapters/lstm.ipynb" in html, (
        "no 'edit this page' link to the source"
    )
    assert re.search(r"Last updated on \d{1,2} \w+ \d{4}", html), (
        "no last-updated date in the footer"
    )
    assert 'href="../cite.html"' in html, "the footer does not link the citation page"
    assert (site_harness.REPO_ROOT / "CITATION.cff").is_file(), "no CITATION.cff"


def test_404_page(playwright_driver, site_dir, tmp_path):
    # Served as GitHub Pages serves it: the site under /rnn-course/, 404.html for a missing page.
    prefix = "/rnn-course/"
    assert (site_dir / "404.html").is_file(), "the build wrote no 404.html"
    with site_harness.SiteServer(site_dir, prefix=prefix) as server:
        context = site_harness.launch_context(
            playwright_driver, str(tmp_path / "profile")
        )
        try:
            site_harness.block_external(context)
            page = context.new_page()
            recorder = site_harness.Recorder(page)
            missing = server.url("chapters/no-such-chapter.html")
            response = page.goto(missing, wait_until="load")
            assert response.status == 404
            assert "Page not found" in page.inner_text("article")
            others = [b for b in recorder.bad_responses if missing not in b]
            assert not others, _report(
                "404 page: its styles and scripts did not load", others
            )
            # The browser logs the page's own 404 status as a console error; nothing else may fail.
            errors = [e for e in recorder.console_errors if missing not in e]
            assert not errors and not recorder.external_requests, (
                errors + recorder.external_requests
            )
            home = page.locator("article a[href$='intro.html']").first.get_attribute(
                "href"
            )
            assert server.status(urllib.parse.urljoin(missing, home)) == 200, home
        finally:
            context.close()


def test_no_test_markup_shown_to_readers(site_dir, site_pages):
    # nbval's markers belong in cell tags (metadata.tags), not in the code readers see.
    problems = []
    for rel in site_pages:
        html = (site_dir / rel).read_text(encoding="utf-8")
        text = unescape(re.sub(r"<[^>]+>", "", html))
        for match in re.finditer(r"#\s*NBVAL_\w+", text):
            problems.append(f"{rel}: {match.group(0)}")
    assert not problems, _report("nbval markers shown in the book's code", problems)
