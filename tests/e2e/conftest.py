"""Fixtures for the browser tests: headless Chromium driven by Playwright, a static server for the
built site, and a record of every request the pages make.

Chromium: ``$CHROMIUM`` if set, else Debian's ``chromium`` on the PATH (``.ci/run`` installs it),
else Playwright's own build (``playwright install chromium``).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from urllib.parse import urlsplit

import pytest
from e2e_paths import SITE

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate:
            return candidate
    return None  # let Playwright look for its own download


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(
                executable_path=chromium_path(),
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"],
            )
        except Error as e:
            pytest.fail(
                "no Chromium to run the browser tests: install Debian's `chromium` "
                "(apt-get install chromium), set CHROMIUM=/path/to/chrome, or run "
                f"`.venv/bin/playwright install chromium`.\n{e}"
            )
        yield browser
        browser.close()


class RequestLog:
    """Every request a page makes; any to a host other than this machine is aborted and kept."""

    def __init__(self):
        self.external: list[str] = []
        self.failed: list[str] = []

    def attach(self, context) -> None:
        def route(r):
            host = urlsplit(r.request.url).hostname or ""
            if r.request.url.startswith(("data:", "blob:", "about:")) or host in LOOPBACK:
                r.continue_()
            else:
                self.external.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        context.on("requestfailed", lambda req: self.failed.append(req.url))
        context.on(
            "response",
            lambda res: res.status >= 400 and self.failed.append(f"{res.status} {res.url}"),
        )


@pytest.fixture
def context(browser):
    log = RequestLog()
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    log.attach(ctx)
    ctx.request_log = log
    yield ctx
    ctx.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url():
    if not (SITE / "index.html").is_file():
        pytest.fail("build/site is missing: run `make site` first (make e2e does)")
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
