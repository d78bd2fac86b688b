"""axe-core (WCAG 2.2 A and AA rules) over a page at desktop and phone widths, with a screenshot of
each: the pages' accessibility audit and the README's pictures come from the same run."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

SCREENSHOTS = Path(__file__).resolve().parents[2] / ".idp-test" / "screenshots"
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
         "resultTypes": ["violations"]}
_AXE = Axe()


def audit(page: Page, name: str) -> list[str]:
    """Violations on the page as it is now, at each width, as readable lines (empty when clean)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found: list[str] = []
    original = page.viewport_size
    try:
        for width, size in WIDTHS.items():
            page.set_viewport_size(size)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
            for violation in _AXE.run(page, options=RULES).response["violations"]:
                targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
                found.append(f"{name} ({width}): {violation['id']}: {violation['help']} at {targets}")
    finally:
        if original:
            page.set_viewport_size(original)
    return found


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching selector has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key on {page.url}")
