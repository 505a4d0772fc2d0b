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
        "intro.html", "notation.html", "chapters/vanilla_rnn.html", "chapters/lstm.html",
        "glossary.html", "api.html", "api/scratch.html", "bibliography.html",
    ):
        assert expected in site_pages


def test_no_console_errors(crawl):
    problems = [
        f"{rel}: {kind}: {message}"
        for rel, result in crawl.items()
        for kind, messages in (("console error", result.console_errors), ("uncaught exception", result.page_errors))
        for message in messages
    ]
    assert not problems, _report("pages with console errors", problems)


def test_no_failed_local_loads(crawl):
    problems = [f"{rel}: {bad}" for rel, result in crawl.items() for bad in result.bad_responses]
    assert not problems, _report("local resources that failed to load", problems)


def test_no_external_requests(crawl):
    # The site must work offline: every script, style, font and image comes from the site itself.
    problems = [f"{rel}: {url}" for rel, result in crawl.items() for url in result.external_requests]
    assert not problems, _report("requests that left 127.0.0.1", problems)


def test_redirects_land(crawl, site_server):
    # index.html is a <meta refresh> to the first page: the browser must arrive there.
    for rel, result in crawl.items():
        if result.redirect is not None:
            expected = urllib.parse.urljoin(site_server.url(rel), result.redirect)
            assert result.landed_url == expected, f"{rel} redirected to {result.landed_url}, not {expected}"


def test_math_rendered_by_mathjax(crawl):
    problems = []
    for rel, result in crawl.items():
        if result.redirect is not None:
            continue
        if result.source_has_math and not result.loads_mathjax:
            problems.append(f"{rel}: its source has $-math but the page does not load MathJax")
        if result.source_has_math and result.mjx_containers == 0:
            problems.append(f"{rel}: its source has $-math but no <mjx-container> was rendered")
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
                problems.append(f"{rel}: {result.solutions} .solution elements but {len(solution_toggles)} toggle buttons")
        for toggle in result.toggles:
            if not toggle.ok:
                state = toggle.error or (
                    "content visible before the click" if not toggle.hidden_before else "content still hidden after the click"
                )
                problems.append(f"{rel}: {toggle.label}: {state}")
    assert pages_with_solutions > 0, "no page has a .solution dropdown: the check would test nothing"
    assert not problems, _report("toggles that do not open", problems)


def test_internal_links(crawl, site_server):
    problems = [str(p) for p in site_harness.check_links(crawl, site_server)]
    assert not problems, _report("broken internal links", problems)


@pytest.fixture(scope="module")
def search_forget_gate(playwright_driver, site_server, tmp_path_factory):
    """search.html?q=forget+gate in a fresh browser: (result links, recorder of the page)."""
    context = site_harness.launch_context(playwright_driver, str(tmp_path_factory.mktemp("profile")))
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
        hrefs = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(a => a.href)")
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


def test_search_finds_forget_gate_in_lstm_chapter(search_forget_gate, site_pages, site_dir):
    # Every page that says "forget gate" must be among the results; the LSTM chapter must say
    # it (its outline page does, and so must the notebook that replaces it).
    hrefs, _ = search_forget_gate
    found = {urllib.parse.urlsplit(h).path.lstrip("/") for h in hrefs}
    expected = set(_pages_saying("forget gate", site_pages, site_dir))
    assert "chapters/lstm.html" in expected, "chapters/lstm.html does not contain the words 'forget gate'"
    missing = sorted(expected - found)
    assert not missing, f"search for 'forget gate' misses {missing}; it found {sorted(found)}"


def test_search_page_has_no_console_errors_or_external_requests(search_forget_gate):
    _, recorder = search_forget_gate
    problems = (
        [f"console error: {m}" for m in recorder.console_errors]
        + [f"uncaught exception: {m}" for m in recorder.page_errors]
        + [f"request that left 127.0.0.1: {u}" for u in recorder.external_requests]
        + [f"failed local load: {b}" for b in recorder.bad_responses]
    )
    assert not problems, _report("search.html?q=forget+gate", problems)


@pytest.mark.parametrize("rel", ["chapters/vanilla_rnn.html", "notation.html"])
def test_screenshot(browser_page, site_server, site_dir, rel):
    """Full-page screenshots in _build/screenshots/, for humans to look at."""
    page, recorder = browser_page
    page.goto(site_server.url(rel), wait_until="load")
    site_harness.wait_for_mathjax(page)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    site_harness.SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    out = site_harness.SCREENSHOT_DIR / (rel.replace("/", "_").removesuffix(".html") + ".png")
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000, f"{out} is suspiciously small"
