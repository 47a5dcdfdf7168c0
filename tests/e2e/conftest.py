"""Real-browser fixtures: Debian's Chromium driven by Playwright, against a live server."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import IN_CI
from tests.e2e.journey import AXE, Journey

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which("chromium"):
        if IN_CI:
            pytest.fail("CI=true and Debian's chromium is not installed", pytrace=False)
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"],
    }


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        reason = "axe-core is not installed (make axe)"
        if IN_CI:
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


VIEWPORTS = {1280: {"width": 1280, "height": 800}, 375: {"width": 375, "height": 812}}


@pytest.fixture(params=sorted(VIEWPORTS), ids=lambda width: f"{width}px")
def width(request: pytest.FixtureRequest, page) -> int:
    """Every journey runs on a desktop screen and on a phone."""
    page.set_viewport_size(VIEWPORTS[request.param])
    return request.param


@pytest.fixture
def journey(page, live_server, width, axe_source, pytestconfig):
    page.set_default_timeout(10_000)  # every page answers in well under a second
    screenshots = Path(pytestconfig.getoption("--output")) / "screenshots"

    def start(name: str) -> Journey:
        return Journey(page, live_server, name, width, axe_source, screenshots)

    return start


@pytest.fixture
def jobs_inline(app):
    """Background jobs run as soon as they are queued, in the request that queues them."""
    app.extensions["huey"].immediate = True
    yield
    app.extensions["huey"].immediate = False


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}
