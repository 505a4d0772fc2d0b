"""Fixtures of the browser test: the built site, a local server, one Chromium, one crawl.

The browser test is marked ``site`` (the marker is declared in pyproject.toml); ``make
site-test`` runs it on the built book (``pytest -m site tests/site``), ``make test`` right
after the strict build, and the plain unit-test run leaves it out (``-m "not site"``).
``SITE_DIR=/path/to/_build/html`` points it at another build.
"""

from __future__ import annotations

import pytest

import site_harness


@pytest.fixture(scope="session")
def site_dir():
    if not (site_harness.SITE_DIR / "index.html").is_file():
        pytest.fail(site_harness.missing_site_message(), pytrace=False)
    return site_harness.SITE_DIR


@pytest.fixture(scope="session")
def site_server(site_dir):
    with site_harness.SiteServer(site_dir) as server:
        yield server


@pytest.fixture(scope="session")
def playwright_driver():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "The Python package playwright is missing: install the dev extras "
            "(`make env`), and Chromium with `bash tools/site_deps.sh`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        try:
            site_harness.CHROMIUM = site_harness.find_chromium(playwright)
        except FileNotFoundError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield playwright


@pytest.fixture(scope="session")
def site_pages(site_dir):
    pages = site_harness.discover_pages(site_dir)
    assert pages, f"no pages found in {site_dir}"
    return pages


@pytest.fixture(scope="session")
def crawl(playwright_driver, site_server, site_pages, site_dir):
    """Every page loaded once in Chromium; what each page showed, by page path."""
    return site_harness.crawl(playwright_driver, site_server, site_pages, site_dir)


@pytest.fixture()
def browser_page(playwright_driver, tmp_path):
    """A fresh page (fresh profile) with its recorder, for the search and screenshot tests."""
    context = site_harness.launch_context(playwright_driver, str(tmp_path / "profile"))
    try:
        site_harness.block_external(context)
        page = context.new_page()
        yield page, site_harness.Recorder(page)
    finally:
        context.close()
