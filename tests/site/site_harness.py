"""Helpers for the browser test of the built website (``tests/site/test_site.py``).

Nothing here builds the book: it serves an existing ``_build/html`` on 127.0.0.1,
drives Debian's Chromium through Playwright, and collects, for every page, what the
tests then assert on (console errors, requests, MathJax, images, toggles, links, ids).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# The site under test: _build/html (what `make book` writes), or another build's html folder
# (`jupyter-book build . --path-output DIR` writes DIR/_build/html) named by SITE_DIR.
SITE_DIR = Path(os.environ.get("SITE_DIR") or REPO_ROOT / "_build" / "html").resolve()
# Where the screenshot test writes its PNGs (outside the site, which it must not change).
SCREENSHOT_DIR = Path(
    os.environ.get("SITE_SCREENSHOT_DIR") or REPO_ROOT / "_build" / "screenshots"
).resolve()

# Which Chromium the test drives, first found wins: the CHROMIUM variable (a path), Debian's
# package, Playwright's own download (`python -m playwright install chromium`).
DEBIAN_CHROMIUM = "/usr/bin/chromium"
# As on the course's machines: no background traffic, no sandbox (root), fresh profile.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
LOCAL_HOST = "127.0.0.1"
# The two screens the site is read on: a laptop and a phone (CSS pixels).
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Pages of the book are every .html file but these (search is tested on its own).
SKIPPED_DIRS = {"_static", "_sources", "_images"}
# 404.html links absolutely, under the site's address on GitHub Pages: test_404_page serves it there.
SKIPPED_PAGES = {"genindex.html", "search.html", "404.html"}
# Pages checked for their width and layout besides the book's own.
INDEX_PAGES = ["genindex.html", "py-modindex.html"]

NAV_TIMEOUT_MS = 15_000
MATHJAX_TIMEOUT_MS = 15_000


def missing_site_message() -> str:
    return (
        f"The built website is missing: {SITE_DIR / 'index.html'} does not exist. "
        "Run `make book` first (the browser test builds nothing)."
    )


def discover_pages(site_dir: Path = SITE_DIR) -> list[str]:
    """Every page of the built book, as paths relative to the site root ('chapters/lstm.html')."""
    pages = []
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir)
        if rel.parts[0] in SKIPPED_DIRS or rel.as_posix() in SKIPPED_PAGES:
            continue
        pages.append(rel.as_posix())
    return pages


def redirect_target(html: str) -> str | None:
    """The target of a page that is only a <meta http-equiv="refresh"> (Jupyter Book's index.html)."""
    match = re.search(
        r"<meta\s+http-equiv=[\"']refresh[\"']\s+content=[\"']\s*\d+\s*;\s*url=([^\"']+)[\"']",
        html,
        re.IGNORECASE,
    )
    return match.group(1).strip() if match else None


# --- Does a page's source contain math? -------------------------------------------------

_FENCE = re.compile(r"^(```|~~~|:::).*?^\1\s*$", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_MATH = re.compile(r"\$\$|\$[^\s$][^$\n]*\$|\{math\}|\\begin\{(equation|align)")


def _markdown_of_source(source: Path) -> str:
    text = source.read_text(encoding="utf-8")
    if source.suffix == ".ipynb":
        cells = json.loads(text).get("cells", [])
        return "\n".join(
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells
            if c.get("cell_type") == "markdown"
        )
    # MyST markdown: drop code fences ({code-cell} and plain), but keep {math} directives.
    text = re.sub(r"^```\{math\}", "$$", text, flags=re.MULTILINE)
    return _FENCE.sub("", text)


def source_has_math(page: str, site_dir: Path = SITE_DIR) -> bool:
    """True if the page's source (as copied to _sources/) has $-math or a math directive."""
    stem = page[: -len(".html")]
    for suffix in (".md", ".ipynb", ".rst", ".txt"):
        source = site_dir / "_sources" / (stem + suffix)
        if source.exists():
            markdown = _INLINE_CODE.sub("", _markdown_of_source(source))
            return bool(_MATH.search(markdown))
    return False


# --- A local static server ---------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    timeout = 10  # seconds a connection may stay idle: no handler thread hangs forever

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # The browser drops connections it no longer needs (a page left mid-load): not an error.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class _HostedHandler(_QuietHandler):
    """Serves the site under a path prefix, and its 404.html for a missing page, as GitHub Pages does."""

    prefix = "/"

    def translate_path(self, path):
        if path.startswith(self.prefix):
            path = "/" + path[len(self.prefix) :]
        return super().translate_path(path)

    def send_error(self, code, message=None, explain=None):
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            return super().send_error(code, message, explain)
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class SiteServer:
    """``http.server`` serving a folder on 127.0.0.1, on a free port, in a daemon thread.

    With ``prefix`` ("/rnn-course/"), the site is served under that path, as on GitHub
    Pages, and a missing page gets the site's 404.html.
    """

    def __init__(self, directory: Path, prefix: str | None = None):
        if prefix is None:
            handler = functools.partial(_QuietHandler, directory=str(directory))
        else:
            hosted = type("_Hosted", (_HostedHandler,), {"prefix": prefix})
            handler = functools.partial(hosted, directory=str(directory))
        self.httpd = _Server((LOCAL_HOST, 0), handler)
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://{LOCAL_HOST}:{self.port}{prefix or '/'}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )

    def __enter__(self) -> "SiteServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def url(self, page: str) -> str:
        return urllib.parse.urljoin(self.base_url, page)

    def status(self, url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def read(self, url: str) -> str:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8", errors="replace")


class _IdParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


def static_ids(html: str) -> set[str]:
    parser = _IdParser()
    parser.feed(html)
    return parser.ids


# --- The browser -------------------------------------------------------------------------


def is_local(url: str) -> bool:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme in {
        "data",
        "blob",
        "about",
        "chrome",
        "chrome-extension",
        "devtools",
    }:
        return True
    return parsed.hostname == LOCAL_HOST


def _executable(path: str | None) -> bool:
    return bool(path) and os.path.isfile(path) and os.access(path, os.X_OK)


def install_command() -> str:
    """The one command that installs a Chromium the test can drive, on this system."""
    if Path("/usr/bin/apt-get").exists():
        prefix = "" if hasattr(os, "geteuid") and os.geteuid() == 0 else "sudo "
        return f"{prefix}apt-get update && {prefix}apt-get install -y chromium"
    return f"{sys.executable} -m playwright install chromium"


def find_chromium(playwright=None) -> str:
    """The Chromium to drive: $CHROMIUM, then Debian's package, then Playwright's own browser.

    Raises:
        FileNotFoundError: when none is there, naming the one command that installs one.
    """
    tried = []
    from_env = os.environ.get("CHROMIUM")
    if from_env:
        if _executable(from_env):
            return from_env
        tried.append(f"CHROMIUM={from_env} (not an executable file)")
    if _executable(DEBIAN_CHROMIUM):
        return DEBIAN_CHROMIUM
    tried.append(DEBIAN_CHROMIUM)
    if playwright is not None:
        try:
            bundled = playwright.chromium.executable_path
        except Exception:  # noqa: BLE001 - no browser registered with this Playwright
            bundled = ""
        if _executable(bundled):
            return bundled
        tried.append(bundled or "Playwright's own chromium")
    raise FileNotFoundError(
        "No Chromium for the browser test (tried "
        + ", ".join(tried)
        + "). Install one with:\n"
        f"    {install_command()}\n"
        "or point the CHROMIUM variable at a Chromium or Chrome binary."
    )


CHROMIUM: str | None = None  # set by the test's playwright fixture (find_chromium)


def launch_context(playwright, user_data_dir: str, viewport: dict | None = None):
    """A headless Chromium (see find_chromium) driven by Playwright, with a fresh profile."""
    global CHROMIUM
    if CHROMIUM is None:
        CHROMIUM = find_chromium(playwright)
    context = playwright.chromium.launch_persistent_context(
        user_data_dir,
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=viewport or LAPTOP,
        service_workers="block",
    )
    context.set_default_timeout(NAV_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAV_TIMEOUT_MS)
    return context


class Recorder:
    """Console errors, uncaught exceptions, external requests and failed local loads of one page."""

    def __init__(self, page):
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.external_requests: list[str] = []
        self.bad_responses: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("request", self._on_request)
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_failed)

    def reset(self) -> None:
        for records in (
            self.console_errors,
            self.page_errors,
            self.external_requests,
            self.bad_responses,
        ):
            records.clear()

    def _on_console(self, msg) -> None:
        if msg.type == "error":
            location = msg.location or {}
            where = (
                f" ({location.get('url', '')}:{location.get('lineNumber', '')})"
                if location.get("url")
                else ""
            )
            self.console_errors.append(msg.text + where)

    def _on_request(self, request) -> None:
        if not is_local(request.url):
            self.external_requests.append(request.url)

    def _on_response(self, response) -> None:
        if is_local(response.url) and response.status >= 400:
            self.bad_responses.append(f"{response.status} {response.url}")

    def _on_failed(self, request) -> None:
        if is_local(request.url):
            self.bad_responses.append(f"failed ({request.failure}) {request.url}")


def block_external(context) -> None:
    """Abort every request that would leave 127.0.0.1 (they are still recorded, and fail the test)."""
    context.route(
        lambda url: not is_local(url), lambda route: route.abort("blockedbyclient")
    )


def wait_for_mathjax(page) -> bool:
    """Wait for MathJax's first typeset to finish; False if the page does not load MathJax."""
    has_mathjax = page.evaluate(
        "() => Array.from(document.scripts).some(s => /mathjax/i.test(s.src))"
    )
    if not has_mathjax:
        return False
    page.wait_for_function(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
        timeout=MATHJAX_TIMEOUT_MS,
    )
    page.evaluate("() => MathJax.startup.promise.then(() => true)")
    return True


# What one page looked like, collected in the page (after MathJax).
_COLLECT_JS = """
() => {
  const tex = /\\\\\\(|\\\\\\[|\\$\\$|\\\\begin\\{/;
  const maths = Array.from(document.querySelectorAll('.math'));
  return {
    mjxContainers: document.querySelectorAll('mjx-container').length,
    mjxErrors: Array.from(document.querySelectorAll('mjx-merror'),
                          e => e.getAttribute('data-mjx-error') || e.textContent.slice(0, 80)),
    mathElements: maths.length,
    unrenderedMath: maths.filter(m => !m.querySelector('mjx-container') && tex.test(m.textContent))
                         .map(m => m.textContent.trim().slice(0, 80)),
    images: Array.from(document.images, img => ({
      src: img.getAttribute('src') || '',
      alt: img.getAttribute('alt'),
      complete: img.complete,
      naturalWidth: img.naturalWidth,
    })),
    links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
    ids: Array.from(document.querySelectorAll('[id]'), e => e.id)
           .concat(Array.from(document.querySelectorAll('a[name]'), a => a.name)),
    solutions: document.querySelectorAll('.solution').length,
  };
}
"""


@dataclass
class ToggleResult:
    label: str
    hidden_before: bool
    visible_after: bool
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.hidden_before and self.visible_after and not self.error


@dataclass
class PageResult:
    page: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    redirect: str | None = None
    landed_url: str = ""
    loads_mathjax: bool = False
    source_has_math: bool = False
    mjx_containers: int = 0
    mjx_errors: list[str] = field(default_factory=list)
    math_elements: int = 0
    unrendered_math: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    solutions: int = 0
    toggles: list[ToggleResult] = field(default_factory=list)
    layout: dict = field(default_factory=dict)  # measure_page, at the laptop's width
    axe: list[str] = field(default_factory=list)  # axe_violations in the article


def exercise_toggles(page) -> list[ToggleResult]:
    """Open every togglebutton dropdown (solutions, hidden cells) and every <details> in the text."""
    results = []
    buttons = page.locator(
        ".admonition.toggle > .admonition-title > button.toggle-button"
    )
    for i in range(buttons.count()):
        button = buttons.nth(i)
        admonition = button.locator("xpath=../..")
        label = (
            (admonition.get_attribute("id") or "")
            + ": "
            + admonition.locator(".admonition-title").inner_text().strip()
        )
        content = admonition.locator(":scope > .admonition-title ~ *").first
        try:
            hidden_before = content.is_hidden()
            button.click()
            content.wait_for(state="visible", timeout=3_000)
            results.append(ToggleResult(label, hidden_before, content.is_visible()))
        except Exception as exc:  # reported by the test, with the page
            results.append(
                ToggleResult(
                    label,
                    True,
                    False,
                    f"{type(exc).__name__}: {str(exc).splitlines()[0]}",
                )
            )
    # Only the page's own content: the theme's navigation sidebar also uses <details> for
    # its collapsible table of contents, which is no toggle of the text.
    details = page.locator("article.bd-article details")
    for i in range(details.count()):
        block = details.nth(i)
        label = (
            "details: " + block.locator(":scope > summary").inner_text().strip()[:60]
        )
        content = block.locator(":scope > :not(summary)").first
        try:
            hidden_before = not block.evaluate("d => d.open") and content.is_hidden()
            block.locator(":scope > summary").click()
            content.wait_for(state="visible", timeout=3_000)
            results.append(ToggleResult(label, hidden_before, content.is_visible()))
        except Exception as exc:
            results.append(
                ToggleResult(
                    label,
                    True,
                    False,
                    f"{type(exc).__name__}: {str(exc).splitlines()[0]}",
                )
            )
    return results


def check_page(
    page, recorder: Recorder, server: SiteServer, rel: str, site_dir: Path = SITE_DIR
) -> PageResult:
    recorder.reset()
    result = PageResult(rel)
    html = (site_dir / rel).read_text(encoding="utf-8")
    target = redirect_target(html)
    if target is not None:
        # A redirect-only page: check the browser lands on its target.
        result.redirect = target
        expected = urllib.parse.urljoin(server.url(rel), target)
        page.goto(server.url(rel), wait_until="load")
        own_errors = (list(recorder.console_errors), list(recorder.page_errors))
        try:
            page.wait_for_url(expected, timeout=5_000)
            page.wait_for_load_state("load")
        except Exception:  # noqa: BLE001 - the test reports where the browser ended up
            pass
        result.landed_url = page.url
        result.links = [expected]
        # What the target page itself logs is reported under the target's own name.
        recorder.console_errors[:], recorder.page_errors[:] = own_errors
    else:
        page.goto(server.url(rel), wait_until="load")
        result.loads_mathjax = wait_for_mathjax(page)
        result.source_has_math = source_has_math(rel, site_dir)
        data = page.evaluate(_COLLECT_JS)
        result.mjx_containers = data["mjxContainers"]
        result.mjx_errors = data["mjxErrors"]
        result.math_elements = data["mathElements"]
        result.unrendered_math = data["unrenderedMath"]
        result.images = data["images"]
        result.links = data["links"]
        result.ids = set(data["ids"])
        result.solutions = data["solutions"]
        result.toggles = exercise_toggles(page)
        result.layout = measure_page(page)
        result.axe = axe_violations(page)
    result.console_errors = list(recorder.console_errors)
    result.page_errors = list(recorder.page_errors)
    result.external_requests = list(recorder.external_requests)
    result.bad_responses = list(recorder.bad_responses)
    return result


def crawl(
    playwright, server: SiteServer, pages: list[str], site_dir: Path = SITE_DIR
) -> dict[str, PageResult]:
    with tempfile.TemporaryDirectory(prefix="site-test-chromium-") as profile:
        context = launch_context(playwright, profile)
        try:
            block_external(context)
            page = context.new_page()
            recorder = Recorder(page)
            return {
                rel: check_page(page, recorder, server, rel, site_dir) for rel in pages
            }
        finally:
            context.close()


# --- Links -------------------------------------------------------------------------------


@dataclass
class LinkProblem:
    source_page: str
    href: str
    problem: str

    def __str__(self) -> str:
        return f"{self.source_page}: {self.href} -> {self.problem}"


def check_links(
    results: dict[str, PageResult], server: SiteServer
) -> list[LinkProblem]:
    """Every same-origin link of every page: the file is served with 200, the fragment is an id there."""
    origin = urllib.parse.urlsplit(server.base_url)[:2]
    status_cache: dict[str, int] = {}
    ids_cache: dict[str, set[str]] = {}
    crawled = {server.url(rel): result for rel, result in results.items()}

    def ids_of(url: str) -> set[str]:
        if url in crawled and crawled[url].redirect is None:
            return crawled[
                url
            ].ids  # the ids as the browser saw them, after the page's scripts
        if url not in ids_cache:
            ids_cache[url] = static_ids(server.read(url))
        return ids_cache[url]

    problems = []
    for rel, result in results.items():
        for href in dict.fromkeys(result.links):  # unique, in page order
            parts = urllib.parse.urlsplit(href)
            if parts[:2] != origin:
                continue
            target = urllib.parse.urlunsplit(
                (parts.scheme, parts.netloc, parts.path, "", "")
            )
            if target not in status_cache:
                status_cache[target] = server.status(target)
            if status_cache[target] != 200:
                problems.append(LinkProblem(rel, href, f"HTTP {status_cache[target]}"))
                continue
            fragment = urllib.parse.unquote(parts.fragment)
            if (
                fragment
                and parts.path.endswith((".html", "/"))
                and fragment not in ids_of(target)
            ):
                problems.append(
                    LinkProblem(
                        rel, href, f"no element with id {fragment!r} on the target page"
                    )
                )
    return problems


def bad_alt(image: dict) -> str | None:
    """Why an image's alt text is not a description, or None if it is one."""
    alt = (image.get("alt") or "").strip()
    src = image.get("src", "")
    if not alt:
        return "empty alt" if image.get("alt") is not None else "no alt attribute"
    if (
        alt == src
        or re.search(r"\.(png|jpe?g|gif|svg|webp)$", alt, re.IGNORECASE)
        or "_images/" in alt
    ):
        return f"alt is a file path ({alt!r}), not a description"
    return None


# --- Navigation: the theme's menu and contents buttons -----------------------------------

PRIMARY_SIDEBAR = ".bd-sidebar-primary"
SECONDARY_SIDEBAR = ".bd-sidebar-secondary"

_IN_VIEW_JS = """
sel => {
  const el = document.querySelector(sel);
  if (!el) return false;
  const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  return s.display !== 'none' && s.visibility !== 'hidden' && Number(s.opacity) > 0.1
    && r.width > 100 && r.left < innerWidth - 100 && r.right > 100
    && r.top < innerHeight && r.bottom > 0;
}
"""


def in_view(page, selector: str) -> bool:
    """True when the element is on screen: shown, at least 100 px of it inside the viewport."""
    return bool(page.evaluate(_IN_VIEW_JS, selector))


def _wait_in_view(page, selector: str, wanted: bool, timeout_ms: int = 3_000) -> bool:
    try:
        page.wait_for_function(
            f"sel => ({_IN_VIEW_JS})(sel) === {str(wanted).lower()}",
            arg=selector,
            timeout=timeout_ms,
        )
        return True
    except Exception:  # noqa: BLE001 - the caller reports the state it found
        return False


def check_navigation(playwright, server: SiteServer, rel: str) -> list[str]:
    """Click the theme's buttons as a reader does; what did not open or close.

    On a phone (390 px) the menu button must slide in the table of contents and the
    "contents" button the page's outline, and tapping beside the drawer must close it.
    On a laptop (1366 px) the menu button must hide the sidebar and bring it back.
    """
    problems = []
    with tempfile.TemporaryDirectory(prefix="site-test-nav-") as profile:
        context = launch_context(playwright, profile, viewport=PHONE)
        try:
            block_external(context)
            page = context.new_page()
            page.goto(server.url(rel), wait_until="load")
            # The table of contents slides in from the left, the outline from the right.
            for button, drawer, beside_x, name in (
                (
                    "button.primary-toggle",
                    PRIMARY_SIDEBAR,
                    PHONE["width"] - 15,
                    "menu (table of contents)",
                ),
                (
                    "button.secondary-toggle",
                    SECONDARY_SIDEBAR,
                    15,
                    "contents (page outline)",
                ),
            ):
                if in_view(page, drawer):
                    problems.append(
                        f"phone: the {name} drawer is open before any click"
                    )
                    continue
                visible = page.locator(f"{button}:visible")
                if visible.count() == 0:
                    problems.append(f"phone: no visible {button} for the {name}")
                    continue
                visible.first.click()
                if not _wait_in_view(page, drawer, True):
                    problems.append(
                        f"phone: the {name} button does not open its drawer ({drawer})"
                    )
                    continue
                page.mouse.click(beside_x, PHONE["height"] // 2)
                if not _wait_in_view(page, drawer, False):
                    problems.append(
                        f"phone: tapping beside the open {name} drawer does not close it"
                    )
        finally:
            context.close()

        context = launch_context(playwright, profile + "-laptop", viewport=LAPTOP)
        try:
            block_external(context)
            page = context.new_page()
            page.goto(server.url(rel), wait_until="load")
            if not in_view(page, PRIMARY_SIDEBAR):
                problems.append("laptop: the sidebar is not shown when the page opens")
            else:
                toggle = page.locator("button.primary-toggle:visible")
                if toggle.count() == 0:
                    problems.append(
                        "laptop: no visible menu button (button.primary-toggle)"
                    )
                else:
                    toggle.first.click()
                    if not _wait_in_view(page, PRIMARY_SIDEBAR, False):
                        problems.append(
                            "laptop: the menu button does not hide the sidebar"
                        )
                    else:
                        page.locator("button.primary-toggle:visible").first.click()
                        if not _wait_in_view(page, PRIMARY_SIDEBAR, True):
                            problems.append(
                                "laptop: a second click on the menu button does not bring the sidebar back"
                            )
        finally:
            context.close()
    return problems


# --- Layout at a given screen width -------------------------------------------------------

# Measured in the page after MathJax, with every solution and hidden cell opened.
_LAYOUT_JS = r"""
() => {
  const vw = document.documentElement.clientWidth;
  const article = document.querySelector('article.bd-article') || document.body;
  const style = el => getComputedStyle(el);
  const scrolls = el => ['auto', 'scroll'].includes(style(el).overflowX);
  const clips = el => ['hidden', 'clip'].includes(style(el).overflowX);
  const describe = el => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    else if (el.classList.length) d += '.' + Array.from(el.classList).slice(0, 2).join('.');
    const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
    return text ? `${d} "${text}"` : d;
  };
  const heading = el => {
    // The nearest section heading before the element, to say where on the page it is.
    let s = el.closest('section');
    const h = s && s.querySelector(':scope > h1, :scope > h2, :scope > h3, :scope > h4');
    return h ? h.textContent.replace('#', '').trim().slice(0, 60) : '';
  };

  // 1. Is the page wider than the screen? Which elements stick out (outermost ones)?
  const pageWidth = document.documentElement.scrollWidth;
  const tooWide = [];
  if (pageWidth > vw + 1) {
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= vw + 1) continue;
      let a = el, contained = false;
      while (a && a !== document.documentElement) {
        // Fixed drawers (the phone's hidden sidebars) do not widen the page.
        if (style(a).position === 'fixed') { contained = true; break; }
        if (a !== el && (scrolls(a) || clips(a)) && a.getBoundingClientRect().right <= vw + 1) { contained = true; break; }
        a = a.parentElement;
      }
      const parentSticksOut = el.parentElement && el.parentElement.getBoundingClientRect().right > vw + 1;
      if (!contained && !parentSticksOut) tooWide.push(`${describe(el)} reaches ${Math.round(r.right)} px`);
      if (tooWide.length >= 8) break;
    }
  }

  // 2. Inline math: clipped (drawn beyond an ancestor that hides overflow) or scrolling.
  // The drawn formula is MathJax's <mjx-math>; its screen-reader copy (mjx-assistive-mml)
  // is invisible and is not measured.
  const drawn = c => c.querySelector(':scope > mjx-math') || c;
  const wider = c => drawn(c).getBoundingClientRect().width > c.clientWidth + 1;
  const clippedMath = [], scrollingInlineMath = [];
  for (const span of article.querySelectorAll('span.math')) {
    const c = span.querySelector('mjx-container');
    if (!c) continue;
    let mr = drawn(c).getBoundingClientRect();
    if (mr.width === 0) continue;  // in a closed toggle
    const tex = (span.getAttribute('data-tex') || c.getAttribute('aria-label') || span.textContent).slice(0, 60);
    let a = c, clipped = false;
    while (a && a !== article) {
      const ar = a.getBoundingClientRect();
      if (scrolls(a)) {
        mr = ar;  // what is wider than a scroll box can be scrolled to: from here on, the box counts
      } else if (clips(a) && (mr.right > ar.right + 1 || mr.left < ar.left - 1)) {
        clipped = true;
        break;
      }
      a = a.parentElement;
    }
    if (clipped) clippedMath.push(`${heading(span)}: ${tex}`);
    else if (wider(c)) scrollingInlineMath.push(`${heading(span)}: ${tex}`);
  }
  const display = Array.from(article.querySelectorAll('div.math mjx-container, mjx-container[display="true"]'))
                       .filter(c => c.getBoundingClientRect().width > 0);
  const scrollingDisplayMath = display.filter(wider).map(c => heading(c));

  // 3. Code cells and outputs that scroll sideways.
  const pres = sel => Array.from(article.querySelectorAll(sel)).filter(p => p.getBoundingClientRect().width > 0);
  const codeCells = pres('div.cell_input pre');
  const scrollingCode = codeCells.filter(p => p.scrollWidth > p.clientWidth + 1)
    .map(p => `${heading(p)}: ${(p.textContent.split('\n').find(l => l.length > 80) || '').trim().slice(0, 60)}`);
  const outputs = pres('div.cell_output pre');
  const scrollingOutputs = outputs.filter(p => p.scrollWidth > p.clientWidth + 1).map(p => heading(p));

  // 4. Figures of the notebooks without a caption.
  const figures = Array.from(article.querySelectorAll('div.cell_output img'));
  const uncaptioned = figures.filter(img => {
    const fig = img.closest('figure');
    const cap = fig && fig.querySelector('figcaption');
    return !(cap && cap.textContent.trim().length > 0);
  }).map(img => `${heading(img)}: ${(img.getAttribute('alt') || img.getAttribute('src') || '').slice(0, 60)}`);

  return {
    viewportWidth: vw, pageWidth, tooWide, clippedMath, scrollingInlineMath,
    displayMath: display.length, scrollingDisplayMath,
    codeCells: codeCells.length, scrollingCode, outputs: outputs.length, scrollingOutputs,
    figures: figures.length, uncaptioned,
  };
}
"""


# --- TeX that MathJax never saw, anywhere in the article's text ----------------------------

_ARTICLE_TEXT_JS = r"""
() => {
  const article = document.querySelector('article.bd-article') || document.body;
  const copy = article.cloneNode(true);
  copy.querySelectorAll('mjx-container, pre, code, kbd, samp, script, style, textarea, '
                        + '.highlight, .headerlink, mjx-assistive-mml').forEach(e => e.remove());
  return copy.textContent.replace(/\s+/g, ' ');
}
"""

_TEX_COMMANDS = (
    "frac|dfrac|begin|end|sum|prod|partial|nabla|mathbf|mathrm|mathcal|boldsymbol|operatorname"
    "|left|right|cdot|odot|otimes|circ|sigma|tanh|top|sqrt|alpha|beta|gamma|delta|epsilon"
    "|theta|lambda|eta|quad|qquad|leq|geq|approx|infty|hat|tilde|bar|text|mid|ldots|cdots"
)
RAW_TEX = re.compile(
    r"\$\$"  # a display-math fence left in the text
    r"|\\\(|\\\)|\\\[|\\\]"  # MathJax's own delimiters, unrendered
    rf"|\\(?:{_TEX_COMMANDS})(?![A-Za-z])"  # a TeX command
    r"|\$[^$\s][^$]{0,200}?[\\^_][^$]{0,200}?\$"  # $...$ with TeX inside, unrendered
)


def raw_tex_in_text(text: str) -> list[str]:
    """Each stretch of TeX source in a page's visible text, with a little context."""
    found, last_end = [], -1
    for m in RAW_TEX.finditer(text):
        if m.start() <= last_end:  # part of the stretch already reported
            last_end = m.end() + 120
            continue
        found.append(
            "..." + text[max(0, m.start() - 40) : m.end() + 60].strip() + "..."
        )
        last_end = m.end() + 120
    return found


def measure_page(page) -> dict:
    """The layout measurements and the raw-TeX scan of the page as it is now."""
    layout = page.evaluate(_LAYOUT_JS)
    layout["rawTex"] = raw_tex_in_text(page.evaluate(_ARTICLE_TEXT_JS))
    return layout


def crawl_layout(
    playwright,
    server: SiteServer,
    pages: list[str],
    viewport: dict,
    site_dir: Path = SITE_DIR,
) -> dict[str, dict]:
    """Every page at one screen size, toggles opened, measured (see measure_page)."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="site-test-layout-") as profile:
        context = launch_context(playwright, profile, viewport=viewport)
        try:
            block_external(context)
            page = context.new_page()
            for rel in pages:
                if (
                    redirect_target((site_dir / rel).read_text(encoding="utf-8"))
                    is not None
                ):
                    continue
                page.goto(server.url(rel), wait_until="load")
                wait_for_mathjax(page)
                exercise_toggles(page)
                results[rel] = measure_page(page)
        finally:
            context.close()
    return results


# --- Accessibility: axe-core on the course's own content -----------------------------------

# What axe checks: the page's article (the theme's navigation and header are the theme's).
AXE_CONTEXT = {"include": [["article.bd-article"]]}
# No CSSOM preload: axe fetches @import-ed stylesheets relative to the page, not to the
# stylesheet, and so asks for /basic.css, which is no file (a failed load the test would see).
AXE_OPTIONS = {"resultTypes": ["violations"], "preload": False}


def axe_violations(page) -> list[str]:
    """axe-core's violations in the article of the loaded page, one line per rule and element."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("() => !!document.querySelector('article.bd-article')"):
        return []
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate(
        "([ctx, opts]) => axe.run(ctx, opts)", [AXE_CONTEXT, AXE_OPTIONS]
    )
    return [
        f"{v['id']} ({v['impact']}): {', '.join(map(str, node['target']))[:100]}: {v['help']}"
        for v in results["violations"]
        for node in v["nodes"]
    ]
