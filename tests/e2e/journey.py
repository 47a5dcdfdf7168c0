"""One step of a browser journey: the page fits the width, its content stays readable,
axe-core finds nothing serious, and a full-page screenshot is kept for a human to look at."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "e2e" / "node_modules" / "axe-core" / "axe.min.js"
NARROW = 576  # Bootstrap's "sm" breakpoint: below it, lists become stacked cards

# Elements of <main> that must lie wholly inside the viewport, never behind a horizontal
# scroll: headings, the key column of every list (its row headers), every cell of a list
# that stacks into cards, and both sides of a pair under review.
KEY_CONTENT = ("main h1, main table th[scope=row], main .table-stack > tbody > tr > *, "
               "main .pair-side")

_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  // axe leaves empty style attributes behind; htmx would copy them onto swapped elements,
  // which the CSP refuses: leave the page as the application made it.
  document.querySelectorAll("[style='']").forEach(e => e.removeAttribute("style"));
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .flatMap(v => v.nodes.map(n => `${v.id} (${v.impact}): ${n.target.join(" ")}`));
}"""

_OUTSIDE = """([selector, width]) => [...document.querySelectorAll(selector)]
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden"
               && !e.closest(".visually-hidden, .visually-hidden-focusable"))
  .map(e => [e, e.getBoundingClientRect()])
  .filter(([e, r]) => r.left < -0.5 || r.right > width + 0.5)
  .map(([e, r]) => `${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 40)}" `
                   + `spans ${Math.round(r.left)}..${Math.round(r.right)}px`)"""

_REPEATED_IDS = """() => {
  const seen = new Map();
  for (const e of document.querySelectorAll("[id]")) seen.set(e.id, (seen.get(e.id) || 0) + 1);
  return [...seen].filter(([id, n]) => n > 1).map(([id, n]) => `${id} (${n} times)`);
}"""


@dataclass
class Journey:
    page: Page
    base: str
    name: str
    width: int
    axe_source: str
    screenshots: Path  # <pytest-playwright's --output, test-results by default>/screenshots
    errors: list[str] = field(default_factory=list)  # the console's, CSP violations included

    def __post_init__(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message: ConsoleMessage) -> None:
        # A form sent back with its errors answers 422: the page's own status is no error.
        own_status = (message.text.startswith("Failed to load resource")
                      and message.location.get("url") == self.page.url)
        if message.type == "error" and not own_status:
            self.errors.append(message.text)

    def go(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")

    def check(self, step: str) -> None:
        """Run every check on the page as it is now; the screenshot is taken first, so that a
        failure can be looked at."""
        page = self.page
        page.wait_for_load_state("load")
        self.screenshots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=self.screenshots / f"{self.name}-{step}-{self.width}.png", full_page=True)
        where = f"{self.name}/{step} at {self.width}px ({page.url})"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{where}: the page overflows sideways by {overflow}px"
        outside = page.evaluate(_OUTSIDE, [KEY_CONTENT, page.evaluate("window.innerWidth")])
        assert outside == [], f"{where}: content hidden sideways: {outside}"
        errors, self.errors[:] = self.errors[:], []
        assert errors == [], f"{where}: errors in the browser's console: {errors}"
        repeated = page.evaluate(_REPEATED_IDS)
        assert repeated == [], f"{where}: ids used more than once: {repeated}"
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(self.axe_source)  # through the debugging protocol: the page's CSP stays strict
        violations = page.evaluate(_AXE_RUN)
        assert violations == [], f"{where}: axe-core violations:\n  " + "\n  ".join(violations)


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/auth/login")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("load")  # the scripts (Bootstrap's menu) have run


def open_menu(page: Page) -> None:
    """On a phone the navigation hides behind its toggle button."""
    toggle = page.get_by_role("button", name="Afficher le menu")
    if toggle.is_visible():
        toggle.click()
        page.locator("#main-nav.collapse.show").wait_for()  # the opening has ended


def sign_out(page: Page) -> None:
    open_menu(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()
